/**
 * An AbortSignal that follows a run's cancel flag, for the fMRI functions that take one (module A's
 * extraction, module C's cohort loading): the runner's flag is polled, as the worker cannot be
 * sent a message while the pipeline's loop holds its thread between awaits.
 */
import { CancelledError, type PipelineContext } from '../../jobs/pipeline.js';

export interface CancelSignal {
  signal: AbortSignal;
  /** Stops polling (call when the work is done). */
  dispose(): void;
}

export function cancelSignal(context: Pick<PipelineContext<unknown>, 'cancelled'>, intervalMs = 50): CancelSignal {
  const controller = new AbortController();
  const timer = setInterval(() => {
    if (context.cancelled) controller.abort(new CancelledError());
  }, intervalMs);
  timer.unref?.();
  return { signal: controller.signal, dispose: () => clearInterval(timer) };
}

/** The error to throw for a run stopped by its signal: the runner's CancelledError. */
export function asCancelled(error: unknown, context: Pick<PipelineContext<unknown>, 'cancelled'>): unknown {
  return context.cancelled ? new CancelledError() : error;
}
