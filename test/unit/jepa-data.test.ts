/**
 * Brain-JEPA's input pipeline (main/pipelines/jepa/data.ts) against the reference's semantics:
 * numpy's median / linear percentiles for the robust scaler, torch 1.13's float32 `linspace` for the
 * crop indices (expected index lists below were printed by torch: `torch.clamp(torch.linspace(s,
 * s + rate·frames − 1, frames), 0, T − 1).long()`), and the crop-length rule on ABIDE's lengths.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import {
  centreClipIndices,
  clipIndices,
  clipStartRange,
  cropBatch,
  defaultCrop,
  fitRobustScaler,
  halvesCoverCrop,
  percentileLinear,
  robustScalerFromJson,
  robustScaledSpread,
  robustScalerToJson,
  splitHalves,
  type JepaSeries,
} from '../../main/pipelines/jepa/data.js';
import { seededRandom } from '../../shared/random.js';

/** [T, frames, samplingRate, start, torch's indices] */
const TORCH_CASES: [number, number, number, number, number[]][] = [
  [490, 160, 3, 108.99999935647365, [109,112,115,118,121,124,127,130,133,136,139,142,145,148,151,154,157,160,163,166,169,172,175,178,181,184,187,190,193,196,199,202,205,208,211,214,217,220,223,226,229,232,235,238,241,244,247,250,253,256,259,262,265,268,271,274,277,280,283,286,289,292,295,298,301,304,307,310,313,316,319,322,325,328,331,334,337,340,343,346,350,353,356,359,362,365,368,371,374,377,380,383,386,389,392,395,398,401,404,407,410,413,416,419,422,425,428,431,434,437,440,443,446,449,452,455,458,461,464,467,470,473,476,479,482,485,488,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489,489]],
  [490, 160, 2, 108.99999935647365, [109,111,113,115,117,119,121,123,125,127,129,131,133,135,137,139,141,143,145,147,149,151,153,155,157,159,161,163,165,167,169,171,173,175,177,179,181,183,185,187,189,191,193,195,197,199,201,203,205,207,209,211,213,215,217,219,221,223,225,227,229,231,233,235,237,239,241,243,245,247,249,251,253,255,257,259,261,263,265,267,269,271,273,275,277,279,281,283,285,287,289,291,293,295,297,299,301,303,305,307,309,311,313,315,317,319,321,323,325,327,329,331,333,335,337,339,341,343,345,347,349,351,353,355,357,359,361,363,365,367,369,371,373,375,377,379,381,383,385,387,389,391,393,395,397,399,401,403,405,407,409,411,413,415,417,419,421,423,425,428]],
  [490, 160, 3, 7.123456789, [7,10,13,16,19,22,25,28,31,34,37,40,43,46,49,52,55,58,61,64,67,70,73,76,79,82,85,88,91,94,97,100,103,106,109,112,115,118,121,124,127,130,133,136,139,142,145,148,151,154,157,160,163,166,169,172,175,178,181,184,187,190,193,196,199,202,205,208,211,214,218,221,224,227,230,233,236,239,242,245,248,251,254,257,260,263,266,269,272,275,278,281,284,287,290,293,296,299,302,305,308,311,314,317,320,323,326,329,332,335,338,341,344,347,350,353,356,359,362,365,368,371,374,377,380,383,386,389,392,395,398,401,404,407,410,413,416,419,422,425,428,431,434,437,440,443,446,449,452,455,459,462,465,468,471,474,477,480,483,486]],
  [490, 160, 3, 10.0, [10,13,16,19,22,25,28,31,34,37,40,43,46,49,52,55,58,61,64,67,70,73,76,79,82,85,88,91,94,97,100,103,106,109,112,115,118,121,124,127,130,133,136,139,142,145,148,151,154,157,160,163,166,169,172,175,178,181,184,187,190,193,196,199,202,205,208,211,214,217,220,223,226,229,232,235,238,241,244,247,251,254,257,260,263,266,269,272,275,278,281,284,287,290,293,296,299,302,305,308,311,314,317,320,323,326,329,332,335,338,341,344,347,350,353,356,359,362,365,368,371,374,377,380,383,386,389,392,395,398,401,404,407,410,413,416,419,422,425,428,431,434,437,440,443,446,449,452,455,458,461,464,467,470,473,476,479,482,485,489]],
  [77, 64, 1, 6.5, [6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69]],
  [60, 64, 1, 0.0, [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,59,59,59,59]],
  [200, 64, 2, 33.3, [33,35,37,39,41,43,45,47,49,51,53,55,57,59,61,63,65,67,69,71,73,75,77,79,81,83,85,87,89,91,93,95,97,99,101,103,105,107,109,111,113,115,117,119,121,124,126,128,130,132,134,136,138,140,142,144,146,148,150,152,154,156,158,160]],
  [195, 64, 1, 131.0, [131,132,133,134,135,136,137,138,139,140,141,142,143,144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,159,160,161,162,163,164,165,166,167,168,169,170,171,172,173,174,175,176,177,178,179,180,181,182,183,184,185,186,187,188,189,190,191,192,193,194]],
  [205, 64, 1, 70.25, [70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127,128,129,130,131,132,133]],
];

function series(regions: number, timepoints: number, f: (r: number, t: number) => number): JepaSeries {
  const data = new Float64Array(regions * timepoints);
  for (let r = 0; r < regions; r++) for (let t = 0; t < timepoints; t++) data[r * timepoints + t] = f(r, t);
  return { data, regionCount: regions, timepoints };
}

describe('robust scaler (ukbiobank_scale.py)', () => {
  it('numpy percentiles', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 7.5, 10]);
    // np.percentile([3, 1, 2, 10, 4, 7.5], [25, 50, 75]) = [2.25, 3.5, 6.625]
    expect([25, 50, 75].map((q) => percentileLinear(sorted, q))).toEqual([2.25, 3.5, 6.625]);
  });

  it('median and IQR across subjects of per-ROI temporal means', () => {
    // 4 subjects × 3 ROIs of temporal means; numpy: median [0.15000000000000002, 0.1, 1.5], IQR [0.275, 0.275, 1.375]
    const means = [
      [0.3, -0.1, 2.0],
      [0.1, 0.4, 1.0],
      [0.2, 0.0, 3.0],
      [-0.5, 0.2, 0.5],
    ];
    const subjects = means.map((row) => series(3, 2, (r) => row[r]!));
    const scaler = fitRobustScaler(subjects);
    expect(Array.from(scaler.median)).toEqual([0.15000000000000002, 0.1, 1.5]);
    expect(Array.from(scaler.iqr).map((v) => +v.toFixed(15))).toEqual([0.275, 0.275, 1.375]);
    const round = robustScalerFromJson(JSON.parse(JSON.stringify(robustScalerToJson(scaler))), 'model.scaler');
    expect(round.median).toEqual(scaler.median);
    expect(round.iqr).toEqual(scaler.iqr);
  });

  it('reports the amplitude the scaling gives (the median temporal SD over the IQR)', () => {
    // ROI 0: means 0, 1, 2, 3 (IQR 1.5), every series ±1 around its mean (SD 1) → 1 / 1.5.
    const subjects = [0, 1, 2, 3].map((m) => series(1, 4, (_, t) => m + (t % 2 ? 1 : -1)));
    const spread = robustScaledSpread(subjects, fitRobustScaler(subjects));
    expect(spread.median).toBeCloseTo(1 / 1.5, 12);
    expect([spread.min, spread.max].map((v) => +v.toFixed(12))).toEqual([0.666666666667, 0.666666666667]);
  });

  it('subjects of different lengths; a stored scaler is validated', () => {
    const scaler = fitRobustScaler([series(2, 5, (r, t) => r + t), series(2, 9, (r, t) => 2 * r - t)]);
    expect(scaler.median.length).toBe(2);
    expect(() => robustScalerFromJson({ median: [1, 2], iqr: [1] }, 'model.scaler')).toThrow(/same, non-zero length/);
    expect(() => robustScalerFromJson({ median: [1, 'x'], iqr: [1, 1] }, 'model.scaler')).toThrow(/model\.scaler\.median/);
    expect(() => fitRobustScaler([series(2, 5, () => 0), series(3, 5, () => 0)])).toThrow(ValidationError);
  });
});

describe('temporal crop (mae_st _get_start_end_idx / _temporal_sampling)', () => {
  it('reproduces torch float32 linspace indices, including where float64 truncates differently', () => {
    for (const [timepoints, frames, samplingRate, start, expected] of TORCH_CASES) {
      expect(Array.from(clipIndices(timepoints, { frames, samplingRate }, start)), `${timepoints} ${frames} ${samplingRate} ${start}`).toEqual(expected);
    }
    // The first case: float64 linspace would give 108 and 427 at both ends; torch (and we) 109, 428.
    const f64 = Math.trunc(108.99999935647365);
    expect(f64).toBe(108);
    expect(TORCH_CASES[0]![4][0]).toBe(109);
  });

  it('start range, centre crop, clamp on short scans', () => {
    expect(clipStartRange(490, { frames: 160, samplingRate: 3 })).toBe(10);
    expect(clipStartRange(77, { frames: 64, samplingRate: 1 })).toBe(13);
    expect(Array.from(centreClipIndices(77, { frames: 64, samplingRate: 1 }))).toEqual(Array.from({ length: 64 }, (_, i) => 6 + i));
    // A 60-frame scan under a 64-frame crop repeats its last frame (the reference's clamp).
    expect(Array.from(centreClipIndices(60, { frames: 64, samplingRate: 1 })).slice(-5)).toEqual([59, 59, 59, 59, 59]);
  });

  it('cropBatch: [B, R, T] region-major, robust-scaled, float32 as the reference', () => {
    const a = series(3, 80, (r, t) => Math.sin(0.1 * t + r) + r);
    const b = series(3, 100, (r, t) => Math.cos(0.07 * t * (r + 1)) - r);
    const scaler = fitRobustScaler([a, b]);
    const spec = { frames: 32, samplingRate: 2 };
    const x = cropBatch([a, b], [1, 0], { spec, mode: 'centre', scaler });
    expect(x).toBeInstanceOf(Float32Array);
    expect(x.length).toBe(2 * 3 * 32);
    const idx = centreClipIndices(100, spec);
    for (let r = 0; r < 3; r++) {
      for (let t = 0; t < 32; t++) {
        const want = (Math.fround(b.data[r * 100 + idx[t]!]!) - scaler.median[r]!) / scaler.iqr[r]!;
        expect(x[r * 32 + t]).toBe(Math.fround(want));
      }
    }
    // Random crops are a pure function of the seed.
    const one = cropBatch([a, b], [0, 1, 0], { spec, mode: 'random', random: seededRandom(7), scaler });
    const two = cropBatch([a, b], [0, 1, 0], { spec, mode: 'random', random: seededRandom(7), scaler });
    expect(one).toEqual(two);
    const z = cropBatch([a, b], [0], { spec, mode: 'centre', normalisation: 'sample-zscore' });
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / (z.length - 1));
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(sd).toBeCloseTo(1, 5);
    expect(() => cropBatch([a], [0], { spec, mode: 'random', scaler })).toThrow(/seeded generator/);
    expect(() => cropBatch([a], [0], { spec, mode: 'centre', normalisation: 'robust' })).toThrow(/fitted scaler/);
  });

  it('a constant ROI (IQR 0) is only centred, not divided by zero', () => {
    const a = series(2, 40, (r, t) => (r === 0 ? 0 : Math.sin(t)));
    const b = series(2, 40, (r, t) => (r === 0 ? 0 : Math.cos(t)));
    const scaler = fitRobustScaler([a, b]);
    expect(scaler.iqr[0]).toBe(0);
    const x = cropBatch([a, b], [0], { spec: { frames: 16, samplingRate: 1 }, mode: 'centre', scaler });
    expect(x.every(Number.isFinite)).toBe(true);
  });
});

describe('halves and the default crop', () => {
  it('splits a scan into equal first and second halves', () => {
    const s = series(2, 7, (r, t) => 10 * r + t);
    const [first, second] = splitHalves(s);
    expect(first.timepoints).toBe(3);
    expect(Array.from(first.data)).toEqual([0, 1, 2, 10, 11, 12]);
    expect(Array.from(second.data)).toEqual([4, 5, 6, 14, 15, 16]);
    expect(halvesCoverCrop(195, { frames: 64, samplingRate: 1 })).toBe(true);
    expect(halvesCoverCrop(77, { frames: 64, samplingRate: 1 })).toBe(false);
  });

  it('ABIDE: 56 × 195 (PITT, TR 1.5 s), 34 × 205 (OLIN, 1.5 s), 10 × 77 (OHSU, 2.5 s) → rate 1, 64 frames', () => {
    const lengths = [...Array(56).fill(195), ...Array(34).fill(205), ...Array(10).fill(77)] as number[];
    const trs = [...Array(56).fill(1.5), ...Array(34).fill(1.5), ...Array(10).fill(2.5)] as number[];
    const crop = defaultCrop(lengths, trs);
    expect(crop).toMatchObject({ frames: 64, samplingRate: 1, patches: 4, shortestScan: 77, shortScans: 0, effectiveTrS: 1.5 });
    expect(crop.spanS).toEqual([96, 160]);
    // Without OHSU the reference's 160 frames fit.
    expect(defaultCrop(lengths.slice(0, 90), trs.slice(0, 90)).frames).toBe(160);
  });

  it('reproduces the reference choice on UKB-like and HCP-like scans', () => {
    expect(defaultCrop([490, 490], [0.735, 0.735])).toMatchObject({ frames: 160, samplingRate: 3 });
    expect(defaultCrop([1200], [0.72])).toMatchObject({ frames: 160, samplingRate: 3 });
    expect(defaultCrop([300], [1.0])).toMatchObject({ frames: 144, samplingRate: 2 });
    expect(defaultCrop([100], [Number.NaN])).toMatchObject({ frames: 96, samplingRate: 1, effectiveTrS: null });
    expect(() => defaultCrop([12], [2])).toThrow(/at least 16/);
  });
});
