/**
 * Single-column ASCII signals: one number per line, as the Bonn collection and most lab exports
 * write a segment. Shared by the Bonn and labels.csv readers so both refuse a bad line alike.
 *
 * Accepted: LF or CRLF line ends, spaces or tabs around a number, blank lines at the end of the
 * file (editors add them). Refused, naming the file and the 1-based line: an empty file, a blank
 * line between samples (a lost sample would shift every later one), anything that is not one finite
 * number (two columns, text, NaN, Infinity), and with `integers` a number with a fraction.
 */
import { readFileSync } from 'node:fs';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { assertReadableSource } from '../source-file.js';

export interface AsciiColumnOptions {
  /** Refuse numbers with a fraction or exponent (Bonn files hold the A/D converter's integers). */
  integers?: boolean;
  /** Refuse a file with another sample count. */
  expectedSamples?: number;
}

const INTEGER = /^[+-]?\d+$/;
// A decimal number as people and programs write it; no hex, no "Infinity", no "NaN".
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Reads a file of one number per line into float32 samples. */
export function readAsciiColumn(file: string, options: AsciiColumnOptions = {}): Float32Array {
  let text: string;
  try {
    assertReadableSource(file);
    text = readFileSync(file, 'latin1');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fileAccessError(file, error);
  }
  return parseAsciiColumn(text, file, options);
}

/** Parses the text of a one-number-per-line file (`file` names it in errors). */
export function parseAsciiColumn(text: string, file: string, options: AsciiColumnOptions = {}): Float32Array {
  const lines = text.split('\n');
  // Blank lines at the end are padding; the last sample is on the last non-blank line.
  let count = lines.length;
  while (count > 0 && lines[count - 1]!.trim() === '') count--;
  if (count === 0) throw new FormatError(file, 'the file is empty: expected one sample per line');
  if (options.expectedSamples !== undefined && count !== options.expectedSamples) {
    throw new FormatError(file, `has ${count} sample lines, expected ${options.expectedSamples}${count < options.expectedSamples ? ' (truncated?)' : ''}`);
  }
  const pattern = options.integers ? INTEGER : DECIMAL;
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const cell = lines[i]!.trim();
    if (!pattern.test(cell)) {
      const what = cell === '' ? 'an empty line' : `"${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}"`;
      throw new FormatError(file, `line ${i + 1}: expected ${options.integers ? 'one integer sample' : 'one number'}, found ${what}`);
    }
    samples[i] = Number(cell);
    if (!Number.isFinite(samples[i]!)) throw new FormatError(file, `line ${i + 1}: ${cell} is outside the float32 range samples are kept in`);
  }
  return samples;
}
