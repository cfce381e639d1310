/**
 * Where an ROI series comes from: a cohort's subject (its file, listed in the cohort's metadata at
 * import) or an `fmri-extract` run's stored result.
 */
import { basename } from 'node:path';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { storedCohort } from '../../io/brain/index.js';
import { readRoiSeries, type Cohort, type RoiSeries } from '../../io/roi-series/index.js';
import type { Store } from '../../store/index.js';
import { brainRecording, describeRecording, type BrainRecording } from './recordings.js';

export interface LoadedSeries {
  recording: BrainRecording;
  subject: string | null;
  series: Pick<RoiSeries, 'regionCount' | 'timepoints' | 'data' | 'trS'>;
  regionNames: string[] | null;
}

/** The cohort as imported (its metadata), in the shape module C's readers take. */
export function cohortOf(recording: BrainRecording): Cohort {
  if (recording.metadata.brain.type !== 'cohort') throw new ValidationError('recordingId', `${describeRecording(recording)} is not a cohort`);
  return storedCohort(recording.sourcePath, recording.metadata.brain);
}

/** The subject asked for, or the cohort's first when none is (what a view opens on). */
export function subjectOf(recording: BrainRecording, subject: string | null): string {
  const { subjects } = cohortOf(recording);
  if (subject === null) return subjects[0]!.id;
  if (!subjects.some((s) => s.id === subject)) throw new NotFoundError(`subject "${subject}" in ${describeRecording(recording)}`, `${subjects.length} subjects, e.g. ${subjects.slice(0, 3).map((s) => s.id).join(', ')}`);
  return subject;
}

export async function loadSubjectSeries(recording: BrainRecording, subject: string): Promise<LoadedSeries> {
  const cohort = cohortOf(recording);
  const entry = cohort.subjects.find((s) => s.id === subject)!;
  const series = await readRoiSeries(entry.file);
  if (series.regionCount !== cohort.regionCount) {
    throw new ConflictError(`${basename(entry.file)} now has ${series.regionCount} regions; the cohort was imported with ${cohort.regionCount} (the file changed: import the cohort again)`);
  }
  return { recording, subject, series, regionNames: series.regionNames };
}

/** The result keys of an `fmri-extract` run (team plan). */
export const EXTRACT_PIPELINE = 'fmri-extract';

export function seriesFromRun(store: Store, recordingId: number, runId: number): LoadedSeries {
  const recording = brainRecording(store, recordingId, ['bold'], 'a BOLD run (the input of an extraction run)');
  const run = store.runs.get(runId);
  if (!run) throw new NotFoundError(`run ${runId}`);
  if (run.pipeline !== EXTRACT_PIPELINE) throw new ValidationError('runId', `run ${runId} is a ${run.pipeline} run, not ${EXTRACT_PIPELINE}`);
  if (run.recordingId !== recordingId) throw new ValidationError('runId', `run ${runId} extracted from recording ${run.recordingId}, not ${recordingId}`);
  if (run.status !== 'succeeded') throw new ConflictError(`run ${runId} is ${run.status}: it has no ROI series`);
  const array = store.results.array(runId, 'series');
  if (!array || array.shape.length !== 2) throw new NotFoundError(`the series of run ${runId}`);
  const [regionCount, timepoints] = array.shape as [number, number];
  const values = store.results.list(runId);
  const regions = values.find((r) => r.key === 'regions')?.value as { indices: number[]; names: string[] } | undefined;
  const trS = values.find((r) => r.key === 'trS')?.value;
  return {
    recording,
    subject: null,
    series: { regionCount, timepoints, data: Float64Array.from(array.data as ArrayLike<number>), trS: typeof trS === 'number' ? trS : null },
    regionNames: regions?.names ?? null,
  };
}

/** The pipeline whose stored matrices a tangent call reads for a large cohort. */
export const CONNECTIVITY_PIPELINE = 'fmri-connectivity';

/**
 * Subject `index`'s tangent matrix from the latest succeeded fmri-connectivity run of the cohort
 * with kind tangent, or null when there is none.
 */
export function storedTangent(store: Store, recordingId: number, index: number): Float64Array | null {
  const run = store.runs
    .list()
    .filter((r) => r.pipeline === CONNECTIVITY_PIPELINE && r.recordingId === recordingId && r.status === 'succeeded' && r.params.kind === 'tangent')
    .at(-1);
  if (!run) return null;
  const stored = store.results.array(run.id, 'matrices');
  if (!stored || stored.shape.length !== 3 || index >= stored.shape[0]!) return null;
  const n = stored.shape[1]!;
  return Float64Array.from((stored.data as Float64Array).subarray(index * n * n, (index + 1) * n * n));
}
