/** The NTF connectome calls (shared/api/ntf.ts), implemented by NtfView. */
import type { z } from 'zod';
import type { CallResult, ntfCalls } from '../../shared/api/index.js';
import type { Engine } from './engine.js';

type NtfCalls = typeof ntfCalls;
export type NtfHandlers = {
  [N in keyof NtfCalls]: (params: z.output<NtfCalls[N]['params']>) => Promise<CallResult<N>> | CallResult<N>;
};

export function ntfHandlers(engine: Engine): NtfHandlers {
  const { ntf } = engine;
  return {
    'ntf.runs': () => ntf.runs(),
    'ntf.result': ({ runId }) => ntf.result(runId),
    'ntf.affinity': ({ runId, component }) => ntf.affinity(runId, component),
  };
}
