/**
 * Brain-JEPA's inputs on the real data in ../shared/data/fmri:
 * - ABIDE (abide_aal116_100subj, 100 subjects, AAL-116) read through the cohort reader: its scan
 *   lengths per site and the crop `defaultCrop` chooses; the group connectivity (Fisher-z mean of the
 *   subjects' Pearson matrices) and its BrainSpace diffusion-map gradients for the three kernels
 *   against test/fixtures/reference/jepa-gradients-numpy.json (jepa_gradients_numpy.py: numpy, LAPACK's
 *   non-symmetric eigen-solver on the diffusion operator itself).
 * - Brain-JEPA's released gradient_mapping_450.csv: shape and the properties the research guide lists.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCohortSeries, readCohort, type RoiSeries } from '../../main/io/roi-series/index.js';
import { defaultCrop, fitRobustScaler, halvesCoverCrop, robustScaledSpread } from '../../main/pipelines/jepa/data.js';
import { diffusionMap, groupConnectivity, readGradientCsv, type GradientKernel } from '../../main/pipelines/jepa/gradients.js';
import { REPO_ROOT, SKIP_NO_DATA, dataFile, hasSharedData } from '../helpers/data.js';
import { maxRelativeError, sketch, type Sketch } from '../helpers/fmri-reference.js';

if (!hasSharedData()) console.warn(`jepa-gradients skipped: ${SKIP_NO_DATA}`);

interface KernelReference {
  gradients: number[];
  lambdas: number[];
  columnStd: number[];
  maxAbsMeanOverStd: number;
  maxAbsColumnCosine: number;
}
const reference = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/jepa-gradients-numpy.json`, 'utf8')) as {
  abide?: { subjects: string[]; regions: number; groupFisherZ: Sketch; groupPearson: Sketch; kernels: Record<GradientKernel, KernelReference> };
};
const ABIDE = dataFile('fmri', 'abide_aal116_100subj');
const CSV = dataFile('fmri', 'brainjepa', 'gradient_mapping_450.csv');
// ABIDE I scan parameters (not stated in the cohort's files): Pitt and Olin TR 1.5 s, OHSU 2.5 s.
const TR_BY_SITE: Record<string, number> = { PITT: 1.5, OLIN: 1.5, OHSU: 2.5 };

function sketchError(m: Float64Array, n: number, expected: Sketch): number {
  const actual = sketch(m, n);
  const scale = expected.frobenius / n;
  return Math.max(maxRelativeError(actual.samples, expected.samples, scale * 1e-3), maxRelativeError(actual.product, expected.product, scale), Math.abs(actual.frobenius / expected.frobenius - 1));
}

describe.skipIf(!hasSharedData())('ABIDE: crop and gradients', () => {
  let series: RoiSeries[];
  let sites: string[];
  let conn: Float64Array;
  beforeAll(async () => {
    const cohort = await readCohort(ABIDE);
    series = await loadCohortSeries(cohort);
    sites = cohort.subjects.map((s) => String(s.labels.site));
    conn = groupConnectivity(series);
  }, 120_000);

  it('scan lengths per site and the default crop (rate 1, 64 frames)', () => {
    const bySite = new Map<string, number[]>();
    series.forEach((s, k) => bySite.set(sites[k]!, [...(bySite.get(sites[k]!) ?? []), s.timepoints]));
    const summary = Object.fromEntries([...bySite].map(([site, t]) => [site, [t.length, Math.min(...t), Math.max(...t)]]));
    expect(summary).toEqual({ PITT: [56, 195, 195], OLIN: [34, 205, 205], OHSU: [10, 77, 77] });
    const crop = defaultCrop(
      series.map((s) => s.timepoints),
      sites.map((site) => TR_BY_SITE[site]!),
    );
    expect(crop).toMatchObject({ frames: 64, samplingRate: 1, patches: 4, shortScans: 0 });
    // Scan halves hold a whole 64-frame crop at PITT and OLIN, not at OHSU (38 frames per half).
    expect(series.filter((s) => halvesCoverCrop(s.timepoints, crop)).length).toBe(90);
  });

  it('robust-scaler statistics: ABIDE series are demeaned, so the IQR of ROI means is small', () => {
    const scaler = fitRobustScaler(series);
    const iqr = Array.from(scaler.iqr);
    // 0.0044 … 0.048 (numpy on the same 100 subjects) against temporal SDs ~1.3: the reference's
    // scaling gives per-ROI SDs of 42–88 (median 55) on this cohort.
    expect(Math.min(...iqr)).toBeGreaterThan(0.004);
    expect(Math.max(...iqr)).toBeLessThan(0.05);
    const spread = robustScaledSpread(series, scaler);
    expect(spread.min).toBeGreaterThan(40);
    expect(spread.max).toBeLessThan(90);
  });

  it('group connectivity equals numpy (Fisher-z mean, 1e-12)', () => {
    expect(reference.abide, 'the reference JSON was written without ../shared/data').toBeDefined();
    expect(sketchError(conn, 116, reference.abide!.groupFisherZ)).toBeLessThan(1e-12);
    expect(sketchError(groupConnectivity(series, { average: 'pearson' }), 116, reference.abide!.groupPearson)).toBeLessThan(1e-12);
  });

  for (const kernel of ['normalized_angle', 'cosine', 'none'] as const) {
    it(`${kernel} gradients (30) equal numpy to 1e-9 of each column's scale (measured 1e-13 to 3e-13), same sign convention`, () => {
      const expected = reference.abide!.kernels[kernel];
      const map = diffusionMap(conn, 116, { kernel, components: 30 });
      for (let c = 0; c < 30; c++) {
        let scale = 0;
        let worst = 0;
        for (let r = 0; r < 116; r++) {
          scale = Math.max(scale, Math.abs(expected.gradients[r * 30 + c]!));
          worst = Math.max(worst, Math.abs(map.gradients[r * 30 + c]! - expected.gradients[r * 30 + c]!));
        }
        expect(worst / scale, `component ${c + 1}`).toBeLessThan(1e-9);
        expect(Math.abs(map.lambdas[c]! / expected.lambdas[c]! - 1), `lambda ${c + 1}`).toBeLessThan(1e-9);
      }
    });
  }
});

describe.skipIf(!hasSharedData())("Brain-JEPA's gradient_mapping_450.csv", () => {
  it('450 ROIs × 30 gradients, centred, near-orthogonal columns, BrainSpace-like scale', async () => {
    const g = await readGradientCsv(CSV);
    expect([g.rois, g.components]).toEqual([450, 30]);
    const { rois: n, components: m, values } = g;
    const col = (c: number) => Array.from({ length: n }, (_, r) => values[r * m + c]!);
    const norms: number[] = [];
    for (let c = 0; c < m; c++) {
      const v = col(c);
      const mean = v.reduce((s, x) => s + x, 0) / n;
      const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
      // Column means ≈ 0: |mean| / sd ≤ 6e-5 measured (numpy), 1e-6 in absolute terms as the guide says.
      expect(Math.abs(mean) / sd, `column ${c + 1} mean`).toBeLessThan(1e-4);
      norms.push(v.reduce((s, x) => s + x * x, 0));
    }
    // Squared column norms 2.77, 2.49, 0.97, 0.52, 0.34 … (research guide A.5): decreasing at the top.
    expect(norms.slice(0, 5).map((x) => +x.toFixed(2))).toEqual([2.77, 2.49, 0.97, 0.52, 0.34]);
    let worstCos = 0;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += values[r * m + a]! * values[r * m + b]!;
        worstCos = Math.max(worstCos, Math.abs(dot) / Math.sqrt(norms[a]! * norms[b]!));
      }
    }
    // Near-orthogonal: the largest |cosine| between two columns is 5.7e-5.
    expect(worstCos).toBeLessThan(1e-3);
  });
});
