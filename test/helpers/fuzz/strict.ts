/**
 * Independent strict readings of a mutated file, written from the format specs and not from
 * Cajal's readers: what a file breaks that a reader must not accept silently. Each returns the
 * violations it finds; `flag` marks the ones a reader may accept if a warning says so (a file cut
 * inside its data, an EDF+ file without an annotation signal, an iscell value that is not 0/1).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Violation {
  problem: string;
  /** Accepting is right when some warning matches this (case-insensitive regex source). */
  flag?: string;
}

const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d\d)\.(\d\d)\.(\d\d)$/;

/** EDF spec 2.1 / EDF+ 2.1.3 / BioSemi BDF: the header, the record layout and the TALs. */
export function strictEdf(bytes: Buffer): Violation[] {
  const out: Violation[] = [];
  if (bytes.length < 256) return [{ problem: `${bytes.length} bytes: shorter than the 256-byte fixed header` }];
  const field = (offset: number, width: number): string => bytes.toString('latin1', offset, offset + width).trim();
  const bdf = bytes[0] === 0xff && bytes.toString('latin1', 1, 8) === 'BIOSEMI';
  if (!bdf && field(0, 8) !== '0') out.push({ problem: `version ${JSON.stringify(field(0, 8))} is not "0"` });
  const structural: [string, number, number][] = [
    ['startdate', 168, 8],
    ['starttime', 176, 8],
    ['number of bytes in header', 184, 8],
    ['number of data records', 236, 8],
    ['duration of a data record', 244, 8],
    ['number of signals', 252, 4],
  ];
  for (const [name, offset, width] of structural) {
    for (let i = offset; i < offset + width; i++) if (bytes[i]! < 0x20 || bytes[i]! > 0x7e) out.push({ problem: `${name} holds a non-ASCII byte` });
  }
  const date = DATE.exec(field(168, 8));
  const time = DATE.exec(field(176, 8));
  if (!date) out.push({ problem: `startdate ${JSON.stringify(field(168, 8))} is not dd.mm.yy` });
  else {
    const [day, month, yy] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const year = yy >= 85 ? 1900 + yy : 2000 + yy;
    if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) out.push({ problem: `startdate ${field(168, 8)} is not a date` });
  }
  if (!time) out.push({ problem: `starttime ${JSON.stringify(field(176, 8))} is not hh.mm.ss` });
  else if (Number(time[1]) > 23 || Number(time[2]) > 59 || Number(time[3]) > 59) out.push({ problem: `starttime ${field(176, 8)} is not a time of day` });

  const ns = field(252, 4);
  if (!INTEGER.test(ns) || Number(ns) < 1) return [...out, { problem: `number of signals ${JSON.stringify(ns)}` }];
  const count = Number(ns);
  const headerBytes = field(184, 8);
  if (!INTEGER.test(headerBytes) || Number(headerBytes) !== 256 * (count + 1)) out.push({ problem: `header bytes ${JSON.stringify(headerBytes)} for ${count} signals` });
  const header = 256 * (count + 1);
  if (bytes.length < header) return [...out, { problem: `file ends inside the signal headers (${bytes.length} < ${header})` }];

  const reserved = field(192, 44);
  const plus = reserved.startsWith('EDF+') || reserved.startsWith('BDF+');
  const discontinuous = reserved.startsWith('EDF+D') || reserved.startsWith('BDF+D');
  const annotationLabel = bdf ? 'BDF Annotations' : 'EDF Annotations';
  const [low, high] = bdf ? [-8388608, 8388607] : [-32768, 32767];
  const widths = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];
  const signalField = (f: number, i: number): string => {
    const start = 256 + widths.slice(0, f).reduce((a, b) => a + b, 0) * count + i * widths[f]!;
    return field(start, widths[f]!);
  };
  const samples: number[] = [];
  const annotationSignals: number[] = [];
  let hasData = false;
  for (let i = 0; i < count; i++) {
    const label = signalField(0, i);
    const isAnnotation = plus && label === annotationLabel;
    if (isAnnotation) annotationSignals.push(i);
    else hasData = true;
    const name = `signal ${i + 1} (${label})`;
    const [pmin, pmax, dmin, dmax, spr] = [signalField(3, i), signalField(4, i), signalField(5, i), signalField(6, i), signalField(8, i)];
    if (!REAL.test(pmin) || !Number.isFinite(Number(pmin))) out.push({ problem: `${name}: physical minimum ${JSON.stringify(pmin)}` });
    if (!REAL.test(pmax) || !Number.isFinite(Number(pmax))) out.push({ problem: `${name}: physical maximum ${JSON.stringify(pmax)}` });
    if (!INTEGER.test(dmin) || Number(dmin) < low || Number(dmin) > high) out.push({ problem: `${name}: digital minimum ${JSON.stringify(dmin)}` });
    if (!INTEGER.test(dmax) || Number(dmax) < low || Number(dmax) > high) out.push({ problem: `${name}: digital maximum ${JSON.stringify(dmax)}` });
    if (!isAnnotation && Number(pmin) === Number(pmax)) out.push({ problem: `${name}: physical minimum equals maximum` });
    if (!isAnnotation && Number(dmax) <= Number(dmin)) out.push({ problem: `${name}: digital maximum ${dmax} ≤ minimum ${dmin}` });
    if (!INTEGER.test(spr) || Number(spr) < 1) out.push({ problem: `${name}: samples per record ${JSON.stringify(spr)}` });
    samples.push(Number(spr));
    // Gain × digital + offset must be finite for every digital value (a 1e308 range overflows).
    const gain = (Number(pmax) - Number(pmin)) / (Number(dmax) - Number(dmin));
    if (!isAnnotation && !Number.isFinite(gain)) out.push({ problem: `${name}: the physical/digital scaling is not finite` });
  }
  const duration = field(244, 8);
  const durationS = Number(duration);
  if (!REAL.test(duration) || !Number.isFinite(durationS) || durationS < 0 || Object.is(durationS, -0)) out.push({ problem: `record duration ${JSON.stringify(duration)}` });
  else if (durationS === 0 && hasData) out.push({ problem: 'record duration 0 with data signals' });
  if (plus && annotationSignals.length === 0) out.push({ problem: `an ${bdf ? 'BDF' : 'EDF'}+ file without an "${annotationLabel}" signal`, flag: 'annotation' });

  const records = field(236, 8);
  const bytesPerSample = bdf ? 3 : 2;
  const recordBytes = samples.reduce((a, b) => a + (Number.isFinite(b) && b > 0 ? b : 0), 0) * bytesPerSample;
  const whole = recordBytes > 0 ? Math.floor((bytes.length - header) / recordBytes) : 0;
  if (!INTEGER.test(records) || (Number(records) < 1 && Number(records) !== -1)) out.push({ problem: `number of data records ${JSON.stringify(records)}` });
  else if (whole < 1) out.push({ problem: 'no whole data record in the file' });
  else if (Number(records) === -1) out.push({ problem: 'number of data records is -1', flag: '-1|not closed|progress' });
  else if (whole < Number(records)) out.push({ problem: `the file holds ${whole} of ${records} declared records`, flag: 'truncat|cut|whole record|fewer|shorter' });

  if (plus && annotationSignals.length && recordBytes > 0 && out.every((v) => v.flag)) {
    const offsets = samples.map((_, i) => samples.slice(0, i).reduce((a, b) => a + b, 0) * bytesPerSample);
    const declared = Number(records) === -1 ? whole : Math.min(whole, Number(records));
    let previous = -Infinity;
    for (let r = 0; r < declared && out.length < 20; r++) {
      annotationSignals.forEach((signal, k) => {
        const at = header + r * recordBytes + offsets[signal]!;
        const slot = bytes.subarray(at, at + samples[signal]! * bytesPerSample);
        const start = strictTals(slot, k === 0, `record ${r + 1}`, out);
        if (k === 0 && discontinuous) {
          if (start === null) out.push({ problem: `record ${r + 1}: no time-keeping TAL (EDF+D)` });
          else if (start < previous) out.push({ problem: `record ${r + 1} starts before the record preceding it` });
          else previous = start;
        }
      });
    }
  }
  return out;
}

/** Checks the TALs of one annotation slot; returns the time-keeping onset (first signal) or null. */
function strictTals(slot: Uint8Array, first: boolean, where: string, out: Violation[]): number | null {
  let position = 0;
  let index = 0;
  let start: number | null = null;
  while (position < slot.length && slot[position] !== 0) {
    const end = slot.indexOf(0, position);
    const tal = Buffer.from(slot.subarray(position, end < 0 ? slot.length : end)).toString('latin1');
    const [timing = '', ...texts] = tal.split('\x14');
    const [onset = '', duration] = timing.split('\x15');
    if (!/^[+-]\d+(\.\d*)?$/.test(onset)) out.push({ problem: `${where}: TAL onset ${JSON.stringify(onset.slice(0, 20))}` });
    else if (!Number.isFinite(Number(onset))) out.push({ problem: `${where}: TAL onset of ${onset.length} characters is not a finite number` });
    if (duration !== undefined && duration !== '' && !/^\d+(\.\d*)?$/.test(duration)) out.push({ problem: `${where}: TAL duration ${JSON.stringify(duration.slice(0, 20))}` });
    else if (duration && !Number.isFinite(Number(duration))) out.push({ problem: `${where}: TAL duration of ${duration.length} characters is not a finite number` });
    if (texts.length === 0) out.push({ problem: `${where}: TAL without a 0x14 after its onset` });
    if (first && index === 0) start = Number(onset);
    index++;
    position = (end < 0 ? slot.length : end) + 1;
  }
  return start;
}

const SWC_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The SWC samples as the format defines them, or the first violation found. */
export function strictSwc(text: string): { ids: number[]; parents: number[]; violations: Violation[] } {
  const ids: number[] = [];
  const parents: number[] = [];
  const violations: Violation[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, l) => {
    const line = raw.replace(/\r$/, '').replace(/#.*/, '').trim();
    if (!line) return;
    const cells = line.split(/\s+/);
    if (cells.length !== 7) return void violations.push({ problem: `line ${l + 1}: ${cells.length} columns` });
    const values = cells.map(Number);
    cells.forEach((cell, c) => {
      if (!SWC_NUMBER.test(cell) || !Number.isFinite(Number(cell))) violations.push({ problem: `line ${l + 1}: column ${c + 1} ${JSON.stringify(cell)} is not a finite number` });
      else if ((c === 0 || c === 1 || c === 6) && !/^[+-]?\d+$/.test(cell)) violations.push({ problem: `line ${l + 1}: column ${c + 1} ${JSON.stringify(cell)} is not an integer` });
    });
    const [id, type, , , , , parent] = values as [number, number, number, number, number, number, number];
    if (!(id >= 1)) violations.push({ problem: `line ${l + 1}: id ${cells[0]}` });
    if (type < 0) violations.push({ problem: `line ${l + 1}: type ${cells[1]}` });
    if (!(parent === -1 || parent >= 1) || parent === id) violations.push({ problem: `line ${l + 1}: parent ${cells[6]}` });
    ids.push(id);
    parents.push(parent);
  });
  if (ids.length === 0) violations.push({ problem: 'no samples' });
  const index = new Map<number, number>();
  ids.forEach((id, i) => {
    if (index.has(id)) violations.push({ problem: `duplicate id ${id}` });
    index.set(id, i);
  });
  parents.forEach((parent, i) => {
    if (parent !== -1 && !index.has(parent)) violations.push({ problem: `parent ${parent} of sample ${ids[i]} does not exist` });
  });
  // Every sample must reach a root: follow parents, at most n steps.
  if (violations.length === 0) {
    const state = new Uint8Array(ids.length); // 0 unknown, 1 on the current path, 2 reaches a root
    for (let i = 0; i < ids.length; i++) {
      const path: number[] = [];
      let j = i;
      while (j >= 0 && state[j] === 0) {
        state[j] = 1;
        path.push(j);
        j = parents[j] === -1 ? -1 : index.get(parents[j]!)!;
      }
      if (j >= 0 && state[j] === 1) {
        violations.push({ problem: `cycle through sample ${ids[j]}` });
        break;
      }
      for (const k of path) state[k] = 2;
    }
  }
  return { ids, parents, violations };
}

const CSV_NON_FINITE = new Set(['nan', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);
const isCsvNumber = (field: string): boolean => SWC_NUMBER.test(field.trim()) || CSV_NON_FINITE.has(field.trim().toLowerCase());

/** A delimited numeric matrix: rows of equal width past an optional header, numbers past an optional name column. */
export function strictCsvMatrix(text: string): { rows: number; width: number; violations: Violation[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return { rows: 0, width: 0, violations: [{ problem: 'empty' }] };
  const first = lines[0]!;
  const delimiter = ['\t', ',', ';'].reduce((best, d) => (first.split(d).length > first.split(best).length ? d : best), '\t');
  const split = (line: string): string[] => (line.includes('"') ? line.replace(/"([^"]*)"/g, '$1') : line).split(delimiter);
  const rows = lines.map(split);
  const header = rows[0]!.slice(1).some((field) => !isCsvNumber(field));
  const data = header ? rows.slice(1) : rows;
  const violations: Violation[] = [];
  if (data.length === 0) return { rows: 0, width: 0, violations: [{ problem: 'no rows of values' }] };
  const width = data[0]!.length;
  const labelled = !isCsvNumber(data[0]![0]!);
  data.forEach((row, r) => {
    if (row.length !== width) violations.push({ problem: `row ${r + 1} has ${row.length} values, the first ${width}` });
    row.slice(labelled ? 1 : 0).forEach((field) => {
      if (!isCsvNumber(field)) violations.push({ problem: `row ${r + 1}: ${JSON.stringify(field.slice(0, 20))} is not a number` });
    });
  });
  return { rows: data.length, width: width - (labelled ? 1 : 0), violations: violations.slice(0, 5) };
}

export interface StrictNpy {
  descr: string;
  fortran: boolean;
  shape: number[];
  /** Elements the file holds after its header, by the itemsize of `descr`. */
  available: number;
  values: Float64Array | null;
}

/** A .npy header read by numpy's rules (only what the invariants need); null when unreadable. */
export function strictNpy(file: string): StrictNpy | null {
  if (!existsSync(file) || !statSync(file).isFile()) return null;
  const bytes = readFileSync(file);
  if (bytes.length < 10 || bytes.toString('latin1', 1, 6) !== 'NUMPY' || bytes[0] !== 0x93) return null;
  const lengthBytes = bytes[6] === 1 ? 2 : 4;
  const length = lengthBytes === 2 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = 8 + lengthBytes;
  const dict = bytes.toString('latin1', start, start + length);
  const descr = /'descr':\s*'([<>|=]?[a-zA-Z]\d+)'/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape':\s*\(([\d,\s]*)\)/.exec(dict)?.[1];
  if (!descr || !fortran || shapeText === undefined) return null;
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const size = Number(/\d+$/.exec(descr)![0]);
  const data = bytes.subarray(start + length);
  const available = Math.floor(data.length / size);
  const kind = descr.replace(/^[<>|=]/, '').charAt(0);
  const big = descr.startsWith('>');
  let values: Float64Array | null = null;
  if (['f', 'i', 'u', 'b'].includes(kind) && [1, 2, 4, 8].includes(size)) {
    values = new Float64Array(available);
    for (let i = 0; i < available; i++) {
      const at = i * size;
      values[i] =
        kind === 'f' ? (size === 8 ? (big ? data.readDoubleBE(at) : data.readDoubleLE(at)) : size === 4 ? (big ? data.readFloatBE(at) : data.readFloatLE(at)) : half(big ? data.readUInt16BE(at) : data.readUInt16LE(at)))
        : kind === 'b' || size === 1 ? (kind === 'i' ? data.readInt8(at) : data[at]!)
        : size === 8 ? Number(kind === 'i' ? (big ? data.readBigInt64BE(at) : data.readBigInt64LE(at)) : big ? data.readBigUInt64BE(at) : data.readBigUInt64LE(at))
        : kind === 'i' ? (big ? data.readIntBE(at, size) : data.readIntLE(at, size)) : big ? data.readUIntBE(at, size) : data.readUIntLE(at, size);
    }
  }
  return { descr, fortran: fortran === 'True', shape, available, values };
}

/** IEEE 754 half precision. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The Suite2p layout: F, Fneu and iscell agree on the ROI count; iscell's first column is 0/1. */
export function strictSuite2p(plane: string): { cells: number; frames: number; violations: Violation[] } | null {
  const f = strictNpy(join(plane, 'F.npy'));
  if (!f) return null;
  const violations: Violation[] = [];
  const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  if (f.shape.length !== 2) violations.push({ problem: `F is ${f.shape.length}-D` });
  if (f.available < count(f.shape)) violations.push({ problem: `F.npy holds ${f.available} of ${count(f.shape)} elements` });
  const [cells = 0, frames = 0] = f.shape;
  if (existsSync(join(plane, 'Fneu.npy'))) {
    const fneu = strictNpy(join(plane, 'Fneu.npy'));
    if (!fneu) violations.push({ problem: 'Fneu.npy is not a readable .npy' });
    else if (fneu.shape.join() !== f.shape.join()) violations.push({ problem: `Fneu ${fneu.shape.join('×')} vs F ${f.shape.join('×')}` });
    else if (fneu.available < count(fneu.shape)) violations.push({ problem: `Fneu.npy holds ${fneu.available} of ${count(fneu.shape)} elements` });
  }
  if (existsSync(join(plane, 'iscell.npy')) && statSync(join(plane, 'iscell.npy')).isFile()) {
    const iscell = strictNpy(join(plane, 'iscell.npy'));
    if (!iscell) violations.push({ problem: 'iscell.npy is not a readable .npy' });
    else if (iscell.shape[0] !== cells || iscell.shape.length > 2) violations.push({ problem: `iscell ${iscell.shape.join('×')} for ${cells} ROIs` });
    else if (iscell.available < count(iscell.shape)) violations.push({ problem: `iscell.npy holds ${iscell.available} of ${count(iscell.shape)} elements` });
    else if (iscell.values) {
      const columns = iscell.shape[1] ?? 1;
      for (let row = 0; row < cells; row++) {
        const value = iscell.values[iscell.fortran ? row : row * columns]!;
        if (value !== 0 && value !== 1) {
          violations.push({ problem: `iscell row ${row} column 0 is ${value}, not 0 or 1`, flag: 'iscell' });
          break;
        }
      }
    }
  }
  return { cells, frames, violations };
}
