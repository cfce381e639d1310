/**
 * Judges one fuzz case. An error is clear when it is a user error (the CLI's exit 1) in one line that
 * names the file and what is wrong in it, with nothing else printed; an accepted file is correct
 * when its summary passes the reader's invariants (finite durations, rates, values; counts that
 * agree; parents that exist…) and the strict reading in strict.ts finds nothing the reader should
 * have refused or warned about. Everything else is counted by what went wrong.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Mutation } from './mutate.js';
import type { CaseResult } from './run-case.js';
import { strictCsvMatrix, strictEdf, strictSuite2p, strictSwc, type Violation } from './strict.js';

export const CASE_CLASSES = ['clear-error', 'accepted-correctly', 'silently-wrong', 'unclear-error', 'crash', 'hang', 'memory'] as const;
export type CaseClass = (typeof CASE_CLASSES)[number];

export interface Verdict {
  cls: CaseClass;
  /** Why, for every class but the two good ones. */
  reason: string;
}

export interface CaseContext {
  kind: string;
  /** The path the reader opened (file or folder). */
  path: string;
  /** The case's folder: every file of the case lies in it. */
  caseDir: string;
  mutation: Mutation;
}

type Summary = Record<string, unknown>;

/** Messages that give away a bug rather than describe the file (and stack or library output). */
const UNCLEAR: readonly [RegExp, string][] = [
  [/^internal error/i, 'an internal error (CLI exit 2), not a user error'],
  [/Cannot read propert|of undefined|of null\b|is not a function|is not iterable|is not a constructor/i, 'a JavaScript bug message'],
  [/Maximum call stack/i, 'a stack overflow'],
  [/Invalid (typed )?array length|Array buffer allocation failed|Invalid string length/i, 'an allocation failure'],
  [/\n\s+at /, 'a stack trace'],
  [/HDF5-DIAG|H5[A-Z]\w+\(\)/, 'HDF5 library diagnostics'],
  [/Aborted\(|RuntimeError: /, 'a wasm abort'],
  [/\[object \w+\]/, 'an object printed as [object …]'],
];

/** Stderr lines that are not the reader's business (Node's own notices). */
const BENIGN_STDERR = /^\(node:\d+\) (ExperimentalWarning|\[DEP0\d+\])|^\(Use `node --trace-(warnings|deprecation)/;

function fileNames(dir: string): string[] {
  const names = new Set<string>();
  const visit = (folder: string, depth: number): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      names.add(entry.name);
      if (entry.isDirectory() && depth < 2) visit(join(folder, entry.name), depth + 1);
    }
  };
  try {
    visit(dir, 0);
  } catch {
    // the folder may be partly gone (a mutation removed files): the names found so far do
  }
  return [...names].filter((name) => name.length >= 3);
}

/** Output on stderr during the case that a user would see besides the one error line. */
export function stderrNoise(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !BENIGN_STDERR.test(line));
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

function startsWithHdf5(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(8);
      return readSync(fd, head, 0, 8, 0) === 8 && head.equals(HDF5_SIGNATURE);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Null when `message` is a clear one-line error about the case's file, else why it is not. */
export function judgeError(message: string, userError: boolean, stderr: string, context: Pick<CaseContext, 'path' | 'caseDir'>): string | null {
  if (!userError) return `not a user error (exit 2): ${message.slice(0, 200)}`;
  for (const [pattern, what] of UNCLEAR) if (pattern.test(message)) return `${what}: ${message.slice(0, 200)}`;
  if (message.includes('\n')) return `several lines: ${message.slice(0, 200)}`;
  const names = [context.path, context.caseDir, basename(context.path), ...fileNames(context.caseDir)];
  const named = names.filter((name) => message.includes(name));
  if (!named.length) return `does not name the file: ${message.slice(0, 200)}`;
  let rest = message;
  for (const name of named.sort((a, b) => b.length - a.length)) rest = rest.split(name).join('');
  if (rest.replace(/[^A-Za-z]/g, '').length < 12) return `does not say what is wrong: ${message.slice(0, 200)}`;
  if (/unrecognised file format|not a calcium recording|not a volume this reader knows/i.test(message) && startsWithHdf5(context.path)) {
    return `calls a damaged HDF5 file an unknown format: ${message.slice(0, 160)}`;
  }
  const noise = stderrNoise(stderr);
  if (noise.length) return `${noise.length} more line(s) on stderr (${noise[0]!.slice(0, 120)}): ${message.slice(0, 120)}`;
  return null;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isRecord = (value: unknown): value is Summary => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What every import stores about a recording: numbers the Library shows and sorts by. */
function inspectProblems(inspect: unknown, requirePositiveDuration: boolean): string[] {
  if (!isRecord(inspect)) return ['no import summary'];
  const out: string[] = [];
  if (!finite(inspect['durationS']) || (inspect['durationS'] as number) < 0) out.push(`import duration ${String(inspect['durationS'])}`);
  else if (requirePositiveDuration && inspect['durationS'] === 0) out.push('import duration 0 for a recording with data');
  if (!finite(inspect['sampleRateHz']) || (inspect['sampleRateHz'] as number) < 0) out.push(`import sample rate ${String(inspect['sampleRateHz'])}`);
  if (!Number.isInteger(inspect['channelCount']) || (inspect['channelCount'] as number) < 0) out.push(`import channel count ${String(inspect['channelCount'])}`);
  return out;
}

const validIso = (text: unknown): boolean => {
  if (typeof text !== 'string') return false;
  const match = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)$/.exec(text);
  if (!match) return false;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return date.getUTCMonth() === mo! - 1 && date.getUTCDate() === d! && h! < 24 && mi! < 60 && s! < 60;
};

function edfProblems(summary: Summary, context: CaseContext): Violation[] {
  const out: Violation[] = strictEdf(readFileSync(context.path));
  const problem = (text: string): void => void out.push({ problem: text });
  const header = summary['header'] as Summary;
  const inspect = summary['inspect'] as Summary;
  const signals = header['signals'] as Summary[];
  const data = signals.filter((s) => !s['isAnnotation']);
  for (const p of inspectProblems(inspect, data.length > 0)) problem(p);
  if (inspect['channelCount'] !== data.length) problem(`channel count ${String(inspect['channelCount'])} but ${data.length} data signals`);
  const inspected = inspect['signals'] as Summary[];
  if (inspected.length !== signals.length) problem(`${inspected.length} signals imported of ${signals.length}`);
  inspected.forEach((s, i) => {
    if (!s['isAnnotation'] && !(finite(s['sampleRateHz']) && (s['sampleRateHz'] as number) > 0)) problem(`signal ${i + 1} sample rate ${String(s['sampleRateHz'])}`);
  });
  for (const rate of summary['dataSignalRates'] as number[]) if (!(finite(rate) && rate > 0)) problem(`reader sample rate ${rate}`);
  for (const s of data) if (!finite(s['gain']) || !finite(s['offset'])) problem(`signal ${String(s['label'])}: gain ${String(s['gain'])}, offset ${String(s['offset'])}`);
  const duration = header['dataRecordDurationS'];
  if (!finite(duration) || duration < 0 || (data.length > 0 && duration === 0)) problem(`record duration ${String(duration)}`);
  if (!finite(summary['readerDurationS'])) problem(`reader duration ${String(summary['readerDurationS'])}`);
  if (!Number.isInteger(header['dataRecordCount']) || (header['dataRecordCount'] as number) < 1) problem(`data records ${String(header['dataRecordCount'])}`);
  else if ((header['headerBytes'] as number) + (header['dataRecordCount'] as number) * (header['recordBytes'] as number) > statSync(context.path).size) {
    problem(`${String(header['dataRecordCount'])} records do not fit in the file`);
  }
  if (!validIso(header['startDateTime'])) problem(`start ${String(header['startDateTime'])}`);
  const annotations = summary['annotations'] as Summary;
  if (annotations['nonFiniteOnsets']) problem(`${String(annotations['nonFiniteOnsets'])} annotation onsets not finite`);
  if (annotations['nonFiniteDurations']) problem(`${String(annotations['nonFiniteDurations'])} annotation durations not finite`);
  if (annotations['negativeDurations']) problem(`${String(annotations['negativeDurations'])} negative annotation durations`);
  const pages = summary['pages'] as Summary;
  if (pages['nonFinite']) problem(`${String(pages['nonFinite'])} of ${String(pages['values'])} page values not finite`);
  return out;
}

function swcProblems(summary: Summary, context: CaseContext): Violation[] {
  const strict = strictSwc(readFileSync(context.path, 'utf8'));
  const out: Violation[] = [...strict.violations];
  const problem = (text: string): void => void out.push({ problem: text });
  const count = summary['count'] as number;
  if (!strict.violations.length) {
    if (count !== strict.ids.length) problem(`${count} samples read, the file has ${strict.ids.length} sample lines`);
    const ids = summary['ids'] as number[];
    const parents = summary['parentIds'] as number[];
    const byId = new Map(strict.ids.map((id, i) => [id, strict.parents[i]!]));
    ids.forEach((id, i) => {
      if (byId.get(id) !== parents[i]) problem(`sample ${id}: parent ${parents[i]} read, ${String(byId.get(id))} in the file`);
    });
  }
  if (summary['nodeCount'] !== count) problem(`import says ${String(summary['nodeCount'])} nodes, reader ${count}`);
  if (summary['nonFiniteCoordinates']) problem(`${String(summary['nonFiniteCoordinates'])} coordinates not finite`);
  if (summary['nonFiniteRadii']) problem(`${String(summary['nonFiniteRadii'])} radii not finite`);
  if (summary['badParents']) problem(`${String(summary['badParents'])} parents out of range or self`);
  const treeTotal = (summary['treeSizes'] as number[]).reduce((a, b) => a + b, 0);
  if (treeTotal !== count) problem(`trees hold ${treeTotal} of ${count} samples`);
  const soma = summary['soma'] as Summary;
  if (!finite(soma['radius']) || !finite(soma['surfaceArea'])) problem(`soma radius ${String(soma['radius'])}, area ${String(soma['surfaceArea'])}`);
  for (const [type, metrics] of Object.entries(summary['byType'] as Record<string, Summary>)) {
    for (const key of ['totalLength', 'totalArea', 'totalVolume']) if (!finite(metrics[key])) problem(`${type} ${key} ${String(metrics[key])}`);
  }
  for (const p of inspectProblems(summary['inspect'], false)) problem(p);
  return out;
}

function calciumProblems(summary: Summary, warnings: readonly string[], context: CaseContext): Violation[] {
  const out: Violation[] = [];
  const problem = (text: string, flag?: string): void => void out.push({ problem: text, ...(flag ? { flag } : {}) });
  const cells = summary['cellCount'] as number;
  const frames = summary['frameCount'] as number;
  if (!(Number.isInteger(cells) && cells >= 1 && Number.isInteger(frames) && frames >= 1)) problem(`${cells} cells × ${frames} frames`);
  const traces = summary['traces'] as Summary;
  if (traces['length'] !== cells * frames) problem(`traces hold ${String(traces['length'])} values for ${cells} × ${frames}`);
  if (traces['nonFinite']) problem(`${String(traces['nonFinite'])} trace values not finite`, 'non-finite|NaN');
  const neuropil = summary['neuropil'] as Summary | null;
  if (neuropil && neuropil['length'] !== cells * frames) problem(`neuropil holds ${String(neuropil['length'])} values`);
  if (neuropil?.['nonFinite']) problem(`${String(neuropil['nonFinite'])} neuropil values not finite`, 'non-finite|NaN');
  const rate = summary['frameRateHz'];
  if (rate !== null && !(finite(rate) && rate > 0)) problem(`frame rate ${String(rate)}`);
  const timestamps = summary['timestamps'] as Summary | null;
  if (timestamps && timestamps['length'] !== frames) problem(`${String(timestamps['length'])} timestamps for ${frames} frames`);
  if (timestamps?.['nonFinite']) problem(`${String(timestamps['nonFinite'])} timestamps not finite`, 'timestamp|time');
  if (summary['labels'] !== cells) problem(`${String(summary['labels'])} labels for ${cells} cells`);
  const positions = summary['positions'] as Summary | null;
  if (positions && (positions['length'] !== 3 * cells || positions['nonFinite'])) problem(`positions: ${String(positions['length'])} values, ${String(positions['nonFinite'])} not finite`);
  const isCell = summary['isCell'] as boolean[] | null;
  if (isCell && isCell.length !== cells) problem(`iscell has ${isCell.length} entries for ${cells} cells`);
  const assemblies = summary['assemblies'] as Summary | null;
  if (assemblies && (assemblies['count'] as number) > 0 && !((assemblies['min'] as number) >= 0 && (assemblies['max'] as number) < cells)) {
    problem(`assembly indices ${String(assemblies['min'])}..${String(assemblies['max'])} for ${cells} cells`);
  }
  for (const p of inspectProblems(summary['inspect'], false)) problem(p);

  if (context.kind === 'calcium-csv') {
    const strict = strictCsvMatrix(readFileSync(context.path, 'utf8'));
    out.push(...strict.violations);
    if (!strict.violations.length && (cells !== strict.rows || frames !== strict.width)) problem(`${cells} × ${frames} read, the file holds ${strict.rows} × ${strict.width}`);
    const prefix = context.path.replace(/_activity_matrix\.csv$/, '');
    if (!positions && existsSync(`${prefix}_cell_coordinates.csv`)) problem('the coordinates file was not used', 'coordinates');
    if (!assemblies && existsSync(`${prefix}_assembly_assignments.csv`)) problem('the assemblies file was not used', 'assembl');
  }
  if (context.kind === 'suite2p') {
    const strict = strictSuite2p(context.path);
    if (!strict) problem('F.npy is not a readable .npy');
    else {
      out.push(...strict.violations);
      if (!strict.violations.some((v) => !v.flag) && (cells !== strict.cells || frames !== strict.frames)) problem(`${cells} × ${frames} read, F.npy is ${strict.cells} × ${strict.frames}`);
    }
    if (rate === null && !warnings.some((w) => /frame rate/i.test(w))) problem('frame rate unknown without a warning');
  }
  return out;
}

function volumeProblems(summary: Summary): Violation[] {
  const out: Violation[] = [];
  const problem = (text: string): void => void out.push({ problem: text });
  for (const d of summary['datasets'] as Summary[]) {
    const name = `"${String(d['dataset'])}"`;
    const shape = d['shape'] as number[];
    if (!shape.length || !shape.every((n) => Number.isSafeInteger(n) && n > 0)) problem(`${name} shape [${shape.join(', ')}]`);
    const chunks = d['chunks'] as number[] | null;
    if (chunks && !chunks.every((n) => Number.isSafeInteger(n) && n > 0)) problem(`${name} chunks [${chunks.join(', ')}]`);
    for (const key of ['badBlocks', 'outOfBounds', 'dtypeMismatch', 'nonFinite']) if (d[key]) problem(`${name}: ${String(d[key])} ${key}`);
    if (d['fullRead'] && d['voxels'] !== d['expectedVoxels']) problem(`${name}: ${String(d['voxels'])} voxels read of ${String(d['expectedVoxels'])}`);
  }
  return out;
}

/** Problems with an accepted case; empty when it is correct. */
export function acceptedProblems(summary: Summary, warnings: readonly string[], context: CaseContext): string[] {
  let violations: Violation[];
  switch (context.kind) {
    case 'edf':
      violations = edfProblems(summary, context);
      break;
    case 'swc':
      violations = swcProblems(summary, context);
      break;
    case 'suite2p':
    case 'calcium-hdf5':
    case 'calcium-csv':
      violations = calciumProblems(summary, warnings, context);
      break;
    default:
      violations = volumeProblems(summary);
  }
  const warned = (pattern: string): boolean => warnings.some((w) => new RegExp(pattern, 'i').test(w));
  const problems = violations.filter((v) => !(v.flag && warned(v.flag))).map((v) => (v.flag ? `${v.problem}, without a warning` : v.problem));
  const { oracle } = context.mutation;
  if (oracle?.reject) problems.push(`accepted although ${oracle.reject}`);
  if (oracle?.flag && !warned(oracle.flag.warning)) problems.push(`accepted without a warning although ${oracle.flag.why}`);
  return [...new Set(problems)];
}

export function classify(result: CaseResult, context: CaseContext): Verdict {
  switch (result.outcome) {
    case 'hang':
      return { cls: 'hang', reason: `no answer in ${Math.round(result.elapsedMs / 1000)} s` };
    case 'memory':
      return { cls: 'memory', reason: result.rssBytes ? `resident memory ${(result.rssBytes / 1024 ** 3).toFixed(2)} GB` : `heap exhausted: ${stderrNoise(result.stderr).slice(-1)[0] ?? ''}` };
    case 'crash':
      return { cls: 'crash', reason: `${result.exit}: ${stderrNoise(result.stderr).slice(0, 3).join(' | ').slice(0, 300)}` };
    case 'error': {
      const why = judgeError(result.message, result.userError, result.stderr, context);
      return why ? { cls: 'unclear-error', reason: why } : { cls: 'clear-error', reason: '' };
    }
    case 'accepted': {
      let problems: string[];
      try {
        problems = acceptedProblems(result.summary, result.warnings, context);
      } catch (error) {
        problems = [`the summary could not be checked (${error instanceof Error ? error.message : String(error)})`];
      }
      return problems.length ? { cls: 'silently-wrong', reason: problems.slice(0, 3).join('; ') } : { cls: 'accepted-correctly', reason: '' };
    }
  }
}
