/**
 * The NWB calcium reader on files written here with h5wasm in the NWB 2 layout pynwb writes
 * (neurodata_type attributes, a PlaneSegmentation with ids, names and masks, RoiResponseSeries in
 * Fluorescence and DfOverF containers with a `rois` region referencing the table): series choice,
 * transposition, timing, names and mask centroids, and the errors.
 */
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { InsufficientMemoryError } from '../../main/io/allocation.js';
import { detectCalcium, readCalcium, sniffCalcium } from '../../main/io/calcium/index.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-nwb-');
afterAll(() => tmp.cleanup());

type Group = InstanceType<typeof h5wasm.Group>;
type H5File = InstanceType<typeof h5wasm.File>;

const FRAMES = 8;
const ROIS = 3;

function typed(group: Group, type: string): Group {
  group.create_attribute('neurodata_type', type);
  group.create_attribute('namespace', 'core');
  return group;
}

function nwbFile(file: string): H5File {
  const h5 = new h5wasm.File(file, 'w');
  h5.create_attribute('neurodata_type', 'NWBFile');
  h5.create_attribute('nwb_version', '2.6.0');
  h5.create_attribute('namespace', 'core');
  h5.create_group('acquisition');
  h5.create_group('general');
  return h5;
}

/** frames × ROIs as NWB stores it: frame t of ROI r. */
const nwbValue = (t: number, r: number): number => 100 * r + t + 0.5;
const framesByRois = (rois: number): Float32Array => Float32Array.from({ length: FRAMES * rois }, (_, i) => nwbValue(Math.floor(i / rois), i % rois));

/** A PlaneSegmentation with ids 10, 11, 12, optional names, and the mask asked for. */
function planeSegmentation(parent: Group, mask: 'pixel' | 'image' | 'voxel' | 'none', names = true): Group {
  const seg = typed(parent.create_group('PlaneSegmentation'), 'PlaneSegmentation');
  seg.create_dataset({ name: 'id', data: Int32Array.from([10, 11, 12]), dtype: '<i' });
  if (names) seg.create_dataset({ name: 'roi_name', data: ['cell A', 'cell B', 'cell C'] });
  if (mask === 'pixel') {
    // ROI 0: (2,3) w1 and (4,3) w1 → (3, 3); ROI 1: (10, 20) w3 and (14, 20) w1 → (11, 20); ROI 2: (7, 8).
    seg.create_dataset({
      name: 'pixel_mask',
      data: new Map<string, unknown>([
        ['x', Uint32Array.from([2, 4, 10, 14, 7])],
        ['y', Uint32Array.from([3, 3, 20, 20, 8])],
        ['weight', Float32Array.from([1, 1, 3, 1, 0.5])],
      ]) as never,
      dtype: [
        ['x', '<I'],
        ['y', '<I'],
        ['weight', '<f'],
      ] as never,
    });
    seg.create_dataset({ name: 'pixel_mask_index', data: Int32Array.from([2, 4, 5]), dtype: '<i' });
  } else if (mask === 'voxel') {
    seg.create_dataset({
      name: 'voxel_mask',
      data: new Map<string, unknown>([
        ['x', Uint32Array.from([1, 3, 5])],
        ['y', Uint32Array.from([2, 2, 6])],
        ['z', Uint32Array.from([0, 4, 9])],
        ['weight', Float32Array.from([1, 1, 2])],
      ]) as never,
      dtype: [
        ['x', '<I'],
        ['y', '<I'],
        ['z', '<I'],
        ['weight', '<f'],
      ] as never,
    });
    seg.create_dataset({ name: 'voxel_mask_index', data: Int32Array.from([2, 2, 3]), dtype: '<i' });
  } else if (mask === 'image') {
    // 3 ROIs × 4 (x) × 5 (y): ROI r is one pixel at (r + 1, 2r) with weight 2, plus (0, 0) at weight 0.
    const image = new Float32Array(3 * 4 * 5);
    for (let r = 0; r < 3; r++) image[r * 20 + (r + 1) * 5 + 2 * r] = 2;
    seg.create_dataset({ name: 'image_mask', data: image, shape: [3, 4, 5], dtype: '<f' });
  }
  return seg;
}

/** A RoiResponseSeries of `rois` columns pointing at `table` rows `rows`. */
function roiSeries(parent: Group, name: string, table: Group | null, rows: number[], timing: 'rate' | 'timestamps' | 'none' = 'rate'): Group {
  const series = typed(parent.create_group(name), 'RoiResponseSeries');
  const data = series.create_dataset({ name: 'data', data: framesByRois(rows.length), shape: [FRAMES, rows.length], dtype: '<f' });
  data.create_attribute('unit', 'n.a.');
  data.create_attribute('conversion', 1.0);
  const region = series.create_dataset({ name: 'rois', data: Int32Array.from(rows), dtype: '<i' });
  typed(region as unknown as Group, 'DynamicTableRegion');
  if (table) region.create_attribute('table', table.create_reference());
  if (timing === 'rate') {
    const start = series.create_dataset({ name: 'starting_time', data: 0.0 });
    start.create_attribute('rate', 30.0);
    start.create_attribute('unit', 'seconds');
  } else if (timing === 'timestamps') {
    series.create_dataset({ name: 'timestamps', data: Float64Array.from({ length: FRAMES }, (_, t) => 12 + t * 0.25), dtype: '<d' });
  }
  return series;
}

const ophysFile = join(tmp.dir, 'ophys.nwb');
const imageFile = join(tmp.dir, 'image.nwb');
const acquisitionFile = join(tmp.dir, 'acquisition.nwb');
const unitsFile = join(tmp.dir, 'units.nwb');
const twoTablesFile = join(tmp.dir, 'two-tables.nwb');

beforeAll(async () => {
  await h5wasm.ready;
  {
    const h5 = nwbFile(ophysFile);
    const ophys = typed(h5.create_group('processing').create_group('ophys'), 'ProcessingModule');
    const seg = planeSegmentation(typed(ophys.create_group('ImageSegmentation'), 'ImageSegmentation'), 'pixel');
    // Fluorescence columns are table rows 2, 0, 1 (a region need not be in order).
    roiSeries(typed(ophys.create_group('Fluorescence'), 'Fluorescence'), 'RoiResponseSeries', seg, [2, 0, 1]);
    roiSeries(typed(ophys.create_group('DfOverF'), 'DfOverF'), 'RoiResponseSeries', seg, [0, 1, 2], 'timestamps');
    h5.close();
  }
  {
    const h5 = nwbFile(imageFile);
    const ophys = typed(h5.create_group('processing').create_group('ophys'), 'ProcessingModule');
    const seg = planeSegmentation(typed(ophys.create_group('ImageSegmentation'), 'ImageSegmentation'), 'image', false);
    const series = roiSeries(typed(ophys.create_group('Fluorescence'), 'Fluorescence'), 'Deconvolved', seg, [0, 1, 2]);
    const data = series.get('data') as InstanceType<typeof h5wasm.Dataset>;
    data.delete_attribute('conversion');
    data.create_attribute('conversion', 2.0);
    data.create_attribute('offset', -1.0);
    h5.close();
  }
  {
    // A one-ROI series in /acquisition (1-D data), no rois region, voxel masks, no timing.
    const h5 = nwbFile(acquisitionFile);
    const seg = planeSegmentation(typed(h5.create_group('processing').create_group('ophys'), 'ProcessingModule'), 'voxel');
    const series = typed((h5.get('acquisition') as Group).create_group('Calcium'), 'RoiResponseSeries');
    series.create_dataset({ name: 'data', data: Float64Array.from({ length: FRAMES }, (_, t) => t * t), dtype: '<d' });
    void seg;
    h5.close();
  }
  {
    const h5 = nwbFile(unitsFile);
    const units = typed(h5.create_group('units'), 'Units');
    units.create_dataset({ name: 'spike_times', data: Float64Array.from([0.1, 0.2]), dtype: '<d' });
    typed(h5.create_group('intervals').create_group('epochs'), 'TimeIntervals');
    h5.create_group('processing');
    h5.close();
  }
  {
    // Two plane segmentations and a region without a table reference.
    const h5 = nwbFile(twoTablesFile);
    const ophys = typed(h5.create_group('processing').create_group('ophys'), 'ProcessingModule');
    planeSegmentation(typed(ophys.create_group('SegA'), 'ImageSegmentation'), 'none');
    planeSegmentation(typed(ophys.create_group('SegB'), 'ImageSegmentation'), 'none');
    roiSeries(typed(ophys.create_group('Fluorescence'), 'Fluorescence'), 'RoiResponseSeries', null, [0, 1, 2]);
    h5.close();
  }
});

const traceOf = (traces: Float32Array, c: number, frames = FRAMES): number[] => Array.from(traces.subarray(c * frames, (c + 1) * frames));
const column = (r: number): number[] => Array.from({ length: FRAMES }, (_, t) => nwbValue(t, r));

describe('RoiResponseSeries', () => {
  it('is sniffed as NWB by content', async () => {
    for (const file of [ophysFile, imageFile, acquisitionFile, unitsFile]) {
      expect(sniffCalcium(file)).toBe('nwb');
      expect(await detectCalcium(file)).toBe('nwb');
    }
  });

  it('with several series, asks which, listing them', async () => {
    const error = await readCalcium(ophysFile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toMatch(
      /2 RoiResponseSeries in this NWB file; name one \(option "dataset"\): processing\/ophys\/DfOverF\/RoiResponseSeries \(dff\), processing\/ophys\/Fluorescence\/RoiResponseSeries \(fluorescence\)/,
    );
    await expect(readCalcium(ophysFile, { dataset: 'RoiResponseSeries' })).rejects.toThrow(/several RoiResponseSeries match "RoiResponseSeries"/);
    await expect(readCalcium(ophysFile, { dataset: 'Nope' })).rejects.toThrow(/no RoiResponseSeries match "Nope"; series: /);
  });

  it('Fluorescence: frames × ROIs transposed, rate, names and pixel-mask centroids through the rois region', async () => {
    const recording = await readCalcium(ophysFile, { dataset: 'Fluorescence/RoiResponseSeries' });
    expect(recording.format).toBe('nwb');
    expect(recording.traceKind).toBe('fluorescence');
    expect([recording.cellCount, recording.frameCount]).toEqual([ROIS, FRAMES]);
    for (let r = 0; r < ROIS; r++) expect(traceOf(recording.traces, r)).toEqual(column(r));
    expect(recording.frameRateHz).toBe(30);
    expect(recording.timestampsS).toBeNull();
    // Columns are table rows 2, 0, 1.
    expect(recording.labels).toEqual(['cell C', 'cell A', 'cell B']);
    expect(Array.from(recording.positions!)).toEqual([7, 8, 0, 3, 3, 0, 11, 20, 0]);
    expect(recording.warnings).toEqual([]);
    expect(recording.description).toMatch(/ROI table processing\/ophys\/ImageSegmentation\/PlaneSegmentation \(by the rois table reference\)/);
    expect(recording.description).toMatch(/other series: processing\/ophys\/DfOverF\/RoiResponseSeries/);
  });

  it('DfOverF: ΔF/F with timestamps', async () => {
    const recording = await readCalcium(ophysFile, { dataset: '/processing/ophys/DfOverF/RoiResponseSeries/data' });
    expect(recording.traceKind).toBe('dff');
    expect(recording.frameRateHz).toBe(4);
    expect(Array.from(recording.timestampsS!)).toEqual(Array.from({ length: FRAMES }, (_, t) => t * 0.25));
    expect(recording.labels).toEqual(['cell A', 'cell B', 'cell C']);
  });

  it('image masks, ids as names, conversion and offset', async () => {
    const recording = await readCalcium(imageFile);
    expect(recording.labels).toEqual(['10', '11', '12']);
    // Axes roi, x, y: ROI r's pixel is at x = r + 1, y = 2r.
    expect(Array.from(recording.positions!)).toEqual([1, 0, 0, 2, 2, 0, 3, 4, 0]);
    expect(traceOf(recording.traces, 1)).toEqual(column(1).map((v) => v * 2 - 1));
    expect(recording.description).toMatch(/values × 2 \+ -1/);
  });

  it('a one-ROI series in /acquisition without rois or timing', async () => {
    const recording = await readCalcium(acquisitionFile);
    expect([recording.cellCount, recording.frameCount]).toEqual([1, FRAMES]);
    expect(Array.from(recording.traces)).toEqual(Array.from({ length: FRAMES }, (_, t) => t * t));
    expect(recording.frameRateHz).toBeNull();
    // Falls back to the only PlaneSegmentation, row 0 (voxel mask of ROI 0: (2, 2, 2)).
    expect(recording.labels).toEqual(['cell A']);
    expect(Array.from(recording.positions!)).toEqual([2, 2, 2]);
    expect(recording.warnings).toEqual([
      `${acquisitionFile}: acquisition/Calcium has neither starting_time nor timestamps; frame rate unknown`,
      `${acquisitionFile}: acquisition/Calcium has no "rois" region; ROI i taken as table row i`,
    ]);
  });

  it('no table reference and two tables: unnamed, with a warning', async () => {
    const recording = await readCalcium(twoTablesFile);
    expect(recording.labels).toEqual([null, null, null]);
    expect(recording.positions).toBeNull();
    expect(recording.warnings).toEqual([
      `${twoTablesFile}: 2 PlaneSegmentations and no usable table reference for processing/ophys/Fluorescence/RoiResponseSeries; ROIs unnamed, no positions`,
    ]);
  });

  it('an NWB file without calcium traces', async () => {
    const error = await readCalcium(unitsFile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toBe(`${unitsFile}: no RoiResponseSeries in this NWB file (no calcium traces); it holds TimeIntervals, Units`);
  });
});

describe('values that cannot be data, and memory (issue #15)', () => {
  type Dataset = InstanceType<typeof h5wasm.Dataset>;
  let count = 0;
  /** A one-series NWB file, changed by `edit` (series group, its PlaneSegmentation) before it is closed. */
  function nwbWith(edit: (series: Group, seg: Group) => void, timing: 'rate' | 'timestamps' | 'none' = 'rate'): string {
    const file = join(tmp.dir, `limits-${count++}.nwb`);
    const h5 = nwbFile(file);
    const ophys = typed(h5.create_group('processing').create_group('ophys'), 'ProcessingModule');
    const seg = planeSegmentation(typed(ophys.create_group('ImageSegmentation'), 'ImageSegmentation'), 'none');
    const series = roiSeries(typed(ophys.create_group('Fluorescence'), 'Fluorescence'), 'RoiResponseSeries', seg, [0, 1, 2], timing);
    edit(series, seg);
    h5.close();
    return file;
  }

  it('a NaN, infinite or zero starting_time rate is refused, naming the series', async () => {
    for (const bad of [NaN, Infinity, 0]) {
      const file = nwbWith((series) => {
        const start = series.get('starting_time') as Dataset;
        start.delete_attribute('rate');
        start.create_attribute('rate', bad);
      });
      await expect(readCalcium(file)).rejects.toThrow(
        `${file}: field "processing/ophys/Fluorescence/RoiResponseSeries/starting_time rate": frame rate ${bad} is not a positive number of Hz`,
      );
    }
  });

  it('timestamps with a NaN are refused', async () => {
    const file = nwbWith((series) => {
      const times = Float64Array.from({ length: FRAMES }, (_, t) => (t === 3 ? NaN : t * 0.25));
      series.create_dataset({ name: 'timestamps', data: times, dtype: '<d' });
    }, 'none');
    await expect(readCalcium(file)).rejects.toThrow(/field "processing\/ophys\/Fluorescence\/RoiResponseSeries\/timestamps": timestamp 3 is NaN; frame times must be finite/);
  });

  it('a NaN conversion is refused rather than turning every value into NaN', async () => {
    const file = nwbWith((series) => {
      const data = series.get('data') as Dataset;
      data.delete_attribute('conversion');
      data.create_attribute('conversion', NaN);
    });
    await expect(readCalcium(file)).rejects.toThrow(/RoiResponseSeries\/data has conversion NaN; it must be a finite number/);
  });

  it('a mask coordinate that is NaN skips names and positions with a warning', async () => {
    const file = nwbWith((_series, seg) => {
      seg.create_dataset({
        name: 'pixel_mask',
        data: new Map<string, unknown>([
          ['x', Float32Array.from([2, NaN, 7])],
          ['y', Float32Array.from([3, 20, 8])],
          ['weight', Float32Array.from([1, 1, 1])],
        ]) as never,
        dtype: [
          ['x', '<f'],
          ['y', '<f'],
          ['weight', '<f'],
        ] as never,
      });
      seg.create_dataset({ name: 'pixel_mask_index', data: Int32Array.from([1, 2, 3]), dtype: '<i' });
    });
    const recording = await readCalcium(file);
    expect(recording.positions).toBeNull();
    expect(recording.warnings.join('\n')).toMatch(/ROI names\/positions skipped \(field "pixel_mask": pixel_mask entry 1 has a non-finite coordinate \(NaN\)\)/);
  });

  it('running out of wasm memory on the ROI table is an error, not a warning', async () => {
    // A chunked image_mask resized to 3 × 30000 × 30000 float32: a few bytes on disk, one ROI's
    // mask is 3.6 GB, more than a wasm heap can hold.
    const file = nwbWith((_series, seg) => {
      const mask = seg.create_dataset({
        name: 'image_mask',
        data: new Float32Array(3 * 4 * 5),
        shape: [3, 4, 5],
        maxshape: [3, null, null],
        chunks: [1, 4, 5],
        compression: 'gzip',
        dtype: '<f',
      }) as Dataset;
      mask.resize([3, 30000, 30000]);
    });
    const started = Date.now();
    const error = await readCalcium(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientMemoryError);
    expect((error as Error).message).toBe(`not enough memory to read ${file} (the ROI table of processing/ophys/Fluorescence/RoiResponseSeries)`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
