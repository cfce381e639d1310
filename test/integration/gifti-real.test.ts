/**
 * Conformance of the surface readers on the real files in ../shared/data/fmri:
 * - every .gii / .gii.gz against nibabel 5.0 (test/fixtures/reference/gifti_nibabel.py →
 *   gifti-nibabel.json): intents, datatypes, dims, metadata, coordinate systems, label tables and
 *   data checksums (sum, min, max, first/last values) to float32 precision;
 * - every .mz3 against an independent struct/gzip transcription of NiiVue's loader
 *   (test/fixtures/reference/mz3_python.py → mz3-python.json): counts, bounds, face indices.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { giftiKind, giftiSurface, looksLikeGifti, readGifti, type GiftiData } from '../../main/io/gifti/index.js';
import { looksLikeMz3, readMz3 } from '../../main/io/mz3/index.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

interface NibabelArray {
  intent: string;
  datatype: string;
  dims: number[];
  dtype: string;
  metadata: Record<string, string>;
  coordsys: { dataspace: string; xformspace: string; matrix: number[] }[];
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number[];
  last: number[];
}
interface NibabelFile {
  metadata: Record<string, string>;
  labelTable: { key: number; name: string; rgba: number[] }[];
  arrays: NibabelArray[];
}
interface Mz3Reference {
  faceCount: number;
  vertexCount: number;
  faceMin: number;
  faceMax: number;
  faceSum: number;
  facesFirst: number[];
  facesLast: number[];
  boundsMin: number[];
  boundsMax: number[];
  vertexSum: number[];
  verticesFirst: number[];
  verticesLast: number[];
}

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference', name), 'utf8')) as Record<string, unknown>;
const entries = <T>(json: Record<string, unknown>): [string, T][] => Object.entries(json).filter(([key]) => !key.startsWith('_')) as [string, T][];
const gifti = entries<NibabelFile>(fixture('gifti-nibabel.json'));
const mz3 = entries<Mz3Reference>(fixture('mz3-python.json'));

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** float32 precision, relative to the magnitude (absolute near zero). */
function expectClose(actual: number, expected: number, what: string, relative = 2 ** -23): void {
  const tolerance = relative * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

function stats(data: GiftiData): { sum: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { sum, min, max };
}

if (!hasSharedData()) console.warn(`gifti-real skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('GIfTI reader conformance with nibabel', () => {
  it('covers the GIfTI files the plan names', () => {
    expect(gifti.map(([path]) => path).sort()).toEqual(
      [
        'atlas/lh.Yeo2011.label.gii',
        ...['infl', 'pial', 'sulc'].flatMap((kind) => ['left', 'right'].map((side) => `surface/fsaverage5_${kind}_${side}.gii.gz`)),
      ].sort(),
    );
  });

  for (const [path, expected] of gifti) {
    it(path, async () => {
      const file = dataFile('fmri', path);
      expect(await looksLikeGifti(file)).toBe(true);
      const g = await readGifti(file);
      expect(g.metadata).toEqual(expected.metadata);
      expect(g.labelTable).toEqual(expected.labelTable);
      expect(g.arrays).toHaveLength(expected.arrays.length);
      g.arrays.forEach((array, index) => {
        const want = expected.arrays[index] as NibabelArray;
        const what = `${path} array ${index}`;
        expect(array.intent, what).toBe(want.intent);
        expect(array.datatype, what).toBe(want.datatype);
        expect(array.dims, what).toEqual(want.dims);
        expect(array.data.constructor.name, what).toBe({ float32: 'Float32Array', int32: 'Int32Array', uint8: 'Uint8Array' }[want.dtype]);
        expect(array.metadata, what).toEqual(want.metadata);
        const cs = want.coordsys[0];
        if (array.transform === null) {
          // nibabel invents an identity between unknown spaces for an array without a matrix.
          expect(cs?.matrix ?? IDENTITY).toEqual(IDENTITY);
          expect([cs?.dataspace, cs?.xformspace]).toEqual(['NIFTI_XFORM_UNKNOWN', 'NIFTI_XFORM_UNKNOWN']);
        } else {
          array.transform.forEach((v, k) => expectClose(v, cs?.matrix[k] ?? NaN, `${what} transform[${k}]`, 1e-6));
          expect(array.transformSpaces).toEqual({ dataSpace: cs?.dataspace, transformedSpace: cs?.xformspace });
        }
        expect(array.data.length, what).toBe(want.count);
        const s = stats(array.data);
        expectClose(s.sum, want.sum, `${what} sum`, 1e-7);
        expect(s.min, what).toBe(want.min);
        expect(s.max, what).toBe(want.max);
        expect(Array.from(array.data.subarray(0, 5)), what).toEqual(want.first);
        expect(Array.from(array.data.subarray(array.data.length - 5)), what).toEqual(want.last);
      });
    });
  }

  it('gives the fsaverage5 surfaces as meshes and the others by kind', async () => {
    for (const side of ['left', 'right']) {
      for (const kind of ['pial', 'infl']) {
        const g = await readGifti(dataFile('fmri', 'surface', `fsaverage5_${kind}_${side}.gii.gz`));
        expect(giftiKind(g)).toBe('surface');
        const mesh = giftiSurface(g);
        expect(mesh.vertices.length).toBe(10242 * 3);
        expect(mesh.faces.length).toBe(20480 * 3);
        expect(Math.max(...mesh.faces)).toBe(10241);
      }
      expect(giftiKind(await readGifti(dataFile('fmri', 'surface', `fsaverage5_sulc_${side}.gii.gz`)))).toBe('surface-values');
    }
    const yeo = await readGifti(dataFile('fmri', 'atlas', 'lh.Yeo2011.label.gii'));
    expect(giftiKind(yeo)).toBe('surface-labels');
    expect(() => giftiSurface(yeo)).toThrow(/not a surface: no NIFTI_INTENT_POINTSET/);
  });

  it('does not take the other files of fmri/ for GIfTI', async () => {
    expect(await looksLikeGifti(dataFile('fmri', 'atlas', 'AAL2.xml'))).toBe(false);
    expect(await looksLikeGifti(dataFile('fmri', 'atlas', 'aal.nii.gz'))).toBe(false);
    expect(await looksLikeGifti(dataFile('fmri', 'surface', 'BrainMesh_ICBM152.lh.mz3'))).toBe(false);
  });
});

describe.skipIf(!hasSharedData())('mz3 reader against an independent transcription of NiiVue\'s loader', () => {
  it('covers the mz3 file the plan names', () => {
    expect(mz3.map(([path]) => path)).toEqual(['surface/BrainMesh_ICBM152.lh.mz3']);
  });

  for (const [path, want] of mz3) {
    it(path, async () => {
      const file = dataFile('fmri', path);
      expect(await looksLikeMz3(file)).toBe(true);
      const { mesh, scalars, colours } = await readMz3(file);
      expect(scalars).toBeNull();
      expect(colours).toBeNull();
      expect(mesh.faces.length).toBe(want.faceCount * 3);
      expect(mesh.vertices.length).toBe(want.vertexCount * 3);
      let faceSum = 0;
      let faceMin = Infinity;
      let faceMax = -Infinity;
      for (const v of mesh.faces) {
        faceSum += v;
        faceMin = Math.min(faceMin, v);
        faceMax = Math.max(faceMax, v);
      }
      expect([faceMin, faceMax, faceSum]).toEqual([want.faceMin, want.faceMax, want.faceSum]);
      expect(Array.from(mesh.faces.subarray(0, 6))).toEqual(want.facesFirst);
      expect(Array.from(mesh.faces.subarray(-6))).toEqual(want.facesLast);
      expect(Array.from(mesh.vertices.subarray(0, 6))).toEqual(want.verticesFirst);
      expect(Array.from(mesh.vertices.subarray(-6))).toEqual(want.verticesLast);
      for (let axis = 0; axis < 3; axis++) {
        let min = Infinity;
        let max = -Infinity;
        let sum = 0;
        for (let i = axis; i < mesh.vertices.length; i += 3) {
          const v = mesh.vertices[i] as number;
          min = Math.min(min, v);
          max = Math.max(max, v);
          sum += v;
        }
        expect(min).toBe(want.boundsMin[axis]);
        expect(max).toBe(want.boundsMax[axis]);
        expectClose(sum, want.vertexSum[axis] as number, `vertex sum ${axis}`, 1e-9);
      }
    });
  }

  it('does not take a GIfTI for mz3', async () => {
    expect(await looksLikeMz3(dataFile('fmri', 'surface', 'fsaverage5_pial_left.gii.gz'))).toBe(false);
  });
});
