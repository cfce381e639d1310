/**
 * ROI time series as recordings: one subject's ROI × time file (`roi-series`: MATLAB .mat, CSV/TSV,
 * AFNI .1D) and a cohort folder (`cohort`: per-subject ROI files with a phenotype table). A cohort
 * stores its subjects and their labels in the recording's metadata, so the views and pipelines need
 * not read the phenotype table again; the cohort reader refuses the whole folder (a subject missing
 * from the table, a file that cannot be read) before anything is stored.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename, relative } from 'node:path';
import type { BrainMetadata } from '../../../shared/api/index.js';
import { FormatError, fileAccessError } from '../../errors.js';
import { sha256File } from '../hash.js';
import type { InspectedRecording } from '../recording.js';
import { readCohort, readRoiSeries, type Cohort, type RoiSeries } from '../roi-series/index.js';
import { brainRecordingMetadata, inspectedFile } from './metadata.js';

/** "MAT file ROI format": how a source tag reads in a description. */
function sourceText(source: string): string {
  return source.startsWith('mat:') ? `.mat variable ${source.slice(4)}` : source;
}

export function roiSeriesBrainMetadata(series: RoiSeries): BrainMetadata {
  const tr = series.trS !== null ? `, TR ${Number(series.trS.toFixed(3))} s` : '';
  return {
    type: 'roi-series',
    description: `${series.regionCount} regions × ${series.timepoints} timepoints${tr} (${sourceText(series.source)})`,
    regionCount: series.regionCount,
    timepoints: series.timepoints,
    regionNames: series.regionNames,
    trS: series.trS,
    warnings: [],
  };
}

export async function inspectRoiSeries(path: string): Promise<InspectedRecording> {
  const series = await readRoiSeries(path);
  const brain = roiSeriesBrainMetadata(series);
  const format = series.source.startsWith('mat') ? 'mat' : 'roi-text';
  return inspectedFile(path, format, brainRecordingMetadata('roi-series', brain, { channels: series.regionCount, time: { samples: series.timepoints, trS: series.trS } }));
}

/** Counts of each value of a label over the subjects: "diagnosis ASD 48 / control 52". */
function labelCounts(cohort: Cohort, column: string): string | null {
  const counts = new Map<string, number>();
  for (const subject of cohort.subjects) {
    const value = subject.labels[column];
    if (value === null || value === undefined || typeof value === 'number') return null;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts.size > 0 && counts.size <= 4 ? `${column} ${[...counts].map(([v, n]) => `${v} ${n}`).join(' / ')}` : null;
}

export function cohortBrainMetadata(cohort: Cohort): BrainMetadata {
  const counts = ['diagnosis', 'sex'].filter((c) => cohort.labelColumns.includes(c)).map((c) => labelCounts(cohort, c)).filter((t): t is string => t !== null);
  const timepoints = cohort.timepointsMin === cohort.timepointsMax ? `${cohort.timepointsMin}` : `${cohort.timepointsMin}–${cohort.timepointsMax}`;
  return {
    type: 'cohort',
    description: [`${cohort.subjects.length} subjects`, `${cohort.regionCount} regions`, `${timepoints} timepoints`, ...counts, `labels from ${basename(cohort.phenotypeFile)}`].join(', '),
    regionCount: cohort.regionCount,
    cohort: {
      phenotypeFile: cohort.phenotypeFile,
      labelColumns: [...cohort.labelColumns],
      subjects: cohort.subjects.map((s) => ({ id: s.id, file: s.file, labels: { ...s.labels } })),
      timepointsMin: cohort.timepointsMin,
      timepointsMax: cohort.timepointsMax,
    },
    warnings: [...cohort.warnings],
  };
}

/** A cohort is hashed over its phenotype table and subject files (name and content), as Suite2p folders over their .npy files. */
async function hashCohort(cohort: Cohort): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for (const file of [cohort.phenotypeFile, ...cohort.subjects.map((s) => s.file)]) {
    try {
      sizeBytes += statSync(file).size;
    } catch (error) {
      throw fileAccessError(file, error);
    }
    hash.update(`${relative(cohort.folder, file)}\0${await sha256File(file)}\n`);
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

export async function inspectCohort(folder: string): Promise<InspectedRecording> {
  const cohort = await readCohort(folder);
  const brain = cohortBrainMetadata(cohort);
  const metadata = brainRecordingMetadata('cohort', brain, { channels: cohort.regionCount });
  return { sourcePath: folder, ...(await hashCohort(cohort)), format: 'roi-cohort', metadata, warnings: brain.warnings };
}

/**
 * The cohort as it was imported, from its recording's metadata, in the shape module C's readers
 * take (`loadCohortSeries`): the pipelines and views never read the phenotype table again.
 */
export function storedCohort(folder: string, brain: BrainMetadata | undefined): Cohort {
  const stored = brain?.cohort;
  if (!brain || brain.type !== 'cohort' || !stored) throw new FormatError(folder, 'is not an imported cohort (no subjects in its metadata)', 'metadata.brain.cohort');
  return {
    folder,
    phenotypeFile: stored.phenotypeFile,
    labelColumns: [...stored.labelColumns],
    subjects: stored.subjects.map((s) => ({ id: s.id, file: s.file, labels: { ...s.labels } })),
    regionCount: brain.regionCount ?? 0,
    timepointsMin: stored.timepointsMin,
    timepointsMax: stored.timepointsMax,
    warnings: [...brain.warnings],
  };
}
