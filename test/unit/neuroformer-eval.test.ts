/**
 * Neuroformer evaluation pieces (main/pipelines/neuroformer/evaluate.ts): recorded ids per window,
 * the GLM spike-prediction baseline fitted on training blocks only (a neuron driven by another is
 * predicted far better than chance), PSTH against the reliability ceiling, and the attention
 * connectivity matrix's layout and normalisation.
 * Run: npx vitest run test/unit/neuroformer-eval.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/random.js';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import type { NeuroformerConfig } from '../../main/pipelines/neuroformer/config.js';
import { attentionConnectivity, glmPrediction, psthTable, recordedIds } from '../../main/pipelines/neuroformer/evaluate.js';
import { createNeuroformer } from '../../main/pipelines/neuroformer/model.js';
import { splitTimeBlocks, windowEnds } from '../../main/pipelines/neuroformer/split.js';

describe('recordedIds', () => {
  it('lists the units with a spike in each current window', () => {
    const counts = new Uint16Array(3 * 20);
    counts[0 * 20 + 4] = 1; // unit 0, bin 4 → window ending 0.05
    counts[2 * 20 + 5] = 2; // unit 2, bin 5 → window ending 0.10
    counts[1 * 20 + 9] = 1; // unit 1, bin 9 → window ending 0.10
    expect(recordedIds({ counts, units: 3, bins: 20 }, 0.01, [0.05, 0.1, 0.15], 0.05)).toEqual([[0], [1, 2], []]);
  });
});

describe('GLM spike-prediction baseline', () => {
  it('predicts a follower neuron from its driver, fitted on training blocks only', () => {
    const bins = 20000;
    const random = seededRandom(4);
    const counts = new Uint16Array(3 * bins);
    for (let b = 0; b < bins; b++) {
      if (random() < 0.08) counts[b] = 1; // driver
      if (b > 0 && counts[b - 1] && random() < 0.9) counts[bins + b] = 1; // follower, 1 bin later
      if (random() < 0.02) counts[2 * bins + b] = 1; // independent
    }
    const matrix = { counts, units: 3, bins };
    const split = splitTimeBlocks(0, bins * 0.01, { blocks: 5, testBlocks: 1, validationBlocks: 0, seed: 1 });
    const ends = windowEnds(split.test, 0, { windowS: 0.05, windowPrevS: 0.05, dtS: 0.01 });
    const { scores, corrected } = glmPrediction(matrix, 0.01, 0, { kind: 'none' }, split.train, ends, 0.05, { bases: 1, maxLagBins: 3, alpha: 1e-4, seed: 0 });
    expect(scores.windows).toBeGreaterThan(100);
    expect(scores.F1).toBeGreaterThan(0.4);
    expect(scores.F1).toBeLessThanOrEqual(1);
    // The textbook F1 of the same windows: never above compute_scores' (its quirk only turns ratios into 1).
    expect(corrected.windows).toBe(scores.windows);
    expect(corrected.F1).toBeGreaterThan(0);
    expect(corrected.F1).toBeLessThanOrEqual(scores.F1 + 1e-12);
  });
});

describe('psthTable', () => {
  it('a copy of the recording correlates perfectly; the ceiling comes from the recorded trials', () => {
    const events = Array.from({ length: 40 }, (_, i) => 1 + i);
    const train = Float64Array.from(events.flatMap((e) => [e + 0.02, e + 0.07, e + 0.31]));
    const r = psthTable([train], [train], events, 0.05, 0.5);
    expect(r.trials).toBe(40);
    expect(r.perUnitR[0]).toBeCloseTo(1, 12);
    expect(r.ceilingPerUnit[0]).toBeCloseTo(1, 12);
    // The curves: spikes/s per 50-ms bin, one spike per trial in bins 0, 1 and 6 → 20 spikes/s there.
    expect(r.bins).toBe(10);
    expect(Array.from(r.recordedPsth)).toEqual([20, 20, 0, 0, 0, 0, 20, 0, 0, 0]);
    expect(Array.from(r.generatedPsth)).toEqual(Array.from(r.recordedPsth));
  });
});

describe('attentionConnectivity', () => {
  let tf: Tfjs;
  beforeAll(async () => {
    tf = await activateBackend('wasm');
  });

  it('gives a units × units matrix with an empty diagonal and counts the windows', async () => {
    const config: NeuroformerConfig = {
      name: 'custom', neurons: 4, dtS: 0.01, windowS: 0.05, windowPrevS: 0.05, blockSize: 8, blockSizePrev: 8, embedDim: 16, heads: 2,
      layers: { stateHistory: 2, state: 1, stimulus: 0 }, stimulus: null, dropout: { attn: 0, resid: 0, id: 0, im: 0, temp: 0 }, lossWeights: { id: 0.45, dt: 0.3 },
    };
    const model = createNeuroformer(tf, config, 1);
    const bins = 200;
    const random = seededRandom(2);
    const counts = Uint16Array.from({ length: 4 * bins }, () => (random() < 0.15 ? 1 : 0));
    const ends = [0.2, 0.5, 0.8, 1.1, 1.4];
    const out = await attentionConnectivity(model, { counts, units: 4, bins }, 0.01, ends, () => undefined, { batch: 2 });
    expect(out.windows).toBe(5);
    expect(out.matrix).toHaveLength(16);
    for (let i = 0; i < 4; i++) expect(out.matrix[i * 4 + i]).toBe(0);
    // Mean attention per prediction: each predicted neuron's row over past neurons sums to ≤ 1.
    for (let post = 0; post < 4; post++) {
      let s = 0;
      for (let pre = 0; pre < 4; pre++) s += out.perPrediction[post * 4 + pre]!;
      expect(s).toBeLessThanOrEqual(1 + 1e-9);
    }
    expect(out.matrix.some((v) => v > 0)).toBe(true);
    model.dispose();
  });
});
