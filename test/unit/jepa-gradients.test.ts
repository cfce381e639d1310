/**
 * Functional gradients (main/pipelines/jepa/gradients.ts) against test/fixtures/reference/
 * jepa-gradients-numpy.json, written by jepa_gradients_numpy.py: BrainSpace's algorithm in numpy, with
 * the eigenpairs of the non-symmetric diffusion operator from LAPACK's general solver (ours come from
 * the similar symmetric matrix). The synthetic group here needs no data; ABIDE is in
 * test/integration/jepa-gradients.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError, ValidationError } from '../../main/errors.js';
import {
  computeAffinity,
  diffusionGradients,
  diffusionMap,
  dominantSet,
  groupConnectivity,
  parseGradientCsv,
  type GradientKernel,
} from '../../main/pipelines/jepa/gradients.js';
import { REPO_ROOT } from '../helpers/data.js';
import { syntheticSeries } from '../helpers/fmri-reference.js';

interface Case {
  kernel: GradientKernel;
  components: number;
  alpha: number;
  diffusionTime: number;
  sparsity: number;
  affinity: number[];
  gradients: number[];
  lambdas: number[];
}
const reference = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/jepa-gradients-numpy.json`, 'utf8')) as {
  synthetic: { regions: number; timepoints: number; subjects: number; constant: [number, number]; groupFisherZ: number[]; groupPearson: number[]; cases: Case[] };
};
const syn = reference.synthetic;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function synthetic() {
  return Array.from({ length: syn.subjects }, (_, s) => {
    const one = syntheticSeries(s, syn.regions, syn.timepoints);
    if (s === syn.constant[0]) one.data.fill(0, syn.constant[1] * syn.timepoints, (syn.constant[1] + 1) * syn.timepoints);
    return one;
  });
}

describe('group connectivity', () => {
  it('Fisher-z and Pearson means equal numpy (a constant region skipped pairwise)', () => {
    const series = synthetic();
    expect(maxAbsDiff(groupConnectivity(series), syn.groupFisherZ)).toBeLessThan(1e-12);
    expect(maxAbsDiff(groupConnectivity(series, { average: 'pearson' }), syn.groupPearson)).toBeLessThan(1e-12);
  });

  it('refuses a pair defined in no subject', () => {
    const one = syntheticSeries(0, 4, 30);
    one.data.fill(0, 0, 30);
    expect(() => groupConnectivity([one])).toThrow(/regions 0 and 1 are never both non-constant/);
  });
});

describe('BrainSpace diffusion-map gradients', () => {
  const conn = Float64Array.from(syn.groupFisherZ);
  const n = syn.regions;
  for (const c of syn.cases) {
    it(`${c.kernel}, sparsity ${c.sparsity}, alpha ${c.alpha}, t ${c.diffusionTime}: equal numpy to 1e-9`, () => {
      expect(maxAbsDiff(computeAffinity(conn, n, c.kernel, c.sparsity), c.affinity)).toBeLessThan(1e-12);
      const map = diffusionMap(conn, n, { kernel: c.kernel, components: c.components, alpha: c.alpha, diffusionTime: c.diffusionTime, sparsity: c.sparsity });
      const scale = Math.max(...c.gradients.map(Math.abs));
      // Same sign convention on both sides, so no sign freedom is needed.
      expect(maxAbsDiff(map.gradients, c.gradients) / scale).toBeLessThan(1e-9);
      expect(maxAbsDiff(map.lambdas, c.lambdas) / Math.max(...c.lambdas)).toBeLessThan(1e-9);
      expect(map.warnings.filter((w) => w.includes('connected'))).toEqual([]);
    });
  }

  it('keeps int(n · (1 − sparsity)) entries per row, as BrainSpace (116 → 11, 450 → 44)', () => {
    for (const [size, kept] of [
      [116, 11],
      [450, 44],
      [40, 3],
    ] as const) {
      const m = new Float64Array(size * size).map((_, i) => Math.sin(i));
      const s = dominantSet(m, size, 0.9);
      expect(s.subarray(0, size).filter((v) => v !== 0).length).toBe(kept);
    }
  });

  it('warns on a disconnected graph (the multi-scale map is then undefined)', () => {
    // two blocks with no affinity between them
    const a = new Float64Array(36);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if ((i < 3) === (j < 3)) a[i * 6 + j] = 1 + 0.1 * ((i * 7 + j * 7) % 5);
    expect(() => diffusionMap(a, 6, { kernel: 'none', sparsity: null, components: 2 })).toThrow(/disconnected/);
  });

  it('validates its input', () => {
    expect(() => diffusionGradients(new Float64Array(10), 4)).toThrow(ValidationError);
    expect(() => diffusionGradients(conn, n, { components: n })).toThrow(/components/);
    const bad = Float64Array.from(conn);
    bad[5] = Number.NaN;
    expect(() => diffusionGradients(bad, n, { sparsity: null, kernel: 'none' })).toThrow(/NaN/);
  });
});

describe('gradient CSV', () => {
  it('reads the reference layout', () => {
    const g = parseGradientCsv('1.5e-02,-2\n3,4.25\r\n\n', 'g.csv');
    expect(g).toMatchObject({ rois: 2, components: 2 });
    expect(Array.from(g.values)).toEqual([0.015, -2, 3, 4.25]);
  });

  it('names the file and line of bad content', () => {
    expect(() => parseGradientCsv('g1,g2\n1,2\n', 'grad.csv')).toThrow(/grad\.csv: field "line 1": value 1 is "g1", not a finite number \(the file has no header line\)/);
    expect(() => parseGradientCsv('1,2\n3\n', 'grad.csv')).toThrow(/line 2.*1 values where line 1 has 2/);
    expect(() => parseGradientCsv('1,2\n3,nan\n', 'grad.csv')).toThrow(/line 2.*value 2 is "nan"/);
    expect(() => parseGradientCsv('1,2\n\n3,4\n', 'grad.csv')).toThrow(/line 2.*empty line/);
    expect(() => parseGradientCsv('', 'grad.csv')).toThrow(FormatError);
  });
});
