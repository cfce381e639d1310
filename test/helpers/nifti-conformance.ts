/**
 * Cajal's NIfTI reader against one file's nibabel description (test/fixtures/reference/
 * nifti_nibabel.py → nifti-nibabel.json): header fields, the affine nibabel chooses, qform/sform,
 * units and TR to 1e-6; voxels of get_fdata(dtype=float32) bit for bit at the sampled indices,
 * checksums to float64 summation order; readAll equal to the volumes read one by one. Shared by the
 * NIfTI-1 files (nifti-real.test.ts) and their NIfTI-2 copies (nifti2-real.test.ts).
 */
import { expect } from 'vitest';
import { openNifti, type NiftiImage } from '../../main/io/nifti/index.js';

export interface NiftiVolumeStats { sum: number; sumSquares: number; min: number; max: number; sampleIndices: number[]; samples: number[] }
export interface NiftiReference {
  version: 1 | 2; compressed: boolean; littleEndian: boolean; dims: number[]; pixdim: number[]; datatypeCode: number; dtype: string;
  bitpix: number; voxOffset: number; sclSlope: number | null; sclInter: number | null; qformCode: number; sformCode: number;
  affine: number[]; qform: number[] | null; sform: number[] | null; xyzUnits: string; timeUnits: string; trS: number | null;
  descrip: string; intentCode: number; intentName: string; calMin: number; calMax: number; volumeCount: number;
  all: { sum: number; sumSquares: number }; firstVolume: NiftiVolumeStats; lastVolume: NiftiVolumeStats;
}

function expectClose(actual: readonly number[] | null, expected: readonly number[] | null, tolerance: number): void {
  if (expected === null) return void expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(actual!.length).toBe(expected.length);
  actual!.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance));
}

/** NaN/±inf are null in the JSON. */
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function checkVolume(volume: Float32Array, expected: NiftiVolumeStats): void {
  let sum = 0, sumSquares = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < volume.length; i++) {
    const v = volume[i]!;
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  expect(min).toBe(expected.min);
  expect(max).toBe(expected.max);
  // Only the order of float64 summation differs from numpy's (pairwise) sum.
  expect(Math.abs(sum - expected.sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected.sum)));
  expect(Math.abs(sumSquares - expected.sumSquares)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected.sumSquares));
  expect(expected.sampleIndices.map((i) => volume[i])).toEqual(expected.samples);
}

/** Opens `path` with Cajal's reader and checks everything `ref` (nibabel's description of it) says. */
export async function expectNiftiMatchesNibabel(path: string, ref: NiftiReference): Promise<void> {
  const image: NiftiImage = await openNifti(path);
  try {
    const h = image.header;
    expect({ version: h.version, compressed: h.compressed, littleEndian: h.littleEndian, dims: h.dims, datatypeCode: h.datatypeCode, datatype: h.datatype, bitpix: h.bitpix, voxOffset: h.voxOffset }).toEqual({
      version: ref.version, compressed: ref.compressed, littleEndian: ref.littleEndian, dims: ref.dims, datatypeCode: ref.datatypeCode, datatype: ref.dtype, bitpix: ref.bitpix, voxOffset: ref.voxOffset,
    });
    expect({ qformCode: h.qformCode, sformCode: h.sformCode, xyzUnits: h.xyzUnits, timeUnits: h.timeUnits, descrip: h.descrip, intentCode: h.intentCode, intentName: h.intentName }).toEqual({
      qformCode: ref.qformCode, sformCode: ref.sformCode, xyzUnits: ref.xyzUnits, timeUnits: ref.timeUnits, descrip: ref.descrip, intentCode: ref.intentCode, intentName: ref.intentName,
    });
    expect([finiteOrNull(h.sclSlope), finiteOrNull(h.sclInter), h.calMin, h.calMax]).toEqual([ref.sclSlope, ref.sclInter, ref.calMin, ref.calMax]);
    expectClose(h.pixdim, ref.pixdim, 1e-6);
    expectClose(h.affine, ref.affine, 1e-6);
    expectClose(h.qform, ref.qform, 1e-6);
    expectClose(h.sform, ref.sform, 1e-6);
    if (ref.trS === null) expect(h.trS).toBeNull();
    else expect(Math.abs(h.trS! - ref.trS)).toBeLessThanOrEqual(1e-6);
    expect(image.volumeCount).toBe(ref.volumeCount);

    checkVolume(await image.readVolume(0), ref.firstVolume);
    checkVolume(await image.readVolume(image.volumeCount - 1), ref.lastVolume);
    const all = await image.readAll();
    let sum = 0, sumSquares = 0;
    for (const v of all) {
      sum += v;
      sumSquares += v * v;
    }
    expect(Math.abs(sum - ref.all.sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref.all.sum)));
    expect(Math.abs(sumSquares - ref.all.sumSquares)).toBeLessThanOrEqual(1e-9 * Math.max(1, ref.all.sumSquares));
    // readAll equals the volumes read one by one (the last one, read again after a full pass).
    const n = image.spatialDims[0] * image.spatialDims[1] * image.spatialDims[2];
    const last = await image.readVolume(image.volumeCount - 1);
    const tail = all.subarray((image.volumeCount - 1) * n);
    // (A loop, not toEqual: vitest's deep equality takes seconds per million elements.)
    let differing = 0;
    for (let i = 0; i < n; i++) if (!Object.is(tail[i], last[i])) differing++;
    expect(differing).toBe(0);
  } finally {
    await image.close();
  }
}
