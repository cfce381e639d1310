/**
 * What a pipeline is to the job runner: a params schema with defaults, and a `run` that reports
 * progress, honours cancellation and returns its results. Pipelines never touch the transports or
 * Electron, and do not write to the store: the runner writes their results in one transaction.
 */
import type { z } from 'zod';
import type { LogLevel, PipelineInfo, Recording, RecordingKind } from '../../shared/api/index.js';
import type { ResultItem } from '../store/index.js';
import type { SegmentCollection } from '../io/segments/types.js';

/** A stored dataset as a run reads it: its project id and name, and its segments. */
export interface NamedSegmentCollection {
  id: number;
  name: string;
  collection: SegmentCollection;
}

export interface PipelineContext<P> {
  readonly runId: number;
  readonly params: P;
  /** The input recording for pipelines whose `input` is 'recording'. */
  readonly recording: Recording | null;
  /** The input recordings for pipelines whose `input` is 'recordings' (params.recordingIds, in order). */
  readonly recordings: readonly Recording[];
  /**
   * The other recordings its params name (see `PipelineDefinition.linkedRecordings`), by param name:
   * an atlas for an extraction. Workers never open the project, so the runner hands them over.
   */
  readonly linked: Readonly<Record<string, Recording>>;
  /**
   * The project's labelled-segment datasets named by params.segmentDatasetIds, with their samples
   * (pipelines that declare `readsSegmentDatasets`; otherwise empty), in the order named.
   */
  readonly segmentDatasets: readonly NamedSegmentCollection[];
  /** The stored model for pipelines that declare `usesModel` (loaded by the runner, not the worker). */
  readonly model: PipelineModel | null;
  /**
   * For pipelines that declare `producesModel`: the checkpoint named by params.resumeFromModelId,
   * to continue training from (its meta says where it stopped); null for a fresh run.
   */
  readonly resumeFrom: PipelineModel | null;
  /**
   * Hands the runner a checkpoint of the model being trained. The runner stores it at once,
   * incomplete, replacing the run's previous one, so a cancel or crash keeps the latest.
   */
  checkpoint(model: ProducedModel): void;
  /** Reports progress in [0, 1]; cheap to call often (the runner throttles). */
  progress(fraction: number, message?: string): void;
  log(message: string, level?: LogLevel): void;
  readonly cancelled: boolean;
  /** Throws a CancelledError when the user cancelled; call it between chunks of work. */
  throwIfCancelled(): void;
}

/** A model from the project's models table, handed to the worker with its weights. */
export interface PipelineModel {
  id: number;
  name: string;
  format: string;
  meta: Record<string, unknown>;
  weights: Uint8Array;
}

/** A model a training run produces: stored by the runner with the run's id, params and code version. */
export interface ProducedModel {
  name: string;
  /** How `weights` is encoded, e.g. "tfjs-layers". */
  format: string;
  /** What the model needs to be used, and its metrics (under `metrics`) and training state. */
  meta: Record<string, unknown>;
  weights: Uint8Array;
}

/** What `run` returns: its results, and for a training pipeline the final model. */
export interface PipelineOutput {
  results: ResultItem[];
  model?: ProducedModel;
}

export interface PipelineDefinition<P = unknown> extends Omit<PipelineInfo, 'recordingKinds'> {
  /**
   * The kinds of recording it reads (`input` 'recording' or 'recordings'); the runner refuses any
   * other before the run starts. Absent: any kind (pipelines given with --pipeline for tests).
   */
  readonly recordingKinds?: readonly RecordingKind[];
  /**
   * Params that name another recording of the project (`atlasRecordingId`), with the kinds each
   * accepts: the runner checks them (present, in the project, of such a kind) before the run is
   * queued and passes them to the run as `context.linked[param]`. A null or absent param is skipped.
   */
  readonly linkedRecordings?: Readonly<Record<string, readonly RecordingKind[]>>;
  /**
   * The run reads labelled-segment datasets of the project (params.segmentDatasetIds): the runner
   * checks they exist before the run is queued and hands their samples to the worker.
   */
  readonly readsSegmentDatasets?: boolean;
  readonly params: z.ZodType<P>;
  /**
   * Models of this `pipeline` name the run needs: the runner picks params.modelId (or the latest
   * such model), records the id in the run's params so the run can be reproduced, and passes the
   * weights to the worker (workers never open the project file).
   */
  readonly usesModel?: string;
  /**
   * The model a project gets when it has none (with `usesModel`): a model shipped with Cajal
   * (assets/), read when first needed. The runner stores it in the project's models table the first
   * time a run finds no complete model of that kind, logs that it did, and uses it; a model the user
   * trains or imports later is newer and wins (the latest complete model is the default choice).
   * Null: this installation has none (the run is refused as without a default).
   */
  readonly defaultModel?: () => ProducedModel | null;
  /**
   * A training pipeline: its run produces a model of this `pipeline` name (what `usesModel` looks
   * for). The runner stores checkpoints as they come (incomplete), and on success the final model
   * with the run's id, params, code version and metrics in the transaction of the results. Its
   * params may name `resumeFromModelId`: a checkpoint of the same kind, handed to the run.
   */
  readonly producesModel?: { pipeline: string };
  /**
   * Names it had before (a domain id became its prefix): still accepted by `runs.start` and
   * `cajal run` for one release; runs are stored under `name` (migration 4 renamed stored ones).
   */
  readonly formerNames?: readonly string[];
  run(context: PipelineContext<P>): Promise<ResultItem[] | PipelineOutput>;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled by the user');
    this.name = 'CancelledError';
  }
}
