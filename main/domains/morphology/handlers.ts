/** The morphology calls (shared/api/morphology.ts), implemented by MorphologyView. */
import type { morphologyCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { MorphologyView } from './view.js';

export function morphologyHandlers(morphology: MorphologyView): CallHandlers<typeof morphologyCalls> {
  return {
    'morphology.list': () => morphology.list(),
    'morphology.neuron': ({ recordingId }) => morphology.neuron(recordingId),
    'morphology.setScale': ({ recordingId, umPerUnit }) => morphology.setScale(recordingId, umPerUnit),
  };
}
