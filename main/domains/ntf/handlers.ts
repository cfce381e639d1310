/** The NTF connectome calls (shared/api/ntf.ts), implemented by NtfView. */
import type { ntfCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { NtfView } from './view.js';

export function ntfHandlers(ntf: NtfView): CallHandlers<typeof ntfCalls> {
  return {
    'ntf.runs': () => ntf.runs(),
    'ntf.result': ({ runId }) => ntf.result(runId),
    'ntf.affinity': ({ runId, component }) => ntf.affinity(runId, component),
  };
}
