/**
 * Binary reply frames (shared/api/binary-frame.ts): round trip of every dtype, 8-byte alignment,
 * chunking and in-order reassembly, corrupt and short frames refused with a clear reason, and the
 * contract's typed-array schemas refusing a wrong dtype or length.
 */
import { describe, expect, it } from 'vitest';
import {
  BinaryFrameError,
  DTYPES,
  DTYPE_NAMES,
  FrameAssembler,
  MAX_MESSAGE_BYTES,
  calls,
  encodeBinaryReply,
  hasTypedArrays,
  parseFrame,
  typedArray,
  type AnyTypedArray,
  type DType,
} from '../../shared/api/index.js';
import { createClient } from '../../renderer/src/api/client.js';
import type { Transport } from '../../renderer/src/api/transport.js';

function sample(dtype: DType, length: number): AnyTypedArray {
  const array = new DTYPES[dtype](length);
  for (let i = 0; i < length; i++) array[i] = dtype.startsWith('float') ? (i - length / 2) * 0.37 : (i * 37) % 120;
  return array;
}

/** Encodes and reassembles, returning the reply and every progress report. */
async function roundTrip(reply: { id: number; ok: true; result: unknown }, chunkBytes?: number) {
  const { frames } = await encodeBinaryReply(reply.id, reply, { chunkBytes });
  const assembler = new FrameAssembler();
  const progress: number[] = [];
  let whole: unknown;
  for (const frame of frames) {
    const outcome = assembler.push(frame.slice()); // a fresh buffer, as a socket delivers it
    progress.push(outcome.progress.receivedBytes);
    if (outcome.kind === 'complete') whole = outcome.reply;
    else expect(whole).toBeUndefined();
  }
  return { whole: whole as typeof reply, frames, progress };
}

describe('binary reply frames', () => {
  it('round-trips every dtype, odd lengths included, beside ordinary JSON fields', async () => {
    const result: Record<string, unknown> = { name: 'page', nested: { list: [1, 'two', null] } };
    for (const [i, dtype] of DTYPE_NAMES.entries()) result[dtype] = sample(dtype, 3 + i * 5);
    const { whole, frames } = await roundTrip({ id: 4, ok: true, result });
    expect(frames).toHaveLength(1);
    expect(whole.id).toBe(4);
    const back = whole.result as Record<string, unknown>;
    expect(back.name).toBe('page');
    expect(back.nested).toEqual({ list: [1, 'two', null] });
    for (const dtype of DTYPE_NAMES) {
      expect(back[dtype]).toBeInstanceOf(DTYPES[dtype]);
      expect(back[dtype]).toEqual(result[dtype]);
    }
  });

  it('keeps NaN (gaps), infinities and −0 of float arrays', async () => {
    const data = Float32Array.from([1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, -2]);
    const { whole } = await roundTrip({ id: 1, ok: true, result: { data } });
    const back = (whole.result as { data: Float32Array }).data;
    expect(Number.isNaN(back[1]!)).toBe(true);
    expect(back[2]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(back[3], -0)).toBe(true);
  });

  it('carries subarrays (only their own bytes) and arrays inside arrays', async () => {
    const big = Float64Array.from({ length: 100 }, (_, i) => i);
    const result = { channels: [{ data: big.subarray(10, 13) }, { data: big.subarray(90) }] };
    const { whole } = await roundTrip({ id: 2, ok: true, result });
    const back = whole.result as typeof result;
    expect(Array.from(back.channels[0]!.data)).toEqual([10, 11, 12]);
    expect(back.channels[1]!.data).toHaveLength(10);
  });

  it('starts the payload and every array on an 8-byte boundary', async () => {
    const result = { a: new Uint8Array(3), b: new Float64Array(5).fill(2.5), c: new Int16Array(7), d: new Float64Array(1).fill(-1) };
    const { whole, frames } = await roundTrip({ id: 3, ok: true, result });
    const headerLength = new DataView(frames[0]!.buffer).getUint32(0, true);
    expect(frames[0]!.length - parseFrame(frames[0]!).chunk.length).toBe(Math.ceil((4 + headerLength) / 8) * 8);
    const header = parseFrame(frames[0]!).header as unknown as { arrays: { offset: number }[] };
    expect(header.arrays.map((a) => a.offset)).toEqual([0, 8, 48, 64]);
    for (const value of Object.values(whole.result as Record<string, AnyTypedArray>)) expect(value.byteOffset % 8).toBe(0);
    expect(Array.from((whole.result as typeof result).b)).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it('splits a large payload into chunk frames, reports progress, and reassembles in order', async () => {
    const volume = Float32Array.from({ length: 91 * 109 * 91 }, (_, i) => Math.sin(i / 1000));
    const { whole, frames, progress } = await roundTrip({ id: 9, ok: true, result: { dims: [91, 109, 91], volume } }, 256 * 1024);
    expect(frames.length).toBe(Math.ceil(volume.byteLength / (256 * 1024)));
    expect(progress.at(-1)).toBe(Math.ceil(volume.byteLength / 8) * 8); // padded to the 8-byte boundary
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]!);
    expect((whole.result as { volume: Float32Array }).volume).toEqual(volume);
  });

  it('reassembles replies whose frames interleave', async () => {
    const a = await encodeBinaryReply(1, { id: 1, ok: true, result: { x: Uint16Array.from({ length: 1000 }, (_, i) => i) } }, { chunkBytes: 512 });
    const b = await encodeBinaryReply(2, { id: 2, ok: true, result: { x: Int32Array.from({ length: 500 }, (_, i) => -i) } }, { chunkBytes: 512 });
    const assembler = new FrameAssembler();
    const done = new Map<number | null, unknown>();
    for (let i = 0; i < Math.max(a.frames.length, b.frames.length); i++) {
      for (const frames of [a.frames, b.frames]) {
        const outcome = frames[i] && assembler.push(frames[i]!);
        if (outcome && outcome.kind === 'complete') done.set(outcome.id, outcome.reply);
      }
    }
    expect(Array.from((done.get(1) as { result: { x: Uint16Array } }).result.x).at(-1)).toBe(999);
    expect(Array.from((done.get(2) as { result: { x: Int32Array } }).result.x).at(-1)).toBe(-499);
  });

  it('refuses frames out of order, missing their first frame, or cut short, naming the reply', async () => {
    const { frames } = await encodeBinaryReply(5, { id: 5, ok: true, result: { x: new Float32Array(1000) } }, { chunkBytes: 1024 });
    expect(frames.length).toBe(4);
    const swapped = new FrameAssembler();
    swapped.push(frames[0]!);
    expect(() => swapped.push(frames[2]!)).toThrow(/frame 2\/4 of reply 5 arrived out of order \(expected 1\/4\)/);
    expect(() => new FrameAssembler().push(frames[1]!)).toThrow(/frame 1 of reply 5 arrived without its frame 0/);
    const cut = new FrameAssembler();
    for (const frame of frames.slice(0, 3)) cut.push(frame);
    expect(() => cut.push(frames[3]!.subarray(0, frames[3]!.length - 4))).toThrow(/reply 5 is cut short/);
    try {
      new FrameAssembler().push(frames[1]!);
    } catch (error) {
      expect(error).toBeInstanceOf(BinaryFrameError);
      expect((error as { replyId?: number }).replyId).toBe(5);
    }
  });

  it('refuses short and corrupt frames clearly', async () => {
    const assembler = new FrameAssembler();
    expect(() => assembler.push(new Uint8Array(2))).toThrow(/too short for its header length/);
    const lying = new Uint8Array(16);
    new DataView(lying.buffer).setUint32(0, 100, true);
    expect(() => assembler.push(lying)).toThrow(/cut short: its header alone is 100 bytes/);
    const huge = new Uint8Array(8);
    new DataView(huge.buffer).setUint32(0, MAX_MESSAGE_BYTES + 1, true);
    expect(() => assembler.push(huge)).toThrow(/over the 1048576-byte JSON cap/);
    const garbage = new Uint8Array([3, 0, 0, 0, 0x7b, 0x7b, 0x7b]);
    expect(() => assembler.push(garbage)).toThrow(/header is not valid JSON/);
    const notOurs = new TextEncoder().encode('{"hello":1}');
    const frame = new Uint8Array(4 + notOurs.length);
    new DataView(frame.buffer).setUint32(0, notOurs.length, true);
    frame.set(notOurs, 4);
    expect(() => assembler.push(frame)).toThrow(/lacks \$binary/);
  });

  it('refuses an array table that runs past the payload or names an unknown dtype', async () => {
    const forge = (header: object, payload = new Uint8Array(8)) => {
      const text = new TextEncoder().encode(JSON.stringify(header));
      const start = Math.ceil((4 + text.length) / 8) * 8;
      const out = new Uint8Array(start + payload.length);
      new DataView(out.buffer).setUint32(0, text.length, true);
      out.set(text, 4);
      out.set(payload, start);
      return out;
    };
    const base = { $binary: 1, id: 1, seq: 0, frames: 1, offset: 0, payloadBytes: 8, reply: { id: 1, ok: true, result: { $array: 0, dtype: 'float64', length: 2 } } };
    expect(() => new FrameAssembler().push(forge({ ...base, arrays: [{ dtype: 'float64', length: 2, offset: 0 }] }))).toThrow(/array 0 \(2 float64\) runs past the 8-byte payload/);
    expect(() => new FrameAssembler().push(forge({ ...base, arrays: [{ dtype: 'complex64', length: 1, offset: 0 }] }))).toThrow(/array 0 has a bad entry/);
    expect(() => new FrameAssembler().push(forge({ ...base, arrays: [{ dtype: 'float32', length: 1, offset: 4 }] }))).toThrow(/not 8-byte aligned/);
    expect(() => new FrameAssembler().push(forge({ ...base, arrays: [{ dtype: 'float32', length: 2, offset: 0 }] }))).toThrow(/disagrees with the table/);
  });

  it('bounds the header by the JSON cap when encoding', async () => {
    const reply = { id: 1, ok: true, result: { big: 'x'.repeat(MAX_MESSAGE_BYTES), a: new Uint8Array(1) } };
    await expect(encodeBinaryReply(1, reply)).rejects.toThrow(/over the 1048576-byte JSON cap/);
  });

  it('finds typed arrays only where they are', () => {
    expect(hasTypedArrays({ a: [{ b: new Uint8Array(1) }] })).toBe(true);
    expect(hasTypedArrays({ a: [1, 2, 3], b: 'AAAA' })).toBe(false);
    expect(hasTypedArrays(new DataView(new ArrayBuffer(4)))).toBe(false);
  });
});

describe('typed-array schemas', () => {
  it('refuses a wrong dtype, a number array or a base64 string, and a wrong length, naming both', () => {
    const schema = typedArray('float32', { length: 3 });
    expect(schema.safeParse(new Float32Array(3)).success).toBe(true);
    expect(schema.safeParse(new Float64Array(3)).error?.issues[0]?.message).toBe('expected a float32 array, got float64');
    expect(schema.safeParse([1, 2, 3]).error?.issues[0]?.message).toBe('expected a float32 array, got a number array');
    expect(schema.safeParse('AAAA').error?.issues[0]?.message).toBe('expected a float32 array, got a string');
    expect(schema.safeParse(new Float32Array(4)).error?.issues[0]?.message).toBe('expected 3 float32 elements, got 4');
  });

  it('checks an EEG page on arrival: float32 data, pairs when decimated', () => {
    const page = (data: unknown, decimated = false) => ({
      recordingId: 1,
      startS: 0,
      durationS: 1,
      montage: 'referential',
      channels: [{ label: 'Cz', type: 'eeg', unit: 'uV', sampleRateHz: 256, data, decimated, bucketSamples: 1 }],
      recordingDurationS: 10,
      startDateTime: '2025-01-01T00:00:00',
      gaps: [],
    });
    const schema = calls['eeg.page'].result;
    expect(schema.safeParse(page(new Float32Array(256))).success).toBe(true);
    expect(schema.safeParse(page([1, null, 2])).error?.issues[0]).toMatchObject({ path: ['channels', 0, 'data'], message: 'expected a float32 array, got a number array' });
    expect(schema.safeParse(page(new Float32Array(3), true)).error?.issues[0]?.message).toMatch(/even number of values/);
  });
});

describe('the renderer client', () => {
  const transport = (result: unknown): Transport => ({
    kind: 'bridge',
    invoke: async () => ({ id: 1, ok: true, result }),
    subscribe: () => () => {},
    onState: () => () => {},
  });

  it('refuses a reply whose array has the wrong dtype or size, naming the field', async () => {
    const slice = { axis: 'z', index: 0, width: 2, height: 2, gt: new Uint16Array(4), pred: new Uint16Array(4) };
    await expect(createClient(transport(slice)).call('fisbe.slice', { runId: 1, axis: 'z', index: 0 })).resolves.toMatchObject({ width: 2 });
    await expect(createClient(transport({ ...slice, gt: 'AAAAAAAA' })).call('fisbe.slice', { runId: 1, axis: 'z', index: 0 })).rejects.toThrow(
      'reply to fisbe.slice has the wrong shape: gt: expected a uint16 array, got a string',
    );
    await expect(createClient(transport({ ...slice, pred: new Uint16Array(3) })).call('fisbe.slice', { runId: 1, axis: 'z', index: 0 })).rejects.toThrow(
      'pred: 3 labels, expected 2 × 2 = 4',
    );
  });
});
