/**
 * ROI extraction on the real BOLD files with the AAL2 and AAL atlases, against the numpy/scipy
 * reference with nilearn NiftiLabelsMasker semantics (test/fixtures/reference/roi_extract_numpy.py
 * → roi-extract-numpy.json): the same non-empty labels, voxel counts, and series to 1e-5 relative.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNifti } from '../../main/io/nifti/index.js';
import { resampleNearest } from '../../main/pipelines/fmri/resample.js';
import { extractRoiSeries, type ExtractOptions, type ExtractedSeries } from '../../main/pipelines/fmri/extract.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

interface Summary { head: number[][]; last: number[]; sum: number[]; sumSquares: number[] }
interface Case {
  bold: string; atlas: string; timepoints: number; trS: number | null; labels: number[]; emptyLabels: number[]; voxelCounts: number[];
  variants: Record<string, Summary>;
}
const REFERENCE = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/roi-extract-numpy.json'), 'utf8')) as { cases: Case[] };

const VARIANTS: Record<string, ExtractOptions> = {
  raw: { detrend: false, standardize: false, highPassHz: null, lowPassHz: null },
  detrendStandardize: { detrend: true, standardize: true, highPassHz: null, lowPassHz: null },
  bandPass: { detrend: true, standardize: true, highPassHz: 0.01, lowPassHz: 0.1 },
  highPass: { detrend: false, standardize: false, highPassHz: 0.01, lowPassHz: null },
};

/** |a − b| within 1e-5 of the larger of |b| and the series' scale (values near 0 of a z-scored series). */
function expectNear(actual: number, expected: number, scale: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(expected), scale));
}

function compare(result: ExtractedSeries, ref: Summary, name: string): void {
  const T = result.timepoints;
  for (let r = 0; r < result.regionCount; r++) {
    const series = result.data.subarray(r * T, (r + 1) * T);
    let sum = 0, sumSquares = 0;
    for (const v of series) {
      sum += v;
      sumSquares += v * v;
    }
    const scale = Math.sqrt(ref.sumSquares[r]! / T);
    ref.head[r]!.forEach((v, t) => expectNear(series[t]!, v, scale, `${name} region ${r} t=${t}`));
    expectNear(series[T - 1]!, ref.last[r]!, scale, `${name} region ${r} last`);
    expectNear(sum, ref.sum[r]!, scale * T, `${name} region ${r} sum`);
    expectNear(sumSquares, ref.sumSquares[r]!, scale * scale * T, `${name} region ${r} sum of squares`);
  }
}

if (!hasSharedData()) console.warn(`roi-extract-real skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('ROI extraction on real BOLD files, against the numpy reference', () => {
  for (const c of REFERENCE.cases) {
    it(`${c.bold} × ${c.atlas}: ${c.labels.length} non-empty labels, ${c.timepoints} timepoints`, async () => {
      const bold = await openNifti(dataFile('fmri', c.bold));
      const atlas = await openNifti(dataFile('fmri', c.atlas));
      try {
        // The atlas on the BOLD grid: the reference's voxel count of every label.
        const onGrid = resampleNearest(await atlas.readVolume(0), { dims: atlas.spatialDims, affine: atlas.header.affine }, { dims: bold.spatialDims, affine: bold.header.affine })!;
        const counts = new Map<number, number>();
        for (const v of onGrid) if (v !== 0) counts.set(v, (counts.get(v) ?? 0) + 1);
        expect(c.labels.map((l) => counts.get(l))).toEqual(c.voxelCounts);
        for (const [variant, ref] of Object.entries(c.variants)) {
          const fractions: number[] = [];
          const result = await extractRoiSeries(bold, atlas, VARIANTS[variant]!, (f) => fractions.push(f));
          expect(result.labels).toEqual(c.labels);
          expect(result.emptyLabels).toEqual(c.emptyLabels);
          expect([result.regionCount, result.timepoints, result.trS]).toEqual([c.labels.length, c.timepoints, c.trS]);
          expect(fractions.at(-1)).toBe(1);
          compare(result, ref, variant);
        }
      } finally {
        await bold.close();
        await atlas.close();
      }
    });
  }
});
