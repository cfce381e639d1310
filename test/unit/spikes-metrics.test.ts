/**
 * Evaluation metrics of #20: connectivity scores (AUROC/AUPRC vs sklearn, hubs, direction),
 * Neuroformer's spike-prediction F1 (analysis.compute_scores, quirks included) and attention rollout
 * (attention_vis.get_att_neurons) against test/fixtures/reference/spikes_metrics_numpy.py, the PSTH
 * reliability ceiling, and the cross-correlogram baseline on known answers.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attentionRollout, rolloutAttentions, type AttentionLayers } from '../../main/pipelines/spikes/attention-rollout.js';
import { averagePrecision, rocAuc, scoreConnectivity, spearman } from '../../main/pipelines/spikes/connectivity-metrics.js';
import { ccgConnectivity, crossCorrelogram } from '../../main/pipelines/spikes/correlogram-connectivity.js';
import { idsPerWindow, neuroformerScores, psthCorrelation, trialCounts, type IdWindow } from '../../main/pipelines/spikes/prediction-scores.js';
import { simulateNetwork } from '../../main/pipelines/spikes/simulate.js';
import { seededRandom } from '../../shared/random.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'fixtures', 'reference', 'spikes_metrics_numpy.py');
const hasSklearn = spawnSync(PYTHON, ['-c', 'import numpy, scipy, sklearn'], { encoding: 'utf8' }).status === 0;
const SKIP = `${PYTHON} cannot import numpy/scipy/sklearn (apt-get install python3-sklearn): the reference checks are skipped`;

function runReference<T>(input: unknown): T {
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`spikes_metrics_numpy.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

function randomWindows(seed: number, count: number, neurons: number): IdWindow[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const pick = (p: number) => Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * neurons * p));
    return { trueIds: pick(1), predictedIds: random() < 0.15 ? [] : pick(1) };
  });
}

/** The windows as the reference's (Interval, Trial, ID) rows. */
function rows(windows: IdWindow[], side: 'trueIds' | 'predictedIds'): number[][] {
  return windows.flatMap((w, k) => Array.from(w[side]).map((id) => [0.05 * (k % 7), Math.floor(k / 7), id]));
}

function randomAttention(seed: number, layers: number, heads: number, t: number, tPrev: number): AttentionLayers {
  const random = seededRandom(seed);
  const maps = Array.from({ length: layers }, () => {
    const a = new Float32Array(heads * t * tPrev);
    for (let r = 0; r < heads * t; r++) {
      let s = 0;
      for (let j = 0; j < tPrev; j++) s += a[r * tPrev + j] = Math.exp(3 * random());
      for (let j = 0; j < tPrev; j++) a[r * tPrev + j]! /= s;
    }
    return a;
  });
  return { layers: maps, heads, t, tPrev };
}

describe('neuroformerScores (analysis.compute_scores)', () => {
  it('reproduces each branch of the reference, quirks included', () => {
    // TP, FP, FN all > 0: textbook ratios. true {1,2,3}, pred {2,3,4}: P = R = 2/3.
    expect(neuroformerScores([{ trueIds: [1, 2, 3], predictedIds: [2, 3, 4] }]).F1).toBeCloseTo(2 / 3, 12);
    // FN > 0 but FP = 0: the reference scores recall 1 (not 1/3).
    const missed = neuroformerScores([{ trueIds: [1, 2, 3], predictedIds: [1] }]);
    expect([missed.precision, missed.recall, missed.F1]).toEqual([1, 1, 1]);
    expect(neuroformerScores([{ trueIds: [1, 2, 3], predictedIds: [1] }], { corrected: true }).recall).toBeCloseTo(1 / 3, 12);
    // FP > 0 but FN = 0: precision 1 too.
    expect(neuroformerScores([{ trueIds: [1], predictedIds: [1, 5, 6] }]).precision).toBe(1);
    // No hit (including an empty prediction): 0.
    expect(neuroformerScores([{ trueIds: [1], predictedIds: [] }]).F1).toBe(0);
    // Windows without true spikes do not count; repeated ids collapse.
    const s = neuroformerScores([
      { trueIds: [], predictedIds: [1, 2] },
      { trueIds: [4, 4, 5], predictedIds: [4, 7, 7] },
    ]);
    expect(s.windows).toBe(1);
    expect(s.F1).toBeCloseTo(0.5, 12);
    expect(() => neuroformerScores([{ trueIds: [], predictedIds: [1] }])).toThrow(/no window/);
  });

  it.skipIf(!hasSklearn)('equals the numpy transcription on random windows', () => {
    const cases = [randomWindows(1, 200, 30), randomWindows(2, 50, 5), randomWindows(3, 300, 100)];
    const reference = runReference<{ f1: { precision: number; recall: number; F1: number }[] }>({
      f1: cases.map((w) => ({ true: rows(w, 'trueIds'), pred: rows(w, 'predictedIds') })),
    });
    cases.forEach((w, k) => {
      const ours = neuroformerScores(w);
      expect(ours.precision).toBeCloseTo(reference.f1[k]!.precision, 12);
      expect(ours.recall).toBeCloseTo(reference.f1[k]!.recall, 12);
      expect(ours.F1).toBeCloseTo(reference.f1[k]!.F1, 12);
    });
  });
  if (!hasSklearn) it.skip(SKIP, () => {});

  it('scores "every neuron in every window" as F1 = 1 (the reference rewards over-prediction: FN = 0 → 1, 1)', () => {
    const everyone = Array.from({ length: 20 }, (_, i) => i);
    const windows = randomWindows(4, 100, 20).map((w) => ({ trueIds: w.trueIds, predictedIds: everyone }));
    expect(neuroformerScores(windows).F1).toBe(1);
    expect(neuroformerScores(windows, { corrected: true }).F1).toBeLessThan(0.5);
  });

  it('idsPerWindow lists the neurons that fired in each window', () => {
    const trains = [Float64Array.from([0.01, 0.12]), Float64Array.from([0.06]), Float64Array.from([0.1, 0.149])];
    const ids = idsPerWindow(trains, [0, 0.05, 0.1], 0.05);
    expect(ids.map((a) => Array.from(a))).toEqual([[0], [1], [0, 2]]);
  });
});

describe('PSTH correlation and the split-half ceiling', () => {
  it('is 1 for identical trials and perfect predictions; the ceiling follows Spearman–Brown', () => {
    const pattern = [0, 1, 4, 2, 0, 3];
    const same = { counts: Float64Array.from([...pattern, ...pattern, ...pattern, ...pattern]), trials: 4, bins: 6 };
    const r = psthCorrelation(same, { counts: Float64Array.from(pattern.map((v) => 2 * v)), trials: 1, bins: 6 });
    expect(r.r).toBeCloseTo(1, 12);
    expect(r.splitHalf).toBeCloseTo(1, 12);
    expect(r.ceiling).toBeCloseTo(1, 12);
    // Noisy trials by hand: even trials 0 and 2, odd trial 1.
    const noisy = { counts: Float64Array.from([1, 0, 2, 1, 3, 0, 0, 2, 2, 1, 2, 0]), trials: 3, bins: 4 };
    const even = [1.5, 0.5, 2, 0.5]; // trials 0 and 2: [1,0,2,1] and [2,1,2,0]
    const odd = [3, 0, 0, 2];
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const corr = (a: number[], b: number[]) => {
      const ma = mean(a);
      const mb = mean(b);
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      a.forEach((v, i) => {
        sab += (v - ma) * (b[i]! - mb);
        saa += (v - ma) ** 2;
        sbb += (b[i]! - mb) ** 2;
      });
      return sab / Math.sqrt(saa * sbb);
    };
    const got = psthCorrelation(noisy, { counts: Float64Array.from([1, 1, 1, 2]), trials: 1, bins: 4 });
    expect(got.splitHalf).toBeCloseTo(corr(even, odd), 12);
    expect(got.ceiling).toBeCloseTo((2 * got.splitHalf) / (1 + got.splitHalf), 12);
    expect(got.r).toBeCloseTo(corr([2, 1 / 3, 4 / 3, 1], [1, 1, 1, 2]), 12);
  });

  it('trialCounts bins the spikes after each event', () => {
    const t = trialCounts(Float64Array.from([0.05, 0.15, 0.16, 1.01, 1.3]), [0, 1], 0.1, 3);
    expect(Array.from(t.counts)).toEqual([1, 2, 0, 1, 0, 0]);
    expect(Array.from(trialCounts(Float64Array.from([0.95]), [1], 0.1, 2, -0.1).counts)).toEqual([1, 0]);
  });
});

describe('connectivity scores', () => {
  it('scores the truth as perfect, its transpose as wrong in direction, a constant as chance', () => {
    const sim = simulateNetwork({ neurons: 40, durationS: 0.01, seed: 4, hubs: 3, hubOutProbability: 0.6 });
    const n = 40;
    const truth = sim.weights;
    const abs = truth.map(Math.abs);
    const perfect = scoreConnectivity(truth, abs, n, { hubs: 3 });
    expect(perfect.auroc).toBe(1);
    expect(perfect.auprc).toBeCloseTo(1, 12);
    expect(perfect.directionAuroc).toBe(1);
    expect(perfect.hubRecall).toBe(1);
    const transposed = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) transposed[i * n + j] = abs[j * n + i]!;
    expect(scoreConnectivity(truth, transposed, n).directionAuroc).toBe(0);
    const flat = scoreConnectivity(truth, new Float64Array(n * n).fill(1), n);
    expect(flat.auroc).toBe(0.5);
    expect(flat.auprc).toBeCloseTo(flat.chanceAuprc, 12);
  });

  it.skipIf(!hasSklearn)('AUROC, average precision and Spearman equal sklearn / scipy, ties included', () => {
    const random = seededRandom(8);
    const cases = Array.from({ length: 4 }, (_, k) => {
      const labels = Array.from({ length: 300 }, () => (random() < 0.2 ? 1 : 0));
      // Case 0 and 1 with heavy ties (scores rounded), 2 and 3 continuous.
      const scores = labels.map((l) => (k < 2 ? Math.round(4 * (random() + 0.3 * l)) / 4 : random() + 0.5 * l));
      return { labels, scores };
    });
    const spearmanCases = [{ a: [1, 2, 2, 3, 5, 4], b: [2, 2, 1, 4, 4, 9] }, { a: cases[2]!.scores, b: cases[3]!.scores }];
    const reference = runReference<{ ranking: { auroc: number; ap: number }[]; spearman: number[] }>({ ranking: cases, spearman: spearmanCases });
    cases.forEach((c, k) => {
      const labels = Int8Array.from(c.labels);
      const scores = Float64Array.from(c.scores);
      expect(rocAuc(labels, scores)).toBeCloseTo(reference.ranking[k]!.auroc, 12);
      expect(averagePrecision(labels, scores)).toBeCloseTo(reference.ranking[k]!.ap, 12);
    });
    spearmanCases.forEach((c, k) => expect(spearman(c.a, c.b)).toBeCloseTo(reference.spearman[k]!, 12));
  });
});

describe('attentionRollout (attention_vis.get_att_neurons)', () => {
  it.skipIf(!hasSklearn)("'reference' mode equals the numpy transcription: square and rectangular maps, repeated ids, specials", () => {
    const neurons = 9; // + SOS, EOS, PAD = vocabulary 12
    const cases = [
      { maps: randomAttention(1, 3, 2, 6, 6), y: [0, 3, 3, 10, 5, 1], idPrev: [2, 2, 7, 0, 3, 2] },
      { maps: randomAttention(2, 2, 4, 5, 8), y: [4, 1, 8, 10], idPrev: [0, 1, 1, 5, 6, 8, 8] },
      { maps: randomAttention(3, 1, 2, 4, 4), y: [1, 2, 3, 0], idPrev: [3, 2, 1, 0] },
    ];
    const reference = runReference<{ rollout: number[][] }>({
      rollout: cases.map((c) => ({
        att: c.maps.layers.flatMap((l) => Array.from(l)),
        shape: [c.maps.layers.length, c.maps.heads, c.maps.t, c.maps.tPrev],
        y: c.y,
        idPrev: c.idPrev,
        vocab: neurons + 3,
      })),
    });
    cases.forEach((c, k) => {
      const ours = attentionRollout(c.maps, c.y, c.idPrev, neurons, { mode: 'reference' });
      const vocab = neurons + 3;
      for (let post = 0; post < neurons; post++) {
        for (let pre = 0; pre < neurons; pre++) expect(ours[post * neurons + pre]).toBeCloseTo(reference.rollout[k]![post * vocab + pre]!, 5);
      }
    });
  });

  it("'reference' mode keeps only the diagonal for rectangular maps and is the identity for one layer (documented quirks)", () => {
    const rect = rolloutAttentions(randomAttention(4, 3, 2, 3, 5), 'reference');
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) if (i !== j) expect(rect[i * 5 + j]).toBe(0);
    const single = rolloutAttentions(randomAttention(5, 1, 2, 3, 3), 'reference');
    expect(Array.from(single)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it("'mean' mode averages the head-max, row-normalised maps over layers and sums repeated source ids", () => {
    // One head, two layers, T = 1, Tprev = 3.
    const maps: AttentionLayers = { layers: [Float32Array.from([0.5, 0.25, 0.25]), Float32Array.from([0.1, 0.1, 0.8])], heads: 1, t: 1, tPrev: 3 };
    const a = attentionRollout(maps, [2], [0, 1, 0], 3);
    // Source 0 (positions 0 and 2): mean(0.5, 0.1) + mean(0.25, 0.8); source 1: mean(0.25, 0.1).
    expect(a[2 * 3 + 0]).toBeCloseTo(0.3 + 0.525, 6);
    expect(a[2 * 3 + 1]).toBeCloseTo(0.175, 6);
    expect(a[0]).toBe(0);
    // Accumulates over samples into `into`.
    attentionRollout(maps, [2], [0, 1, 0], 3, { into: a });
    expect(a[2 * 3 + 1]).toBeCloseTo(0.35, 6);
  });
});

describe('cross-correlogram connectivity', () => {
  it('counts lags exactly', () => {
    const c = crossCorrelogram(Float64Array.from([1, 2]), Float64Array.from([1.002, 0.999, 2.0004, 3]), 0.001, 3);
    // lags (bins): +2, −1 (from a = 1); 0 (from a = 2), and 2.999 s away is out of range.
    expect(Array.from(c)).toEqual([0, 0, 1, 1, 0, 1, 0]);
  });

  it('ignores the shared stimulus drive and finds synapses and their direction', () => {
    // Unconnected neurons sharing a strong cosine stimulus: the jitter correction leaves no peak.
    const sim = simulateNetwork({ neurons: 3, durationS: 300, seed: 6, excitatoryFraction: 1, connectionProbability: 0, hubs: 1, hubOutProbability: 0, stimulusDepth: 1, baseRateHz: 10 });
    expect(sim.weights.every((v) => v === 0)).toBe(true);
    const z = ccgConnectivity(sim.times).z;
    for (const v of z) expect(Math.abs(v)).toBeLessThan(5); // no edge, no stimulus artefact
    const wired = simulateNetwork({ neurons: 30, durationS: 120, seed: 6, connectionProbability: 0.15, hubs: 2 });
    const scores = scoreConnectivity(wired.weights, ccgConnectivity(wired.times).z.map(Math.abs), 30);
    expect(scores.auroc).toBeGreaterThan(0.75);
    expect(scores.directionAuroc).toBeGreaterThan(0.7);
  });
});
