/** The FISBe evaluation calls (shared/api/fisbe.ts), implemented by FisbeView. */
import type { z } from 'zod';
import type { CallResult, fisbeCalls } from '../../shared/api/index.js';
import type { Engine } from './engine.js';

type FisbeCalls = typeof fisbeCalls;
export type FisbeHandlers = {
  [N in keyof FisbeCalls]: (params: z.output<FisbeCalls[N]['params']>) => Promise<CallResult<N>> | CallResult<N>;
};

export function fisbeHandlers(engine: Engine): FisbeHandlers {
  const { fisbe } = engine;
  return {
    'fisbe.runs': () => fisbe.runs(),
    'fisbe.sample': ({ runId }) => fisbe.sample(runId),
    'fisbe.geometry': ({ runId, side, id }) => fisbe.geometry(runId, side, id),
    'fisbe.slice': ({ runId, axis, index }) => fisbe.slice(runId, axis, index),
  };
}
