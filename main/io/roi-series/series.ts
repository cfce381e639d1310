/**
 * `readRoiSeries`: one subject's ROI time series from .mat, .csv, .tsv or AFNI .1D/.txt, always
 * region-major float64 and finite. The format is chosen by content where the content says it (a
 * MAT header), otherwise by extension: .tsv tab-separated, .1D and .txt AFNI columns, the rest CSV.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { FormatError } from '../../errors.js';
import { looksLikeMat, readMat } from '../matlab/index.js';
import { assertReadableSource } from '../source-file.js';
import { assertFinite } from './finite.js';
import { roiSeriesFromMat } from './mat.js';
import { siblingRegionNames } from './names.js';
import { parseTable, readTextFile } from './table.js';
import { roiSeriesFrom1D, roiSeriesFromTable } from './text.js';
import type { RoiSeries } from './types.js';

/** Extensions an ROI series file may have (lower case). */
export const ROI_SERIES_EXTENSIONS: ReadonlySet<string> = new Set(['.mat', '.csv', '.tsv', '.1d', '.txt']);

export async function readRoiSeries(path: string): Promise<RoiSeries> {
  assertReadableSource(path);
  const ext = extname(path).toLowerCase();
  let series: Omit<RoiSeries, 'file'>;
  if (ext === '.mat' || (await looksLikeMat(path))) {
    series = roiSeriesFromMat(await readMat(path), path);
  } else if (ext === '.1d' || ext === '.txt') {
    series = roiSeriesFrom1D(await readTextFile(path), path);
  } else if (ext === '.csv' || ext === '.tsv') {
    const text = await readTextFile(path);
    series = roiSeriesFromTable(parseTable(text, path, ext === '.tsv' ? '\t' : undefined), ext.slice(1));
  } else {
    throw new FormatError(path, `is not an ROI time-series file Cajal reads (.mat, .csv, .tsv, .1D, .txt)`, 'extension');
  }
  if (series.timepoints < 2) throw new FormatError(path, `holds ${series.timepoints} time point: ROI time series need at least 2`, series.source);
  if (!series.regionNames) series = { ...series, regionNames: (await siblingRegionNames(path, series.regionCount))?.names ?? null };
  assertFinite(path, series.source.replace(/^mat:/, ''), series.data, series.regionCount, series.timepoints, series.regionNames);
  return { file: path, ...series };
}

/**
 * Whether `path` reads as ROI series: a MAT-file holding a series variable, or a text file whose
 * first kilobytes are a numeric table (after an optional header). Cheap for text (reads 64 KiB);
 * a .mat file up to 64 MiB is parsed, since only its variables tell.
 */
export async function looksLikeRoiSeries(path: string): Promise<boolean> {
  try {
    assertReadableSource(path);
  } catch {
    return false;
  }
  const ext = extname(path).toLowerCase();
  if (!ROI_SERIES_EXTENSIONS.has(ext)) return false;
  if (ext === '.mat' || (await looksLikeMat(path))) {
    try {
      const handle = await open(path, 'r');
      const { size } = await handle.stat().finally(() => handle.close());
      if (size > 64 * 1024 * 1024) return false;
      roiSeriesFromMat(await readMat(path), path);
      return true;
    } catch {
      return false;
    }
  }
  let head: string;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8');
      // Drop a last line cut by the 64 KiB window.
      if (bytesRead === buffer.length) head = head.slice(0, head.lastIndexOf('\n') + 1);
    } finally {
      await handle.close();
    }
    const parsed = ext === '.1d' || ext === '.txt' ? roiSeriesFrom1D(head, path) : roiSeriesFromTable(parseTable(head, path, ext === '.tsv' ? '\t' : undefined), ext.slice(1));
    return parsed.timepoints >= 2;
  } catch {
    return false;
  }
}
