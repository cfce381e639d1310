/**
 * Spike-train fixtures built in code: an object .npy of per-cell spike-time vectors as `np.save`
 * writes it (a protocol-3 pickle of `numpy.core.multiarray._reconstruct` calls, the bytes CPython
 * and numpy produce), a Kilosort/Phy folder, and an NWB units table written with h5wasm in the
 * layout pynwb uses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { encodeNpy } from '../../main/io/npy.js';

const ascii = (text: string): number[] => Array.from(Buffer.from(text, 'latin1'));
const int32 = (value: number): number[] => Array.from(Buffer.from(Int32Array.of(value).buffer));
const binunicode = (text: string): number[] => [0x58, ...int32(Buffer.byteLength(text)), ...Array.from(Buffer.from(text, 'utf8'))];
const MARK = 0x28;
const TUPLE = 0x74;
const TUPLE1 = 0x85;
const TUPLE3 = 0x87;
const REDUCE = 0x52;
const BUILD = 0x62;
const NONE = 0x4e;
const NEWFALSE = 0x89;
const int = (value: number): number[] => (value >= 0 && value < 256 ? [0x4b, value] : [0x4a, ...int32(value)]);

/** `numpy.dtype(code, False, True)` with its state (byte order, item size flags). */
function dtype(code: 'f8' | 'O8'): number[] {
  const order = code === 'O8' ? '|' : '<';
  const flags = code === 'O8' ? 63 : 0;
  return [
    ...ascii('cnumpy\ndtype\n'), ...binunicode(code), ...int(0), ...int(1), TUPLE3, REDUCE,
    MARK, ...int(3), ...binunicode(order), NONE, NONE, NONE, ...int(-1), ...int(-1), ...int(flags), TUPLE, BUILD,
  ];
}

/** `_reconstruct(ndarray, (0,), b'b')` then BUILD with (1, shape, dtype, False, data). */
function ndarray(shape: number[], code: 'f8' | 'O8', data: number[]): number[] {
  return [
    ...ascii('cnumpy.core.multiarray\n_reconstruct\n'), ...ascii('cnumpy\nndarray\n'), ...int(0), TUPLE1, 0x43, 1, 0x62, TUPLE3, REDUCE,
    MARK, ...int(1), MARK, ...shape.flatMap(int), TUPLE, ...dtype(code), NEWFALSE, ...data, TUPLE, BUILD,
  ];
}

/** The items of an object array: a list of pickled values. */
export type PickleItem = Float64Array | number[] | 'none';

function item(value: PickleItem): number[] {
  if (value === 'none') return [NONE];
  if (Array.isArray(value)) return [0x5d, MARK, ...value.flatMap((v) => [0x47, ...Array.from(Buffer.from(new Float64Array([v]).buffer).reverse())]), 0x65];
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return ndarray([value.length], 'f8', [0x42, ...int32(bytes.length), ...Array.from(bytes)]);
}

/** The bytes of `np.save(file, np.array(items, dtype=object))` for a 1-D object array. */
export function objectNpyBytes(items: readonly PickleItem[]): Uint8Array {
  const pickle = [0x80, 0x03, ...ndarray([items.length], 'O8', [0x5d, MARK, ...items.flatMap(item), 0x65]), 0x2e];
  let header = `{'descr': '|O', 'fortran_order': False, 'shape': (${items.length},), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(pickle)]);
}

export function writeObjectNpy(file: string, items: readonly PickleItem[]): string {
  writeFileSync(file, objectNpyBytes(items));
  return file;
}

export function writeFloatNpy(file: string, values: Float64Array): string {
  writeFileSync(file, encodeNpy({ dtype: 'float64', shape: [values.length], data: values }));
  return file;
}

export interface KilosortFixture {
  sampleRateHz?: number | null;
  samples: number[];
  clusters: number[];
  /** cluster_group.tsv rows (id → group). */
  groups?: Record<number, string>;
  /** cluster_KSLabel.tsv rows. */
  ksLabels?: Record<number, string>;
}

/** A Kilosort/Phy output folder with the files given. */
export function writeKilosort(folder: string, fixture: KilosortFixture): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'spike_times.npy'), encodeNpy({ dtype: 'uint64', shape: [fixture.samples.length, 1], data: BigUint64Array.from(fixture.samples, BigInt) }));
  writeFileSync(join(folder, 'spike_clusters.npy'), encodeNpy({ dtype: 'int32', shape: [fixture.clusters.length], data: Int32Array.from(fixture.clusters) }));
  if (fixture.sampleRateHz !== null) {
    writeFileSync(join(folder, 'params.py'), `dat_path = 'raw.bin'\nn_channels_dat = 32\ndtype = 'int16'\noffset = 0\nsample_rate = ${fixture.sampleRateHz ?? 30000}.\nhp_filtered = False\n`);
  }
  if (fixture.groups) writeFileSync(join(folder, 'cluster_group.tsv'), `cluster_id\tgroup\n${Object.entries(fixture.groups).map(([id, g]) => `${id}\t${g}`).join('\n')}\n`);
  if (fixture.ksLabels) writeFileSync(join(folder, 'cluster_KSLabel.tsv'), `cluster_id\tKSLabel\n${Object.entries(fixture.ksLabels).map(([id, g]) => `${id}\t${g}`).join('\n')}\n`);
  return folder;
}

export interface NwbUnitsFixture {
  ids: number[];
  /** Spike times per unit (concatenated into spike_times with its index). */
  times: number[][];
  /** Overrides the index (for damaged files). */
  index?: number[];
  cellTypes?: string[];
  epochs?: { start: number; stop: number; tag: string }[];
}

/** An NWB 2 file with a units table (ragged spike_times) and optional epochs. */
export async function writeNwbUnits(file: string, fixture: NwbUnitsFixture): Promise<string> {
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, 'w');
  try {
    h5.create_attribute('neurodata_type', 'NWBFile');
    h5.create_attribute('nwb_version', '2.4.0');
    h5.create_attribute('namespace', 'core');
    const units = h5.create_group('units');
    units.create_attribute('neurodata_type', 'Units');
    units.create_attribute('namespace', 'core');
    const flat = fixture.times.flat();
    let end = 0;
    const index = fixture.index ?? fixture.times.map((t) => (end += t.length));
    units.create_dataset({ name: 'id', data: BigInt64Array.from(fixture.ids, BigInt), dtype: '<q' });
    units.create_dataset({ name: 'spike_times', data: Float64Array.from(flat), dtype: '<d' });
    units.create_dataset({ name: 'spike_times_index', data: Uint32Array.from(index), dtype: '<I' });
    if (fixture.cellTypes) units.create_dataset({ name: 'cell_type', data: fixture.cellTypes });
    if (fixture.epochs) {
      const epochs = h5.create_group('intervals').create_group('epochs');
      epochs.create_attribute('neurodata_type', 'TimeIntervals');
      epochs.create_dataset({ name: 'id', data: BigInt64Array.from(fixture.epochs.map((_, i) => BigInt(i))), dtype: '<q' });
      epochs.create_dataset({ name: 'start_time', data: Float64Array.from(fixture.epochs, (e) => e.start), dtype: '<d' });
      epochs.create_dataset({ name: 'stop_time', data: Float64Array.from(fixture.epochs, (e) => e.stop), dtype: '<d' });
      epochs.create_dataset({ name: 'tags', data: fixture.epochs.map((e) => e.tag) });
      epochs.create_dataset({ name: 'tags_index', data: Uint8Array.from(fixture.epochs.map((_, i) => i + 1)), dtype: '<B' });
    }
  } finally {
    h5.close();
  }
  return file;
}
