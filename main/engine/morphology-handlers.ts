/** The morphology calls (shared/api/morphology.ts), implemented by MorphologyView. */
import type { z } from 'zod';
import type { CallResult, morphologyCalls } from '../../shared/api/index.js';
import type { Engine } from './engine.js';

type MorphologyCalls = typeof morphologyCalls;
export type MorphologyHandlers = {
  [N in keyof MorphologyCalls]: (params: z.output<MorphologyCalls[N]['params']>) => Promise<CallResult<N>> | CallResult<N>;
};

export function morphologyHandlers(engine: Engine): MorphologyHandlers {
  const { morphology } = engine;
  return {
    'morph.list': () => morphology.list(),
    'morph.neuron': ({ recordingId }) => morphology.neuron(recordingId),
    'morph.setScale': ({ recordingId, umPerUnit }) => morphology.setScale(recordingId, umPerUnit),
  };
}
