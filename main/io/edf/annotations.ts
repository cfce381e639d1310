/**
 * EDF+ annotation signals hold Time-stamped Annotation Lists (TALs), EDF+ spec section 2.2:
 *   +onset[\x15duration]\x14text\x14text…\x14\x00
 * The first TAL of every data record (in the first annotation signal) is the record's time-keeping
 * TAL, `+t\x14\x14\x00`, giving the record's start relative to the file's start time; EDF+D files
 * rely on it for the gaps between records. Texts are UTF-8.
 */
import { FormatError } from '../../errors.js';

export interface EdfAnnotation {
  /** Seconds from the recording start (header start time). */
  onsetS: number;
  /** Seconds; 0 where the TAL gives none. */
  durationS: number;
  text: string;
}

export interface ParsedTals {
  /** Start of the data record from its time-keeping TAL, or null if it has none. */
  recordStartS: number | null;
  annotations: EdfAnnotation[];
}

const ONSET = /^[+-]\d+(\.\d*)?$/;
const DURATION = /^\d+(\.\d*)?$/;

/**
 * Parses the bytes of one annotation signal in one data record. `isFirstSignal`: this is the first
 * annotation signal, whose first TAL keeps time. `where` names the record for error messages.
 */
export function parseTals(
  bytes: Uint8Array,
  isFirstSignal: boolean,
  file: string,
  where: { record: number; byteOffset: number },
): ParsedTals {
  const result: ParsedTals = { recordStartS: null, annotations: [] };
  const decoder = new TextDecoder('utf-8');
  let position = 0;
  let talIndex = 0;
  while (position < bytes.length && bytes[position] !== 0) {
    const end = bytes.indexOf(0, position);
    const talEnd = end < 0 ? bytes.length : end;
    const tal = bytes.subarray(position, talEnd);
    const fields = splitOn(tal, 0x14);
    const timing = decoder.decode(fields[0] ?? new Uint8Array());
    const [onsetText, durationText] = timing.split('\x15');
    const fail = (problem: string): never => {
      throw new FormatError(file, `${problem} in data record ${where.record + 1}`, 'EDF+ annotation (TAL)', where.byteOffset + position);
    };
    if (!onsetText || !ONSET.test(onsetText)) fail(`onset "${onsetText ?? ''}" is not +seconds or -seconds`);
    if (durationText !== undefined && durationText !== '' && !DURATION.test(durationText)) fail(`duration "${durationText}" is not a number of seconds`);
    const onsetS = Number(onsetText);
    const durationS = durationText ? Number(durationText) : 0;
    // fields after timing: texts, the list ends with a trailing \x14 so the last field is empty.
    const texts = fields.slice(1).map((field) => decoder.decode(field)).filter((text, i, all) => !(i === all.length - 1 && text === ''));
    if (isFirstSignal && talIndex === 0) {
      result.recordStartS = onsetS;
      for (const text of texts) if (text !== '') result.annotations.push({ onsetS, durationS, text });
    } else {
      for (const text of texts) if (text !== '') result.annotations.push({ onsetS, durationS, text });
    }
    talIndex++;
    position = talEnd + 1;
  }
  return result;
}

function splitOn(bytes: Uint8Array, separator: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === separator) {
      parts.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  parts.push(bytes.subarray(start));
  return parts;
}

/** Encodes TALs into one annotation signal's bytes for one record (for the EDF+ writer). */
export function encodeTals(recordStartS: number | null, annotations: readonly EdfAnnotation[], byteLength: number): Uint8Array {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const time = (seconds: number) => (seconds < 0 ? '-' : '+') + formatSeconds(Math.abs(seconds));
  if (recordStartS !== null) chunks.push(encoder.encode(`${time(recordStartS)}\x14\x14\x00`));
  for (const annotation of annotations) {
    const duration = annotation.durationS > 0 ? `\x15${formatSeconds(annotation.durationS)}` : '';
    chunks.push(encoder.encode(`${time(annotation.onsetS)}${duration}\x14${annotation.text}\x14\x00`));
  }
  const total = chunks.reduce((n, chunk) => n + chunk.length, 0);
  if (total > byteLength) throw new RangeError(`annotations need ${total} bytes but the record holds ${byteLength}`);
  const out = new Uint8Array(byteLength);
  let p = 0;
  for (const chunk of chunks) {
    out.set(chunk, p);
    p += chunk.length;
  }
  return out;
}

/** Seconds without exponent notation and without float noise (EDF+ allows any decimal). */
function formatSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(7)));
}
