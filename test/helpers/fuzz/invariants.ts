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
import { strictEdges, strictGifti, strictMat, strictMz3, strictNifti, strictNodes } from './strict-brain.js';

export const CASE_CLASSES = ['clear-error', 'accepted-correctly', 'silently-wrong', 'refused-valid', 'unclear-error', 'crash', 'hang', 'memory'] as const;
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

// ---------------------------------------------------------------------------------------------
// Brain readers (issue #18)

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
const sameList = (a: readonly number[] | null, b: readonly number[]): boolean => !!a && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * NIfTI: dims positive whole numbers, as the file states them; voxel counts = product of dims
 * (volume 0 = product of the spatial three); a finite affine; a TR finite and positive or null;
 * integer voxels without scaling never NaN. NaN voxels in float images are accepted (NaN-filled
 * and NaN-masked maps are real): their count is in the summary. And what strictNifti finds.
 */
function niftiProblems(summary: Summary, context: CaseContext): Violation[] {
  const strict = strictNifti(context.path);
  const out: Violation[] = [...strict.violations];
  const problem = (text: string): void => void out.push({ problem: text });
  const dims = summary['dims'] as number[];
  if (!dims.length || !dims.every((d) => Number.isSafeInteger(d) && d >= 1)) problem(`dims ${dims.join('×')}`);
  if (!strict.violations.length && !sameList(strict.dims, dims)) problem(`dims ${dims.join('×')} read, the file states ${strict.dims?.join('×')}`);
  if (strict.datatype !== null && summary['datatypeCode'] !== strict.datatype) problem(`datatype ${String(summary['datatypeCode'])} read, the file states ${strict.datatype}`);
  const spatial = summary['spatialDims'] as number[];
  if (product(spatial) * (summary['volumeCount'] as number) !== product(dims)) problem(`${spatial.join('×')} × ${String(summary['volumeCount'])} volumes for dims ${dims.join('×')}`);
  if (summary['firstLength'] !== product(spatial)) problem(`volume 0 holds ${String(summary['firstLength'])} values for ${product(spatial)} voxels`);
  if (summary['allLength'] !== null && summary['allLength'] !== product(dims)) problem(`the image holds ${String(summary['allLength'])} values for dims ${dims.join('×')}`);
  if (summary['lastLength'] !== null && summary['lastLength'] !== product(spatial)) problem(`the last volume holds ${String(summary['lastLength'])} values`);
  const affine = summary['affine'] as number[];
  if (affine.length !== 16 || !affine.every(Number.isFinite)) problem(`affine [${affine.join(', ')}]`);
  const tr = summary['trS'];
  if (tr !== null && !(finite(tr) && tr > 0)) problem(`TR ${String(tr)}`);
  if (strict.integerUnscaled && summary['nonFinite']) problem(`${String(summary['nonFinite'])} non-finite values from integer voxels without scaling`);
  if (summary['sniffed'] !== true) problem('read as NIfTI, but looksLikeNifti says it is not (the import would not offer it)');
  return out;
}

/**
 * GIfTI: every array holds Dim0×… values; a surface's faces name existing vertices; label keys
 * whole; and what strictGifti finds. Vertex coordinates need not be finite (nibabel and the format
 * allow NaN; a BigEndian flag on little-endian data yields some): the summary counts them.
 */
function giftiProblems(summary: Summary, context: CaseContext): Violation[] {
  const strict = strictGifti(context.path);
  const out: Violation[] = [...strict.violations];
  const problem = (text: string): void => void out.push({ problem: text });
  const arrays = summary['arrays'] as Summary[];
  arrays.forEach((a, k) => {
    const dims = a['dims'] as number[];
    if (a['length'] !== product(dims)) problem(`DataArray ${k}: ${String(a['length'])} values for ${dims.join('×')}`);
    if (a['transformFinite'] === false) problem(`DataArray ${k}: a non-finite transform`);
  });
  if (strict.arrays && !strict.violations.length) {
    if (strict.arrays.length !== arrays.length) problem(`${arrays.length} arrays read, the file has ${strict.arrays.length}`);
    else strict.arrays.forEach((dims, k) => !sameList(dims, arrays[k]!['dims'] as number[]) && problem(`DataArray ${k}: dims ${(arrays[k]!['dims'] as number[]).join('×')} read, the file states ${dims.join('×')}`));
  }
  const mesh = summary['mesh'] as Summary | null;
  if (mesh) {
    const vertexCount = mesh['vertexCount'] as number;
    if (!Number.isInteger(vertexCount) || vertexCount < 1) problem(`${String(vertexCount)} vertices`);
    if ((mesh['facesLength'] as number) % 3 !== 0) problem(`${String(mesh['facesLength'])} face indices, not triangles`);
    if ((mesh['maxFace'] as number) >= vertexCount) problem(`a face names vertex ${String(mesh['maxFace'])} of ${vertexCount}`);
  }
  const labels = summary['labels'] as Summary;
  if (labels['badKeys']) problem(`${String(labels['badKeys'])} label keys not whole numbers`);
  if (summary['sniffed'] !== true) problem('read as GIfTI, but looksLikeGifti says it is not');
  return out;
}

/** mz3: sections of the sizes the header states, faces below the vertex count; and what strictMz3 finds. */
function mz3Problems(summary: Summary, context: CaseContext): Violation[] {
  const strict = strictMz3(context.path);
  const out: Violation[] = [...strict.violations];
  const problem = (text: string): void => void out.push({ problem: text });
  const vertices = (summary['verticesLength'] as number) / 3;
  if (!Number.isInteger(vertices)) problem(`${String(summary['verticesLength'])} vertex coordinates`);
  if ((summary['facesLength'] as number) % 3 !== 0) problem(`${String(summary['facesLength'])} face indices`);
  if ((summary['maxFace'] as number) >= vertices) problem(`a face names vertex ${String(summary['maxFace'])} of ${vertices}`);
  if (strict.vertexCount !== null && !strict.violations.length && (vertices !== strict.vertexCount || (summary['facesLength'] as number) !== 3 * (strict.faceCount ?? 0))) {
    problem(`${vertices} vertices, ${(summary['facesLength'] as number) / 3} faces read; the header states ${strict.vertexCount}, ${strict.faceCount}`);
  }
  const colours = summary['coloursLength'];
  if (colours !== null && colours !== vertices * 4) problem(`${String(colours)} colour bytes for ${vertices} vertices`);
  const scalars = summary['scalarsLength'];
  if (scalars !== null && (scalars === 0 || (scalars as number) % vertices !== 0)) problem(`${String(scalars)} scalars for ${vertices} vertices`);
  if (summary['sniffed'] !== true) problem('read as mz3, but looksLikeMz3 says it is not');
  return out;
}

/** .mat: every numeric/logical array holds the product of its dims; a series is R × T (T ≥ 2), finite; and what strictMat finds. */
function matProblems(summary: Summary, context: CaseContext, strict = true): Violation[] {
  const out: Violation[] = strict ? [...strictMat(context.path).violations] : [];
  const problem = (text: string): void => void out.push({ problem: text });
  for (const v of summary['variables'] as Summary[]) {
    if (!(v['dims'] as number[]).every((d) => Number.isSafeInteger(d) && d >= 0)) problem(`${String(v['name'])}: dims ${(v['dims'] as number[]).join('×')}`);
    if (v['length'] !== -1 && v['length'] !== v['expected']) problem(`${String(v['name'])} (${String(v['type'])}): ${String(v['length'])} values for ${(v['dims'] as number[]).join('×')}`);
  }
  const series = summary['series'] as Summary | null;
  if (series) {
    const [r, t] = [series['regionCount'] as number, series['timepoints'] as number];
    if (!(Number.isInteger(r) && r >= 1 && Number.isInteger(t) && t >= 2)) problem(`series ${r} regions × ${t} time points`);
    if (series['length'] !== r * t) problem(`series holds ${String(series['length'])} values for ${r} × ${t}`);
    if (series['nonFinite']) problem(`${String(series['nonFinite'])} series values not finite`);
    if (series['names'] !== null && series['names'] !== r) problem(`${String(series['names'])} region names for ${r} regions`);
    if (series['trS'] !== null && !(finite(series['trS']) && (series['trS'] as number) > 0)) problem(`TR ${String(series['trS'])}`);
  }
  // looksLikeMat is not checked: it also wants the header text to start "MATLAB", which readMat
  // (like scipy's loadmat) does not need; readRoiSeries reads a .mat by its extension.
  return out;
}

/** Nodes: finite coordinates, colour and size, as many as the file's node lines; edges: n × n, non-finite only where written; and the strict readings. */
function brainGraphProblems(summary: Summary, context: CaseContext): Violation[] {
  const out: Violation[] = [];
  const problem = (text: string): void => void out.push({ problem: text });
  const edges = summary['edges'] as Summary | undefined;
  if (edges) {
    const strict = strictEdges(context.path);
    out.push(...strict.violations);
    const n = edges['nodeCount'] as number;
    if (edges['length'] !== n * n) problem(`${String(edges['length'])} weights for ${n} nodes`);
    if (!strict.violations.length && n !== strict.n) problem(`${n} nodes read, the file has ${strict.n} rows`);
    if (!strict.violations.length && edges['nonFinite'] !== strict.nonFinite) problem(`${String(edges['nonFinite'])} non-finite weights read, the file writes ${strict.nonFinite}`);
    return out;
  }
  const nodes = summary['nodes'] as Summary;
  const strict = strictNodes(context.path);
  out.push(...strict.violations);
  if (nodes['nonFinite']) problem(`${String(nodes['nonFinite'])} nodes with a non-finite number`);
  if (!strict.violations.length && nodes['count'] !== strict.count) problem(`${String(nodes['count'])} nodes read, the file has ${strict.count}`);
  return out;
}

/** Label files: whole positive indices, each once, with names. */
function atlasLabelProblems(summary: Summary): Violation[] {
  const out: Violation[] = [];
  const problem = (text: string): void => void out.push({ problem: text });
  if (!((summary['count'] as number) >= 1)) problem('no labels');
  if (summary['distinct'] !== summary['count']) problem(`${String(summary['count'])} labels with ${String(summary['distinct'])} distinct indices`);
  if (summary['badIndices']) problem(`${String(summary['badIndices'])} indices not whole numbers ≥ 1`);
  if (summary['emptyNames']) problem(`${String(summary['emptyNames'])} empty names`);
  if (summary['badColours']) problem(`${String(summary['badColours'])} non-finite colours`);
  return out;
}

/**
 * Cohorts: at least 2 subjects, ids unique, one series per subject, every series with the cohort's
 * region count, its time points within the stated range, finite; each subject's file in the folder
 * with exactly one row in the table (strict: its first column, SUB_ID); every subject file a whole
 * .mat (strictMat); a diagnosis other than ASD/control only with a warning.
 */
function cohortProblems(summary: Summary, warnings: readonly string[], context: CaseContext): Violation[] {
  const out: Violation[] = [];
  const problem = (text: string, flag?: string): void => void out.push({ problem: text, ...(flag ? { flag } : {}) });
  const subjects = summary['subjects'] as Summary[];
  const series = summary['series'] as Summary[];
  const regions = summary['regionCount'] as number;
  if (subjects.length < 2) problem(`${subjects.length} subjects`);
  if (new Set(subjects.map((s) => s['id'])).size !== subjects.length) problem('a subject id twice');
  if (series.length !== subjects.length) problem(`${series.length} series for ${subjects.length} subjects`);
  for (const s of series) {
    const t = s['timepoints'] as number;
    if (s['regionCount'] !== regions) problem(`${String(s['file'])}: ${String(s['regionCount'])} regions in a cohort of ${regions}`);
    if (s['length'] !== (s['regionCount'] as number) * t) problem(`${String(s['file'])}: ${String(s['length'])} values`);
    if (!(t >= (summary['timepointsMin'] as number) && t <= (summary['timepointsMax'] as number))) problem(`${String(s['file'])}: ${t} time points outside the stated range`);
    if (s['nonFinite']) problem(`${String(s['file'])}: ${String(s['nonFinite'])} values not finite`);
  }
  for (const s of subjects) {
    if (!['ASD', 'control'].includes(s['diagnosis'] as string)) problem(`subject ${String(s['id'])}: diagnosis ${String(s['diagnosis'])}`, 'DX_GROUP');
    if (!existsSync(s['file'] as string)) problem(`subject ${String(s['id'])}: ${String(s['file'])} does not exist`);
  }
  const table = join(context.path, 'labels_100.csv');
  const rows = existsSync(table)
    ? readFileSync(table, 'utf8')
        .split(/\r\n|\n|\r/)
        .filter((line) => line.trim() !== '')
        .slice(1)
        .map((line) => line.split(',')[0]!.trim())
    : [];
  const functional = join(context.path, 'Functional');
  for (const name of existsSync(functional) ? readdirSync(functional).filter((n) => n.endsWith('.mat')) : []) {
    const stem = name.replace(/\.mat$/, '');
    const matches = rows.filter((cell) => cell === stem || (cell !== '' && Number(cell) === Number(stem))).length;
    if (matches !== 1) problem(`${name} has ${matches} rows in labels_100.csv (by SUB_ID)`);
    out.push(...strictMat(join(functional, name)).violations.map((v) => ({ problem: `${name}: ${v.problem}` })));
  }
  void warnings;
  return out;
}

/** ROI series CSV: the series invariants of the .mat kind, and the shape strictCsvMatrix reads (either orientation). */
function roiCsvProblems(summary: Summary, context: CaseContext): Violation[] {
  const out = matProblems(summary, { ...context, path: '' }, false);
  const strict = strictCsvMatrix(readFileSync(context.path, 'utf8'));
  out.push(...strict.violations);
  const series = summary['series'] as Summary;
  const [r, t] = [series['regionCount'] as number, series['timepoints'] as number];
  if (!strict.violations.length && !((r === strict.width && t === strict.rows) || (r === strict.rows && t === strict.width))) {
    out.push({ problem: `${r} regions × ${t} time points read, the file holds ${strict.rows} rows × ${strict.width} values` });
  }
  return out;
}

/**
 * Spike trains: finite, ascending times in every unit and event set, a span that holds them, one id
 * and one cell type per unit, and the import's counts equal to the reader's. A text file with no
 * damage strictly visible (every data line one number) reads as that many spikes.
 */
function spikesProblems(summary: Summary, context: CaseContext): Violation[] {
  const out: Violation[] = [];
  const problem = (text: string): void => void out.push({ problem: text });
  for (const p of inspectProblems(summary['inspect'], false)) problem(p);
  const counts = summary['counts'] as number[];
  if (counts.length < 1) problem('no units');
  if (summary['unitIds'] !== counts.length || summary['cellTypes'] !== counts.length) problem(`${counts.length} units, ${String(summary['unitIds'])} ids, ${String(summary['cellTypes'])} cell types`);
  if (summary['nonFinite']) problem(`${String(summary['nonFinite'])} spike times not finite`);
  if (summary['unsortedUnits']) problem(`${String(summary['unsortedUnits'])} units with times out of order`);
  const [start, end] = [summary['startS'], summary['endS']];
  if (!finite(start) || !finite(end) || start > end) problem(`span ${String(start)} … ${String(end)}`);
  for (const e of summary['events'] as Summary[]) {
    if (e['nonFinite']) problem(`${String(e['nonFinite'])} event times not finite`);
    if (e['unsorted']) problem('event times out of order');
  }
  const metadata = summary['metadata'] as Summary | null;
  const total = counts.reduce((a, b) => a + b, 0);
  if (!metadata) problem('no spikes metadata in the import');
  else if (metadata['unitCount'] !== counts.length || metadata['spikeCount'] !== total) problem(`import says ${String(metadata['unitCount'])} units / ${String(metadata['spikeCount'])} spikes, reader ${counts.length} / ${total}`);
  if (context.kind === 'spikes-text') {
    const lines = readFileSync(context.path, 'utf8').split(/\r\n|\n|\r/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    if (lines.every((l) => /^[0-9.eE+-]+$/.test(l) && Number.isFinite(Number(l))) && lines.length !== total) problem(`${total} spikes read, the file has ${lines.length} time lines`);
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
    case 'nifti':
    case 'nifti-gz':
      violations = niftiProblems(summary, context);
      break;
    case 'gifti':
      violations = giftiProblems(summary, context);
      break;
    case 'mz3':
      violations = mz3Problems(summary, context);
      break;
    case 'mat':
      violations = matProblems(summary, context);
      break;
    case 'brainnet':
    case 'coords':
      violations = brainGraphProblems(summary, context);
      break;
    case 'atlas-labels':
      violations = atlasLabelProblems(summary);
      break;
    case 'cohort':
      violations = cohortProblems(summary, warnings, context);
      break;
    case 'roi-csv':
      violations = roiCsvProblems(summary, context);
      break;
    case 'spikes-npy':
    case 'spikes-nwb':
    case 'spikes-text':
      violations = spikesProblems(summary, context);
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
      if (why) return { cls: 'unclear-error', reason: why };
      const valid = context.mutation.oracle?.accept;
      return valid ? { cls: 'refused-valid', reason: `refused although ${valid}: ${result.message.slice(0, 200)}` } : { cls: 'clear-error', reason: '' };
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
