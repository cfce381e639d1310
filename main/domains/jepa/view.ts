/**
 * What the Brain-JEPA training view reads from a project: the `jepa-pretrain` runs with their model,
 * and a run's curves (per epoch from its results, or from its latest checkpoint while it runs); and
 * the brain maps of a model on a cohort (pipelines/jepa/maps.ts), computed on request and kept for
 * the session (a model's weights never change once stored, and the maps are deterministic).
 */
import { recordingKind, type JepaMaps, type JepaRunSummary, type JepaTraining } from '../../../shared/api/index.js';
import { activateBackend } from '../../compute/activate.js';
import { selectBackend } from '../../compute/select.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { readSeriesInput } from '../../pipelines/fmri/series-input.js';
import { JEPA_MODEL_PIPELINE } from '../../pipelines/jepa/bundle.js';
import { computeJepaMaps } from '../../pipelines/jepa/maps.js';
import { JEPA_PRETRAIN_PIPELINE } from '../../pipelines/jepa/pretrain-pipeline.js';
import type { JepaEpochRecord } from '../../pipelines/jepa/bundle.js';
import type { Store } from '../../store/index.js';

/** Maps kept per (model, cohort): a handful, each a few arrays of R values and a point per subject. */
const MAPS_CACHE_SIZE = 8;

export class JepaView {
  private readonly mapsCache = new Map<string, Promise<JepaMaps>>();

  constructor(private readonly store: Store) {}

  /** The brain maps of model `modelId` on cohort `recordingId` (same ROI count), shared by concurrent callers. */
  maps(modelId: number, recordingId: number): Promise<JepaMaps> {
    const key = `${modelId}:${recordingId}`;
    const cached = this.mapsCache.get(key);
    if (cached) return cached;
    const pending = this.computeMaps(modelId, recordingId);
    this.mapsCache.set(key, pending);
    // A failure is not kept (the user may fix the cause, e.g. a moved cohort folder); the oldest entry goes first.
    pending.catch(() => this.mapsCache.delete(key));
    while (this.mapsCache.size > MAPS_CACHE_SIZE) this.mapsCache.delete(this.mapsCache.keys().next().value!);
    return pending;
  }

  private async computeMaps(modelId: number, recordingId: number): Promise<JepaMaps> {
    const model = this.store.models.get(modelId);
    if (!model || model.pipeline !== JEPA_MODEL_PIPELINE) throw new NotFoundError(`Brain-JEPA model ${modelId}`);
    const recording = this.store.recordings.get(recordingId);
    if (!recording) throw new NotFoundError(`recording ${recordingId}`);
    if (recordingKind(recording) !== 'cohort') throw new ValidationError('recordingId', `recording ${recordingId} is a ${recordingKind(recording)} recording, not a cohort`);
    const architecture = (model.meta.architecture ?? {}) as { rois?: number; name?: string };
    const cohortRegions = recording.metadata.brain?.regionCount;
    // Checked before reading a hundred files: the model's input width is fixed by its ROI count.
    if (architecture.rois !== undefined && cohortRegions !== undefined && architecture.rois !== cohortRegions) {
      throw new ValidationError('recordingId', `model #${modelId} was trained on ${architecture.rois} ROIs; cohort ${recordingId} has ${cohortRegions} — pick a model pretrained on a cohort of the same atlas`);
    }
    const input = await readSeriesInput(recording, { progress: () => {}, throwIfCancelled: () => {} }, [0, 1]);
    const labels = new Map(input.cohortSubjects.map((s) => [s.id, s.labels]));
    const subjects = input.subjects.map((id, i) => ({ id, series: input.series[i]!, labels: (labels.get(id) ?? {}) as Record<string, string | number | null> }));
    const tf = await activateBackend((await selectBackend()).selected);
    const epochs = (model.meta.metrics as { epochs?: number } | undefined)?.epochs;
    const encoderName = `model #${modelId} “${model.name}” (${architecture.name ?? 'custom'}${epochs ? `, ${epochs} epoch${epochs === 1 ? '' : 's'}` : ''}${model.status === 'incomplete' ? ', checkpoint' : ''})`;
    const maps = await computeJepaMaps(tf, model, subjects, { encoderName });
    return {
      modelId,
      recordingId,
      regions: input.regionNames,
      embeddingNorm: maps.embeddingNorm,
      residualNorm: maps.residualNorm,
      attention: maps.attention,
      gradients: maps.gradients,
      embedding: maps.embedding,
      subjects: maps.subjects,
      crop: maps.crop,
    };
  }

  runs(recordingId?: number): JepaRunSummary[] {
    return this.store.runs
      .list()
      .filter((run) => run.pipeline === JEPA_PRETRAIN_PIPELINE && (recordingId === undefined || run.recordingId === recordingId))
      .map((run) => {
        const model = this.store.models.ofRun(run.id)[0];
        return {
          runId: run.id,
          recordingId: run.recordingId,
          status: run.status,
          createdAt: run.createdAt,
          config: String(run.params.config ?? 'tiny'),
          epochs: Number(run.params.epochs ?? 0),
          epochsDone: this.history(run.id).length,
          model: model ? { id: model.id, status: model.status } : null,
        };
      });
  }

  training(runId: number): JepaTraining {
    const run = this.store.runs.get(runId);
    if (!run || run.pipeline !== JEPA_PRETRAIN_PIPELINE) throw new NotFoundError(`Brain-JEPA pretraining run ${runId}`);
    const history = this.history(runId);
    const iterations = this.store.results.array(runId, 'loss-curve');
    const schedules = this.store.results.array(runId, 'schedules');
    const steps = schedules ? schedules.shape[1] ?? 0 : 0;
    const rows = schedules ? Float64Array.from(schedules.data as ArrayLike<number>) : new Float64Array(0);
    return {
      runId,
      status: run.status,
      epochs: history.map((h) => h.epoch),
      trainLoss: history.map((h) => h.trainLoss),
      validationLoss: history.map((h) => h.validationLoss),
      effectiveRank: history.map((h) => h.effectiveRank),
      effectiveRankCentred: history.map((h) => h.effectiveRankCentred ?? null),
      iterationLoss: iterations ? Float32Array.from(iterations.data as ArrayLike<number>) : new Float32Array(0),
      lr: rows.slice(0, steps),
      weightDecay: rows.slice(steps, 2 * steps),
      momentum: rows.slice(2 * steps, 3 * steps),
    };
  }

  /** The per-epoch records of a run: those of its model's (or last checkpoint's) training state. */
  private history(runId: number): JepaEpochRecord[] {
    const model = this.store.models.ofRun(runId)[0];
    const checkpoint = model?.meta.checkpoint as { history?: JepaEpochRecord[] } | undefined;
    return checkpoint?.history ?? [];
  }
}
