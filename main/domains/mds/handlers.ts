/** The mds calls (shared/api/mds.ts), implemented by MdsView. */
import type { mdsCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { MdsView } from './view.js';

export function mdsHandlers(view: MdsView): CallHandlers<typeof mdsCalls> {
  return {
    'mds.runs': ({ recordingId }) => view.runs(recordingId),
    'mds.fit': ({ runId }) => view.fit(runId),
    'mds.clustering': ({ runId }) => view.clustering(runId),
    'mds.cellResponses': ({ runId, neuron }) => view.cellResponses(runId, neuron),
    'mds.assignment': ({ runId }) => view.assignment(runId),
  };
}
