/**
 * Recognising brain text files without taking what calcium imaging's CSV sniff took before them.
 * Calcium's sniff claims any delimited table of numbers (cells × frames), and so would the ROI
 * series and edge-matrix readers; content alone cannot always tell them apart, so where both could
 * read a file the brain readers claim only what has their tell-tale shape, and the rest stays
 * calcium, as it was:
 * - an ROI series written as nilearn/nitime do (a header of region names, no name column, more
 *   time points than regions: rows ≫ columns, where calcium tables have frames ≫ cells), or an
 *   AFNI .1D file (space-separated columns: only by its .1D name, since EEG channels written as
 *   whitespace columns of numbers in .txt files look the same), or a .mat file whose series
 *   variable has at least two regions and two time points (a single EEG segment saved from
 *   MATLAB, 1024×1, is not an ROI series);
 * - an edge matrix that is symmetric (a connectivity matrix), or that calcium does not read.
 */
import { open } from 'node:fs/promises';
import { brainGraphFileKind, readBrainNetEdges } from '../atlas/index.js';
import { detectDelimiter, parseNumber, splitLine } from '../calcium/csv.js';
import { sniffCalcium } from '../calcium/sniff.js';
import { extname } from 'node:path';
import { looksLikeMat, readMat } from '../matlab/index.js';
import { looksLikeRoiSeries } from '../roi-series/index.js';
import { roiSeriesFromMat } from '../roi-series/mat.js';

const HEAD_BYTES = 64 * 1024;

/** The non-blank lines of the first 64 KiB (a line cut by the window dropped), or null for binary/unreadable. */
async function headLines(path: string): Promise<string[] | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      const bytes = buffer.subarray(0, bytesRead);
      if (bytes.includes(0)) return null;
      let text = bytes.toString('utf8').replace(/^\uFEFF/, '');
      if (bytesRead === HEAD_BYTES) text = text.slice(0, text.lastIndexOf('\n') + 1);
      return text.split(/\r\n|\n|\r/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/**
 * nilearn's `to_csv` / nitime's layout: a header of names over columns of numbers, with no name
 * column and more rows than columns (time × region).
 */
export function isTimeByRegionTable(lines: readonly string[]): boolean {
  const delimiter = detectDelimiter(lines[0] ?? '');
  if (!delimiter || lines.length < 3) return false;
  const header = splitLine(lines[0]!, delimiter).map((cell) => cell.trim());
  if (header.length < 2 || header.some((cell) => cell === '' || parseNumber(cell) !== undefined)) return false;
  const rows = lines.slice(1).map((line) => splitLine(line, delimiter));
  if (!rows.every((cells) => cells.length === header.length && cells.every((cell) => parseNumber(cell) !== undefined))) return false;
  return rows.length > header.length;
}

/** The .mat sniff: a series variable of at least 2 regions × 2 time points (module C parsed it once; files are small). */
async function matHoldsSeries(path: string): Promise<boolean> {
  try {
    const series = roiSeriesFromMat(await readMat(path), path);
    return series.regionCount >= 2 && series.timepoints >= 2;
  } catch {
    return false;
  }
}

export async function looksLikeRoiSeriesFile(path: string): Promise<boolean> {
  if (await looksLikeMat(path)) return (await looksLikeRoiSeries(path)) && matHoldsSeries(path);
  if (!(await looksLikeRoiSeries(path))) return false;
  const lines = await headLines(path);
  if (!lines) return false;
  if (sniffCalcium(path) === null) return extname(path).toLowerCase() === '.1d';
  return isTimeByRegionTable(lines);
}

/** Whether a row-major n × n matrix is symmetric (to rounding of the text it was written as). */
export function isSymmetric(weights: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = weights[i * n + j]!;
      const b = weights[j * n + i]!;
      if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))) return false;
    }
  }
  return true;
}

export async function looksLikeBrainGraphFile(path: string): Promise<boolean> {
  const kind = await brainGraphFileKind(path);
  if (kind === null) return false;
  if (kind === 'nodes' || sniffCalcium(path) === null) return true;
  try {
    const { nodeCount, weights } = await readBrainNetEdges(path);
    return nodeCount >= 2 && isSymmetric(weights, nodeCount);
  } catch {
    return false;
  }
}
