/**
 * The Poisson GLM baseline (main/pipelines/spikes/glm.ts): raised-cosine bases, the design matrix
 * by hand, the fit against sklearn's PoissonRegressor on the same design
 * (test/fixtures/reference/spikes_glm_sklearn.py; skipped without sklearn), and coupling recovery
 * on a simulated network.
 *
 * Tolerance vs sklearn: both minimise the same strictly convex objective (α > 0); ours stops at
 * max|∇f| ≤ 1e-11, sklearn's newton-cholesky at tol 1e-12. Near the optimum ‖β − β*‖ ≤ ‖∇f‖/λ_min(H)
 * and λ_min(H) ≥ α, so with α ≥ 1e-3 both sit within ~1e-8 of β*; we allow 1e-6 (relative to
 * max(1, |β|)) to leave room for sklearn's own stopping rule and for rounding in 4000-row sums.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import { absolute, scoreConnectivity } from '../../main/pipelines/spikes/connectivity-metrics.js';
import { binSpikes } from '../../main/pipelines/spikes/bin.js';
import { buildDesign, fitPoissonGlm, glmConnectivity, glmFiringProbability, raisedCosineBasis } from '../../main/pipelines/spikes/glm.js';
import { idsFromProbabilities, idsPerWindow, neuroformerScores } from '../../main/pipelines/spikes/prediction-scores.js';
import { simulateNetwork, stimulusAt } from '../../main/pipelines/spikes/simulate.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'fixtures', 'reference', 'spikes_glm_sklearn.py');
const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn.linear_model'], { encoding: 'utf8' }).status === 0;

describe('raisedCosineBasis', () => {
  it('bumps lie in [0, 1], the first peaks at the first lag, the last ends at the last lag', () => {
    const b = raisedCosineBasis(3, 1, 20);
    expect(b.lags).toBe(20);
    expect(b.values.length).toBe(60);
    for (const v of b.values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(b.values[0]).toBeCloseTo(1, 12); // bump 0 at lag 1
    expect(b.values[2 * 20 + 19]).toBeCloseTo(0, 12); // bump 2 at lag 20
    // Peaks move to later lags and widen (log-stretched time).
    const argmax = (k: number) => Array.from(b.values.subarray(k * 20, k * 20 + 20)).reduce((best, v, i, a) => (v > a[best]! ? i : best), 0);
    expect(argmax(0)).toBeLessThan(argmax(1));
    expect(argmax(1)).toBeLessThan(argmax(2));
    // Pillow's spacing: interior bumps (±2Δ, spacing Δ) sum to 2 where four overlap
    // (before the last bump's peak).
    const many = raisedCosineBasis(8, 1, 200);
    const sumAt = (lag: number) => Array.from({ length: 8 }, (_, k) => many.values[k * 200 + lag - 1]!).reduce((s, v) => s + v, 0);
    expect(sumAt(10)).toBeCloseTo(2, 6);
    expect(sumAt(40)).toBeCloseTo(2, 6);
    expect(() => raisedCosineBasis(0, 1, 5)).toThrow(ValidationError);
  });
});

describe('buildDesign', () => {
  it('filters each neuron causally with the basis and appends the stimulus features', () => {
    const counts = [Float64Array.from([1, 0, 0, 2, 0, 0]), Float64Array.from([0, 1, 0, 0, 0, 0])];
    const stimulus = [Float64Array.from([0.5, -1, 2, 0, 1, 3])];
    const basis = raisedCosineBasis(2, 1, 3);
    const d = buildDesign(counts, stimulus, basis, null);
    expect([d.rows, d.columns, d.stimulusColumns]).toEqual([6, 5, 1]);
    for (let t = 0; t < 6; t++) {
      expect(d.x[t * 5]).toBe(stimulus[0]![t]);
      for (let j = 0; j < 2; j++) {
        for (let k = 0; k < 2; k++) {
          let v = 0;
          for (let lag = 1; lag <= 3; lag++) if (t - lag >= 0) v += basis.values[k * 3 + lag - 1]! * counts[j]![t - lag]!;
          expect(d.x[t * 5 + 1 + j * 2 + k]).toBeCloseTo(v, 14);
        }
      }
    }
    expect(() => buildDesign(counts, [new Float64Array(5)], basis, null)).toThrow(/stimulus\[0\]/);
    expect(() => buildDesign(counts, [], raisedCosineBasis(1, 0, 3), null)).toThrow(/causal/);
  });
});

/** [units][bins] float64 rows of binSpikes, the design's input. */
function countRows(times: readonly Float64Array[], startS: number, binS: number, bins: number): Float64Array[] {
  const b = binSpikes({ times }, binS, startS, startS + bins * binS);
  expect(b.bins).toBe(bins);
  return times.map((_, u) => Float64Array.from(b.counts.subarray(u * bins, (u + 1) * bins)));
}

/** A small simulated design: 4 neurons, 40 s at 10 ms bins, cos/sin stimulus, 2 bumps per filter. */
function smallDesign() {
  const sim = simulateNetwork({ neurons: 4, durationS: 40, seed: 12, connectionProbability: 0.5, hubs: 1, baseRateHz: 12 });
  const binS = 0.01;
  const bins = 4000;
  const counts = countRows(sim.times, 0, binS, bins);
  const phase = (t: number) => (2 * Math.PI * (t + 0.5) * binS) / sim.params.stimulusPeriodS;
  const stimulus = [Float64Array.from({ length: bins }, (_, t) => Math.cos(phase(t))), Float64Array.from({ length: bins }, (_, t) => Math.sin(phase(t)))];
  return { design: buildDesign(counts, stimulus, raisedCosineBasis(2, 1, 8), null), counts };
}

describe('fitPoissonGlm', () => {
  it('reaches a stationary point of the penalised objective', () => {
    const { design, counts } = smallDesign();
    const fit = fitPoissonGlm(design, counts[1]!, 1e-3, { tolerance: 1e-11 });
    expect(fit.gradientNorm).toBeLessThanOrEqual(1e-11);
    expect(fit.iterations).toBeLessThan(60);
    expect(() => fitPoissonGlm(design, new Float64Array(3), 1e-3)).toThrow(/y/);
    expect(() => fitPoissonGlm(design, counts[0]!, -1)).toThrow(/alpha/);
  });

  it.skipIf(!hasSklearn)('equals sklearn PoissonRegressor on the same design matrix (α = 1e-3 and 0.05)', () => {
    const { design, counts } = smallDesign();
    for (const [neuron, alpha] of [
      [0, 1e-3],
      [2, 0.05],
    ] as const) {
      const ours = fitPoissonGlm(design, counts[neuron]!, alpha, { tolerance: 1e-11 });
      const run = spawnSync(PYTHON, [SCRIPT], {
        input: JSON.stringify({ x: Array.from(design.x), rows: design.rows, columns: design.columns, y: Array.from(counts[neuron]!), alpha }),
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      if (run.status !== 0) throw new Error(`spikes_glm_sklearn.py failed: ${run.stderr}`);
      const reference = JSON.parse(run.stdout) as { intercept: number; coef: number[]; solver: string };
      expect(Math.abs(ours.intercept - reference.intercept)).toBeLessThan(1e-6 * Math.max(1, Math.abs(reference.intercept)));
      reference.coef.forEach((c, j) => expect(Math.abs(ours.coef[j]! - c)).toBeLessThan(1e-6 * Math.max(1, Math.abs(c))));
    }
  }, 120_000);
  if (!hasSklearn) it.skip(`${PYTHON} cannot import sklearn (apt-get install python3-sklearn): the PoissonRegressor check is skipped`, () => {});
});

describe('glmConnectivity', () => {
  it('recovers the wiring and its direction on a simulated network', () => {
    const n = 20;
    const sim = simulateNetwork({ neurons: n, durationS: 60, seed: 1, connectionProbability: 0.2, hubs: 2 });
    const period = sim.params.stimulusPeriodS;
    const glm = glmConnectivity(sim.times, 0, 60, (t) => [stimulusAt(t, period), Math.sin((2 * Math.PI * t) / period)]);
    for (let i = 0; i < n; i++) expect(glm.coupling[i * n + i]).toBe(0);
    // Refractoriness shows as a negative history filter on average.
    expect(glm.history.reduce((s, v) => s + v, 0) / n).toBeLessThan(0);
    const scores = scoreConnectivity(sim.weights, absolute(glm.coupling), n, { hubs: 2 });
    expect(scores.auroc).toBeGreaterThan(0.85);
    expect(scores.directionAuroc).toBeGreaterThan(0.8);
    // The sign follows Dale's law on the true edges, mostly.
    let agree = 0;
    let edges = 0;
    for (let k = 0; k < n * n; k++) {
      if (sim.weights[k] === 0) continue;
      edges++;
      if (Math.sign(sim.weights[k]!) === Math.sign(glm.coupling[k]!)) agree++;
    }
    expect(agree / edges).toBeGreaterThan(0.8);
  });
});

describe('glmFiringProbability (the GLM row of the spike-prediction table)', () => {
  it('is calibrated on a held-out block and beats the same prediction shifted by half a stimulus cycle in F1', () => {
    const n = 15;
    const sim = simulateNetwork({ neurons: n, durationS: 60, seed: 3, connectionProbability: 0.2, hubs: 2, stimulusDepth: 1 });
    const period = sim.params.stimulusPeriodS;
    const stimulus = (t: number) => [stimulusAt(t, period), Math.sin((2 * Math.PI * t) / period)];
    const glm = glmConnectivity(sim.times, 0, 40, stimulus);
    const held = glmFiringProbability(glm, sim.times, 40, 60, stimulus, 0.05);
    expect(held.windows).toBe(400);
    const truth = idsPerWindow(sim.times, held.windowStartsS, 0.05);
    let expected = 0;
    for (const v of held.probability) expected += v;
    const observed = truth.reduce((s, ids) => s + ids.length, 0);
    expect(Math.abs(expected - observed) / observed).toBeLessThan(0.1);
    // Scored with the textbook F1: the reference's quirks (FN = 0 → precision 1) reward predicting
    // many neurons and blur the comparison (see spikes-metrics.test.ts).
    const predicted = idsFromProbabilities(held.probability, n, { threshold: 0.3 });
    const f1 = neuroformerScores(truth.map((t, w) => ({ trueIds: t, predictedIds: predicted[w]! })), { corrected: true }).F1;
    const shifted = neuroformerScores(truth.map((t, w) => ({ trueIds: t, predictedIds: predicted[(w + 210) % 400]! })), { corrected: true }).F1;
    expect(f1).toBeGreaterThan(shifted + 0.03);
    const sampled = idsFromProbabilities(held.probability, n, { seed: 1 });
    expect(sampled.reduce((s, ids) => s + ids.length, 0)).toBeGreaterThan(0.8 * observed);
    expect(() => glmFiringProbability(glm, sim.times, 40, 60, stimulus, 0.052)).toThrow(/windowS/);
    expect(() => glmFiringProbability(glm, sim.times.slice(1), 40, 60, stimulus, 0.05)).toThrow(/trains/);
  });
});
