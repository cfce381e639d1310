/**
 * The surface map's pure helpers (sulcal shading, layered vertex colours, hemisphere pairing and
 * placement, view directions) and the ROI map's painting of one value per atlas region.
 */
import { describe, expect, it } from 'vitest';
import { paintRegions, regionVolumes, roiWindow } from '../../renderer/src/fmri/roimap/paintRegions.js';
import { fitsMesh, hemisphereOf, hemisphereOffsets, matchingValues, meshKind, surfaceSet, viewDirection } from '../../renderer/src/fmri/surface/hemispheres.js';
import { isBackgroundLabel, sulcalGray, vertexColours } from '../../renderer/src/fmri/surface/surfaceColours.js';
import type { Recording } from '../../shared/api/index.js';

const rec = (id: number, path: string, type: string, extra: Record<string, unknown> = {}): Recording =>
  ({ id, sourcePath: path, metadata: { brain: { type, description: '', warnings: [], ...extra } } }) as unknown as Recording;

describe('sulcal shading', () => {
  it('draws sulci darker than gyri, and plain gray without sulc', () => {
    const sulc = Float32Array.from({ length: 101 }, (_, i) => (i - 50) / 10); // −5 (gyrus) … +5 (sulcus)
    const gray = sulcalGray(sulc, 101);
    expect(gray[0]).toBeGreaterThan(gray[100]!);
    expect(gray[0]).toBeCloseTo(0.8, 2);
    expect(gray[100]).toBeCloseTo(0.36, 2);
    expect(gray[50]).toBeCloseTo(0.58, 2);
    expect(Array.from(sulcalGray(null, 3))).toEqual([0.62, 0.62, 0.62].map(Math.fround));
    expect(Array.from(sulcalGray(new Float32Array(2), 3))).toEqual([0.62, 0.62, 0.62].map(Math.fround)); // wrong length: ignored
  });
});

describe('vertex colours', () => {
  const gray = Float32Array.from([0.5, 0.5, 0.5]);
  it('paints labels in their table colours except the background, then the map on top', () => {
    const table = new Map([
      [0, { name: '???', rgba: [0, 0, 0, 0] as const }],
      [1, { name: '7Networks_1', rgba: [0.47, 0.07, 0.53, 1] as const }],
    ]);
    const colours = vertexColours(gray, { labels: [0, 1, 1], table, opacity: 1 }, { values: [0, 0, 9], positive: 2, negative: 2, max: 9, opacity: 1 });
    expect(Array.from(colours.slice(0, 3))).toEqual([0.5, 0.5, 0.5]);
    expect(colours[3]).toBeCloseTo(0.47);
    expect(colours[5]).toBeCloseTo(0.53);
    expect(Array.from(colours.slice(6, 9)).map((c) => Math.round(c * 255))).toEqual([255, 255, 80]);
    expect(isBackgroundLabel(5, 'Medial_Wall')).toBe(true);
    expect(isBackgroundLabel(5, '7Networks_5')).toBe(false);
  });
});

describe('hemispheres', () => {
  const all = [
    rec(1, '/s/fsaverage5_pial_left.gii.gz', 'surface', { vertexCount: 10242 }),
    rec(2, '/s/fsaverage5_pial_right.gii.gz', 'surface', { vertexCount: 10242 }),
    rec(3, '/s/fsaverage5_infl_left.gii.gz', 'surface', { vertexCount: 10242 }),
    rec(4, '/s/fsaverage5_infl_right.gii.gz', 'surface', { vertexCount: 10242 }),
    rec(5, '/s/fsaverage5_sulc_left.gii.gz', 'surface-values', { vertexCount: 10242 }),
    rec(6, '/s/fsaverage5_sulc_right.gii.gz', 'surface-values', { vertexCount: 10242 }),
    // fsaverage's labels (163,842 vertices) on fsaverage5 (its first 10,242 vertices).
    rec(7, '/a/lh.Yeo2011.label.gii', 'surface-labels', { vertexCount: 163842 }),
    rec(8, '/a/BrainMesh_ICBM152.lh.mz3', 'surface', { vertexCount: 5000 }),
  ];
  it('reads the hemisphere and mesh kind from names', () => {
    expect(all.map(hemisphereOf)).toEqual(['left', 'right', 'left', 'right', 'left', 'right', 'left', 'left']);
    expect(meshKind(all[2]!)).toBe('inflated');
    expect(meshKind(all[0]!)).toBe('pial');
    expect(hemisphereOf(rec(9, '/x/brain.gii', 'surface', { hemisphere: 'right' }))).toBe('right');
  });

  it('pairs a mesh with the other hemisphere of its kind, left first', () => {
    expect(surfaceSet(all[1]!, all).meshes.map((m) => m.recording.id)).toEqual([1, 2]);
    expect(surfaceSet(all[2]!, all).meshes.map((m) => m.recording.id)).toEqual([3, 4]);
    expect(surfaceSet(all[7]!, all.slice(7)).meshes.map((m) => m.recording.id)).toEqual([8]);
  });

  it('finds the sulc and label files of a hemisphere with the same vertex count', () => {
    expect(matchingValues('left', 10242, all, 'sulc')?.id).toBe(5);
    expect(matchingValues('right', 10242, all, 'sulc')?.id).toBe(6);
    expect(matchingValues('left', 10242, all, 'labels')?.id).toBe(7);
    expect(matchingValues('right', 10242, all, 'labels')).toBeNull(); // lh labels never paint the right
    expect(matchingValues('left', 5000, all, 'sulc')).toBeNull();
    expect(fitsMesh(10242, 163842)).toBe(true);
    expect(fitsMesh(163842, 10242)).toBe(false);
    expect(fitsMesh(5000, 10242)).toBe(false);
  });

  it('moves overlapping (inflated) hemispheres apart and leaves pial ones in place', () => {
    expect(hemisphereOffsets([{ minX: -70, maxX: -2, hemisphere: 'left' }, { minX: 2, maxX: 70, hemisphere: 'right' }])).toEqual([0, 0]);
    expect(hemisphereOffsets([{ minX: -40, maxX: 35, hemisphere: 'left' }, { minX: -35, maxX: 40, hemisphere: 'right' }], 8)).toEqual([-39, 39]);
    expect(viewDirection('lateral', 'left').direction).toEqual([1, 0, 0]);
    expect(viewDirection('medial', 'left').direction).toEqual([-1, 0, 0]);
    expect(viewDirection('lateral', 'right').direction).toEqual([-1, 0, 0]);
  });
});

describe('ROI map painting', () => {
  it('paints each region with its value, NaN elsewhere, and names labels the atlas lacks', () => {
    const atlas = [0, 1, 1, 2, 5, 0];
    const painted = paintRegions(atlas, [1, 2, 3], [0.5, -1, 2]);
    expect(Array.from(painted.volume).map((v) => (Number.isNaN(v) ? 'n' : v))).toEqual(['n', 0.5, 0.5, -1, 'n', 'n']);
    expect(painted.missingLabels).toEqual([3]);
    expect([painted.min, painted.max]).toEqual([-1, 2]);
    expect(() => paintRegions(atlas, [1], [1, 2])).toThrow(/2 values for 1 regions/);
    expect(roiWindow(3, 3)).toEqual({ from: 2.5, to: 3.5 });
    expect(Array.from(paintRegions(atlas, [1], [4], -9).volume)).toEqual([-9, 4, 4, -9, -9, -9]);
  });

  it('measures each region in mm³, zero for a region without voxels', () => {
    const sizes = regionVolumes([0, 1, 1, 2, 5, 0], [{ index: 1 }, { index: 2 }, { index: 3 }], 8);
    expect(sizes.indices).toEqual([1, 2, 3]);
    expect(Array.from(sizes.values)).toEqual([16, 8, 0]);
  });
});
