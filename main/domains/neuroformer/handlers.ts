/** The neuroformer calls (shared/api/neuroformer.ts), implemented by NeuroformerView. */
import type { neuroformerCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { NeuroformerView } from './view.js';

export function neuroformerHandlers(view: NeuroformerView): CallHandlers<typeof neuroformerCalls> {
  return {
    'neuroformer.runs': ({ recordingId }) => view.runs(recordingId),
    'neuroformer.training': ({ runId }) => view.training(runId),
    'neuroformer.raster': ({ runId, startS, endS }) => view.raster(runId, startS, endS),
    'neuroformer.connectivity': ({ runId }) => view.connectivity(runId),
    'neuroformer.evaluation': ({ runId }) => view.evaluation(runId),
  };
}
