/**
 * The fmri domain over a temporary project with small files written here: what each brain file
 * imports as (kind, type, description), and every call of shared/api/fmri.ts (volumes with their
 * display window and atlas regions, clusters with the atlas region at their peak, surfaces,
 * per-vertex values, projection along the normals, ROI series from a file, a cohort subject and an
 * extraction run, connectivity, cohorts, networks), with the errors for a recording of the wrong
 * kind and for a cohort whose phenotype table misses a subject (nothing stored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, NotFoundError, ValidationError } from '../../main/errors.js';
import { inspectRecording } from '../../main/io/recording.js';
import { FmriView } from '../../main/domains/fmri/view.js';
import { findClusters } from '../../main/domains/fmri/clusters.js';
import { projectToSurface, vertexNormals } from '../../main/domains/fmri/projection.js';
import { percentileSorted, volumeStats } from '../../main/domains/fmri/window.js';
import { invertAffine, applyAffine } from '../../main/domains/fmri/affine.js';
import { isTimeByRegionTable } from '../../main/io/brain/index.js';
import { connectivity } from '../../main/pipelines/fmri/connectivity.js';
import { asCancelled, cancelSignal } from '../../main/pipelines/fmri/cancel.js';
import { CancelledError } from '../../main/jobs/pipeline.js';
import { Store } from '../../main/store/index.js';
import { writeNifti } from '../helpers/nifti.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-fmri-domain-');
let store: Store;
let view: FmriView;
const ids: Record<string, number> = {};

async function importFile(name: string, path: string): Promise<number> {
  const inspected = await inspectRecording(path);
  ids[name] = store.recordings.add(inspected).recording.id;
  return ids[name]!;
}

const file = (name: string) => join(tmp.dir, name);

/** An octahedron of radius 5 mm around the origin, faces wound outwards. */
const OCTA_VERTICES = [5, 0, 0, -5, 0, 0, 0, 5, 0, 0, -5, 0, 0, 0, 5, 0, 0, -5];
const OCTA_FACES = [0, 2, 4, 2, 1, 4, 1, 3, 4, 3, 0, 4, 2, 0, 5, 1, 2, 5, 3, 1, 5, 0, 3, 5];

function gifti(arrays: { intent: string; datatype: string; dims: number[]; data: number[] }[], labels = '', metadata = ''): string {
  const body = arrays
    .map(
      (a) => `<DataArray Intent="${a.intent}" DataType="${a.datatype}" ArrayIndexingOrder="RowMajorOrder" Dimensionality="${a.dims.length}" ${a.dims.map((d, i) => `Dim${i}="${d}"`).join(' ')} Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset="">
<MetaData></MetaData><Data>${a.data.join(' ')}</Data></DataArray>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<GIFTI Version="1.0" NumberOfDataArrays="${arrays.length}">\n<MetaData>${metadata}</MetaData>\n<LabelTable>${labels}</LabelTable>\n${body}\n</GIFTI>\n`;
}

/** Pearson correlation of two equal-length arrays. */
function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

beforeAll(async () => {
  store = Store.open(file('p.cajal'));
  view = new FmriView(store);

  // A 4D BOLD run: 6×5×4 voxels, 20 volumes, TR 2 s; region 1 (x < 3) and region 2 (x ≥ 3) carry different signals.
  const [nx, ny, nz, nt] = [6, 5, 4, 20];
  const bold = new Float32Array(nx * ny * nz * nt);
  for (let t = 0; t < nt; t++)
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) bold[i + nx * (j + ny * (k + nz * t))] = 100 + (i < 3 ? Math.sin(t / 2) : Math.cos(t / 3)) + 0.01 * j;
  writeNifti(file('bold.nii'), { dims: [nx, ny, nz, nt], data: bold, trS: 2 });
  // Its atlas on the same grid, with a lookup table beside it; z = 0 is background.
  const atlas = Array.from({ length: nx * ny * nz }, (_, v) => (Math.floor(v / (nx * ny)) === 0 ? 0 : v % nx < 3 ? 1 : 2));
  writeNifti(file('atlas.nii'), { dims: [nx, ny, nz], data: atlas, datatype: 'int16' });
  writeFileSync(file('atlas.txt'), '1 Left_Block\n2 Right_Block\n');

  // A statistical map on a 10³ grid of 2 mm voxels: a positive blob (27 voxels, peak 5 at (2,2,2)), a
  // negative pair (−4, −3) far away, a lone voxel above threshold, and NaNs.
  const map = new Float32Array(1000);
  const at = (i: number, j: number, k: number) => i + 10 * (j + 10 * k);
  for (let k = 1; k <= 3; k++) for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) map[at(i, j, k)] = 3;
  map[at(2, 2, 2)] = 5;
  map[at(8, 8, 8)] = -4;
  map[at(8, 8, 7)] = -3;
  map[at(8, 1, 1)] = 6;
  map[at(0, 9, 9)] = NaN;
  writeNifti(file('map.nii.gz'), { dims: [10, 10, 10], data: map, gzip: true });

  // A volume whose value is its x coordinate in mm (1 mm voxels, origin at the centre): projections are checkable.
  const ramp = Array.from({ length: 21 ** 3 }, (_, v) => (v % 21) - 10);
  writeNifti(file('ramp.nii'), { dims: [21, 21, 21], data: ramp, affine: [1, 0, 0, -10, 0, 1, 0, -10, 0, 0, 1, -10, 0, 0, 0, 1] });

  writeFileSync(
    file('octa_left.gii'),
    gifti(
      [
        { intent: 'NIFTI_INTENT_POINTSET', datatype: 'NIFTI_TYPE_FLOAT32', dims: [6, 3], data: OCTA_VERTICES },
        { intent: 'NIFTI_INTENT_TRIANGLE', datatype: 'NIFTI_TYPE_INT32', dims: [8, 3], data: OCTA_FACES },
      ],
      '',
      '<MD><Name>AnatomicalStructurePrimary</Name><Value>CortexLeft</Value></MD>',
    ),
  );
  writeFileSync(file('sulc.gii'), gifti([{ intent: 'NIFTI_INTENT_SHAPE', datatype: 'NIFTI_TYPE_FLOAT32', dims: [6], data: [1, -1, 0.5, -0.5, 2, -2] }]));
  writeFileSync(
    file('nets.label.gii'),
    gifti(
      [{ intent: 'NIFTI_INTENT_LABEL', datatype: 'NIFTI_TYPE_INT32', dims: [6], data: [0, 1, 1, 2, 2, 0] }],
      '<Label Key="0" Red="0" Green="0" Blue="0" Alpha="0">???</Label><Label Key="1" Red="1" Green="0" Blue="0" Alpha="1">Visual</Label><Label Key="2" Red="0" Green="1" Blue="0" Alpha="1">Motor</Label>',
    ),
  );

  // An ROI series as nilearn/nitime write it: a header of names, time down the rows.
  const T = 40;
  const rows = Array.from({ length: T }, (_, t) => [Math.sin(t / 3), Math.sin(t / 3) + 0.3 * Math.cos(t), Math.cos(t / 5)].map((v) => v.toFixed(6)).join(','));
  writeFileSync(file('series.csv'), `"Vis","Mot","DMN"\n${rows.join('\n')}\n`);

  // A cohort: three subjects' CSV series and a participants table.
  mkdirSync(file('cohort'));
  for (const [s, id] of ['sub-01', 'sub-02', 'sub-03'].entries()) {
    const lines = Array.from({ length: 30 }, (_, t) => [Math.sin(t / (2 + s)), Math.cos(t / 4) + 0.1 * s * t, Math.sin(t / 7 + s)].map((v) => v.toFixed(6)).join(','));
    writeFileSync(file(`cohort/${id}.csv`), `A,B,C\n${lines.join('\n')}\n`);
  }
  writeFileSync(file('cohort/participants.tsv'), 'participant_id\tdiagnosis\tsex\tage\tsite\nsub-01\tASD\tF\t10\tX\nsub-02\tcontrol\tM\t11\tY\nsub-03\tASD\tM\t12\tX\n');

  // A BrainNet pair and a lone coordinate table.
  writeFileSync(file('net.node'), '-30 10 40 1 2 A.L\n30 10 40 1 2 A.R\n0 -60 20 2 1 PCC\n');
  writeFileSync(file('net.edge'), '0 0.5 0.1\n0.5 0 0.8\n0.1 0.8 0\n');

  for (const [name, path] of [
    ['bold', 'bold.nii'],
    ['atlas', 'atlas.nii'],
    ['map', 'map.nii.gz'],
    ['ramp', 'ramp.nii'],
    ['surface', 'octa_left.gii'],
    ['sulc', 'sulc.gii'],
    ['labels', 'nets.label.gii'],
    ['series', 'series.csv'],
    ['cohort', 'cohort'],
    ['nodes', 'net.node'],
    ['edges', 'net.edge'],
  ] as const) {
    await importFile(name, file(path));
  }
});

afterAll(() => {
  view?.close();
  store?.close();
  tmp.cleanup();
});

describe('brain recordings as the Library sees them', () => {
  it('gives each file its kind, type and a one-line description', () => {
    const brain = (name: string) => {
      const r = store.recordings.get(ids[name]!)!;
      return [r.format, r.metadata.modality, r.metadata.brain?.type, r.metadata.brain?.description];
    };
    expect(brain('bold')).toEqual(['nifti1', 'fmri', 'bold', '6×5×4, 20 volumes, TR 2 s, 2 mm, float32, MNI (sform)']);
    expect(brain('atlas')).toEqual(['nifti1', 'brain-map', 'atlas', '6×5×4, 2 mm, int16, MNI (sform), atlas of 2 regions (atlas.txt)']);
    expect(brain('map').slice(0, 3)).toEqual(['nifti1', 'brain-map', 'volume']);
    expect(brain('surface')).toEqual(['gifti', 'brain-map', 'surface', 'surface of 6 vertices, 8 triangles, left hemisphere']);
    expect(brain('sulc').slice(0, 3)).toEqual(['gifti', 'brain-map', 'surface-values']);
    expect(brain('labels').slice(0, 3)).toEqual(['gifti', 'brain-map', 'surface-labels']);
    expect(brain('series')).toEqual(['roi-text', 'roi-series', 'roi-series', '3 regions × 40 timepoints (csv)']);
    expect(brain('cohort').slice(0, 3)).toEqual(['roi-cohort', 'cohort', 'cohort']);
    expect(brain('nodes').slice(0, 3)).toEqual(['brainnet-node', 'brain-graph', 'nodes']);
    expect(brain('edges').slice(0, 3)).toEqual(['brainnet-edge', 'brain-graph', 'edges']);
    const bold = store.recordings.get(ids.bold!)!.metadata;
    // The EEG-era fields, neutral; the time axis where there is one.
    expect([bold.signals, bold.channelCount, bold.sampleRateHz, bold.durationS, bold.startDateTime]).toEqual([[], 0, 0.5, 40, '']);
  });

  it('stores a cohort with its subjects and labels', () => {
    const cohort = store.recordings.get(ids.cohort!)!.metadata.brain!.cohort!;
    expect(cohort.subjects.map((s) => [s.id, s.labels.diagnosis, s.labels.site])).toEqual([
      ['sub-01', 'ASD', 'X'],
      ['sub-02', 'control', 'Y'],
      ['sub-03', 'ASD', 'X'],
    ]);
  });

  it('refuses a cohort whose phenotype table misses a subject, with one error, storing nothing', async () => {
    const dir = file('bad-cohort');
    mkdirSync(dir);
    for (const id of ['sub-01', 'sub-02', 'sub-09']) writeFileSync(join(dir, `${id}.csv`), 'A,B\n1,2\n3,4\n5,6\n');
    writeFileSync(join(dir, 'participants.tsv'), 'participant_id\tdiagnosis\nsub-01\tASD\nsub-02\tcontrol\n');
    const before = store.recordings.list().length;
    const error = await inspectRecording(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/sub-09/);
    expect(store.recordings.list()).toHaveLength(before);
  });

  it('tells a nilearn-style ROI table from a calcium table (cells × frames)', () => {
    expect(isTimeByRegionTable(['A,B', '1,2', '3,4', '5,6'])).toBe(true);
    expect(isTimeByRegionTable(['t0,t1,t2', '1,2,3', '4,5,6'])).toBe(false);
    expect(isTimeByRegionTable(['1,2', '3,4', '5,6'])).toBe(false);
    expect(isTimeByRegionTable(['cell,1,2', 'A,1,2', 'B,3,4', 'C,5,6'])).toBe(false);
  });
});

describe('fmri.volume', () => {
  it('returns one volume of a 4D run with its geometry, and refuses a volume past the end', async () => {
    const v = await view.volume(ids.bold!, 3);
    expect(v.dims).toEqual([6, 5, 4]);
    expect([v.volume, v.volumeCount, v.trS, v.datatype, v.isAtlas]).toEqual([3, 20, 2, 'float32', false]);
    expect(v.data).toBeInstanceOf(Float32Array);
    expect(v.data[0]).toBeCloseTo(100 + Math.sin(1.5), 4);
    await expect(view.volume(ids.bold!, 20)).rejects.toThrow(/has 20 volumes \(0…19\); got 20/);
  });

  it('gives the range of the finite values, a 2–98 % window of the non-zero ones, and counts NaNs', async () => {
    const v = await view.volume(ids.map!, 0);
    expect([v.min, v.max, v.nonFiniteCount]).toEqual([-4, 6, 1]);
    expect(v.robustMin).toBeGreaterThanOrEqual(-4);
    expect(v.robustMax).toBeLessThanOrEqual(6);
    const stats = volumeStats(Float32Array.from([0, 0, 1, 2, 3, 4, NaN, Infinity]));
    expect(stats).toMatchObject({ min: 0, max: 4, nonFiniteCount: 2 });
    expect(stats.robustMin).toBeCloseTo(percentileSorted([1, 2, 3, 4], 2));
    expect(percentileSorted([1, 2, 3, 4], 50)).toBe(2.5);
  });

  it('lists an atlas’s regions by name with their centroids', async () => {
    const v = await view.volume(ids.atlas!, 0);
    expect(v.isAtlas).toBe(true);
    expect(v.regions.map((r) => [r.index, r.name])).toEqual([
      [1, 'Left_Block'],
      [2, 'Right_Block'],
    ]);
    // x voxels 0…2 → mean 1; default affine: 2 mm voxels, centred (x = 2i − 5).
    expect(v.regions[0]!.centroidMm![0]).toBeCloseTo(2 * 1 - 5);
    expect(v.regions[1]!.centroidMm![0]).toBeCloseTo(2 * 4 - 5);
  });

  it('says what a recording is when it is not a volume, and that a missing one is missing', async () => {
    await expect(view.volume(ids.series!, 0)).rejects.toBeInstanceOf(ValidationError);
    await expect(view.volume(ids.series!, 0)).rejects.toThrow(/series\.csv, an ROI time series\) is not a NIfTI image/);
    await expect(view.volume(9999, 0)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('fmri.clusters', () => {
  it('finds 26-connected clusters beyond ±threshold, largest first, with their peaks in voxels and mm', async () => {
    const clusters = await view.clusters({ recordingId: ids.map!, threshold: 2.5, sign: 'both', minVoxels: 1, atlasRecordingId: null });
    expect(clusters.map((c) => [c.id, c.sign, c.voxelCount, c.peakValue, c.peakVoxel])).toEqual([
      [1, 'positive', 27, 5, [2, 2, 2]],
      [2, 'negative', 2, -4, [8, 8, 8]],
      [3, 'positive', 1, 6, [8, 1, 1]],
    ]);
    // 2 mm voxels, origin at the centre of the 10³ grid: x = 2i − 9.
    expect(clusters[0]!.peakMm).toEqual([2 * 2 - 9, 2 * 2 - 9, 2 * 2 - 9]);
    expect(clusters[0]!.volumeMm3).toBe(27 * 8);
    expect(clusters.every((c) => c.peakRegion === null)).toBe(true);
    const big = await view.clusters({ recordingId: ids.map!, threshold: 2.5, sign: 'positive', minVoxels: 10, atlasRecordingId: null });
    expect(big.map((c) => c.voxelCount)).toEqual([27]);
  });

  it('counts corner neighbours (26-connectivity)', () => {
    const data = new Float32Array(27);
    data[0] = 1;
    data[26] = 1; // (2,2,2) touches (1,1,1) only at a corner…
    data[13] = 1; // …which touches (0,0,0) at a corner too.
    const clusters = findClusters(data, [3, 3, 3], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], { threshold: 0.5, sign: 'positive', minVoxels: 1 });
    expect(clusters.map((c) => c.voxelCount)).toEqual([3]);
  });

  it('names the atlas region at each peak through the atlas’s own affine', async () => {
    const clusters = await view.clusters({ recordingId: ids.map!, threshold: 2.5, sign: 'positive', minVoxels: 1, atlasRecordingId: ids.atlas! });
    // The blob's peak at (−5, −5, −5) mm is the atlas voxel (0, 0, 0): background (z = 0). The lone voxel at
    // (7, −7, −7) mm falls outside the small atlas grid.
    expect(clusters.map((c) => c.peakRegion)).toEqual([null, null]);
    const inside = await view.clusters({ recordingId: ids.ramp!, threshold: 9.5, sign: 'both', minVoxels: 1, atlasRecordingId: ids.atlas! });
    expect(inside.length).toBeGreaterThan(0);
    await expect(view.clusters({ recordingId: ids.map!, threshold: 1, sign: 'both', minVoxels: 1, atlasRecordingId: ids.map! })).rejects.toThrow(/is not a label atlas/);
  });
});

describe('surfaces', () => {
  it('fmri.surface returns the mesh and hemisphere', async () => {
    const s = await view.surface(ids.surface!);
    expect(Array.from(s.vertices)).toEqual(OCTA_VERTICES);
    expect(Array.from(s.faces)).toEqual(OCTA_FACES);
    expect([s.hemisphere, s.scalars]).toEqual(['left', null]);
    await expect(view.surface(ids.sulc!)).rejects.toThrow(/is not a surface mesh/);
  });

  it('fmri.surfaceValues returns shape values or labels with the label table', async () => {
    const sulc = await view.surfaceValues(ids.sulc!);
    expect([sulc.vertexCount, Array.from(sulc.values!), sulc.labels]).toEqual([6, [1, -1, 0.5, -0.5, 2, -2], null]);
    const nets = await view.surfaceValues(ids.labels!);
    expect([nets.values, Array.from(nets.labels!)]).toEqual([null, [0, 1, 1, 2, 2, 0]]);
    expect(nets.labelTable.map((l) => l.name)).toEqual(['???', 'Visual', 'Motor']);
  });

  it('vertex normals point outwards, of unit length', () => {
    const normals = vertexNormals(Float32Array.from(OCTA_VERTICES), Uint32Array.from(OCTA_FACES));
    expect(Array.from(normals.subarray(0, 3)).map((v) => Number(v.toFixed(6)))).toEqual([1, 0, 0]);
    expect(Array.from(normals.subarray(15, 18)).map((v) => Number(v.toFixed(6)))).toEqual([0, 0, -1]);
  });

  it('fmri.projectToSurface samples at each vertex along its normal, averaged over depths', async () => {
    const flat = await view.projectToSurface({ volumeRecordingId: ids.ramp!, surfaceRecordingId: ids.surface!, method: 'trilinear', depthsMm: [0] });
    expect(Array.from(flat.values)).toEqual([5, -5, 0, 0, 0, 0]);
    const line = await view.projectToSurface({ volumeRecordingId: ids.ramp!, surfaceRecordingId: ids.surface!, method: 'nearest', depthsMm: [0, 2] });
    // (5,0,0) + 2·(1,0,0) = 7: mean of 5 and 7.
    expect(Array.from(line.values)).toEqual([6, -6, 0, 0, 0, 0]);
    // Off the grid: NaN, never a made-up value.
    const far = projectToSurface({ data: new Float32Array(8).fill(1), dims: [2, 2, 2], affine: [1, 0, 0, 100, 0, 1, 0, 100, 0, 0, 1, 100, 0, 0, 0, 1] }, { vertices: Float32Array.from(OCTA_VERTICES), faces: Uint32Array.from(OCTA_FACES) }, { method: 'trilinear', depthsMm: [0] });
    expect(Array.from(far).every(Number.isNaN)).toBe(true);
    await expect(view.projectToSurface({ volumeRecordingId: ids.surface!, surfaceRecordingId: ids.surface!, method: 'nearest', depthsMm: [0] })).rejects.toThrow(/volumeRecordingId/);
  });

  it('inverts affines', () => {
    const a = [0, -2, 0, 90, 2, 0, 0, -126, 0, 0, 3, -72, 0, 0, 0, 1];
    const [i, j, k] = applyAffine(invertAffine(a), ...applyAffine(a, 3, 4, 5));
    expect([i, j, k].map((v) => Number(v.toFixed(9)))).toEqual([3, 4, 5]);
  });
});

describe('ROI series, connectivity, cohorts', () => {
  it('fmri.roiSeries reads an ROI file region-major with its names', async () => {
    const s = await view.roiSeries(ids.series!, null, null);
    expect([s.regionCount, s.timepoints, s.regionNames, s.subject]).toEqual([3, 40, ['Vis', 'Mot', 'DMN'], null]);
    expect(s.data[1]).toBeCloseTo(Math.sin(1 / 3), 5);
    expect(s.data[40 + 1]).toBeCloseTo(Math.sin(1 / 3) + 0.3 * Math.cos(1), 5);
    await expect(view.roiSeries(ids.series!, 'sub-01', null)).rejects.toThrow(/subjects are for cohorts/);
  });

  it('fmri.roiSeries reads a cohort subject (the first when none is named)', async () => {
    const first = await view.roiSeries(ids.cohort!, null, null);
    const second = await view.roiSeries(ids.cohort!, 'sub-02', null);
    expect([first.subject, second.subject, second.regionCount, second.timepoints]).toEqual(['sub-01', 'sub-02', 3, 30]);
    await expect(view.roiSeries(ids.cohort!, 'sub-77', null)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('fmri.roiSeries reads an extraction run’s stored result', async () => {
    const run = store.runs.create({ pipeline: 'fmri-extract', params: { atlasRecordingId: ids.atlas }, recordingId: ids.bold!, codeVersion: 'test' });
    store.results.add(run.id, { key: 'series', value: null, array: { data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] } });
    store.results.add(run.id, { key: 'regions', value: { indices: [1, 2], names: ['Left_Block', 'Right_Block'] } });
    store.results.add(run.id, { key: 'trS', value: 2 });
    store.runs.finish(run.id, 'succeeded');
    const s = await view.roiSeries(ids.bold!, null, run.id);
    expect([s.regionCount, s.timepoints, s.regionNames, s.trS, Array.from(s.data)]).toEqual([2, 3, ['Left_Block', 'Right_Block'], 2, [1, 2, 3, 4, 5, 6]]);
    await expect(view.roiSeries(ids.atlas!, null, run.id)).rejects.toThrow(/is not a BOLD run/);
    await expect(view.roiSeries(ids.bold!, null, null)).rejects.toThrow(/name an fmri-extract run/);
  });

  it('fmri.connectivity computes a correlation matrix now (module D: nilearn’s, Ledoit–Wolf shrunk); tangent needs a cohort', async () => {
    const m = await view.connectivity(ids.series!, null, 'pearson');
    const s = await view.roiSeries(ids.series!, null, null);
    const row = (r: number) => s.data.subarray(r * 40, (r + 1) * 40);
    expect(m.regionCount).toBe(3);
    expect(Array.from(m.matrix)).toEqual(Array.from(connectivity([s], 'pearson').matrices[0]!));
    // Shrinkage pulls the correlation towards 0, never past it.
    const sample = pearson(row(0), row(1));
    expect(m.matrix[1]! * sample).toBeGreaterThan(0);
    expect(Math.abs(m.matrix[1]!)).toBeLessThan(Math.abs(sample));
    expect(m.matrix[0]).toBeCloseTo(1, 12);
    await expect(view.connectivity(ids.series!, null, 'tangent')).rejects.toThrow(/needs a cohort/);
    const tangent = await view.connectivity(ids.cohort!, 'sub-03', 'tangent');
    expect([tangent.subject, tangent.regionCount, tangent.matrix.length]).toEqual(['sub-03', 3, 9]);
    await expect(view.connectivity(ids.bold!, null, 'pearson')).rejects.toBeInstanceOf(ValidationError);
  });

  it('fmri.connectivity reads tangent matrices from the cohort’s fmri-connectivity run when there is one', async () => {
    const run = store.runs.create({ pipeline: 'fmri-connectivity', params: { kind: 'tangent' }, recordingId: ids.cohort!, codeVersion: 'test' });
    const matrices = Float64Array.from({ length: 3 * 9 }, (_, i) => i);
    store.results.add(run.id, { key: 'matrices', value: null, array: { data: matrices, shape: [3, 3, 3] } });
    store.runs.finish(run.id, 'succeeded');
    const m = await view.connectivity(ids.cohort!, 'sub-02', 'tangent');
    expect(Array.from(m.matrix)).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
  });

  it('fmri.cohort lists subjects and labels', () => {
    const c = view.cohort(ids.cohort!);
    expect([c.subjects.length, c.regionCount, c.timepointsMin, c.timepointsMax]).toEqual([3, 3, 30, 30]);
    expect(c.labelColumns.slice(0, 4)).toEqual(['diagnosis', 'sex', 'age', 'site']);
    expect(() => view.cohort(ids.series!)).toThrow(/is not a cohort/);
  });
});

describe('fmri.graph', () => {
  it('reads a node file with the edge file of its stem beside it', async () => {
    const g = await view.graph(ids.nodes!, null);
    expect(g.nodes.map((n) => n.label)).toEqual(['A.L', 'A.R', 'PCC']);
    expect(g.nodes[0]).toMatchObject({ x: -30, y: 10, z: 40, colour: 1, size: 2 });
    expect(Array.from(g.weights!)).toEqual([0, 0.5, 0.1, 0.5, 0, 0.8, 0.1, 0.8, 0]);
    const named = await view.graph(ids.nodes!, ids.edges!);
    expect(named.weights).toEqual(g.weights);
  });

  it('places an atlas’s regions at their centroids', async () => {
    const g = await view.graph(ids.atlas!, null);
    expect(g.nodes.map((n) => n.label)).toEqual(['Left_Block', 'Right_Block']);
    expect(g.weights).toBeNull();
    await expect(view.graph(ids.atlas!, ids.edges!)).rejects.toThrow(/3×3 matrix, but the network has 2 nodes/);
    await expect(view.graph(ids.edges!, null)).rejects.toThrow(/is not a node file/);
  });
});

describe('pipeline cancellation', () => {
  it('turns the run’s cancel flag into an AbortSignal for the readers, and their abort into the runner’s CancelledError', async () => {
    const context = { cancelled: false };
    const cancel = cancelSignal(context, 5);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(cancel.signal.aborted).toBe(false);
      context.cancelled = true;
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(cancel.signal.aborted).toBe(true);
      expect(asCancelled(new Error('aborted'), context)).toBeInstanceOf(CancelledError);
      expect(asCancelled(new Error('disk'), { cancelled: false })).toEqual(new Error('disk'));
    } finally {
      cancel.dispose();
    }
  });
});
