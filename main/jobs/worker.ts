/**
 * Worker-thread entry: imports one pipeline module, runs it, and streams progress, logs and results
 * back. Results' typed arrays are transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { CancelledError, type PipelineContext, type PipelineDefinition } from './pipeline.js';
import type { WorkerInput, WorkerMessage } from './protocol.js';

const PROGRESS_INTERVAL_MS = 100;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  const cancelFlag = new Int32Array(input.cancelFlag);
  const module = (await import(input.moduleUrl)) as { default: PipelineDefinition };
  const pipeline = module.default;
  let lastProgressAt = 0;
  const context: PipelineContext<unknown> = {
    runId: input.runId,
    params: input.params,
    recording: input.recording,
    recordings: input.recordings,
    linked: input.linked,
    segmentDatasets: input.segmentDatasets,
    model: input.model,
    resumeFrom: input.resumeFrom,
    checkpoint(model) {
      // Copied, not transferred: the pipeline may keep training into the same buffers.
      post({ type: 'checkpoint', model });
    },
    progress(fraction, message = '') {
      const now = Date.now();
      if (fraction < 1 && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
      lastProgressAt = now;
      post({ type: 'progress', fraction: Math.min(1, Math.max(0, fraction)), message });
    },
    log(message, level = 'info') {
      post({ type: 'log', level, message });
    },
    get cancelled() {
      return Atomics.load(cancelFlag, 0) === 1;
    },
    throwIfCancelled() {
      if (Atomics.load(cancelFlag, 0) === 1) throw new CancelledError();
    },
  };
  try {
    const output = await pipeline.run(context);
    const { results, model } = Array.isArray(output) ? { results: output, model: undefined } : output;
    const transfer = results.flatMap((r) => (r.array ? [r.array.data.buffer as ArrayBuffer] : []));
    post({ type: 'done', results, ...(model ? { model } : {}) }, [...new Set(transfer)]);
  } catch (error) {
    if (error instanceof CancelledError) post({ type: 'cancelled' });
    else
      post({
        type: 'failed',
        message: error instanceof Error ? error.message : String(error),
        userError: error instanceof UserError,
      });
  }
}

void main();
