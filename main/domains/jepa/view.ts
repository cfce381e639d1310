/**
 * What the Brain-JEPA training view reads from a project: the `jepa-pretrain` runs with their model,
 * and a run's curves (per epoch from its results, or from its latest checkpoint while it runs).
 */
import type { JepaRunSummary, JepaTraining } from '../../../shared/api/index.js';
import { NotFoundError } from '../../errors.js';
import { JEPA_PRETRAIN_PIPELINE } from '../../pipelines/jepa/pretrain-pipeline.js';
import type { JepaEpochRecord } from '../../pipelines/jepa/bundle.js';
import type { Store } from '../../store/index.js';

export class JepaView {
  constructor(private readonly store: Store) {}

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
