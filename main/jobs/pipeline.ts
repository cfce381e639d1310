/**
 * What a pipeline is to the job runner: a params schema with defaults, and a `run` that reports
 * progress, honours cancellation and returns its results. Pipelines never touch the transports or
 * Electron, and do not write to the store: the runner writes their results in one transaction.
 */
import type { z } from 'zod';
import type { LogLevel, PipelineInfo, Recording } from '../../shared/api/index.js';
import type { ResultItem } from '../store/index.js';

export interface PipelineContext<P> {
  readonly runId: number;
  readonly params: P;
  /** The input recording for pipelines whose `input` is 'recording'. */
  readonly recording: Recording | null;
  /** The input recordings for pipelines whose `input` is 'recordings' (params.recordingIds, in order). */
  readonly recordings: readonly Recording[];
  /** The stored model for pipelines that declare `usesModel` (loaded by the runner, not the worker). */
  readonly model: PipelineModel | null;
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

export interface PipelineDefinition<P = unknown> extends PipelineInfo {
  readonly params: z.ZodType<P>;
  /**
   * Models of this `pipeline` name the run needs: the runner picks params.modelId (or the latest
   * such model), records the id in the run's params so the run can be reproduced, and passes the
   * weights to the worker (workers never open the project file).
   */
  readonly usesModel?: string;
  run(context: PipelineContext<P>): Promise<ResultItem[]>;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled by the user');
    this.name = 'CancelledError';
  }
}
