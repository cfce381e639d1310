/**
 * Plain-text spike times (the nitime grasshopper files): `#` comment lines, then one spike time per
 * line (one unit), or two numbers per line `<unit id> <time>` (several units). The time unit is
 * rarely written down, so it is taken, in this order, from a token of the file name (`_us`, `_ms`,
 * `_s`), from a comment that names the spike times' unit (`# spike times (ms)`, `# unit: us`), else
 * seconds; the warnings always say which unit was used and why.
 *
 * A stimulus beside the file (`…stimulus1.txt` for `…spike_times1….txt`, as nitime ships them:
 * `time value` rows) is read as a continuous stimulus on the same clock.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { medianStep } from '../calcium/recording.js';
import { makeSpikeTrains } from './trains.js';
import type { ReadSpikes, SpikeStimulus } from './types.js';

export interface TimeUnit {
  name: 's' | 'ms' | 'µs';
  /** Values per second (1e6 for µs): dividing is exact where multiplying by 1e-6 is not (6700 µs → 0.0067 s). */
  perSecond: number;
  why: string;
}

const UNITS: Record<string, TimeUnit['name']> = {
  us: 'µs', usec: 'µs', 'µs': 'µs', micros: 'µs', microsec: 'µs', microsecond: 'µs', microseconds: 'µs',
  ms: 'ms', msec: 'ms', millisec: 'ms', millisecond: 'ms', milliseconds: 'ms',
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
};
const SCALE: Record<TimeUnit['name'], number> = { s: 1, ms: 1e3, 'µs': 1e6 };

/** The unit of the spike times, from the file name or a comment naming it; seconds otherwise. */
export function detectTimeUnit(file: string, comments: readonly string[]): TimeUnit {
  const stem = basename(file).replace(/\.[^.]*$/, '').toLowerCase();
  const tokens = stem.split(/[_\-. ]+/);
  for (const token of tokens.slice(1).reverse()) {
    const unit = UNITS[token];
    if (unit) return { name: unit, perSecond: SCALE[unit], why: `from "_${token}" in the file name` };
  }
  for (const comment of comments) {
    // Only a comment about the spike times themselves: "stimulus length (msec)" says nothing about them.
    const about = /\b(spike|spikes|spike[_ ]times?|time[_ ]unit|units?)\b/i.test(comment);
    const match = /(?:\(|\[|:|=|\bin\s)\s*(us|usec|µs|microseconds?|ms|msec|milliseconds?|s|sec|seconds?)\s*(?:\)|\]|$)/i.exec(comment);
    if (about && match) {
      const unit = UNITS[match[1]!.toLowerCase()]!;
      return { name: unit, perSecond: SCALE[unit], why: `from the comment "${comment.trim()}"` };
    }
  }
  return { name: 's', perSecond: 1, why: 'not stated in the file name or comments; seconds assumed' };
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

interface TextRows {
  comments: string[];
  /** Numbers per data row (1 or 2 columns). */
  rows: number[][];
  lines: number[];
}

/** Splits a text of numbers; a FormatError naming the line for anything that is not one. */
function parseRows(file: string, text: string, maxColumns: number): TextRows {
  if (text.includes('\0')) throw new FormatError(file, 'not a text file of spike times (binary data)');
  const comments: string[] = [];
  const rows: number[][] = [];
  const lines: number[] = [];
  text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#') || line.startsWith('%')) {
      comments.push(line.replace(/^[#%]+\s*/, ''));
      return;
    }
    const fields = line.split(/[\s,;]+/);
    const values = fields.map(Number);
    // Plain decimals only (`0x10`, `1,5` or `١` are not times); NaN and Inf parse, to be refused by name below.
    if (fields.length > maxColumns || fields.some((field) => !DECIMAL.test(field) && !/^[-+]?(nan|inf|infinity)$/i.test(field))) {
      throw new FormatError(file, `line ${index + 1} "${line.slice(0, 60)}" is not ${maxColumns === 1 ? 'a number' : `1 to ${maxColumns} numbers`}`, `line ${index + 1}`);
    }
    rows.push(values);
    lines.push(index + 1);
  });
  return { comments, rows, lines };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw fileAccessError(file, error);
  }
}

/** Data lines the sniff looks at: a damaged line further down is the reader's to report, by its number. */
const SNIFF_LINES = 20;

/**
 * Cheap content check on the first bytes: ≥ 2 data lines (of the first SNIFF_LINES) of one number
 * ≥ 0, ascending unless a comment says these are spikes (then the reader sorts, with a warning),
 * or `<unit id> <time>` rows whose ids repeat (a `time value` table's first column never does).
 */
export function looksLikeSpikeTimesText(head: string, complete: boolean): boolean {
  if (head.includes('\0')) return false;
  const lines = head.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (!complete) lines.pop(); // may be cut
  const trimmed = lines.map((l) => l.trim());
  const saysSpikes = trimmed.some((l) => l.startsWith('#') && /spike/i.test(l));
  const data = trimmed.filter((l) => l !== '' && !l.startsWith('#')).slice(0, SNIFF_LINES);
  if (data.length < 2) return false;
  const fields = data.map((l) => l.split(/[\s,;]+/));
  if (fields.some((row) => row.some((field) => !DECIMAL.test(field)))) return false;
  const rows = fields.map((row) => row.map(Number));
  const width = rows[0]!.length;
  if (width !== 1 && width !== 2) return false;
  if (!rows.every((r) => r.length === width && r.every((v) => Number.isFinite(v) && v >= 0))) return false;
  if (width === 2) return rows.every((r) => Number.isInteger(r[0])) && new Set(rows.map((r) => r[0])).size < rows.length;
  if (saysSpikes) return true;
  for (let i = 1; i < rows.length; i++) if (rows[i]![0]! < rows[i - 1]![0]!) return false;
  return true;
}

/** `nitime_grasshopper_spike_times1_us.txt` → `nitime_grasshopper_stimulus1.txt` beside it, if there. */
export function stimulusBeside(file: string): string | null {
  const name = basename(file);
  if (!/spike[_-]?times/i.test(name)) return null;
  const folder = dirname(file);
  const wanted = name.replace(/spike[_-]?times/i, 'stimulus').replace(/[_-](us|usec|ms|msec|s|sec)(?=\.[^.]*$)/i, '').toLowerCase();
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return null;
  }
  const found = names.find((candidate) => candidate.toLowerCase() === wanted || candidate.toLowerCase().replace(/[_-](us|usec|ms|msec|s|sec)(?=\.[^.]*$)/i, '') === wanted);
  return found && statSync(join(folder, found)).isFile() ? join(folder, found) : null;
}

/** A `time value` table as a regularly sampled stimulus (time in `unit`). */
async function readStimulus(file: string, unit: TimeUnit): Promise<SpikeStimulus> {
  const { rows, lines } = parseRows(file, await readText(file), 2);
  if (rows.length < 2 || rows.some((r) => r.length !== 2)) throw new FormatError(file, 'a stimulus must be rows of "<time> <value>"', 'rows');
  const times = rows.map((r) => r[0]! / unit.perSecond);
  rows.forEach((r, i) => {
    if (!Number.isFinite(r[0]!)) throw new FormatError(file, `time is ${r[0]}`, `line ${lines[i]}`);
  });
  const step = medianStep(times);
  if (!step) throw new FormatError(file, 'stimulus times do not increase', 'time');
  return { name: basename(file).replace(/\.[^.]*$/, ''), source: basename(file), startS: times[0]!, rateHz: 1 / step, values: Float32Array.from(rows, (r) => r[1]!) };
}

export async function readSpikeTimesText(file: string): Promise<ReadSpikes> {
  const { comments, rows, lines } = parseRows(file, await readText(file), 2);
  if (rows.length === 0) throw new FormatError(file, 'no spike times (only comments or blank lines)');
  const width = rows[0]!.length;
  const bad = rows.findIndex((r) => r.length !== width);
  if (bad >= 0) throw new FormatError(file, `line ${lines[bad]} has ${rows[bad]!.length} numbers where the first data line has ${width}`, `line ${lines[bad]}`);
  rows.forEach((r, i) => {
    if (r.some((v) => !Number.isFinite(v))) throw new FormatError(file, `line ${lines[i]}: ${r.join(' ')} is not a finite time`, `line ${lines[i]}`);
  });
  const unit = detectTimeUnit(file, comments);
  const warnings = [`times read in ${unit.name} (${unit.why})`];
  let unitIds: string[];
  let times: Float64Array[];
  if (width === 1) {
    unitIds = ['1'];
    times = [Float64Array.from(rows, (r) => r[0]! / unit.perSecond)];
  } else {
    const byId = new Map<number, number[]>();
    rows.forEach(([id, t], i) => {
      if (!Number.isInteger(id)) throw new FormatError(file, `unit id ${id} is not an integer`, `line ${lines[i]}`);
      byId.set(id!, [...(byId.get(id!) ?? []), t! / unit.perSecond]);
    });
    const ids = [...byId.keys()].sort((a, b) => a - b);
    unitIds = ids.map(String);
    times = ids.map((id) => Float64Array.from(byId.get(id)!));
  }
  const stimuli: SpikeStimulus[] = [];
  const notes = [`${rows.length} spike times in ${unit.name}${width === 2 ? ` of ${unitIds.length} units` : ''}`];
  const stimulusFile = stimulusBeside(file);
  if (stimulusFile && existsSync(stimulusFile)) {
    try {
      const stimulus = await readStimulus(stimulusFile, unit);
      stimuli.push(stimulus);
      notes.push(`stimulus ${stimulus.source} (${stimulus.values.length} samples at ${Math.round(stimulus.rateHz)} Hz, time in ${unit.name})`);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      warnings.push(`stimulus beside the spikes not read: ${error.message}`);
    }
  }
  return makeSpikeTrains({ source: file, format: 'spike-times-text', times, unitIds, stimuli, warnings, description: notes.join('; '), field: 'spike times' });
}
