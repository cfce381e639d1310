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
/** Control bytes other than tab, LF and CR have no place in annotation text (EDFbrowser agrees). */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const decoder = new TextDecoder('utf-8');

/**
 * Parses the bytes of one annotation signal in one data record, checking its syntax (EDF+ spec
 * 2.2.2): every TAL is `±onset[\x15duration]\x14[text\x14]…\x00`, and the bytes after the last TAL
 * are all 0x00. `isFirstSignal`: this is the first annotation signal, whose first TAL keeps time
 * (`+t\x14\x14`, an empty first text). `where` names the record and the signal's file offset for
 * error messages, which never quote the bytes (annotation text may name the patient).
 */
export function parseTals(
  bytes: Uint8Array,
  isFirstSignal: boolean,
  file: string,
  where: { record: number; byteOffset: number },
): ParsedTals {
  const result: ParsedTals = { recordStartS: null, annotations: [] };
  const fail = (at: number, problem: string): never => {
    throw new FormatError(file, `${problem} in data record ${where.record + 1}`, 'EDF+ annotation (TAL)', where.byteOffset + at);
  };
  let position = 0;
  let talIndex = 0;
  while (position < bytes.length && bytes[position] !== 0) {
    const talEnd = bytes.indexOf(0, position);
    if (talEnd < 0) fail(position, 'a TAL runs to the end of the annotation signal without its closing 0x00 byte');
    if (bytes[talEnd - 1] !== 0x14) fail(talEnd, 'a TAL does not end with 0x14 before its 0x00 byte');
    // Timing, then the texts; the TAL's last 0x14 closes the last text.
    const fields = splitOn(bytes.subarray(position, talEnd - 1), 0x14);
    const timing = splitOn(fields[0]!, 0x15);
    if (timing.length > 2) fail(position, 'a TAL has more than one duration (0x15)');
    const onsetText = latin1(timing[0]!);
    const durationText = timing.length === 2 ? latin1(timing[1]!) : '';
    if (!ONSET.test(onsetText)) fail(position, 'a TAL onset is not +seconds or -seconds');
    if (timing.length === 2 && !DURATION.test(durationText)) fail(position, 'a TAL duration is not a number of seconds');
    const onsetS = Number(onsetText);
    const durationS = durationText ? Number(durationText) : 0;
    if (!Number.isFinite(onsetS) || !Number.isFinite(durationS)) fail(position, 'a TAL onset or duration is too large to be finite');
    const texts = fields.slice(1).map((field) => decoder.decode(field));
    if (texts.some((text) => CONTROL.test(text))) fail(position, 'annotation text holds a control byte (TAL separators out of place?)');
    let first = 0;
    if (isFirstSignal && talIndex === 0 && texts[0] === '') {
      result.recordStartS = onsetS;
      first = 1;
    }
    for (const text of texts.slice(first)) if (text !== '') result.annotations.push({ onsetS, durationS, text });
    talIndex++;
    position = talEnd + 1;
  }
  // The unused rest of the signal is 0x00: anything else is a TAL lost after a stray 0x00, or damage.
  for (let i = position; i < bytes.length; i++) {
    if (bytes[i] !== 0) fail(i, 'a non-zero byte after the last TAL (the unused bytes of an annotation signal are 0x00)');
  }
  return result;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
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
