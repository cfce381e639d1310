/**
 * The calcium readers on the real recordings in ../shared/data/calcium (PROVENANCE.md §3 and the
 * Flavell-lab section).
 *
 * Expected values were measured with Debian's python3 (numpy 1.24.2, h5py 3.7.0):
 *   np.load(F.npy / Fneu.npy / iscell.npy); np.load(stat.npy / ops.npy, allow_pickle=True)
 *   h5py.File(<uid>-data.h5)['gcamp/…'][:] (800 × N, frames × neurons), ['timing/timestamp_confocal']
 *   csv.DictReader(neuropal_labels_csv/<uid>_neuropal_labels.csv)
 *   np.loadtxt(zf_20170215-f3_*.csv, delimiter=',')
 * Traces are float32 here, so float64 values from h5py are compared after Math.fround and sums to a
 * relative 1e-6.
 */
import { chmodSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { detectCalcium, readCalcium, sniffCalcium, type CalciumRecording } from '../../main/io/calcium/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

if (!hasSharedData()) console.warn(`calcium-real skipped: ${SKIP_NO_DATA}`);

const SUITE2P = dataFile('calcium', 'suite2p_fissa_example', 'plane0');
const WORM = (uid: string): string => dataFile('calcium', 'celegans_flavell_dag2023', `${uid}-data.h5`);
const FISH = dataFile('calcium', 'zebrafish_tectum_triplett2018', 'zf_20170215-f3_activity_matrix.csv');
const UNITS_NWB = dataFile('spikes', 'pynapple_A8604-211122_units.nwb');

const at = (r: CalciumRecording, cell: number, frame: number): number => r.traces[cell * r.frameCount + frame]!;
function cellSum(r: CalciumRecording, cell: number): number {
  let sum = 0;
  for (let t = 0; t < r.frameCount; t++) sum += at(r, cell, t);
  return sum;
}
function range(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

describe.skipIf(!hasSharedData())('Suite2p (FISSA example, plane0)', () => {
  it('is sniffed from the plane folder and from its root', async () => {
    expect(sniffCalcium(SUITE2P)).toBe('suite2p');
    expect(sniffCalcium(dataFile('calcium', 'suite2p_fissa_example'))).toBe('suite2p');
    expect(await detectCalcium(SUITE2P)).toBe('suite2p');
  });

  it('reads F, Fneu, iscell, ops fs and stat centroids as numpy does', async () => {
    const r = await readCalcium(SUITE2P);
    expect(r.format).toBe('suite2p');
    expect([r.cellCount, r.frameCount]).toEqual([23, 864]);
    expect(r.traceKind).toBe('fluorescence');
    // F.npy: <f4, C order.
    expect(at(r, 0, 0)).toBe(Math.fround(49.62264));
    expect(at(r, 5, 100)).toBe(Math.fround(45.58436));
    expect(at(r, 22, 863)).toBe(Math.fround(40.65293));
    expect(range(r.traces)).toEqual([Math.fround(21.925337), Math.fround(313.72287)]);
    expect(cellSum(r, 0)).toBeCloseTo(54574.26615905762, 6);
    expect(cellSum(r, 22)).toBeCloseTo(34804.29941177368, 6);
    // Fneu.npy
    expect(r.neuropil![0]).toBe(Math.fround(41.08055));
    expect(range(r.neuropil!)).toEqual([Math.fround(25.147322), Math.fround(50.554573)]);
    // iscell.npy: <f8 in Fortran order; column 0 has 21 ones, ROIs 5 and 15 are not cells.
    expect(r.isCell!.filter(Boolean)).toHaveLength(21);
    expect(r.isCell!.flatMap((cell, i) => (cell ? [] : [i]))).toEqual([5, 15]);
    // ops.npy: fs = 1 (Suite2p's setting in this example, as stored).
    expect(r.frameRateHz).toBe(1);
    expect(r.description).toMatch(/image 176 × 156 px/);
    // stat.npy: med = [y, x]; first [144, 62], last three [86, 82], [132, 134], [124, 104].
    const p = r.positions!;
    expect(Array.from(p.subarray(0, 3))).toEqual([62, 144, 0]);
    expect(Array.from(p.subarray(20 * 3))).toEqual([82, 86, 0, 134, 132, 0, 104, 124, 0]);
    expect(r.warnings).toEqual([]);
  });
});

describe.skipIf(!hasSharedData())('C. elegans whole-brain (Flavell lab, Dag et al. 2023)', () => {
  const WORMS = [
    {
      uid: '2022-07-26-31',
      neurons: 146,
      labelled: 100,
      durationS: 480.66509246546775,
      rateHz: 1.6666142139017854,
      // neuron_index_1based − 1 → label, from the CSV
      known: { RIAR: 2, RIAL: 4, AVAR: 10, NSML: 42, NSMR: 45, AVER: 55, AVAL: 88, AVEL: 138, 'SAAD?': 144 },
      // h5py [frame, neuron] of F_F20, trace_array, trace_array_original
      samples: [
        [0.7796306689876986, 0.5801579663571549, 0.4406993133428423],
        [-1.0149599151557789, -2.5140061899562856, -1.720214509077671],
        [0.5107516091150475, 0.07033365371170229, 0.012669330688067186],
      ],
      originalSums: [524.0959643398596, 933.2557229601024, 22.99859392467185],
    },
    {
      uid: '2022-07-27-31',
      neurons: 145,
      labelled: 104,
      durationS: 480.64009157242253,
      rateHz: 1.6666142475307621,
      known: { AVEL: 0, 'RIF?': 15, NSML: 33, 'SIBV?': 55, AVER: 81, AVAL: 83, AVAR: 101 }, // SIBV? twice: 56 and 100 (1-based)
      samples: [
        [0.5751010490268448, 1.0586438022024571, 1.0787902825360636],
        [-0.9904971011825416, 0.38813285138902753, 0.19444188591488148],
        [0.2076923076923077, 0.9020979020979021, 0.2883435582822086],
      ],
      originalSums: [288.9124379706885, 577.7856923687132, 213.82733081678043],
    },
  ];
  const KINDS = [
    ['gcamp/traces_array_F_F20', 'f-over-f20'],
    ['gcamp/trace_array', 'zscore'],
    ['gcamp/trace_array_original', 'fluorescence'],
  ] as const;

  for (const worm of WORMS) {
    it(`${worm.uid}: ${worm.neurons} neurons × 800 frames at 1.67 Hz, ${worm.labelled} NeuroPAL names`, async () => {
      const file = WORM(worm.uid);
      expect(sniffCalcium(file)).toBe('calcium-hdf5');
      expect(await detectCalcium(file)).toBe('calcium-hdf5');
      const r = await readCalcium(file);
      expect([r.cellCount, r.frameCount]).toEqual([worm.neurons, 800]);
      expect(r.traceKind).toBe('f-over-f20');
      // Median confocal step 0.6000189 s; to 1e-9 Hz of numpy's 1 / median(diff).
      expect(r.frameRateHz).toBeCloseTo(worm.rateHz, 9);
      expect(Math.abs(r.frameRateHz! - 1.67)).toBeLessThan(0.01);
      expect(r.timestampsS![0]).toBe(0);
      expect(r.timestampsS![799]).toBeCloseTo(worm.durationS, 9);
      // Labels: neuron_index_1based is 1-based into the neuron axis; the roi_match check passes (no warning).
      expect(r.labels.filter((label) => label !== null)).toHaveLength(worm.labelled);
      for (const [label, i] of Object.entries(worm.known)) expect([i, r.labels[i]]).toEqual([i, label]);
      expect(r.positions).toBeNull();
      expect(r.warnings).toEqual([]);
    });

    it(`${worm.uid}: each trace dataset in the right orientation`, async () => {
      for (const [k, [dataset, kind]] of KINDS.entries()) {
        const r = await readCalcium(WORM(worm.uid), { dataset });
        expect(r.traceKind).toBe(kind);
        const last = worm.neurons - 1;
        const [a, b, c] = worm.samples[k]!;
        expect(at(r, 0, 0)).toBe(Math.fround(a!));
        expect(at(r, 17, 5)).toBe(Math.fround(b!));
        expect(at(r, last, 799)).toBe(Math.fround(c!));
        if (kind === 'f-over-f20') {
          // Each neuron's F/F20 trace has mean 1 over its 800 frames: a check of the neuron axis itself.
          for (const cell of [0, 42, last]) expect(cellSum(r, cell) / 800).toBeCloseTo(1, 5);
        } else if (kind === 'zscore') {
          for (const cell of [0, 42, last]) expect(Math.abs(cellSum(r, cell) / 800)).toBeLessThan(1e-5);
        } else {
          [0, 42, last].forEach((cell, i) => expect(cellSum(r, cell) / worm.originalSums[i]!).toBeCloseTo(1, 6));
        }
      }
    });
  }
});

describe.skipIf(!hasSharedData())('zebrafish tectum (Triplett et al. 2018)', () => {
  it('75 cells × 5660 frames, 75 coordinates and 4 assemblies', async () => {
    expect(sniffCalcium(FISH)).toBe('calcium-csv');
    const r = await readCalcium(FISH);
    expect(r.format).toBe('calcium-csv');
    expect([r.cellCount, r.frameCount]).toEqual([75, 5660]);
    expect(r.traceKind).toBe('unknown');
    expect(r.frameRateHz).toBeNull();
    expect(at(r, 0, 0)).toBe(Math.fround(0.40005));
    expect(at(r, 10, 1000)).toBe(Math.fround(0.33786));
    expect(at(r, 74, 5659)).toBe(Math.fround(0.12298));
    expect(range(r.traces)).toEqual([-1, Math.fround(42.791)]);
    let sum = 0;
    for (const v of r.traces) sum += v;
    expect(sum / 261922.11536665965).toBeCloseTo(1, 6);
    const p = r.positions!;
    expect(p).toHaveLength(75 * 3);
    expect(Array.from(p.subarray(0, 6))).toEqual([11.5, 96.5, 0, 143.25, 99.25, 0]);
    expect(Array.from(p.subarray(74 * 3))).toEqual([214, 384.5, 0]);
    expect(r.assemblies!.map((a) => a.length)).toEqual([12, 6, 44, 29]);
    // First line of the assignments: 33, 34, 48, 53, 54, 56, 57, 59, 60, 69, 73, 75 (1-based).
    expect(r.assemblies![0]).toEqual([32, 33, 47, 52, 53, 55, 56, 58, 59, 68, 72, 74]);
    expect(r.assemblies![1]).toEqual([17, 35, 41, 43, 51, 54]);
    expect(r.warnings).toEqual([]);
  });
});

describe.skipIf(!hasSharedData())('files that are not calcium recordings', () => {
  it('an NWB file of spike units', async () => {
    expect(sniffCalcium(UNITS_NWB)).toBe('nwb');
    const error = await readCalcium(UNITS_NWB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toMatch(/no RoiResponseSeries in this NWB file \(no calcium traces\); it holds .*Units/);
  });

  it('a TIFF movie', async () => {
    const movie = dataFile('calcium', 'sima_example', 'example.tif');
    expect(sniffCalcium(movie)).toBeNull();
    await expect(readCalcium(movie)).rejects.toThrow(/not a calcium recording Cajal reads/);
  });
});

/**
 * Issue #15 on copies of the real files, changed in a temporary folder (never in place): values
 * that cannot be data are refused naming the file and field; a truncated HDF5 file says so.
 */
describe.skipIf(!hasSharedData())('damaged copies of the real recordings (issue #15)', () => {
  const tmp = tempDir('cajal-calcium-damaged-');
  afterAll(() => tmp.cleanup());
  let copies = 0;

  /** A copy of the Suite2p plane folder with `name` changed by `change`. */
  function suite2pWith(name: string, change: (bytes: Buffer) => void): string {
    const dir = join(tmp.dir, `plane-${copies++}`);
    cpSync(SUITE2P, dir, { recursive: true });
    // The shared data is read-only and cpSync copies the modes: make the copy ours to change and remove.
    chmodSync(dir, 0o755);
    for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);
    const bytes = readFileSync(join(dir, name));
    change(bytes);
    writeFileSync(join(dir, name), bytes);
    return dir;
  }

  it('a NaN in iscell is refused, naming iscell.npy and the entry', async () => {
    const dir = suite2pWith('iscell.npy', (bytes) => {
      // iscell is float64, Fortran order: column 0 (the flags) first. Element 4 is ROI 4's flag.
      const header = bytes.readUInt16LE(8) + 10;
      bytes.writeDoubleLE(NaN, header + 4 * 8);
    });
    const error = await readCalcium(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toBe(`${join(dir, 'iscell.npy')}: field "iscell[4, 0]": ROI 4: classification NaN is not 0 or 1 (iscell column 0 is the 0/1 cell flag)`);
  });

  it('a zero frame rate in ops.npy is refused', async () => {
    const dir = suite2pWith('ops.npy', (bytes) => {
      // The pickled dict holds the key 'fs', a BINPUT (q + 1 byte), then fs = 1 as BININT1 (K 01).
      const key = bytes.indexOf(Buffer.from('X\x02\x00\x00\x00fsq', 'latin1'));
      expect(key).toBeGreaterThan(0);
      expect([...bytes.subarray(key + 9, key + 11)]).toEqual([0x4b, 0x01]);
      bytes[key + 10] = 0;
    });
    await expect(readCalcium(dir)).rejects.toThrow(`${join(dir, 'ops.npy')}: field "fs": frame rate fs is 0; it must be a positive number of Hz`);
  });

  it('a truncated Flavell-lab file is "truncated or corrupt HDF5 file" on import', async () => {
    const { inspectRecording } = await import('../../main/io/recording.js');
    const bytes = readFileSync(WORM('2022-07-26-31'));
    const cut = join(tmp.dir, '2022-07-26-31-data.h5');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await expect(inspectRecording(cut)).rejects.toThrow(`${cut}: byte 0: truncated or corrupt HDF5 file`);
  });

  it('a NaN confocal timestamp is refused', async () => {
    const { openH5 } = await import('../../main/io/hdf5/open.js');
    const source = WORM('2022-07-26-31');
    const h5 = await openH5(source);
    const times = (h5.get('timing/timestamp_confocal') as unknown as { value: Float64Array }).value;
    h5.close();
    const bytes = readFileSync(source);
    const third = Buffer.alloc(8);
    third.writeDoubleLE(times[3]!);
    // The dataset is contiguous and unfiltered: its values sit in the file as they are.
    const at = bytes.indexOf(third);
    expect(at).toBeGreaterThan(0);
    bytes.writeDoubleLE(NaN, at);
    const copy = join(tmp.dir, 'nan-time-data.h5');
    writeFileSync(copy, bytes);
    await expect(readCalcium(copy)).rejects.toThrow(`${copy}: field "timing/timestamp_confocal": timestamp 3 is NaN; frame times must be finite`);
  });
});
