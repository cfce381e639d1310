/**
 * main/compute/nn checkpoints: a model with AdamW state, EMA and config round-trips through the
 * project store (training then continues exactly as without the save), and corrupt or mismatched
 * bundles fail with precise errors while leaving the model untouched.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import {
  AdamW,
  CHECKPOINT_FORMAT,
  Ema,
  Params,
  createTransformerLM,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  saveCheckpointAsync,
  encodeCheckpointAsync,
  trainStep,
  type TransformerLMConfig,
} from '../../main/compute/nn/index.js';
import { FormatError, NotFoundError, ValidationError } from '../../main/errors.js';
import { Store } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

let tf: Tfjs;
const tmp = tempDir('cajal-nn-ckpt-');
beforeAll(async () => {
  tf = await activateBackend('cpu');
});
afterAll(() => tmp.cleanup());

const config: TransformerLMConfig = { vocabSize: 7, maxLength: 5, layers: 1, dim: 8, heads: 2, seed: 3 };

function build(cfg = config) {
  const params = new Params(tf);
  const lm = createTransformerLM(params, cfg);
  const opt = new AdamW(params, { lr: 0.01 });
  const ema = new Ema(params, { decay: 0.9 });
  return { params, lm, opt, ema };
}

const batch = (step: number) => {
  const ids = Array.from({ length: 2 * 5 }, (_, i) => (i * 3 + step) % 7);
  return tf.tensor2d(ids, [2, 5], 'int32');
};

function train(m: ReturnType<typeof build>, from: number, steps: number): number[] {
  const losses: number[] = [];
  for (let s = from; s < from + steps; s++) {
    const x = batch(s);
    const y = batch(s + 1);
    losses.push(trainStep(m.opt, () => m.lm.loss(x, y), { clipNorm: 1 }).loss);
    m.ema.update();
    x.dispose();
    y.dispose();
  }
  return losses;
}

const flat = (p: Params) => p.list().flatMap((e) => Array.from(e.variable.dataSync()));
const dispose = (m: ReturnType<typeof build>) => {
  m.opt.dispose();
  m.ema.dispose();
  m.params.dispose();
};

describe('checkpoints', () => {
  it('round-trips params, AdamW moments and step, EMA and config through the store; training resumes identically', () => {
    const store = Store.open(join(tmp.dir, 'a.cajal'));
    const a = build();
    train(a, 0, 3);
    const id = saveCheckpoint(store, { name: 'lm', pipeline: 'test', params: a.params, optimizer: a.opt, ema: a.ema, config, meta: { note: 'x' } });
    const record = store.models.get(id)!;
    expect(record.format).toBe(CHECKPOINT_FORMAT);
    expect(record.meta).toMatchObject({ note: 'x', step: 3, parameterCount: a.params.count(), config });
    // Compact: the three float32 copies (params, m, v) + the EMA, plus a small header.
    const n = a.params.count();
    expect(record.weights.length).toBeGreaterThan(16 * n);
    expect(record.weights.length).toBeLessThan(16 * n + 8192);

    const b = build({ ...config, seed: 99 }); // different initial weights
    expect(flat(b.params)).not.toEqual(flat(a.params));
    const header = loadCheckpoint(store, id, { params: b.params, optimizer: b.opt, ema: b.ema });
    expect(header.config).toEqual(config);
    expect(b.opt.step).toBe(3);
    expect(b.ema.updates).toBe(3);
    expect(flat(b.params)).toEqual(flat(a.params));
    expect(flat(b.ema.shadow)).toEqual(flat(a.ema.shadow));
    expect(train(b, 3, 2)).toEqual(train(a, 3, 2));
    expect(flat(b.params)).toEqual(flat(a.params));
    expect(flat(b.ema.shadow)).toEqual(flat(a.ema.shadow));
    dispose(a);
    dispose(b);
    expect(() => loadCheckpoint(store, 12345, { params: new Params(tf) })).toThrow(NotFoundError);
    const foreign = store.models.add({ name: 'x', pipeline: 'p', runId: null, format: 'tfjs-layers', meta: {}, weights: new Uint8Array(4) });
    expect(() => loadCheckpoint(store, foreign, { params: new Params(tf) })).toThrow(/stored as "tfjs-layers", not cajal-nn-v1/);
    store.close();
  });

  it('refuses corrupt bundles with the byte offset, and mismatched models by parameter name, changing nothing', () => {
    const a = build();
    const bytes = encodeCheckpoint({ params: a.params, config });
    const weightsBefore = flat(a.params);
    expect(() => decodeCheckpoint(bytes.subarray(0, 5))).toThrow(FormatError);
    expect(() => decodeCheckpoint(bytes.subarray(0, 5))).toThrow(/byte 0: truncated/);
    const badMagic = Uint8Array.from(bytes);
    badMagic[0] = 0x58;
    expect(() => decodeCheckpoint(badMagic, 'model 7')).toThrow(/^model 7: field "magic" at byte 0: not a cajal-nn-v1 bundle/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 40))).toThrow(/field "header" at byte 8: truncated: the header needs/);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    const garbled = Uint8Array.from(bytes);
    garbled[8 + 1] = 0x7b; // '{' inside the JSON
    expect(() => decodeCheckpoint(garbled)).toThrow(/header is not JSON/);
    try {
      decodeCheckpoint(bytes.subarray(0, bytes.length - 6));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FormatError);
      const e = error as FormatError;
      expect(e.field).toBe('head.bias'); // the last tensor is cut
      expect(e.byteOffset).toBeGreaterThan(8 + headerLength);
      expect(e.message).toMatch(/truncated: param "head.bias" needs bytes \d+–\d+, the bundle has \d+/);
    }
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.header.step).toBe(0);

    // A model of another shape: named parameter and both shapes.
    const wide = build({ ...config, dim: 12, heads: 2 });
    expect(() => restoreCheckpoint(decoded, { params: wide.params })).toThrow(ValidationError);
    expect(() => restoreCheckpoint(decoded, { params: wide.params })).toThrow(/^tok\.weight: shape \[7, 8\] in the checkpoint, \[7, 12\] in the model/);
    // A model with a parameter the bundle lacks, and one with fewer parameters.
    const deeper = build({ ...config, layers: 2 });
    expect(() => restoreCheckpoint(decoded, { params: deeper.params })).toThrow(/^encoder\.blocks\.1\.ln1\.weight: missing from the checkpoint/);
    const smaller = new Params(tf);
    smaller.add('tok.weight', [7, 8], new Float32Array(56));
    expect(() => restoreCheckpoint(decoded, { params: smaller })).toThrow(/^pos\.weight: in the checkpoint \(param\) but not in the model/);
    // Asking for optimiser state a weights-only bundle does not hold; and the partial failure wrote nothing.
    const target = build({ ...config, seed: 5 });
    const targetBefore = flat(target.params);
    expect(() => restoreCheckpoint(decoded, { params: target.params, optimizer: target.opt })).toThrow(/optimizer: the checkpoint holds no optimiser state/);
    expect(flat(target.params)).toEqual(targetBefore);
    expect(flat(a.params)).toEqual(weightsBefore);
    for (const m of [a, wide, deeper, target]) dispose(m);
    smaller.dispose();
  });

  it('the asynchronous save (for WebGPU, which cannot read synchronously) writes the same bundle', async () => {
    const store = Store.open(join(tmp.dir, 'b.cajal'));
    const a = build();
    train(a, 0, 2);
    const parts = { params: a.params, optimizer: a.opt, ema: a.ema, config };
    expect(Array.from(await encodeCheckpointAsync(parts))).toEqual(Array.from(encodeCheckpoint(parts)));
    const id = await saveCheckpointAsync(store, { name: 'lm', pipeline: 'test', ...parts });
    const b = build({ ...config, seed: 42 });
    loadCheckpoint(store, id, { params: b.params, optimizer: b.opt, ema: b.ema });
    expect(flat(b.params)).toEqual(flat(a.params));
    expect(b.opt.step).toBe(2);
    dispose(a);
    dispose(b);
    store.close();
  });

  it('a bundle is bit-exact float32 little-endian after the padded header', () => {
    const params = new Params(tf);
    params.add('x', [3], new Float32Array([1.5, -2, 3.25]));
    const bytes = encodeCheckpoint({ params, config: { a: 1 } });
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('CJNN');
    const h = new DataView(bytes.buffer).getUint32(4, true);
    const start = Math.ceil((8 + h) / 4) * 4;
    expect(bytes.length).toBe(start + 12);
    const view = new DataView(bytes.buffer);
    expect([0, 1, 2].map((i) => view.getFloat32(start + 4 * i, true))).toEqual([1.5, -2, 3.25]);
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.header.config).toEqual({ a: 1 });
    expect(decoded.header.tensors).toEqual([{ group: 'param', name: 'x', shape: [3], dtype: 'float32', offset: 0 }]);
    params.dispose();
  });
});
