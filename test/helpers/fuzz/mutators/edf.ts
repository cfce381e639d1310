/**
 * EDF / EDF+ / BDF mutations: truncation at structural offsets, each fixed-header and signal-header
 * field set to odd values, annotation-label flips, and edits of the TAL bytes of the annotation
 * signal. Oracles come from the EDF spec (Kemp et al. 1992) and EDF+ (Kemp & Olivan 2003) only
 * where the spec leaves no choice (a hex number, digital min ≥ max, a cut inside the header…).
 */
import { between, blindMutation, ODD_NUMBERS, pickOne, weighted, type Mutation, type Oracle, type Random } from './bytes.js';

/** Where the fields of one file lie (parsed leniently from the unmutated bytes). */
export interface EdfLayout {
  signalCount: number;
  headerBytes: number;
  declaredRecords: number;
  bytesPerSample: 2 | 3;
  recordBytes: number;
  plus: boolean;
  discontinuous: boolean;
  labels: string[];
  samplesPerRecord: number[];
  offsetInRecord: number[];
  digitalMin: number[];
  digitalMax: number[];
  physicalMin: number[];
}

/** Signal header fields in file order: [name, width]. Stored field-major (all labels, then …). */
export const EDF_SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer type', 80],
  ['physical dimension', 8],
  ['physical minimum', 8],
  ['physical maximum', 8],
  ['digital minimum', 8],
  ['digital maximum', 8],
  ['prefiltering', 80],
  ['samples per data record', 8],
  ['reserved', 32],
] as const;
export type EdfSignalField = (typeof EDF_SIGNAL_FIELDS)[number][0];

/** Byte offset and width of field `name` of signal `i` in a header of `count` signals. */
export function signalFieldAt(name: EdfSignalField, i: number, count: number): [number, number] {
  let start = 256;
  for (const [field, width] of EDF_SIGNAL_FIELDS) {
    if (field === name) return [start + i * width, width];
    start += width * count;
  }
  throw new Error(`no EDF signal field ${name}`);
}

const text = (bytes: Buffer, offset: number, width: number): string => bytes.toString('latin1', offset, offset + width).trim();

export function edfLayout(bytes: Buffer): EdfLayout {
  const signalCount = Number(text(bytes, 252, 4));
  const bytesPerSample = bytes[0] === 0xff ? 3 : 2;
  const reserved = text(bytes, 192, 44);
  const field = (name: EdfSignalField, i: number): string => text(bytes, ...signalFieldAt(name, i, signalCount));
  const labels: string[] = [];
  const samplesPerRecord: number[] = [];
  const offsetInRecord: number[] = [];
  const digitalMin: number[] = [];
  const digitalMax: number[] = [];
  const physicalMin: number[] = [];
  let offset = 0;
  for (let i = 0; i < signalCount; i++) {
    labels.push(field('label', i));
    samplesPerRecord.push(Number(field('samples per data record', i)));
    digitalMin.push(Number(field('digital minimum', i)));
    digitalMax.push(Number(field('digital maximum', i)));
    physicalMin.push(Number(field('physical minimum', i)));
    offsetInRecord.push(offset);
    offset += samplesPerRecord[i]! * bytesPerSample;
  }
  return {
    signalCount,
    headerBytes: Number(text(bytes, 184, 8)),
    declaredRecords: Number(text(bytes, 236, 8)),
    bytesPerSample,
    recordBytes: offset,
    plus: reserved.startsWith('EDF+') || reserved.startsWith('BDF+'),
    discontinuous: reserved.startsWith('EDF+D') || reserved.startsWith('BDF+D'),
    labels,
    samplesPerRecord,
    offsetInRecord,
    digitalMin,
    digitalMax,
    physicalMin,
  };
}

const annotationLabel = (layout: EdfLayout): string => (layout.bytesPerSample === 3 ? 'BDF Annotations' : 'EDF Annotations');
const annotationSignals = (layout: EdfLayout): number[] =>
  layout.plus ? layout.labels.flatMap((label, i) => (label === annotationLabel(layout) ? [i] : [])) : [];

/** Writes `value` into a fixed-width ASCII field, space padded (latin1, so é is one byte 0xE9). */
function writeField(bytes: Buffer, offset: number, width: number, value: string): void {
  const field = Buffer.alloc(width, 0x20);
  field.write(value.slice(0, width), 0, 'latin1');
  field.copy(bytes, offset);
}

const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const reject = (why: string): Oracle => ({ reject: why });
const truncated: Oracle = { flag: { why: 'the file is cut inside its data records', warning: 'truncat|cut|whole record|shorter|fewer' } };

const FIXED_NUMERIC = [
  ['number of bytes in header record', 184, 8],
  ['number of data records', 236, 8],
  ['duration of a data record', 244, 8],
  ['number of signals', 252, 4],
] as const;

const FIXED_TEXT: readonly (readonly [string, number, number, readonly (readonly [string, boolean])[]])[] = [
  // [field, offset, width, [value, must be refused]]
  ['version', 0, 8, [['1', true], ['EDF', true], ['', true], ['\u00e9', true]]],
  ['startdate of recording', 168, 8, [['32.13.99', true], ['01-02-03', true], ['', true], ['29.02.01', true], ['29.02.04', false]]],
  ['starttime of recording', 176, 8, [['25.61.61', true], ['12:00:00', true], ['', true], ['23.59.59', false]]],
  ['reserved', 192, 44, [['EDF+D', false], ['EDF+C', false], ['', false], ['EDF+X', false]]],
  ['local patient identification', 8, 80, [['\u00e9\u00e9', false], ['X X X X', false]]],
  ['local recording identification', 88, 80, [['Startdate X X X X', false], ['\u00ff', false]]],
];

/** A fixed-header numeric field set to an odd value; the oracle says when the spec forbids it. */
function fixedNumeric(bytes: Buffer, layout: EdfLayout, random: Random, file: string): Mutation {
  const [name, offset, width] = pickOne(random, FIXED_NUMERIC);
  const [value] = pickOne(random, ODD_NUMBERS);
  writeField(bytes, offset, width, value);
  const shown = value.slice(0, width);
  const description = `${file}: "${name}" set to ${JSON.stringify(shown)}`;
  const number = Number(shown.trim());
  const hasData = layout.labels.some((_, i) => !annotationSignals(layout).includes(i));
  let oracle: Oracle | undefined;
  if (name === 'duration of a data record') {
    if (!REAL.test(shown.trim())) oracle = reject(`duration ${JSON.stringify(shown)} is not a number`);
    else if (number < 0 || Object.is(number, -0)) oracle = reject('a negative record duration');
    else if (number === 0 && hasData) oracle = reject('record duration 0 with data signals (only annotation-only files may have 0)');
  } else if (!INTEGER.test(shown.trim())) {
    oracle = reject(`${name} ${JSON.stringify(shown)} is not an integer`);
  } else if (name === 'number of data records') {
    if (number === 0 || number < -1) oracle = reject(`${number} data records`);
    else if (number > layout.declaredRecords) oracle = truncated;
  } else if (number !== (name === 'number of signals' ? layout.signalCount : layout.headerBytes)) {
    oracle = reject(`${name} no longer matches the header`);
  }
  return { description, ...(oracle ? { oracle } : {}) };
}

function fixedText(bytes: Buffer, random: Random, file: string): Mutation {
  const [name, offset, width, values] = pickOne(random, FIXED_TEXT);
  const [value, refuse] = pickOne(random, values);
  writeField(bytes, offset, width, value);
  return { description: `${file}: "${name}" set to ${JSON.stringify(value)}`, ...(refuse ? { oracle: reject(`${name} ${JSON.stringify(value)} breaks the spec`) } : {}) };
}

function signalField(bytes: Buffer, layout: EdfLayout, random: Random, file: string): Mutation {
  const count = layout.signalCount;
  const i = between(random, 0, count);
  const annotations = annotationSignals(layout);
  const isAnnotation = annotations.includes(i);
  const label = layout.labels[i]!;
  const where = `signal ${i + 1} (${label})`;
  const put = (name: EdfSignalField, value: string): void => writeField(bytes, ...signalFieldAt(name, i, count), value);
  const op = weighted(random, [
    [3, 'label'],
    [2, 'physical'],
    [1, 'physical-equal'],
    [3, 'digital'],
    [1, 'digital-swap'],
    [2, 'samples'],
    [1, 'text'],
  ] as const);
  const [bits, low, high] = layout.bytesPerSample === 3 ? [24, -8388608, 8388607] : [16, -32768, 32767];
  switch (op) {
    case 'label': {
      if (isAnnotation) {
        const value = pickOne(random, ['EDF Annotationz', 'EEG Fp1', 'EDF Annotations.', '']);
        put('label', value);
        // EDF+ requires at least one annotation signal; losing it is silent data damage unless told.
        const oracle: Oracle | undefined =
          layout.plus && annotations.length === 1 ? { flag: { why: 'an EDF+ file left without an annotation signal', warning: 'annotation' } } : undefined;
        return { description: `${file}: label of ${where} changed to ${JSON.stringify(value)}`, ...(oracle ? { oracle } : {}) };
      }
      put('label', annotationLabel(layout));
      return { description: `${file}: label of data ${where} changed to "${annotationLabel(layout)}"` };
    }
    case 'physical': {
      const name = pickOne(random, ['physical minimum', 'physical maximum'] as const);
      const [value] = pickOne(random, ODD_NUMBERS);
      put(name, value);
      const shown = value.slice(0, 8).trim();
      const other = text(bytes, ...signalFieldAt(name === 'physical minimum' ? 'physical maximum' : 'physical minimum', i, count));
      const oracle =
        !REAL.test(shown) ? reject(`${name} ${JSON.stringify(shown)} is not a number`)
        : !isAnnotation && Number(shown) === Number(other) ? reject('physical minimum equals physical maximum')
        : undefined;
      return { description: `${file}: ${name} of ${where} set to ${JSON.stringify(shown)}`, ...(oracle ? { oracle } : {}) };
    }
    case 'physical-equal': {
      const min = text(bytes, ...signalFieldAt('physical minimum', i, count));
      put('physical maximum', min);
      return { description: `${file}: physical maximum of ${where} set equal to its minimum (${min})`, ...(isAnnotation ? {} : { oracle: reject('physical minimum equals physical maximum') }) };
    }
    case 'digital': {
      const name = pickOne(random, ['digital minimum', 'digital maximum'] as const);
      const value = pickOne(random, [...ODD_NUMBERS.map(([v]) => v), String(high + 1), String(low - 1), '40000', '-40000', '9999999', String(high), String(low)]);
      put(name, value);
      const shown = value.slice(0, 8).trim();
      const min = name === 'digital minimum' ? Number(shown) : layout.digitalMin[i]!;
      const max = name === 'digital maximum' ? Number(shown) : layout.digitalMax[i]!;
      const oracle =
        !INTEGER.test(shown) ? reject(`${name} ${JSON.stringify(shown)} is not an integer`)
        : Number(shown) < low || Number(shown) > high ? reject(`${name} ${shown} is outside the ${bits}-bit sample range`)
        : !isAnnotation && max <= min ? reject(`digital maximum ${max} ≤ digital minimum ${min}`)
        : undefined;
      return { description: `${file}: ${name} of ${where} set to ${JSON.stringify(shown)}`, ...(oracle ? { oracle } : {}) };
    }
    case 'digital-swap': {
      const min = text(bytes, ...signalFieldAt('digital minimum', i, count));
      const max = text(bytes, ...signalFieldAt('digital maximum', i, count));
      put('digital minimum', max);
      put('digital maximum', min);
      return { description: `${file}: digital minimum and maximum of ${where} swapped (${max}, ${min})`, ...(isAnnotation ? {} : { oracle: reject('digital maximum below digital minimum') }) };
    }
    case 'samples': {
      const value = pickOne(random, ['0', '-1', '1.5', '0x10', '', '99999999', String(layout.samplesPerRecord[i]! + 1), 'NaN', '1e3']);
      put('samples per data record', value);
      const oracle = !INTEGER.test(value) || Number(value) < 1 ? reject(`samples per data record ${JSON.stringify(value)}`) : undefined;
      return { description: `${file}: samples per data record of ${where} set to ${JSON.stringify(value)}`, ...(oracle ? { oracle } : {}) };
    }
    case 'text': {
      const name = pickOne(random, ['transducer type', 'physical dimension', 'prefiltering', 'reserved'] as const);
      const value = pickOne(random, ['\u00b5V', '\u00e9', '', 'x'.repeat(100)]);
      put(name, value);
      return { description: `${file}: ${name} of ${where} set to ${JSON.stringify(value.slice(0, 20))}` };
    }
  }
}

/** Rewrites one annotation slot (one annotation signal in one record) with `tal`, zero padded. */
function writeSlot(bytes: Buffer, at: number, length: number, tal: Buffer): void {
  bytes.fill(0, at, at + length);
  tal.copy(bytes, at, 0, Math.min(length, tal.length));
}

function talEdit(bytes: Buffer, layout: EdfLayout, random: Random, file: string): Mutation | null {
  const annotations = annotationSignals(layout);
  const recordsInFile = Math.floor((bytes.length - layout.headerBytes) / layout.recordBytes);
  if (!annotations.length || recordsInFile < 1) return null;
  const signal = annotations[0]!;
  const record = random() < 0.5 ? 0 : between(random, 0, recordsInFile);
  const at = layout.headerBytes + record * layout.recordBytes + layout.offsetInRecord[signal]!;
  const length = layout.samplesPerRecord[signal]! * layout.bytesPerSample;
  const where = `annotation signal ${signal + 1}, data record ${record + 1}`;
  const start = bytes.toString('latin1', at, at + length).split('\x14')[0] ?? '+0';
  const op = weighted(random, [
    [2, 'huge-onset'],
    [1, 'exponent'],
    [1, 'unsigned'],
    [1, 'bad-duration'],
    [1, 'huge-duration'],
    [1, 'no-terminator'],
    [2, 'zero'],
    [1, 'utf8'],
    [2, 'order'],
    [2, 'random'],
  ] as const);
  const tal = (value: string): Buffer => Buffer.from(value, 'latin1');
  switch (op) {
    case 'huge-onset': {
      const digits = Math.max(1, length - 4);
      writeSlot(bytes, at, length, tal(`+${'9'.repeat(digits)}\x14\x14\x00`));
      return { description: `${file}: time-keeping onset of ${where} set to a ${digits}-digit number` };
    }
    case 'exponent':
      writeSlot(bytes, at, length, tal(`${start}\x14\x14\x00+1e5\x14x\x14\x00`));
      return { description: `${file}: TAL with onset "+1e5" added to ${where}`, oracle: reject('an EDF+ onset is +/- digits with an optional decimal point, no exponent') };
    case 'unsigned':
      writeSlot(bytes, at, length, tal(`${start}\x14\x14\x0012\x14x\x14\x00`));
      return { description: `${file}: TAL with unsigned onset "12" added to ${where}`, oracle: reject('an EDF+ onset starts with + or -') };
    case 'bad-duration':
      writeSlot(bytes, at, length, tal(`${start}\x14\x14\x00+1\x15-3\x14x\x14\x00`));
      return { description: `${file}: TAL with duration "-3" added to ${where}`, oracle: reject('an EDF+ duration is unsigned digits') };
    case 'huge-duration': {
      const digits = Math.max(1, length - start.length - 10);
      writeSlot(bytes, at, length, tal(`${start}\x14\x14\x00+1\x15${'9'.repeat(digits)}\x14x\x14\x00`));
      return { description: `${file}: TAL with a ${digits}-digit duration added to ${where}` };
    }
    case 'no-terminator':
      bytes.fill(0x14, at, at + length);
      return { description: `${file}: ${where} filled with 0x14 (no onset, no terminator)`, oracle: reject('a TAL without an onset') };
    case 'zero':
      bytes.fill(0, at, at + length);
      return {
        description: `${file}: ${where} zeroed (no time-keeping TAL)`,
        ...(layout.discontinuous ? { oracle: reject('EDF+D records need their time-keeping TAL') } : {}),
      };
    case 'utf8':
      writeSlot(bytes, at, length, Buffer.concat([tal(`${start}\x14\x14\x00+0\x14`), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), tal('\x14\x00')]));
      return { description: `${file}: TAL text with invalid UTF-8 added to ${where}` };
    case 'order': {
      if (!layout.discontinuous || record === 0) {
        writeSlot(bytes, at, length, tal(`-${between(random, 1, 100000)}\x14\x14\x00`));
        return { description: `${file}: time-keeping onset of ${where} made negative` };
      }
      writeSlot(bytes, at, length, tal(`+0\x14\x14\x00`));
      return { description: `${file}: ${where} starts at +0, before the record preceding it`, oracle: reject('EDF+D records must be in time order') };
    }
    case 'random': {
      for (let k = at; k < at + length; k++) bytes[k] = between(random, 0, 256);
      return { description: `${file}: ${where} filled with random bytes` };
    }
  }
}

/** One seeded EDF-family mutation of `bytes` (returns the new bytes). */
export function mutateEdf(original: Buffer, random: Random, file: string): { bytes: Buffer; mutation: Mutation } {
  const layout = edfLayout(original);
  const bytes = Buffer.from(original);
  const dataEnd = layout.headerBytes + Math.max(0, layout.declaredRecords) * layout.recordBytes;
  const truncation = (at: number): Oracle | undefined => {
    if (at < layout.headerBytes) return reject('cut inside the header');
    if (at < layout.headerBytes + layout.recordBytes) return reject('cut before the end of the first data record');
    return at < dataEnd ? truncated : undefined;
  };
  const op = weighted(random, [
    [3, 'truncate'],
    [4, 'fixed-numeric'],
    [2, 'fixed-text'],
    [6, 'signal'],
    [4, 'tal'],
    [2, 'blind-header'],
    [2, 'blind-data'],
  ] as const);
  switch (op) {
    case 'truncate': {
      const record = layout.recordBytes;
      const at = pickOne(random, [
        between(random, 0, 256),
        between(random, 256, layout.headerBytes),
        layout.headerBytes,
        layout.headerBytes + between(random, 1, record),
        Math.max(layout.headerBytes + record, original.length - between(random, 1, record)),
        between(random, 0, original.length),
      ]);
      return { bytes: bytes.subarray(0, at), mutation: { description: `${file}: truncated at byte ${at} of ${original.length}`, ...(truncation(at) ? { oracle: truncation(at)! } : {}) } };
    }
    case 'fixed-numeric':
      return { bytes, mutation: fixedNumeric(bytes, layout, random, file) };
    case 'fixed-text':
      return { bytes, mutation: fixedText(bytes, random, file) };
    case 'signal':
      return { bytes, mutation: signalField(bytes, layout, random, file) };
    case 'tal': {
      const mutation = talEdit(bytes, layout, random, file);
      if (mutation) return { bytes, mutation };
      return { bytes, mutation: signalField(bytes, layout, random, file) };
    }
    case 'blind-header':
      return blindMutation(original, random, file, [{ name: 'header', lo: 0, hi: layout.headerBytes }], truncation);
    case 'blind-data':
      return blindMutation(original, random, file, [{ name: 'data records', lo: layout.headerBytes, hi: original.length }], truncation);
  }
}
