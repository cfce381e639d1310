/**
 * The ROI series a connectivity or classifier run reads: one `roi-series` recording, or every
 * subject of a `cohort` recording (its files as listed at import), with progress per subject and a
 * cancellation check between files.
 */
import { basename } from 'node:path';
import type { Recording } from '../../../shared/api/index.js';
import { ValidationError } from '../../errors.js';
import { storedCohort } from '../../io/brain/index.js';
import { readRoiSeries, type CohortSubject, type RoiSeries } from '../../io/roi-series/index.js';
import type { PipelineContext } from '../../jobs/pipeline.js';

export interface SeriesInput {
  series: RoiSeries[];
  /** Subject ids (a single series: its file name). */
  subjects: string[];
  /** The cohort's subjects with their labels (empty for a single series). */
  cohortSubjects: CohortSubject[];
  regionNames: string[];
}

/** Reads the series; `span` is the part of the run's progress the reading takes. */
export async function readSeriesInput(recording: Recording, context: Pick<PipelineContext<unknown>, 'progress' | 'throwIfCancelled'>, span: [number, number]): Promise<SeriesInput> {
  const [from, to] = span;
  const brain = recording.metadata.brain;
  if (brain?.type === 'roi-series') {
    context.progress(from, 'reading the ROI series');
    const series = await readRoiSeries(recording.sourcePath);
    return { series: [series], subjects: [basename(recording.sourcePath)], cohortSubjects: [], regionNames: names(series) };
  }
  const cohort = storedCohort(recording.sourcePath, brain);
  const series: RoiSeries[] = [];
  for (const [i, subject] of cohort.subjects.entries()) {
    context.throwIfCancelled();
    context.progress(from + ((to - from) * i) / cohort.subjects.length, `reading subject ${subject.id} (${i + 1}/${cohort.subjects.length})`);
    const one = await readRoiSeries(subject.file);
    if (one.regionCount !== cohort.regionCount) {
      throw new ValidationError('recordingId', `${basename(subject.file)} now has ${one.regionCount} regions; the cohort was imported with ${cohort.regionCount} (the file changed: import the cohort again)`);
    }
    series.push(one);
  }
  return { series, subjects: cohort.subjects.map((s) => s.id), cohortSubjects: cohort.subjects, regionNames: names(series[0]!) };
}

function names(series: RoiSeries): string[] {
  return series.regionNames ?? Array.from({ length: series.regionCount }, (_, r) => `ROI ${r + 1}`);
}

/** Stacks R×R matrices into one [S, R, R] array. */
export function stackMatrices(matrices: readonly Float64Array[], n: number): Float64Array {
  const out = new Float64Array(matrices.length * n * n);
  matrices.forEach((m, s) => out.set(m, s * n * n));
  return out;
}
