/**
 * MDS baselines (main/pipelines/mds/baselines.ts): k-means and the diagonal Gaussian mixture
 * against sklearn on the same features (test/fixtures/reference/mds-baselines-sklearn.json, from
 * mds_baselines_sklearn.py), the sparse PCA's constraint, and the baselines on a small simulated
 * retina. CAJAL_WRITE_MDS_FEATURES=<file> writes the script's input instead of testing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../main/pipelines/mds/ari.js';
import {
  fitGmm,
  gmmFromParams,
  gmmMStep,
  kmeansBaseline,
  oneHot,
  runBaselines,
  silhouette,
  sparsePcaFeatures,
  type FeatureMatrix,
} from '../../main/pipelines/mds/baselines.js';
import { datasetFromSimulation } from '../../main/pipelines/mds/dataset.js';
import { sparsePca } from '../../main/pipelines/mds/features.js';
import { simulateRetina } from '../../main/pipelines/mds/simulate/index.js';
import { REPO_ROOT } from '../helpers/data.js';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/reference/mds-baselines-sklearn.json');
/** The small simulated retina the fixture's features come from. */
const SMALL = { seed: 3, cellsPerType: 5, noiseS: 20, testS: 4, testRepeats: 3, trials: 3 } as const;
const KS = [2, 4, 8];

interface Fixture {
  rows: number;
  cols: number;
  data: number[];
  initLabels: Record<string, number[]>;
  results: Record<string, {
    fixed: { lowerBound: number; iterations: number; score: number; bic: number; labels: number[]; means: number[] };
    free: { score: number; bic: number; labels: number[] };
    kmeans: { inertia: number; labels: number[] };
  }>;
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));

function smallFeatures(): FeatureMatrix {
  return sparsePcaFeatures(datasetFromSimulation(simulateRetina(SMALL))).features;
}

if (process.env.CAJAL_WRITE_MDS_FEATURES) {
  const X = smallFeatures();
  const initLabels = Object.fromEntries(KS.map((k) => [k, Array.from(kmeansBaseline(X, k, 1, 1).labels)]));
  writeFileSync(process.env.CAJAL_WRITE_MDS_FEATURES, JSON.stringify({ rows: X.rows, cols: X.cols, data: Array.from(X.data), initLabels }));
}

describe('MDS baselines against sklearn', () => {
  const fixture: Fixture | null = existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture) : null;
  const X: FeatureMatrix | null = fixture ? { rows: fixture.rows, cols: fixture.cols, data: Float64Array.from(fixture.data) } : null;

  it('the features are what the code computes now', () => {
    const now = smallFeatures();
    expect([now.rows, now.cols]).toEqual([fixture!.rows, fixture!.cols]);
    let worst = 0;
    for (let i = 0; i < now.data.length; i++) worst = Math.max(worst, Math.abs(now.data[i]! - fixture!.data[i]!));
    expect(worst).toBeLessThan(1e-9);
  });

  it.each(KS)('GMM from the same start as sklearn: same log-likelihood, BIC, iterations and labels (k = %i)', (k) => {
    const ref = fixture!.results[k]!.fixed;
    const init = Int32Array.from(fixture!.initLabels[k]!);
    const fit = gmmFromParams(X!, gmmMStep(X!, oneHot(init, k), k, 1e-6), { regCovar: 1e-6 }) as ReturnType<typeof gmmFromParams> & { lowerBound: number };
    expect(rel(fit.lowerBound, ref.lowerBound)).toBeLessThan(1e-6);
    expect(rel(fit.meanLogLikelihood, ref.score)).toBeLessThan(1e-6);
    expect(rel(fit.bic, ref.bic)).toBeLessThan(1e-6);
    expect(fit.iterations).toBe(ref.iterations);
    expect(Array.from(fit.labels)).toEqual(ref.labels);
    let worst = 0;
    for (let i = 0; i < ref.means.length; i++) worst = Math.max(worst, Math.abs(fit.means[i]! - ref.means[i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it.each(KS)('GMM with its own restarts reaches sklearn\'s fit (k = %i)', (k) => {
    const ref = fixture!.results[k]!.free;
    const fit = fitGmm(X!, k, 0, 10, 1e-6);
    // Different random starts: at least as good a likelihood within 1 %, and mostly the same partition.
    expect(fit.meanLogLikelihood).toBeGreaterThanOrEqual(ref.score - 0.01 * Math.abs(ref.score));
    expect(adjustedRandIndex(fit.labels, ref.labels)).toBeGreaterThan(0.7);
  });

  it.each(KS)('k-means matches sklearn\'s inertia and labels (k = %i)', (k) => {
    const ref = fixture!.results[k]!.kmeans;
    const run = kmeansBaseline(X!, k, 0);
    expect(run.inertia).toBeLessThanOrEqual(ref.inertia * 1.01);
    expect(adjustedRandIndex(run.labels, ref.labels)).toBeGreaterThan(0.8);
  });
});

describe('MDS baseline pieces', () => {
  it('sparse PCA: unit loadings with the given number of non-zeros, decreasing variance', () => {
    const rows = 40;
    const cols = 30;
    const data = new Float64Array(rows * cols);
    // Two planted sparse directions (columns 0–4 and 10–14) plus small noise.
    let s = 1;
    const noise = (): number => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1;
    for (let r = 0; r < rows; r++) {
      const a = Math.sin(r);
      const b = Math.cos(3 * r) * 0.5;
      for (let c = 0; c < cols; c++) data[r * cols + c] = (c < 5 ? a : 0) + (c >= 10 && c < 15 ? b : 0) + noise();
    }
    const spca = sparsePca({ rows, cols, data }, 2, 5);
    for (let comp = 0; comp < 2; comp++) {
      const v = spca.loadings.subarray(comp * cols, (comp + 1) * cols);
      expect(v.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0)).toBe(5);
      expect(v.reduce((n, x) => n + x * x, 0)).toBeCloseTo(1, 10);
    }
    const first = Array.from(spca.loadings.subarray(0, cols)).map((x, i) => (x !== 0 ? i : -1)).filter((i) => i >= 0);
    const second = Array.from(spca.loadings.subarray(cols, 2 * cols)).map((x, i) => (x !== 0 ? i : -1)).filter((i) => i >= 0);
    expect(first).toEqual([0, 1, 2, 3, 4]);
    expect(second).toEqual([10, 11, 12, 13, 14]);
    expect(spca.variance[0]!).toBeGreaterThan(spca.variance[1]!);
  });

  it('k-means and silhouette recover well-separated blobs', () => {
    const rows = 30;
    const data = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      data[i * 2] = (i % 3) * 10 + Math.sin(i);
      data[i * 2 + 1] = Math.cos(i);
    }
    const X = { rows, cols: 2, data };
    const run = kmeansBaseline(X, 3, 5);
    expect(adjustedRandIndex(run.labels, Array.from({ length: rows }, (_, i) => i % 3))).toBe(1);
    expect(silhouette(X, run.labels)).toBeGreaterThan(0.8);
  });

  it('runs every baseline on a simulated retina with ARI against the planted types', () => {
    const baselines = runBaselines(datasetFromSimulation(simulateRetina(SMALL)), { seed: 0, kMax: 6 });
    expect(baselines.map((b) => b.method)).toEqual(['k-means (k = known types)', 'k-means (silhouette)', 'sparse-pca + gmm (bic)']);
    for (const b of baselines) {
      expect(b.labels).toBeInstanceOf(Int32Array);
      expect(b.labels.length).toBe(40);
      expect(b.ari).not.toBeNull();
      expect(b.ari!).toBeGreaterThan(0.1);
    }
    expect(baselines[0]!.clusters).toBe(8);
  });
});
