/**
 * Neuroformer training runs (main/pipelines/neuroformer/{split,train,bundle}.ts): the held-out
 * time-block split never lets a training sample see a held-out spike, the stimulus features, the
 * released LR schedule, and a tiny model that learns a planted sequence, checkpoints and resumes
 * exactly. Run: npx vitest run test/unit/neuroformer-train.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { decodeNfBundle, loadNeuroformer } from '../../main/pipelines/neuroformer/bundle.js';
import type { NeuroformerConfig } from '../../main/pipelines/neuroformer/config.js';
import { splitTimeBlocks, stimulusTokens, windowEnds, type StimulusSpec } from '../../main/pipelines/neuroformer/split.js';
import { nfLearningRate, RELEASED_OPTIM, trainNeuroformer, type NfTrainData, type NfTrainOptions } from '../../main/pipelines/neuroformer/train.js';

const CONFIG: NeuroformerConfig = {
  name: 'custom',
  neurons: 4,
  dtS: 0.01,
  windowS: 0.05,
  windowPrevS: 0.05,
  blockSize: 8,
  blockSizePrev: 8,
  embedDim: 16,
  heads: 2,
  layers: { stateHistory: 1, state: 1, stimulus: 0 },
  stimulus: null,
  dropout: { attn: 0, resid: 0, id: 0, im: 0, temp: 0 },
  lossWeights: { id: 0.45, dt: 0.3 },
};

describe('held-out time blocks', () => {
  const split = splitTimeBlocks(0, 100, { blocks: 10, testBlocks: 2, validationBlocks: 1, seed: 3 });

  it('partitions the span into train, validation and test blocks', () => {
    expect(split.blocks).toHaveLength(10);
    expect(split.test).toHaveLength(2);
    expect(split.validation).toHaveLength(1);
    expect(split.train).toHaveLength(7);
    const all = [...split.train, ...split.validation, ...split.test].map((b) => b.index).sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(splitTimeBlocks(0, 100, { blocks: 10, testBlocks: 2, validationBlocks: 1, seed: 3 })).toEqual(split);
  });

  it('keeps every training sample’s whole context (previous + current window) inside a training block', () => {
    const cfg = { windowS: 0.05, windowPrevS: 0.15, dtS: 0.01 };
    const ends = windowEnds(split.train, 0, cfg);
    expect(ends.length).toBeGreaterThan(0.9 * (70 / 0.05) - 10 * 4);
    for (const end of ends) {
      const from = end - 0.2;
      const inside = split.train.some((b) => from >= b.startS - 1e-9 && end <= b.endS + 1e-9);
      expect(inside).toBe(true);
      for (const t of split.test) expect(end <= t.startS + 1e-9 || from >= t.endS - 1e-9).toBe(true);
    }
    // Non-overlapping current windows on the dt grid.
    for (let i = 1; i < ends.length; i++) expect(ends[i]! - ends[i - 1]!).toBeGreaterThanOrEqual(0.05 - 1e-9);
  });

  it('refuses a split that leaves nothing to train on', () => {
    expect(() => splitTimeBlocks(0, 10, { blocks: 3, testBlocks: 2, validationBlocks: 1, seed: 0 })).toThrow(/leave none/);
  });
});

describe('stimulus features', () => {
  it('reversals: a decaying transient signed by the grating phase', () => {
    const spec: StimulusSpec = { kind: 'reversals', eventSet: 'stimulus changes', times: [1, 2] };
    const x = stimulusTokens(spec, [1.05, 2.05, 0.5], 5, 0.01)!;
    expect(x).toHaveLength(3 * 5 * 4);
    // Window ending 1.05: last token at 1.045, 45 ms after the first reversal (phase +1).
    const last = (w: number) => x.subarray((w * 5 + 4) * 4, (w * 5 + 5) * 4);
    expect(last(0)[0]).toBeCloseTo(Math.exp(-0.045 / 0.05), 5);
    expect(last(0)[2]).toBeCloseTo(Math.exp(-0.045 / 0.05), 5);
    expect(last(1)[2]).toBeCloseTo(-Math.exp(-0.045 / 0.05), 5);
    expect(Array.from(last(2))).toEqual([0, 0, 0, 0]);
  });

  it('cosine: the simulator’s drive', () => {
    const x = stimulusTokens({ kind: 'cosine', periodS: 1 }, [0.255], 1, 0.01)!;
    expect(x[0]).toBeCloseTo(Math.cos(2 * Math.PI * 0.25), 5);
    expect(x[1]).toBeCloseTo(1, 5);
    expect(stimulusTokens({ kind: 'none' }, [1], 5, 0.01)).toBeUndefined();
  });
});

describe('released LR schedule (tokens)', () => {
  const optim = { ...RELEASED_OPTIM, lr: 1e-3, warmupFraction: 0.1 };
  it('warms up linearly, then follows the cosine down to a 10 % floor', () => {
    expect(nfLearningRate(optim, 0, 1000)).toBe(0);
    expect(nfLearningRate(optim, 50, 1000)).toBeCloseTo(5e-4, 12);
    expect(nfLearningRate(optim, 100, 1000)).toBeCloseTo(1e-3, 12);
    expect(nfLearningRate(optim, 550, 1000)).toBeCloseTo(5e-4, 12);
    expect(nfLearningRate(optim, 950, 1000)).toBeCloseTo(1e-4, 12);
    expect(nfLearningRate(optim, 2000, 1000)).toBeCloseTo(1e-4, 12);
  });
});

/** A planted sequence: neuron u fires in bin b when (b + u) % 4 == 0, plus nothing else. */
function plantedCounts(bins: number): { counts: Uint16Array; units: number; bins: number } {
  const counts = new Uint16Array(4 * bins);
  for (let u = 0; u < 4; u++) for (let b = 0; b < bins; b++) if ((b + u) % 4 === 0) counts[u * bins + b] = 1;
  return { counts, units: 4, bins };
}

describe('trainNeuroformer', () => {
  let tf: Tfjs;
  beforeAll(async () => {
    tf = await activateBackend('wasm');
  });

  const bins = 2000;
  const data: NfTrainData = {
    counts: plantedCounts(bins),
    dtS: 0.01,
    trainEnds: Array.from({ length: 256 }, (_, i) => Number((0.1 + i * 0.05).toFixed(2))),
    validationEnds: Array.from({ length: 32 }, (_, i) => Number((15 + i * 0.05).toFixed(2))),
  };
  const options = (epochs: number): NfTrainOptions => ({
    model: CONFIG,
    optim: { ...RELEASED_OPTIM, lr: 3e-3, weightDecay: 0.01, warmupFraction: 0.05 },
    batchSize: 32,
    epochs,
    seed: 7,
    maxValidationWindows: 32,
    bundle: { kind: 'neuroformer', version: 1, model: CONFIG, stimulus: { kind: 'none' }, data: { originS: 0, endS: 20, split: splitTimeBlocks(0, 20, { blocks: 4, testBlocks: 1, validationBlocks: 1, seed: 0 }), unitIds: ['a', 'b', 'c', 'd'], cellTypes: [null, null, null, null] } },
  });

  it('learns a planted sequence, and a checkpoint resumes to the uninterrupted result', async () => {
    const checkpoints: Uint8Array[] = [];
    const full = await trainNeuroformer(tf, data, options(3), { onEpochEnd: async (_r, checkpoint) => void checkpoints.push(await checkpoint()) });
    const h = full.state.history;
    expect(h).toHaveLength(3);
    expect(full.state.optimizerStep).toBe(24);
    expect(full.state.tokens).toBe(24 * 32 * CONFIG.blockSize);
    expect(h[2]!.trainLoss).toBeLessThan(h[0]!.trainLoss);
    expect(h[2]!.validationLoss!).toBeLessThan(h[0]!.validationLoss!);
    expect(h[2]!.validationF1!).toBeGreaterThan(0.5);
    expect(full.stepLr).toHaveLength(24);
    const finalBytes = await full.bundle();
    const decoded = decodeNfBundle(checkpoints[0]!, 'epoch 1');
    expect(decoded.config.training!.epoch).toBe(1);
    expect(decoded.adam).not.toBeNull();

    const resumed = await trainNeuroformer(tf, data, options(3), { resume: { bytes: checkpoints[0]!, source: 'epoch 1' } });
    expect(resumed.state.history.map((r) => r.trainLoss)).toEqual(h.map((r) => r.trainLoss));
    const a = await full.model.params.snapshotAsync();
    const b = await resumed.model.params.snapshotAsync();
    for (const [name, t] of a) expect(Array.from(b.get(name)!.values)).toEqual(Array.from(t.values));

    // The stored model loads back with the same weights; randomInit gives the seeded initial ones.
    const loaded = loadNeuroformer(tf, finalBytes, 'final');
    const c = await loaded.model.params.snapshotAsync();
    for (const [name, t] of a) expect(Array.from(c.get(name)!.values)).toEqual(Array.from(t.values));
    const init = loadNeuroformer(tf, finalBytes, 'final', { randomInit: true });
    const d = await init.model.params.snapshotAsync();
    expect(Array.from(d.get('head_id.weight')!.values)).not.toEqual(Array.from(a.get('head_id.weight')!.values));
    for (const m of [loaded.model, init.model]) m.dispose();
    full.dispose();
    resumed.dispose();
  }, 240_000);

  it('stops with NfCancelled when asked', async () => {
    await expect(trainNeuroformer(tf, data, options(1), { signal: { aborted: true } })).rejects.toThrow(/cancelled/);
  });
});
