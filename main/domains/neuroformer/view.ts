/**
 * What the Neuroformer views read from a project: the neuroformer-* runs, a training run's curves
 * (per epoch from its model's training state, also while it runs; per step once finished), a
 * generate run's generated spikes beside the recorded ones in a time window, a connectivity run's
 * matrix with the cell types and (simulated networks) the true wiring and scores, and an evaluate
 * run's tables. Recorded spikes come from the spikes reader (cached per recording, a few at a time).
 */
import type { NeuroformerConnectivity, NeuroformerEvaluation, NeuroformerRaster, NeuroformerRunKind, NeuroformerRunSummary, NeuroformerTraining } from '../../../shared/api/index.js';
import { NEUROFORMER_MAX_RASTER_S } from '../../../shared/api/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { readSpikeTrains } from '../../io/spikes/index.js';
import type { SpikeTrains } from '../../io/spikes/types.js';
import { lowerBound } from '../../pipelines/spikes/bin.js';
import type { NfEpochRecord } from '../../pipelines/neuroformer/bundle.js';
import { NF_CONNECTIVITY_PIPELINE } from '../../pipelines/neuroformer/connectivity-pipeline.js';
import { NF_EVALUATE_PIPELINE } from '../../pipelines/neuroformer/evaluate-pipeline.js';
import { NF_GENERATE_PIPELINE } from '../../pipelines/neuroformer/generate-pipeline.js';
import { NF_TRAIN_PIPELINE } from '../../pipelines/neuroformer/train-pipeline.js';
import type { Store } from '../../store/index.js';

const KIND_OF: Record<string, NeuroformerRunKind> = {
  [NF_TRAIN_PIPELINE]: 'train',
  [NF_GENERATE_PIPELINE]: 'generate',
  [NF_CONNECTIVITY_PIPELINE]: 'connectivity',
  [NF_EVALUATE_PIPELINE]: 'evaluate',
};

const TRAINS_CACHE = 4;

export class NeuroformerView {
  private readonly trains = new Map<number, Promise<SpikeTrains>>();

  constructor(private readonly store: Store) {}

  runs(recordingId?: number): NeuroformerRunSummary[] {
    return this.store.runs
      .list()
      .filter((run) => KIND_OF[run.pipeline] && (recordingId === undefined || run.recordingId === recordingId))
      .map((run) => {
        const kind = KIND_OF[run.pipeline]!;
        const own = kind === 'train' ? this.store.models.ofRun(run.id)[0] : undefined;
        const usedId = typeof run.params.modelId === 'number' ? run.params.modelId : undefined;
        const used = usedId ? this.store.models.get(usedId) : undefined;
        const model = own ?? used;
        const trainRun = kind === 'train' ? run : used?.runId ? this.store.runs.get(used.runId) : undefined;
        return {
          runId: run.id,
          kind,
          recordingId: run.recordingId,
          status: run.status,
          createdAt: run.createdAt,
          config: String(trainRun?.params.config ?? 'tiny'),
          model: model ? { id: model.id, status: model.status } : null,
          epochs: Number(trainRun?.params.epochs ?? 0),
          epochsDone: kind === 'train' ? this.history(run.id).length : Number((model?.meta.metrics as { epochs?: number } | undefined)?.epochs ?? 0),
        };
      });
  }

  training(runId: number): NeuroformerTraining {
    const run = this.store.runs.get(runId);
    if (!run || run.pipeline !== NF_TRAIN_PIPELINE) throw new NotFoundError(`Neuroformer training run ${runId}`);
    const h = this.history(runId);
    const steps = this.store.results.array(runId, 'loss-curve');
    const n = steps ? steps.shape[1] ?? 0 : 0;
    const rows = steps ? Float64Array.from(steps.data as ArrayLike<number>) : new Float64Array(0);
    return {
      runId,
      status: run.status,
      epochs: h.map((r) => r.epoch),
      trainLoss: h.map((r) => r.trainLoss),
      trainCeId: h.map((r) => r.trainCeId ?? null),
      trainCeDt: h.map((r) => r.trainCeDt ?? null),
      validationLoss: h.map((r) => r.validationLoss),
      validationCeId: h.map((r) => r.validationCeId),
      validationCeDt: h.map((r) => r.validationCeDt),
      validationF1: h.map((r) => r.validationF1),
      stepLoss: Float32Array.from(rows.subarray(0, n)),
      lr: rows.slice(n, 2 * n),
    };
  }

  async raster(runId: number, startS: number, endS: number): Promise<NeuroformerRaster> {
    const run = this.store.runs.get(runId);
    if (!run || run.pipeline !== NF_GENERATE_PIPELINE) throw new NotFoundError(`Neuroformer generation run ${runId}`);
    if (!(endS > startS) || endS - startS > NEUROFORMER_MAX_RASTER_S) throw new ValidationError('endS', `expected a window of (0, ${NEUROFORMER_MAX_RASTER_S}] s, got ${startS}…${endS}`);
    const recording = run.recordingId ? this.store.recordings.get(run.recordingId) : undefined;
    if (!recording) throw new NotFoundError(`the recording of run ${runId}`);
    const result = this.store.results.list(runId).find((r) => r.key === 'generated');
    const array = this.store.results.array(runId, 'generated');
    if (!result || !array) throw new ValidationError('runId', `run ${runId} has no generated spikes (status ${run.status})`);
    const spans = (result.value as { spans: [number, number][] }).spans;
    const total = array.shape[1] ?? 0;
    const data = array.data as Float64Array;
    const times = data.subarray(total, 2 * total);
    const trains = await this.trainsOf(recording.id, recording.sourcePath);
    const recordedRow: number[] = [];
    const recordedTime: number[] = [];
    trains.times.forEach((t, u) => {
      for (let i = lowerBound(t, startS); i < t.length && t[i]! < endS; i++) {
        recordedRow.push(u);
        recordedTime.push(t[i]! - startS);
      }
    });
    const g0 = lowerBound(times, startS);
    const g1 = lowerBound(times, endS, g0);
    return {
      runId,
      recordingId: recording.id,
      startS,
      endS,
      unitIds: [...trains.unitIds],
      cellTypes: [...trains.cellTypes],
      recordedRow: Int32Array.from(recordedRow),
      recordedTime: Float32Array.from(recordedTime),
      generatedRow: Int32Array.from(data.subarray(g0, g1)),
      generatedTime: Float32Array.from(times.subarray(g0, g1), (t) => t - startS),
      generatedStartS: spans.length ? Math.min(...spans.map((s) => s[0])) : startS,
      generatedEndS: spans.length ? Math.max(...spans.map((s) => s[1])) : startS,
      spans: [...spans].sort((a, b) => a[0] - b[0]),
    };
  }

  connectivity(runId: number): NeuroformerConnectivity {
    const run = this.store.runs.get(runId);
    if (!run || run.pipeline !== NF_CONNECTIVITY_PIPELINE) throw new NotFoundError(`Neuroformer connectivity run ${runId}`);
    const result = this.store.results.list(runId).find((r) => r.key === 'connectivity');
    const matrix = this.store.results.array(runId, 'connectivity');
    if (!result || !matrix) throw new ValidationError('runId', `run ${runId} has no connectivity matrix (status ${run.status})`);
    const value = result.value as { windows: number; unitIds: string[]; cellTypes: (string | null)[]; scores: NeuroformerConnectivity['scores']; truth: { hubs: number[]; excitatory: boolean[] } | null };
    const truthArray = this.store.results.array(runId, 'truth');
    return {
      runId,
      recordingId: run.recordingId!,
      unitIds: value.unitIds,
      cellTypes: value.cellTypes,
      matrix: Float32Array.from(matrix.data as ArrayLike<number>),
      windows: value.windows,
      truth: value.truth && truthArray ? { weights: Float32Array.from(truthArray.data as ArrayLike<number>), excitatory: value.truth.excitatory, hubs: value.truth.hubs } : null,
      scores: value.scores,
    };
  }

  evaluation(runId: number): NeuroformerEvaluation {
    const run = this.store.runs.get(runId);
    if (!run || run.pipeline !== NF_EVALUATE_PIPELINE) throw new NotFoundError(`Neuroformer evaluation run ${runId}`);
    const result = this.store.results.list(runId).find((r) => r.key === 'evaluation');
    if (!result) throw new ValidationError('runId', `run ${runId} has no evaluation (status ${run.status})`);
    const v = result.value as Omit<NeuroformerEvaluation, 'runId' | 'recordingId' | 'psth'> & { psth: (Omit<NonNullable<NeuroformerEvaluation['psth']>, 'ceilingPerUnit' | 'rows' | 'curves'> & { ceilingPerUnit: number[]; rows: { method: string; meanR: number; perUnit: number[] }[]; curves?: { bins: number; recorded: number[]; generated: number[]; unitIds: string[]; cellTypes: (string | null)[] } }) | null };
    const nan = (xs: (number | null)[]) => Float64Array.from(xs, (x) => (x === null ? Number.NaN : x));
    return {
      runId,
      recordingId: run.recordingId!,
      modelId: v.modelId ?? null,
      testBlocks: v.testBlocks,
      windowS: v.windowS,
      prediction: v.prediction,
      psth: v.psth
        ? {
            ...v.psth,
            ceilingPerUnit: nan(v.psth.ceilingPerUnit),
            rows: v.psth.rows.map((r) => ({ ...r, perUnit: nan(r.perUnit) })),
            // Curves stored without their unit ids (a development build) are left out, not sent half-formed.
            curves: v.psth.curves?.unitIds ? { ...v.psth.curves, recorded: Float64Array.from(v.psth.curves.recorded), generated: Float64Array.from(v.psth.curves.generated) } : undefined,
          }
        : null,
      connectivity: v.connectivity ?? [],
      notes: v.notes ?? [],
    };
  }

  private trainsOf(recordingId: number, path: string): Promise<SpikeTrains> {
    const cached = this.trains.get(recordingId);
    if (cached) return cached;
    const pending = readSpikeTrains(path);
    this.trains.set(recordingId, pending);
    pending.catch(() => this.trains.delete(recordingId));
    while (this.trains.size > TRAINS_CACHE) this.trains.delete(this.trains.keys().next().value!);
    return pending;
  }

  private history(runId: number): NfEpochRecord[] {
    const model = this.store.models.ofRun(runId)[0];
    return (model?.meta.checkpoint as { history?: NfEpochRecord[] } | undefined)?.history ?? [];
  }
}
