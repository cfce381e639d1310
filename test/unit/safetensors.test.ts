/**
 * safetensors: Cajal's writer and reader round-trip; a file written by the hand-made writer in
 * test/fixtures/reference/torch_checkpoint.py (from the format's README, with torch tensors of
 * every dtype) reads back to torch's values; a file Cajal writes reads back in that script's own
 * reader; damaged headers and offsets are FormatErrors naming the file and the tensor.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, ValidationError } from '../../main/errors.js';
import { MAX_SAFETENSORS_HEADER, readSafetensors, readSafetensorsWithMetadata, writeSafetensors } from '../../main/io/torch/index.js';
import { REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'reference', 'torch_checkpoint.py');
const HAVE_TORCH = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
if (!HAVE_TORCH) console.warn(`safetensors reference tests skipped: ${PYTHON} cannot import torch and numpy`);

const tmp = tempDir('cajal-safetensors-');
afterAll(() => tmp.cleanup());

/** A file from a header object and a data buffer, laid out by hand (for damaged variants). */
function handMade(header: unknown, data: Uint8Array, pad = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

function refusal(bytes: Uint8Array): FormatError {
  try {
    readSafetensors(bytes, 'w.safetensors');
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error('read without error');
}

describe('writeSafetensors and readSafetensors', () => {
  it('round-trips tensors, shapes, order and metadata; pads the header to 8 bytes', () => {
    const tensors = new Map([
      ['encoder.blocks.0.attn.qkv.weight', { shape: [3, 2], data: Float32Array.from([1, -2, 3.5, 1e-30, Infinity, NaN]) }],
      ['encoder.norm.bias', { shape: [1], data: Float32Array.from([0.25]) }],
      ['scalar', { shape: [], data: Float32Array.from([7]) }],
      ['empty', { shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = writeSafetensors(tensors, { format: 'pt', model: 'brain-jepa tiny' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    expect(bytes.length).toBe(8 + headerLength + 4 * 8);
    const { tensors: back, metadata } = readSafetensorsWithMetadata(bytes, 'x.safetensors');
    expect(metadata).toEqual({ format: 'pt', model: 'brain-jepa tiny' });
    expect([...back.keys()]).toEqual([...tensors.keys()]);
    for (const [name, tensor] of tensors) {
      expect(back.get(name)!.shape).toEqual(tensor.shape);
      expect(back.get(name)!.dtype).toBe('float32');
      expect([...back.get(name)!.data]).toEqual([...tensor.data]);
    }
    // Read from an unaligned view of a larger buffer (a file read at an offset).
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect([...readSafetensors(shifted.subarray(3), 'x')!.get('encoder.norm.bias')!.data]).toEqual([0.25]);
    // A Node Buffer at an odd offset (readFileSync's pool): Buffer.slice is a view, so a copy is needed.
    const buffer = Buffer.concat([Buffer.alloc(3), Buffer.from(bytes)]).subarray(3);
    expect([...readSafetensors(buffer, 'x').get('encoder.blocks.0.attn.qkv.weight')!.data.subarray(0, 3)]).toEqual([1, -2, 3.5]);
  });

  it('refuses what the format cannot carry', () => {
    expect(() => writeSafetensors(new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]]))).toThrow(ValidationError);
    expect(() => writeSafetensors(new Map([['__metadata__', { shape: [1], data: new Float32Array(1) }]]))).toThrow(ValidationError);
  });

  it('refuses damaged files with the file and the tensor named', () => {
    const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
    expect(readSafetensors(handMade(ok, f32(1, 2, 3), 5), 'w').get('b')!.data[0]).toBe(3);
    expect(refusal(new Uint8Array(5)).message).toMatch(/too short/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, BigInt(MAX_SAFETENSORS_HEADER + 1), true);
    expect(refusal(huge).message).toMatch(/more than the 100000000/);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(refusal(huge).message).toMatch(/header states/);
    const truncated = handMade(ok, f32(1, 2, 3));
    expect(refusal(truncated.subarray(0, 20)).message).toMatch(/truncated file/);
    expect(refusal(truncated.subarray(0, truncated.length - 4)).message).toMatch(/"b".*end at byte 12 of the data, which has 8/);
    expect(refusal(handMade(ok, f32(1, 2, 3, 4))).message).toMatch(/no unindexed bytes/);
    const gap = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } };
    expect(refusal(handMade(gap, f32(1, 2, 3, 4))).field).toBe('b');
    const overlap = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    expect(refusal(handMade(overlap, f32(1, 2))).message).toMatch(/gap, an overlap/);
    const wrongSize = { a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } };
    expect(refusal(handMade(wrongSize, f32(1, 2))).message).toMatch(/span 8 bytes, shape \(3\) of float32 needs 12/);
    const lyingShape = { a: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 8] } };
    expect(refusal(handMade(lyingShape, f32(1, 2))).field).toBe('a');
    expect(refusal(handMade({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1))).message).toMatch(/F8_E4M3 \(8-bit floats\) is not supported/);
    expect(refusal(handMade({ a: { dtype: 'X', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1))).message).toMatch(/unknown dtype/);
    expect(refusal(handMade({ __metadata__: { n: 1 } }, new Uint8Array(0))).message).toMatch(/not a string/);
    expect(refusal(handMade([1, 2], new Uint8Array(0))).message).toMatch(/does not start with "\{"/);
    const bad = handMade(ok, f32(1, 2, 3));
    bad[9] = 0xff;
    expect(refusal(bad).message).toMatch(/not UTF-8 JSON/);
  });
});

describe.skipIf(!HAVE_TORCH)('safetensors against an independent writer and reader (torch_checkpoint.py)', () => {
  let expected: Record<string, { shape: number[]; dtype: string; sum: number; abssum: number; first: number[] }> & { __metadata__: Record<string, string> };
  beforeAll(() => {
    const run = spawnSync(PYTHON, [SCRIPT, 'write', tmp.dir], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`torch_checkpoint.py failed: ${run.stderr}`);
    expected = JSON.parse(readFileSync(join(tmp.dir, 'expected.json'), 'utf8'))['reference.safetensors'];
  });

  it('reads every dtype of a file the reference writer made', () => {
    const names = { F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool' } as Record<string, string>;
    const { tensors, metadata } = readSafetensorsWithMetadata(readFileSync(join(tmp.dir, 'reference.safetensors')), 'reference.safetensors');
    expect(metadata).toEqual(expected.__metadata__);
    const { __metadata__: _, ...summaries } = expected;
    expect([...tensors.keys()].sort()).toEqual(Object.keys(summaries).sort());
    for (const [name, summary] of Object.entries(summaries)) {
      const t = tensors.get(name)!;
      expect(t.shape, name).toEqual(summary.shape);
      expect(t.dtype, name).toBe(names[summary.dtype]);
      const values = t.exact ?? t.data;
      let sum = 0;
      for (const v of values) sum += v;
      expect(Math.abs(sum - summary.sum), name).toBeLessThanOrEqual(1e-9 * summary.abssum + 1e-12);
      expect([...values.subarray(0, 4)], name).toEqual(summary.first);
    }
  });

  it('writes files the reference reader reads back', () => {
    const tensors = new Map([
      ['z.last', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) }],
      ['a.first', { shape: [3], data: Float32Array.from([-0.5, 1e-7, 3e38]) }],
      ['s', { shape: [], data: Float32Array.from([42]) }],
    ]);
    const path = join(tmp.dir, 'cajal.safetensors');
    writeFileSync(path, writeSafetensors(tensors, { written_by: 'cajal' }));
    const run = spawnSync(PYTHON, [SCRIPT, 'read-safetensors', path], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const read = JSON.parse(run.stdout) as Record<string, { shape: number[]; dtype: string; first: number[] }> & { __metadata__: unknown };
    expect(read.__metadata__).toEqual({ written_by: 'cajal' });
    for (const [name, tensor] of tensors) {
      expect(read[name]!.shape).toEqual(tensor.shape);
      expect(read[name]!.dtype).toBe('F32');
      expect(read[name]!.first).toEqual([...tensor.data].slice(0, 4));
    }
  });
});
