/** The FISBe evaluation calls (shared/api/fisbe.ts), implemented by FisbeView. */
import type { fisbeCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { FisbeView } from './view.js';

export function fisbeHandlers(fisbe: FisbeView): CallHandlers<typeof fisbeCalls> {
  return {
    'fisbe.runs': () => fisbe.runs(),
    'fisbe.sample': ({ runId }) => fisbe.sample(runId),
    'fisbe.geometry': ({ runId, side, id }) => fisbe.geometry(runId, side, id),
    'fisbe.slice': ({ runId, axis, index }) => fisbe.slice(runId, axis, index),
  };
}
