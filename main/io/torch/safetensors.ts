/**
 * safetensors (Hugging Face's tensor file format), read and written as its README specifies:
 *
 *   8 bytes   N, the header's length, unsigned little-endian
 *   N bytes   a UTF-8 JSON object: each tensor's name → {"dtype", "shape", "data_offsets": [begin, end]}
 *             (offsets relative to the byte after the header), and an optional "__metadata__" map
 *             of strings to strings; it starts with "{" and may end in spaces (0x20)
 *   the rest  the tensors' bytes, little-endian, C order
 *
 * The reader enforces what the reference implementation enforces, so a file it accepts is one any
 * safetensors reader accepts: the header at most 100 MB and inside the file, each tensor's byte
 * count equal to its shape × dtype size, the tensors' ranges back to back from 0 with no hole and
 * together covering the byte buffer exactly (no hidden bytes). Every number is checked before it
 * sizes anything. Duplicate names: JSON.parse keeps the last; the dropped tensor's range then
 * leaves a hole, which is refused.
 *
 * The writer pads the header with spaces to a multiple of 8 bytes, as the reference does, so
 * float32 data starts aligned for readers that map the file. It keeps the caller's tensor order
 * (the reference sorts by name; the format leaves order free).
 */
import { FormatError, ValidationError } from '../../errors.js';
import { checkAllocation, checkShape } from '../allocation.js';
import { assertLittleEndianHost, materialise, type NamedTensor } from './tensor.js';
import type { TorchDtype } from './pickle.js';

/** The reference implementation's limit on the header (MAX_HEADER_SIZE). */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

const DTYPES: Readonly<Record<string, TorchDtype>> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/** Types in the spec we do not decode (no model Cajal reads uses them), named in the refusal. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  U16: 'unsigned 16-bit integers',
  U32: 'unsigned 32-bit integers',
  U64: 'unsigned 64-bit integers',
  C64: 'complex numbers',
  F8_E5M2: '8-bit floats',
  F8_E4M3: '8-bit floats',
  F8_E8M0: '8-bit floats',
  F8_E4M3FNUZ: '8-bit floats',
  F8_E5M2FNUZ: '8-bit floats',
  F6_E2M3: '6-bit floats',
  F6_E3M2: '6-bit floats',
  F4: '4-bit floats',
};

const BYTES: Readonly<Record<TorchDtype, number>> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

/** Reads a safetensors file's tensors (converted to float32; see NamedTensor). `file` names it in messages. */
export function readSafetensors(bytes: Uint8Array, file: string): Map<string, NamedTensor> {
  return readSafetensorsWithMetadata(bytes, file).tensors;
}

/** `readSafetensors` plus the `__metadata__` map. */
export function readSafetensorsWithMetadata(bytes: Uint8Array, file: string): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new FormatError(file, `${bytes.length} bytes: too short for a safetensors file (truncated?)`, 'header length', 0);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_SAFETENSORS_HEADER)) {
    throw new FormatError(file, `the header states ${declared} bytes, more than the ${MAX_SAFETENSORS_HEADER} the format allows (not a safetensors file, or a damaged one)`, 'header length', 0);
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) {
    throw new FormatError(file, `the header states ${headerLength} bytes but the file has ${bytes.length - 8} after the length (truncated file)`, 'header length', 0);
  }
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b) throw new FormatError(file, 'the header does not start with "{" (not a safetensors file)', 'header', 8);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new FormatError(file, `the header is not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`, 'header', 8);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new FormatError(file, 'the header is not a JSON object', 'header', 8);

  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: TorchDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!info || typeof info !== 'object' || Array.isArray(info)) throw new FormatError(file, '__metadata__ is not an object of strings', '__metadata__');
      for (const [key, value] of Object.entries(info)) {
        if (typeof value !== 'string') throw new FormatError(file, `__metadata__ "${key}" is not a string (the format allows only strings)`, '__metadata__');
        metadata[key] = value;
      }
      continue;
    }
    if (!info || typeof info !== 'object') throw new FormatError(file, 'not an object with dtype, shape and data_offsets', name);
    const { dtype, shape, data_offsets: offsets } = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string') throw new FormatError(file, 'no dtype', name);
    const type = DTYPES[dtype];
    if (!type) {
      const why = UNSUPPORTED[dtype];
      throw new FormatError(file, why ? `dtype ${dtype} (${why}) is not supported` : `unknown dtype "${dtype}"`, name);
    }
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) throw new FormatError(file, 'shape is not a list of numbers', name);
    checkShape(file, shape as number[], { what: `tensor ${name}`, field: name, allowEmpty: true });
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
      throw new FormatError(file, 'data_offsets is not [begin, end] of whole numbers', name);
    }
    entries.push({ name, dtype: type, shape: shape as number[], begin: offsets[0] as number, end: offsets[1] as number });
  }

  // Back to back from 0 in offset order, sizes matching, the buffer covered exactly.
  const dataStart = 8 + headerLength;
  const bufferLength = bytes.length - dataStart;
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const entry of ordered) {
    if (entry.begin !== expected || entry.end < entry.begin) {
      throw new FormatError(file, `data_offsets [${entry.begin}, ${entry.end}] do not continue at byte ${expected} of the data (a gap, an overlap or reversed offsets)`, entry.name);
    }
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const size = count * BYTES[entry.dtype];
    if (entry.end - entry.begin !== size) {
      throw new FormatError(file, `data_offsets span ${entry.end - entry.begin} bytes, shape (${entry.shape.join(', ')}) of ${entry.dtype} needs ${size}`, entry.name);
    }
    if (entry.end > bufferLength) {
      throw new FormatError(file, `data_offsets end at byte ${entry.end} of the data, which has ${bufferLength} (truncated file)`, entry.name);
    }
    expected = entry.end;
  }
  if (expected !== bufferLength) {
    throw new FormatError(file, `the tensors cover ${expected} bytes of the data but it has ${bufferLength}: the format allows no unindexed bytes`, 'data_offsets');
  }

  const tensors = new Map<string, NamedTensor>();
  for (const entry of entries) {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const slice = bytes.subarray(dataStart + entry.begin, dataStart + entry.end);
    const stride = entry.shape.map((_, axis) => entry.shape.slice(axis + 1).reduce((a, b) => a * b, 1));
    tensors.set(entry.name, materialise(file, entry.name, { dtype: entry.dtype, offset: 0, shape: entry.shape, stride }, slice, count));
  }
  return { tensors, metadata };
}

/**
 * A safetensors file of float32 tensors, in the map's order, with `metadata` as `__metadata__`.
 * Throws a ValidationError for a name or shape the format cannot carry or data of the wrong length.
 */
export function writeSafetensors(tensors: Map<string, { shape: number[]; data: Float32Array }>, metadata?: Record<string, string>): Uint8Array {
  assertLittleEndianHost();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new ValidationError(`__metadata__.${key}`, 'safetensors metadata values must be strings');
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === '__metadata__' || name.length === 0) throw new ValidationError(name || '(empty name)', 'not a usable safetensors tensor name');
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== tensor.data.length) {
      throw new ValidationError(name, `shape (${tensor.shape.join(', ')}) does not match ${tensor.data.length} values`);
    }
    header[name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Spaces to a multiple of 8, so the data (and every float32 in it) starts aligned.
  const headerLength = Math.ceil(json.length / 8) * 8;
  checkAllocation('safetensors output', [8 + headerLength + offset], 1, 'the safetensors file');
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const tensor of tensors.values()) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), at);
    at += tensor.data.byteLength;
  }
  return out;
}
