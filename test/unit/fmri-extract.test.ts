/**
 * ROI extraction on synthetic images held in memory: region means, the atlas on another grid
 * (nearest neighbour through both affines), detrending, z-scoring (ddof = 1), filtering through
 * main/signal, progress, cancellation and the errors for atlases that cannot be used.
 */
import { describe, expect, it } from 'vitest';
import { FormatError, ValidationError } from '../../main/errors.js';
import type { NiftiHeader, NiftiImage } from '../../main/io/nifti/index.js';
import { cleanFilter, detrendLinear, extractRoiSeries, zscoreSample, type ExtractOptions } from '../../main/pipelines/fmri/extract.js';
import { resampleNearest } from '../../main/pipelines/fmri/resample.js';
import { butter, sosfiltfilt } from '../../main/signal/index.js';

const NONE: ExtractOptions = { detrend: false, standardize: false, highPassHz: null, lowPassHz: null };

/** An in-memory image: `volumes[t]` x fastest. */
function image(file: string, dims: [number, number, number], affine: number[], volumes: number[][], trS: number | null = 2): NiftiImage & { reads: number[] } {
  const reads: number[] = [];
  const header = { file, dims: volumes.length > 1 ? [...dims, volumes.length] : dims, affine, trS } as unknown as NiftiHeader;
  return {
    header,
    spatialDims: dims,
    volumeCount: volumes.length,
    reads,
    readVolume: (t: number) => {
      reads.push(t);
      return Promise.resolve(Float32Array.from(volumes[t]!));
    },
    readAll: () => Promise.resolve(Float32Array.from(volumes.flat())),
    close: () => Promise.resolve(),
  };
}

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

describe('extractRoiSeries', () => {
  // 4×2×1 grid; labels 0 (background), 1, 2, and 7 (atlas-only region that is off the grid below).
  const atlasValues = [0, 1, 1, 2, 0, 2, 2, 1];
  const bold = (T: number, f: (voxel: number, t: number) => number) =>
    image('bold.nii', [4, 2, 1], IDENTITY, Array.from({ length: T }, (_, t) => Array.from({ length: 8 }, (_, v) => f(v, t))));

  it('means per label over voxels, region-major, labels ascending, background left out', async () => {
    const b = bold(3, (v, t) => v * 10 + t);
    const result = await extractRoiSeries(b, image('atlas.nii', [4, 2, 1], IDENTITY, [atlasValues]), NONE);
    expect(result.labels).toEqual([1, 2]);
    expect([result.regionCount, result.timepoints, result.trS, result.emptyLabels]).toEqual([2, 3, 2, []]);
    // label 1: voxels 1, 2, 7 → mean 10·(10/3) + t; label 2: voxels 3, 5, 6 → 10·(14/3) + t.
    const expected = [0, 1, 2].map((t) => (10 * (1 + 2 + 7)) / 3 + t).concat([0, 1, 2].map((t) => (10 * (3 + 5 + 6)) / 3 + t));
    Array.from(result.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10));
  });

  it('an atlas on another grid is resampled by nearest neighbour; labels off the grid are reported empty', async () => {
    // Atlas voxels of 2 mm, shifted by −2 mm in x: BOLD voxel i sits at atlas coordinate (i + 2)/2.
    const atlasAffine = [2, 0, 0, -2, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1];
    const atlas = image('atlas.nii', [4, 1, 1], atlasAffine, [[7, 3, 5, 9]]);
    const target = { dims: [4, 2, 1] as const, affine: IDENTITY };
    // x = 0 → 1 (3), x = 1 → 1.5 → rounds half up to 2 (5), x = 2 → 2 (5), x = 3 → 2.5 → 3 (9); y = 1 → 0.5 → 1, outside.
    expect(Array.from(resampleNearest(Float32Array.from([7, 3, 5, 9]), { dims: [4, 1, 1], affine: atlasAffine }, target)!)).toEqual([3, 5, 5, 9, 0, 0, 0, 0]);
    const result = await extractRoiSeries(bold(2, (v) => v), atlas, NONE);
    expect([result.labels, result.emptyLabels]).toEqual([[3, 5, 9], [7]]);
    expect(Array.from(result.data)).toEqual([0, 0, 1.5, 1.5, 3, 3]);
  });

  it('NaN voxels count as 0 (nilearn ensure_finite)', async () => {
    const b = bold(1, (v) => (v === 1 ? NaN : 6));
    const result = await extractRoiSeries(b, image('atlas.nii', [4, 2, 1], IDENTITY, [atlasValues]), NONE);
    expect(Array.from(result.data)).toEqual([4, 6]);
  });

  it('detrend and standardize: a ramp plus noise becomes zero-mean, unit (ddof = 1) variance, no trend left', async () => {
    const T = 40;
    const noise = Array.from({ length: T }, (_, t) => Math.sin(t * 1.3) * 0.5);
    const b = bold(T, (_, t) => 100 + 3 * t + noise[t]!);
    const result = await extractRoiSeries(b, image('atlas.nii', [4, 2, 1], IDENTITY, [atlasValues]), { ...NONE, detrend: true, standardize: true });
    const series = result.data.subarray(0, T);
    const mean = series.reduce((a, v) => a + v, 0) / T;
    const variance = series.reduce((a, v) => a + (v - mean) ** 2, 0) / (T - 1);
    const slope = series.reduce((a, v, t) => a + (t - (T - 1) / 2) * v, 0);
    expect([Math.abs(mean) < 1e-12, Math.abs(variance - 1) < 1e-12, Math.abs(slope) < 1e-9]).toEqual([true, true, true]);
  });

  it('detrendLinear and zscoreSample by hand', () => {
    const x = Float64Array.from([1, 3, 5, 7]);
    detrendLinear(x);
    Array.from(x).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-12));
    const y = Float64Array.from([1, 2, 3]);
    zscoreSample(y);
    expect(Array.from(y)).toEqual([-1, 0, 1]);
    const flat = Float64Array.from([4, 4, 4]);
    zscoreSample(flat);
    expect(Array.from(flat)).toEqual([0, 0, 0]);
  });

  it('band-pass: order-5 Butterworth from main/signal, zero-phase; cut-offs at Nyquist move below it', async () => {
    const T = 120;
    const b = bold(T, (v, t) => Math.sin(t * 0.9) + Math.sin(t * 0.05) + v);
    const atlas = image('atlas.nii', [4, 2, 1], IDENTITY, [atlasValues]);
    const result = await extractRoiSeries(b, atlas, { ...NONE, highPassHz: 0.01, lowPassHz: 0.1 });
    const raw = await extractRoiSeries(b, atlas, NONE);
    const expected = sosfiltfilt(butter(5, [0.01, 0.1], 'bandpass', 0.5), raw.data.subarray(0, T));
    Array.from(result.data.subarray(0, T)).forEach((v, t) => expect(v).toBeCloseTo(expected[t]!, 12));
    // TR 2 s: Nyquist 0.25 Hz; a low-pass at 1 Hz becomes 0.25·(1 − 10·eps32).
    const sos = cleanFilter({ highPassHz: null, lowPassHz: 1 }, 2, 'bold.nii')!;
    expect(sos).toEqual(butter(5, 0.25 - 0.25 * 10 * 2 ** -23, 'lowpass', 0.5));
  });

  it('progress reaches 1 and cancellation stops between volumes', async () => {
    const b = bold(10, (v) => v);
    const atlas = image('atlas.nii', [4, 2, 1], IDENTITY, [atlasValues]);
    const fractions: number[] = [];
    await extractRoiSeries(b, atlas, NONE, (f) => fractions.push(f));
    expect(fractions).toEqual(Array.from({ length: 10 }, (_, t) => (t + 1) / 10));
    const controller = new AbortController();
    const cancelled = extractRoiSeries(bold(10, (v) => v), atlas, NONE, (f) => f >= 0.3 && controller.abort(new Error('stop')), controller.signal);
    await expect(cancelled).rejects.toThrow('stop');
  });

  it('errors: no overlap, a 4D atlas, filtering without TR, too few volumes, crossed cut-offs', async () => {
    const far = image('far.nii', [4, 2, 1], [1, 0, 0, 500, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [atlasValues]);
    const noOverlap = await extractRoiSeries(bold(2, (v) => v), far, NONE).catch((e: unknown) => e);
    expect(noOverlap).toBeInstanceOf(FormatError);
    expect((noOverlap as FormatError).message).toMatch(/far\.nii.*no atlas region falls inside/);
    const fourD = image('4d.nii', [4, 2, 1], IDENTITY, [atlasValues, atlasValues]);
    await expect(extractRoiSeries(bold(2, (v) => v), fourD, NONE)).rejects.toThrow(/one 3D volume/);
    const atlas = image('atlas.nii', [4, 2, 1], IDENTITY, [atlasValues]);
    const noTr = image('bold.nii', [4, 2, 1], IDENTITY, Array.from({ length: 50 }, () => atlasValues), null);
    await expect(extractRoiSeries(noTr, atlas, { ...NONE, lowPassHz: 0.1 })).rejects.toThrow(/repetition time/);
    await expect(extractRoiSeries(bold(20, (v) => v), atlas, { ...NONE, lowPassHz: 0.1, highPassHz: 0.01 })).rejects.toThrow(/more than \d+ volumes/);
    await expect(extractRoiSeries(bold(50, (v) => v), atlas, { ...NONE, lowPassHz: 0.01, highPassHz: 0.1 })).rejects.toThrow(ValidationError);
  });
});
