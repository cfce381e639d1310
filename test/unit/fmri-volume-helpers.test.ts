/**
 * The Brain view's pure volume helpers: voxel ↔ mm through affines (an LAS map with a negative x
 * voxel size included), the NIfTI-1 buffer NiiVue is handed (read back field by field), default
 * thresholds on map-like data, colour scales and ticks, atlas lookup across grids, cluster rows and
 * the default template/atlas picks.
 */
import { describe, expect, it } from 'vitest';
import { invertAffine, mmToVoxel, nearestVoxel, voxelIndex, voxelSizes, voxelToMm } from '../../renderer/src/fmri/volume/affine.js';
import { atlasLabelAt, regionNames } from '../../renderer/src/fmri/volume/atlasLookup.js';
import { clusterRow, formatMm, formatVoxel } from '../../renderer/src/fmri/volume/clusterTable.js';
import { colourBarTicks, formatValue, labelColour, mapColour, NEGATIVE_SCALE, POSITIVE_SCALE, sampleScale } from '../../renderer/src/fmri/volume/colourScale.js';
import { defaultAtlas, defaultTemplate } from '../../renderer/src/fmri/volume/companions.js';
import { NIFTI1_VOX_OFFSET, niftiFromVolume } from '../../renderer/src/fmri/volume/niftiWriter.js';
import { defaultThresholds, mapRange, roundForDisplay, survives } from '../../renderer/src/fmri/volume/thresholds.js';
import type { Recording } from '../../shared/api/index.js';

// spmMotor.nii.gz's affine: 2 mm, x flipped (LAS), origin at voxel (39, 56, 35).
const SPM = [-2, 0, 0, 78, 0, 2, 0, -112, 0, 0, 2, -70, 0, 0, 0, 1];

describe('voxel ↔ mm', () => {
  it('maps voxels to mm and back, with a flipped axis', () => {
    expect(voxelToMm(SPM, [39, 56, 35])).toEqual([0, 0, 0]);
    expect(voxelToMm(SPM, [0, 0, 0])).toEqual([78, -112, -70]);
    const back = mmToVoxel(SPM, [-20, 10, 30]);
    expect(back[0]).toBeCloseTo(49);
    expect(back[1]).toBeCloseTo(61);
    expect(back[2]).toBeCloseTo(50);
    expect(voxelSizes(SPM)).toEqual([2, 2, 2]);
  });

  it('inverts an oblique affine', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const a = [c * 1.5, -s, 0, 10, s * 1.5, c, 0, -5, 0, 0, 3, 7, 0, 0, 0, 1];
    const inv = invertAffine(a);
    const p = voxelToMm(a, [3, 4, 5]);
    const q = voxelToMm(inv, p);
    q.forEach((v, i) => expect(v).toBeCloseTo([3, 4, 5][i]!, 10));
    expect(() => invertAffine([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/singular/);
  });

  it('finds the nearest voxel and says when a point is outside the grid', () => {
    expect(nearestVoxel(SPM, [79, 95, 79], [0.4, 0.4, -0.4])).toEqual([39, 56, 35]);
    expect(nearestVoxel(SPM, [79, 95, 79], [200, 0, 0])).toBeNull();
    expect(voxelIndex([4, 5, 6], [1, 2, 3])).toBe(1 + 4 * (2 + 5 * 3));
  });
});

describe('NIfTI-1 writer', () => {
  it('writes a header NiiVue and nibabel read: dims, float32, sform, magic, voxels at 352', () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i - 5.5);
    const buffer = niftiFromVolume({ dims: [2, 3, 4], affine: SPM, data, isAtlas: true, description: 'test map' });
    const view = new DataView(buffer);
    expect(buffer.byteLength).toBe(352 + data.length * 4);
    expect(view.getInt32(0, true)).toBe(348);
    expect([0, 1, 2, 3].map((i) => view.getInt16(40 + 2 * i, true))).toEqual([3, 2, 3, 4]);
    expect(view.getInt16(68, true)).toBe(1002);
    expect(view.getInt16(70, true)).toBe(16);
    expect(view.getInt16(72, true)).toBe(32);
    expect([1, 2, 3].map((i) => view.getFloat32(76 + 4 * i, true))).toEqual([2, 2, 2]);
    expect(view.getFloat32(108, true)).toBe(NIFTI1_VOX_OFFSET);
    expect(view.getFloat32(112, true)).toBe(1);
    expect(view.getUint8(123)).toBe(2);
    expect(view.getInt16(252, true)).toBe(0);
    expect(view.getInt16(254, true)).toBe(2);
    const srow = Array.from({ length: 12 }, (_, i) => view.getFloat32(280 + 4 * i, true));
    expect(srow).toEqual(SPM.slice(0, 12));
    expect(String.fromCharCode(...new Uint8Array(buffer, 344, 4))).toBe('n+1\0');
    expect(String.fromCharCode(...new Uint8Array(buffer, 148, 8))).toBe('test map');
    expect(Array.from(new Float32Array(buffer, 352))).toEqual(Array.from(data));
  });

  it('refuses data that does not fill the grid', () => {
    expect(() => niftiFromVolume({ dims: [2, 2, 2], affine: SPM, data: new Float32Array(7) })).toThrow(/7 values for 2×2×2/);
  });
});

describe('thresholds', () => {
  it('takes the 95th percentile of magnitudes, bounded by a fifth and a half of the peak', () => {
    // A t-map-like spread: most voxels small, a few strong.
    const data = new Float32Array(10_000);
    for (let i = 0; i < data.length; i += 1) data[i] = ((i % 200) - 100) / 40; // ±2.5
    data[0] = 12;
    data[1] = -7;
    data[2] = NaN;
    const range = mapRange(data);
    expect(range.positiveMax).toBe(12);
    expect(range.negativeMax).toBe(7);
    const t = defaultThresholds(range);
    expect(t.positive).toBeCloseTo(2.4, 5); // the 95th percentile of |v| ≈ 2.4, above 12/5
    expect(t.negative).toBe(t.positive);
    expect(t.max).toBeGreaterThan(t.positive);
    expect(survives(3, t)).toBe(true);
    expect(survives(-3, t)).toBe(true);
    expect(survives(1, t)).toBe(false);
    expect(survives(0, t)).toBe(false);
  });

  it('keeps the peaks visible on a map whose mass is near its peak, and handles an empty map', () => {
    const flat = Float32Array.from({ length: 1000 }, () => 7.9);
    expect(defaultThresholds(mapRange(flat)).positive).toBeCloseTo(4, 5);
    expect(defaultThresholds(mapRange(new Float32Array(10)))).toEqual({ positive: 0, negative: 0, max: 1 });
    expect(roundForDisplay(2.6047)).toBe(2.6);
    expect(roundForDisplay(2.8000001)).toBe(2.8);
    expect(roundForDisplay(0.012345)).toBeCloseTo(0.012);
  });
});

describe('colour scales', () => {
  it('samples the stops, and hides values under the thresholds', () => {
    expect(sampleScale(POSITIVE_SCALE, 1)).toEqual([255, 255, 80]);
    expect(sampleScale(NEGATIVE_SCALE, 1)).toEqual([120, 255, 255]);
    expect(mapColour(1, 2, 2, 10)).toBeNull();
    expect(mapColour(-1, 2, 2, 10)).toBeNull();
    expect(mapColour(NaN, 2, 2, 10)).toBeNull();
    const hot = mapColour(10, 2, 2, 10)!;
    const warm = mapColour(2.1, 2, 2, 10)!;
    expect(hot[1]).toBeGreaterThan(warm[1]); // yellower at the top
    expect(mapColour(-10, 2, 2, 10)![2]).toBe(255); // blue side
    expect(mapColour(5, 0, 2, 10)).toBeNull(); // a zero threshold turns a sign off
  });

  it('gives round ticks with the ends, and distinct label colours', () => {
    expect(colourBarTicks(2.6, 12)).toEqual([2.6, 5, 10, 12]);
    expect(colourBarTicks(0, 1)).toEqual([0, 0.5, 1]);
    expect(colourBarTicks(-8, 8, 4)).toEqual([-8, -5, 0, 5, 8]);
    expect(formatValue(-0.000123456)).toBe('-0.000123');
    expect(formatValue(12.156)).toBe('12.2');
    expect(formatValue(9170)).toBe('9,170');
    const colours = new Set(Array.from({ length: 120 }, (_, i) => labelColour(i + 1).join(',')));
    expect(colours.size).toBe(120);
  });
});

describe('atlas lookup', () => {
  it('reads the label through the atlas affine, on another grid than the query', () => {
    // A 2 mm atlas 3×3×3 whose centre voxel is region 5 and one corner region 7 (not named).
    const affine = [2, 0, 0, -2, 0, 2, 0, -2, 0, 0, 2, -2, 0, 0, 0, 1];
    const data = new Float32Array(27);
    data[voxelIndex([3, 3, 3], [1, 1, 1])] = 5;
    data[voxelIndex([3, 3, 3], [2, 2, 2])] = 7;
    const atlas = { dims: [3, 3, 3] as const, affine, data, regions: [{ index: 5, name: 'Precentral_L' }] };
    const names = regionNames(atlas.regions);
    expect(atlasLabelAt(atlas, names, [0.4, -0.6, 0.9])).toEqual({ index: 5, name: 'Precentral_L' });
    expect(atlasLabelAt(atlas, names, [2, 2, 2])).toEqual({ index: 7, name: 'label 7' });
    expect(atlasLabelAt(atlas, names, [-2, -2, -2])).toBeNull(); // background
    expect(atlasLabelAt(atlas, names, [40, 0, 0])).toBeNull(); // outside
  });
});

describe('cluster rows and readouts', () => {
  it('formats a cluster as a results table row', () => {
    const row = clusterRow({ id: 1, sign: 'negative', voxelCount: 1234, volumeMm3: 9872.4, peakValue: -6.8623, peakVoxel: [10, 20, 30], peakMm: [-38.4, -22, 56.6], peakRegion: null });
    expect(row).toEqual({ id: 1, sign: '−', voxels: '1,234', volume: '9,872 mm³', peak: '-6.86', peakMm: '-38, -22, 57', region: '—' });
    expect(formatMm([-0.04, 12.345, 3])).toBe('0.0, 12.3, 3.0 mm');
    expect(formatVoxel([39, 56.4, -0])).toBe('39, 56, 0');
  });
});

describe('default template and atlas', () => {
  const rec = (id: number, path: string, type: string): Recording =>
    ({ id, sourcePath: path, metadata: { brain: { type, description: '', warnings: [] } } }) as unknown as Recording;
  const all = [
    rec(1, '/d/statmaps/spmMotor.nii.gz', 'volume'),
    rec(2, '/d/template/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz', 'volume'),
    rec(3, '/d/atlas/aal.nii.gz', 'atlas'),
    rec(4, '/d/atlas/AAL2.nii', 'atlas'),
    rec(5, '/d/bold/x.nii.gz', 'bold'),
  ];
  it('picks the MNI template and AAL2, never the map itself', () => {
    expect(defaultTemplate(all, all[0]!)?.id).toBe(2);
    expect(defaultTemplate(all, all[1]!)).toBeNull();
    expect(defaultAtlas(all, all[0]!)?.id).toBe(4);
    expect(defaultAtlas(all.slice(0, 3), all[0]!)?.id).toBe(3);
  });
});

describe('half resolution background', () => {
  it('averages 2×2×2 blocks and keeps the volume in place in mm', async () => {
    const { halveResolution } = await import('../../renderer/src/fmri/volume/downsample.js');
    const dims = [4, 4, 3] as const;
    const data = Float32Array.from({ length: 48 }, (_, i) => i);
    const half = halveResolution({ dims, affine: SPM, data });
    expect(half.dims).toEqual([2, 2, 2]);
    // Block (0,0,0): voxels x 0–1, y 0–1, z 0–1.
    expect(half.data[0]).toBe((0 + 1 + 4 + 5 + 16 + 17 + 20 + 21) / 8);
    // The last z block has one slice (z = 2).
    expect(half.data[4]).toBe((32 + 33 + 36 + 37) / 4);
    // New voxel (1, 1, 1) sits where old voxel (2.5, 2.5, 2.5) is.
    expect(voxelToMm(half.affine, [1, 1, 1])).toEqual(voxelToMm(SPM, [2.5, 2.5, 2.5]));
  });
});
