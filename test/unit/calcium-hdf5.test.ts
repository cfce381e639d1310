/**
 * The Flavell-lab HDF5 reader and the plain-HDF5 fallback, on files written here with h5wasm in
 * the layout of the published files (frames × neurons traces, absolute confocal timestamps, the
 * NeuroPAL labels CSV beside them): orientation, dataset choice, timing, labels and their
 * cross-check with roi_match, and the errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAccessError, FormatError } from '../../main/errors.js';
import { InsufficientMemoryError } from '../../main/io/allocation.js';
import { detectCalcium, readCalcium, sniffCalcium } from '../../main/io/calcium/index.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-flavell-');
afterAll(() => tmp.cleanup());

type Group = InstanceType<typeof h5wasm.Group>;

const FRAMES = 10;
const NEURONS = 4;
/** Frame t of neuron n in each trace dataset (distinct per dataset, position and orientation). */
const value = (dataset: number, t: number, n: number): number => dataset * 1000 + t * 10 + n + 0.25;
/** frames × neurons, C order, as h5py shows the published files. */
const framesByNeurons = (dataset: number): Float64Array => Float64Array.from({ length: FRAMES * NEURONS }, (_, i) => value(dataset, Math.floor(i / NEURONS), i % NEURONS));
/** Absolute times, 0.6 s apart but for one longer gap (the median ignores it). */
const TIMES = Float64Array.from({ length: FRAMES }, (_, t) => 1228334.1 + 0.6 * t + (t >= 5 ? 0.3 : 0));
// NeuroPAL ROI r (1-based) → trace column (1-based, 0 = unmatched), as neuropal_registration/roi_match.
const ROI_MATCH = BigInt64Array.from([0n, 3n, 1n, 0n, 4n, 2n]);

const LABELS_CSV = [
  'neuron_index_1based,label,neuron_class,LR,DV,roi_id,confidence',
  '1,AVAL,AVA,L,undefined,3,5.0',
  '3,NSMR,NSM,R,undefined,2,4.0',
  '4,RIA?,RIA,undefined,undefined,5,2.0',
].join('\n');

function writeFlavell(file: string, options: { transposed?: boolean; nan?: boolean; timestamps?: boolean } = {}): void {
  const h5 = new h5wasm.File(file, 'w');
  const gcamp = h5.create_group('gcamp');
  ['traces_array_F_F20', 'trace_array', 'trace_array_original'].forEach((name, dataset) => {
    let data = framesByNeurons(dataset);
    if (options.nan && dataset === 0) data[NEURONS * 2 + 1] = NaN;
    let shape = [FRAMES, NEURONS];
    if (options.transposed) {
      data = Float64Array.from({ length: FRAMES * NEURONS }, (_, i) => value(dataset, i % FRAMES, Math.floor(i / FRAMES)));
      shape = [NEURONS, FRAMES];
    }
    gcamp.create_dataset({ name, data, shape, dtype: '<d' });
  });
  if (options.timestamps !== false) h5.create_group('timing').create_dataset({ name: 'timestamp_confocal', data: TIMES, dtype: '<d' });
  h5.create_group('neuropal_registration').create_dataset({ name: 'roi_match', data: ROI_MATCH, dtype: '<q' });
  (h5.create_group('behavior') as Group).create_dataset({ name: 'velocity', data: new Float64Array(FRAMES), dtype: '<d' });
  h5.close();
}

const main = join(tmp.dir, '2099-01-01-01-data.h5');

beforeAll(async () => {
  await h5wasm.ready;
  writeFlavell(main);
  mkdirSync(join(tmp.dir, 'neuropal_labels_csv'));
  writeFileSync(join(tmp.dir, 'neuropal_labels_csv', '2099-01-01-01_neuropal_labels.csv'), LABELS_CSV);
});

/** Cell c's trace from a recording. */
const traceOf = (traces: Float32Array, c: number): number[] => Array.from(traces.subarray(c * FRAMES, (c + 1) * FRAMES));
const expected = (dataset: number, n: number): number[] => Array.from({ length: FRAMES }, (_, t) => Math.fround(value(dataset, t, n)));

describe('Flavell-lab files', () => {
  it('reads F/F20 by default as neurons × frames, with timing and NeuroPAL names', async () => {
    expect(sniffCalcium(main)).toBe('calcium-hdf5');
    expect(await detectCalcium(main)).toBe('calcium-hdf5');
    const recording = await readCalcium(main);
    expect(recording.format).toBe('calcium-hdf5');
    expect([recording.cellCount, recording.frameCount]).toEqual([NEURONS, FRAMES]);
    expect(recording.traceKind).toBe('f-over-f20');
    for (let n = 0; n < NEURONS; n++) expect(traceOf(recording.traces, n)).toEqual(expected(0, n));
    expect(recording.frameRateHz).toBeCloseTo(1 / 0.6, 9);
    expect(recording.timestampsS![0]).toBe(0);
    expect(recording.timestampsS![9]).toBeCloseTo(5.7, 6);
    // neuron_index_1based 1, 3, 4 → cells 0, 2, 3.
    expect(recording.labels).toEqual(['AVAL', null, 'NSMR', 'RIA?']);
    expect(recording.positions).toBeNull();
    expect(recording.neuropil).toBeNull();
    expect(recording.warnings).toEqual([]);
    expect(recording.description).toMatch(/3 of 4 neurons named from 2099-01-01-01_neuropal_labels\.csv/);
    expect(recording.description).toMatch(/other trace datasets: gcamp\/trace_array, gcamp\/trace_array_original/);
  });

  it('reads the z-scored and raw traces on request', async () => {
    const z = await readCalcium(main, { dataset: 'trace_array' });
    expect(z.traceKind).toBe('zscore');
    expect(traceOf(z.traces, 1)).toEqual(expected(1, 1));
    const raw = await readCalcium(main, { dataset: '/gcamp/trace_array_original' });
    expect(raw.traceKind).toBe('fluorescence');
    expect(traceOf(raw.traces, 3)).toEqual(expected(2, 3));
  });

  it('lists the trace datasets when the one asked for is not there', async () => {
    const error = await readCalcium(main, { dataset: 'behavior/velocity' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toMatch(
      /no trace dataset "behavior\/velocity" in this Flavell-lab file; trace datasets: gcamp\/traces_array_F_F20 \(f-over-f20\), gcamp\/trace_array \(zscore\), gcamp\/trace_array_original \(fluorescence\)/,
    );
  });

  it('finds the neuron axis by the timestamps when the traces are stored neurons × frames', async () => {
    const file = join(tmp.dir, 'transposed.h5');
    writeFlavell(file, { transposed: true });
    const recording = await readCalcium(file);
    expect([recording.cellCount, recording.frameCount]).toEqual([NEURONS, FRAMES]);
    for (let n = 0; n < NEURONS; n++) expect(traceOf(recording.traces, n)).toEqual(expected(0, n));
  });

  it('without timestamps or labels: rows are frames, and the warnings say so', async () => {
    const file = join(tmp.dir, 'bare-data.h5');
    writeFlavell(file, { timestamps: false, nan: true });
    const recording = await readCalcium(file);
    expect(recording.frameRateHz).toBeNull();
    expect(recording.timestampsS).toBeNull();
    expect(recording.labels).toEqual([null, null, null, null]);
    expect(recording.traces[1 * FRAMES + 2]).toBeNaN();
    expect(recording.warnings).toEqual([
      `${file}: no timing/timestamp_confocal; rows of gcamp/traces_array_F_F20 taken as frames, frame rate unknown`,
      `${file}: no NeuroPAL labels CSV (neuropal_labels_csv/bare_neuropal_labels.csv); neurons are unnamed`,
      '1 cell contains non-finite values (1 NaN/Inf traces values in all); they are kept as read',
    ]);
  });

  it('an explicit labels CSV, checked against roi_match', async () => {
    const labels = join(tmp.dir, 'other.csv');
    writeFileSync(labels, 'neuron_index_1based,label,roi_id\n2,ASEL,6\n4,ASER,1\n');
    const recording = await readCalcium(main, { labels });
    expect(recording.labels).toEqual([null, 'ASEL', null, 'ASER']);
    // roi_match[6 - 1] = 2 agrees; roi_match[1 - 1] = 0 does not.
    expect(recording.warnings).toEqual([
      `${labels}: 1 of 2 rows disagree with neuropal_registration/roi_match (roi_match[roi_id − 1] ≠ neuron index; first on line 3); the labels may belong to another recording`,
    ]);
  });

  it('labels CSVs that do not fit are errors naming the line', async () => {
    const write = (name: string, text: string): string => {
      const file = join(tmp.dir, name);
      writeFileSync(file, text);
      return file;
    };
    await expect(readCalcium(main, { labels: write('range.csv', 'neuron_index_1based,label\n1,A\n5,B\n') })).rejects.toThrow(
      /line 3, column 1: neuron index "5" is not in 1…4 \(the recording has 4 neurons\)/,
    );
    await expect(readCalcium(main, { labels: write('twice.csv', 'neuron_index_1based,label\n2,A\n2,B\n') })).rejects.toThrow(
      /line 3: neuron 2 is labelled twice \(also on line 2\)/,
    );
    await expect(readCalcium(main, { labels: write('columns.csv', 'index,name\n1,A\n') })).rejects.toThrow(/needs "neuron_index_1based" and "label" columns/);
    await expect(readCalcium(main, { labels: write('ragged.csv', 'neuron_index_1based,label\n1\n') })).rejects.toThrow(/line 2 has 1 values but the header has 2/);
    await expect(readCalcium(main, { labels: join(tmp.dir, 'absent.csv') })).rejects.toBeInstanceOf(FileAccessError);
  });
});

describe('plain HDF5', () => {
  const plain = join(tmp.dir, 'plain.h5');
  beforeAll(() => {
    const h5 = new h5wasm.File(plain, 'w');
    const g = h5.create_group('results');
    // 6 frames × 2 cells (the longer axis is time), int16 to check conversion.
    g.create_dataset({ name: 'frames_by_cells', data: Int16Array.from([1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6]), shape: [6, 2], dtype: '<h' });
    const cells = g.create_dataset({ name: 'cells_by_frames', data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: '<f' });
    cells.create_attribute('frame_rate', 15.5);
    g.create_dataset({ name: 'vector', data: new Float32Array(5), dtype: '<f' });
    g.create_dataset({ name: 'names', data: ['a', 'b'] });
    h5.close();
  });

  it('needs a dataset, and lists the 2-D ones', async () => {
    expect(sniffCalcium(plain)).toBe('calcium-hdf5');
    await expect(readCalcium(plain)).rejects.toThrow(
      /not a Flavell-lab or NWB file: name the 2-D dataset of traces to read \(option "dataset"\); 2-D datasets: results\/cells_by_frames \(2×3 float32\), results\/frames_by_cells \(6×2 int16\)/,
    );
  });

  it('takes the longer axis as time, and says so', async () => {
    const recording = await readCalcium(plain, { dataset: 'results/frames_by_cells' });
    expect([recording.cellCount, recording.frameCount]).toEqual([2, 6]);
    expect(Array.from(recording.traces)).toEqual([1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6]);
    expect(recording.traceKind).toBe('unknown');
    expect(recording.frameRateHz).toBeNull();
    expect(recording.warnings[0]).toMatch(/plain HDF5 \(not Flavell-lab or NWB\): "results\/frames_by_cells" \(6 × 2\) read as 2 cells × 6 frames, taking the longer axis as time/);
    const other = await readCalcium(plain, { dataset: 'results/cells_by_frames' });
    expect(Array.from(other.traces)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(other.frameRateHz).toBe(15.5);
  });

  it('errors for groups, missing, 1-D and non-numeric datasets', async () => {
    await expect(readCalcium(plain, { dataset: 'results' })).rejects.toThrow(/"results" is a group, not a dataset; datasets: /);
    await expect(readCalcium(plain, { dataset: 'nope' })).rejects.toThrow(/no dataset "nope"; datasets: results\/cells_by_frames/);
    await expect(readCalcium(plain, { dataset: 'results/vector' })).rejects.toThrow(/"results\/vector" is 5 float32; traces must be a 2-D numeric matrix/);
    await expect(readCalcium(plain, { dataset: 'results/names' })).rejects.toThrow(/"results\/names" is 2 string; traces must be a 2-D numeric matrix/);
  });

  it('truncated and fake HDF5 files', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(main);
    const cut = join(tmp.dir, 'cut.h5');
    writeFileSync(cut, bytes.subarray(0, 600));
    expect(sniffCalcium(cut)).toBe('calcium-hdf5');
    await expect(readCalcium(cut)).rejects.toBeInstanceOf(FormatError);
    const fake = join(tmp.dir, 'fake.h5');
    writeFileSync(fake, new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]));
    await expect(readCalcium(fake)).rejects.toThrow(/truncated or corrupt HDF5 file/);
    // Not null ("not calcium"), which the import reported as an unrecognised format.
    await expect(detectCalcium(fake)).rejects.toThrow(`${fake}: byte 0: truncated or corrupt HDF5 file`);
  });
});

describe('damaged and oversized HDF5 files (issue #15)', () => {
  const limits = join(tmp.dir, 'limits');
  beforeAll(() => mkdirSync(limits, { recursive: true }));

  it('a truncated file is "truncated or corrupt HDF5 file" on import, not an unrecognised format', async () => {
    const { readFileSync } = await import('node:fs');
    const { inspectRecording } = await import('../../main/io/recording.js');
    const bytes = readFileSync(main);
    for (const size of [600, Math.floor(bytes.length / 2)]) {
      const cut = join(limits, `cut-${size}.h5`);
      writeFileSync(cut, bytes.subarray(0, size));
      await expect(inspectRecording(cut)).rejects.toThrow(`${cut}: byte 0: truncated or corrupt HDF5 file`);
    }
  });

  it('HDF5 prints nothing on stderr for a truncated file (its error stack is silenced)', async () => {
    const { readFileSync } = await import('node:fs');
    const { runTsxChild } = await import('../helpers/child.js');
    const cut = join(limits, 'quiet.h5');
    writeFileSync(cut, readFileSync(main).subarray(0, 2000));
    const run = await runTsxChild('test/helpers/hdf5-quiet-child.ts', [cut], 60_000);
    expect(run.exitedAlone).toBe(true);
    expect(run.stderr).not.toMatch(/HDF5-DIAG|H5F|#000/);
    expect(run.stdout.trim().split('\n')).toEqual([
      `${cut}: byte 0: truncated or corrupt HDF5 file: it has the HDF5 signature but HDF5 cannot open it`,
      `${cut}: byte 0: truncated or corrupt HDF5 file: it has the HDF5 signature but HDF5 cannot open it`,
    ]);
  }, 90_000);

  it('NaN confocal timestamps are refused', async () => {
    const file = join(limits, '2099-01-02-01-data.h5');
    writeFlavell(file, { timestamps: false });
    const h5 = new h5wasm.File(file, 'a');
    h5.create_group('timing').create_dataset({ name: 'timestamp_confocal', data: Float64Array.from(TIMES, (t, i) => (i === 4 ? NaN : t)), dtype: '<d' });
    h5.close();
    await expect(readCalcium(file)).rejects.toThrow(`${file}: field "timing/timestamp_confocal": timestamp 4 is NaN; frame times must be finite`);
  });

  it('a frame-rate attribute that is NaN is refused, not taken as "no rate"', async () => {
    const file = join(limits, 'nan-rate.h5');
    const h5 = new h5wasm.File(file, 'w');
    h5.create_dataset({ name: 'traces', data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: '<f' }).create_attribute('fs', NaN);
    h5.close();
    await expect(readCalcium(file, { dataset: 'traces' })).rejects.toThrow(`${file}: field "traces fs": frame rate NaN is not a positive number of Hz`);
  });

  it('traces too large for memory, and empty traces, are refused before anything is allocated', async () => {
    const file = join(limits, 'sizes.h5');
    const h5 = new h5wasm.File(file, 'w');
    const big = h5.create_dataset({ name: 'big', data: new Float64Array(4), shape: [2, 2], maxshape: [null, null], chunks: [2, 2], compression: 'gzip', dtype: '<d' });
    big.resize([200_000, 200_000]);
    const empty = h5.create_dataset({ name: 'empty', data: new Float64Array(4), shape: [2, 2], maxshape: [null, null], chunks: [2, 2], dtype: '<d' });
    empty.resize([0, 2]);
    h5.close();
    const started = Date.now();
    const error = await readCalcium(file, { dataset: 'big' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientMemoryError);
    expect((error as Error).message).toMatch(new RegExp(`^not enough memory to read ${file} \\(traces "big" as float32: 200000×200000 × 4 bytes = 149 GiB; .* can be allocated now\\)$`));
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(readCalcium(file, { dataset: 'empty' })).rejects.toThrow(/field "empty": empty traces "empty" \(cells × frames\): dimension 0 has size 0 \(shape 0×2\)/);
  });
});
