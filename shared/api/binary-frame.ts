/**
 * Binary reply frames on the bridge. A reply holding typed arrays travels as a JSON header (the
 * reply with each array replaced by a placeholder `{$array: index, dtype, length}`) plus the raw
 * little-endian bytes of the arrays, each starting 8-byte aligned so the receiver views them in
 * place. A frame is
 *
 *   [u32 LE header length][header JSON, utf-8][zero padding to 8][payload chunk]
 *
 * and a payload over `chunkBytes` is split over several frames (seq 0…frames−1, in order), so one
 * large volume does not hold the socket for others and the renderer can report progress. Frame 0
 * carries the reply and the array table; later frames carry only {id, seq, offset}.
 * The JSON cap (MAX_MESSAGE_BYTES) bounds headers; payloads have their own bound.
 */
import { DTYPES, dtypeOf, isDType, type AnyTypedArray, type DType } from './typed-array.js';
import { MAX_MESSAGE_BYTES } from './wire.js';

/** Payload bytes per frame: small enough to interleave replies, large enough to keep frame overhead negligible. */
export const BINARY_CHUNK_BYTES = 256 * 1024;
/** Largest payload of one reply (a 512³ float32 volume is 512 MiB: such data is read in slices). */
export const MAX_BINARY_PAYLOAD_BYTES = 256 * 1024 * 1024;

const ALIGN = 8;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface ArrayEntry {
  dtype: DType;
  length: number;
  /** Byte offset in the reassembled payload (a multiple of 8). */
  offset: number;
}

interface FrameHeader {
  $binary: 1;
  id: number | null;
  seq: number;
  frames: number;
  /** Byte offset of this frame's chunk in the payload. */
  offset: number;
  /** Frame 0 only: the whole payload's size, the reply with placeholders and the array table. */
  payloadBytes?: number;
  reply?: unknown;
  arrays?: ArrayEntry[];
}

export class BinaryFrameError extends Error {
  constructor(message: string) {
    super(`binary reply: ${message}`);
    this.name = 'BinaryFrameError';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Whether a value (a reply) holds a typed array anywhere in its plain objects and arrays. */
export function hasTypedArrays(value: unknown): boolean {
  // Primitives first: JSON replies can hold hundreds of thousands of numbers (an overview).
  if (typeof value !== 'object' || value === null) return false;
  if (dtypeOf(value)) return true;
  if (Array.isArray(value)) return value.some(hasTypedArrays);
  if (isPlainObject(value)) return Object.values(value).some(hasTypedArrays);
  return false;
}

/** The reply with its typed arrays swapped for placeholders, and the arrays in placeholder order. */
export function extractArrays(value: unknown, arrays: AnyTypedArray[] = []): { json: unknown; arrays: AnyTypedArray[] } {
  const walk = (v: unknown): unknown => {
    const dtype = dtypeOf(v);
    if (dtype) {
      const array = v as AnyTypedArray;
      arrays.push(array);
      return { $array: arrays.length - 1, dtype, length: array.length };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) out[key] = walk(item);
      return out;
    }
    return v;
  };
  return { json: walk(value), arrays };
}

/** Bytes of an array as little-endian (a copy with swapped elements on a big-endian host). */
function littleEndianBytes(array: AnyTypedArray): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return LITTLE_ENDIAN_HOST || array.BYTES_PER_ELEMENT === 1 ? bytes : swapped(bytes, array.BYTES_PER_ELEMENT);
}

function swapped(bytes: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j]!;
  return out;
}

export interface EncodedReply {
  /** The header of frame 0 without the payload (for its size check) and the frames to send, in order. */
  frames: Uint8Array[];
  payloadBytes: number;
}

/**
 * Encodes a reply as binary frames. `headerJson` lets the bridge serialise the placeholder reply in
 * slices (reply-json.ts); by default it is JSON.stringify. Throws BinaryFrameError when the header
 * or the payload is over its bound.
 */
export async function encodeBinaryReply(
  id: number | null,
  reply: unknown,
  options: { chunkBytes?: number; headerJson?: (value: unknown) => Promise<string> | string } = {},
): Promise<EncodedReply> {
  const chunkBytes = options.chunkBytes ?? BINARY_CHUNK_BYTES;
  const { json, arrays } = extractArrays(reply);
  const table: ArrayEntry[] = [];
  let payloadBytes = 0;
  for (const array of arrays) {
    table.push({ dtype: dtypeOf(array)!, length: array.length, offset: payloadBytes });
    payloadBytes = align(payloadBytes + array.byteLength);
  }
  if (payloadBytes > MAX_BINARY_PAYLOAD_BYTES) {
    throw new BinaryFrameError(`payload of ${payloadBytes} bytes is over the ${MAX_BINARY_PAYLOAD_BYTES}-byte bound`);
  }
  const payload = new Uint8Array(payloadBytes);
  arrays.forEach((array, i) => payload.set(littleEndianBytes(array), table[i]!.offset));
  const frameCount = Math.max(1, Math.ceil(payloadBytes / chunkBytes));
  const frames: Uint8Array[] = [];
  for (let seq = 0; seq < frameCount; seq++) {
    const offset = seq * chunkBytes;
    const header: FrameHeader = { $binary: 1, id, seq, frames: frameCount, offset };
    if (seq === 0) Object.assign(header, { payloadBytes, reply: json, arrays: table });
    const text = seq === 0 && options.headerJson ? await options.headerJson(header) : JSON.stringify(header);
    frames.push(frame(text, payload.subarray(offset, Math.min(payloadBytes, offset + chunkBytes))));
  }
  return { frames, payloadBytes };
}

function frame(headerText: string, chunk: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(headerText);
  if (header.length > MAX_MESSAGE_BYTES) throw new BinaryFrameError(`header of ${header.length} bytes is over the ${MAX_MESSAGE_BYTES}-byte JSON cap`);
  const start = align(4 + header.length);
  const out = new Uint8Array(start + chunk.length);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(chunk, start);
  return out;
}

/** One frame split into its header and payload chunk; throws BinaryFrameError on a short or corrupt frame. */
export function parseFrame(data: ArrayBuffer | Uint8Array): { header: FrameHeader; chunk: Uint8Array } {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 4) throw new BinaryFrameError(`frame of ${bytes.length} bytes is too short for its header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0, true);
  if (headerLength > MAX_MESSAGE_BYTES) throw new BinaryFrameError(`header of ${headerLength} bytes is over the ${MAX_MESSAGE_BYTES}-byte JSON cap`);
  if (4 + headerLength > bytes.length) throw new BinaryFrameError(`frame of ${bytes.length} bytes is cut short: its header alone is ${headerLength} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + headerLength)));
  } catch {
    throw new BinaryFrameError('frame header is not valid JSON');
  }
  const h = header as Partial<FrameHeader> | null;
  const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (!h || h.$binary !== 1 || !count(h.seq) || !count(h.frames) || !count(h.offset) || h.seq >= h.frames || !(h.id === null || count(h.id))) {
    throw new BinaryFrameError('frame header lacks $binary, id, seq, frames or offset');
  }
  const start = align(4 + headerLength);
  return { header: h as FrameHeader, chunk: bytes.subarray(Math.min(start, bytes.length)) };
}

/** Checks frame 0's array table against its payload size: each array in bounds, aligned, a known dtype. */
function checkTable(arrays: unknown, payloadBytes: number): ArrayEntry[] {
  if (!Array.isArray(arrays)) throw new BinaryFrameError('frame 0 has no array table');
  for (const [i, entry] of arrays.entries()) {
    const e = entry as Partial<ArrayEntry> | null;
    if (!e || !isDType(e.dtype) || !Number.isInteger(e.length) || !Number.isInteger(e.offset) || e.length! < 0 || e.offset! < 0) {
      throw new BinaryFrameError(`array ${i} has a bad entry in the table`);
    }
    if (e.offset! % ALIGN !== 0) throw new BinaryFrameError(`array ${i} is not 8-byte aligned (offset ${e.offset})`);
    const end = e.offset! + e.length! * DTYPES[e.dtype].BYTES_PER_ELEMENT;
    if (end > payloadBytes) throw new BinaryFrameError(`array ${i} (${e.length} ${e.dtype}) runs past the ${payloadBytes}-byte payload`);
  }
  return arrays as ArrayEntry[];
}

/** Rebuilds the reply from its placeholders and the reassembled payload (views, not copies, on little-endian hosts). */
export function restoreArrays(json: unknown, table: readonly ArrayEntry[], payload: ArrayBuffer): unknown {
  const views = table.map((entry): AnyTypedArray => {
    const Ctor = DTYPES[entry.dtype];
    if (LITTLE_ENDIAN_HOST || Ctor.BYTES_PER_ELEMENT === 1) return new Ctor(payload, entry.offset, entry.length);
    const bytes = swapped(new Uint8Array(payload, entry.offset, entry.length * Ctor.BYTES_PER_ELEMENT), Ctor.BYTES_PER_ELEMENT);
    return new Ctor(bytes.buffer, 0, entry.length);
  });
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      if ('$array' in v) {
        const index = v.$array;
        const view = typeof index === 'number' ? views[index] : undefined;
        if (!view) throw new BinaryFrameError(`placeholder names array ${String(index)}, which the table does not have`);
        if (v.dtype !== table[index as number]!.dtype || v.length !== view.length) {
          throw new BinaryFrameError(`placeholder of array ${String(index)} disagrees with the table`);
        }
        return view;
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) out[key] = walk(item);
      return out;
    }
    return v;
  };
  return walk(json);
}

export interface Progress {
  receivedBytes: number;
  totalBytes: number;
}

interface Partial0 {
  reply: unknown;
  arrays: ArrayEntry[];
  payload: Uint8Array<ArrayBuffer>;
  frames: number;
  nextSeq: number;
  received: number;
}

export type FrameOutcome =
  | { kind: 'progress'; id: number | null; progress: Progress }
  | { kind: 'complete'; id: number | null; reply: unknown; progress: Progress };

/**
 * Reassembles replies from their frames. Frames of one reply arrive in order (one socket), but
 * frames of different replies may interleave. A frame out of order, a chunk at the wrong offset
 * or of the wrong size throws BinaryFrameError (with the reply's id, so its call can fail
 * clearly) and drops that reply.
 */
export class FrameAssembler {
  private readonly partial = new Map<number | null, Partial0>();

  push(data: ArrayBuffer | Uint8Array): FrameOutcome {
    const { header, chunk } = parseFrame(data);
    const id = header.id;
    try {
      return this.accept(header, chunk);
    } catch (error) {
      this.partial.delete(id);
      if (error instanceof BinaryFrameError) throw Object.assign(error, { replyId: id });
      throw error;
    }
  }

  /** Forgets a reply in flight (its call was abandoned, the socket closed). */
  drop(id: number | null): void {
    this.partial.delete(id);
  }

  private accept(header: FrameHeader, chunk: Uint8Array): FrameOutcome {
    const id = header.id;
    let state = this.partial.get(id);
    if (header.seq === 0) {
      const total = header.payloadBytes;
      if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) throw new BinaryFrameError('frame 0 has no payload size');
      if (total > MAX_BINARY_PAYLOAD_BYTES) throw new BinaryFrameError(`payload of ${total} bytes is over the ${MAX_BINARY_PAYLOAD_BYTES}-byte bound`);
      if (header.reply === undefined) throw new BinaryFrameError('frame 0 has no reply');
      state = { reply: header.reply, arrays: checkTable(header.arrays, total), payload: new Uint8Array(total), frames: header.frames, nextSeq: 0, received: 0 };
      this.partial.set(id, state);
    }
    if (!state) throw new BinaryFrameError(`frame ${header.seq} of reply ${String(id)} arrived without its frame 0`);
    if (header.seq !== state.nextSeq || header.frames !== state.frames) {
      throw new BinaryFrameError(`frame ${header.seq}/${header.frames} of reply ${String(id)} arrived out of order (expected ${state.nextSeq}/${state.frames})`);
    }
    if (header.offset !== state.received || header.offset + chunk.length > state.payload.length) {
      throw new BinaryFrameError(`frame ${header.seq} of reply ${String(id)} carries bytes ${header.offset}–${header.offset + chunk.length} of a ${state.payload.length}-byte payload (expected from ${state.received})`);
    }
    const last = header.seq === state.frames - 1;
    if (last && header.offset + chunk.length !== state.payload.length) {
      throw new BinaryFrameError(`reply ${String(id)} is cut short: ${header.offset + chunk.length} of ${state.payload.length} payload bytes`);
    }
    state.payload.set(chunk, header.offset);
    state.received += chunk.length;
    state.nextSeq++;
    const progress = { receivedBytes: state.received, totalBytes: state.payload.length };
    if (!last) return { kind: 'progress', id, progress };
    this.partial.delete(id);
    return { kind: 'complete', id, reply: restoreArrays(state.reply, state.arrays, state.payload.buffer), progress };
  }
}
