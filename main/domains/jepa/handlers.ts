/** The jepa calls (shared/api/jepa.ts), implemented by JepaView. */
import type { jepaCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { JepaView } from './view.js';

export function jepaHandlers(jepa: JepaView): CallHandlers<typeof jepaCalls> {
  return {
    'jepa.runs': ({ recordingId }) => jepa.runs(recordingId),
    'jepa.training': ({ runId }) => jepa.training(runId),
  };
}
