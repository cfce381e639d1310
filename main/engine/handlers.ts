/**
 * The API calls, implemented against the engine. Params arrive already validated by `dispatch`.
 */
import type { z } from 'zod';
import { API_VERSION, type CallName, type CallResult, type Calls, type ProjectInfo } from '../../shared/api/index.js';
import { NotFoundError } from '../errors.js';
import type { Engine } from './engine.js';
import { eegHandlers } from './eeg-handlers.js';
import { fisbeHandlers } from './fisbe-handlers.js';
import { ntfHandlers } from './ntf-handlers.js';
import { morphologyHandlers } from './morphology-handlers.js';

export type Handlers = {
  [N in CallName]: (params: z.output<Calls[N]['params']>) => Promise<CallResult<N>> | CallResult<N>;
};

export interface HostInfo {
  transport: ProjectInfo['transport'];
  nativeFileDialog: boolean;
}

export function createHandlers(engine: Engine, host: HostInfo): Handlers {
  const { store, runner } = engine;
  const runOrThrow = (runId: number) => {
    const run = store.runs.get(runId);
    if (!run) throw new NotFoundError(`run ${runId}`);
    return run;
  };
  return {
    'project.info': () => ({
      path: engine.projectPath,
      schemaVersion: store.schemaVersion,
      codeVersion: engine.codeVersion,
      apiVersion: API_VERSION,
      transport: host.transport,
      nativeFileDialog: host.nativeFileDialog,
    }),
    'recordings.list': () => store.recordings.list(),
    'recordings.import': ({ paths }) => engine.importRecordings(paths),
    'pipelines.list': () => engine.registry.list(),
    'runs.list': () => store.runs.list(),
    'runs.get': ({ runId }) => runOrThrow(runId),
    'runs.start': ({ pipeline, recordingId, params }) => runner.start(pipeline, recordingId, params),
    'runs.cancel': ({ runId }) => runner.cancel(runId),
    'runs.logs': ({ runId }) => (runOrThrow(runId), store.runs.logs(runId)),
    'runs.results': ({ runId }) => (runOrThrow(runId), store.results.list(runId)),
    'compute.backends': () => engine.backendReport(),
    'compute.setBackend': async ({ backend }) => {
      engine.compute.setProjectBackend(backend);
      return engine.backendReport();
    },
    ...eegHandlers(engine),
    ...fisbeHandlers(engine),
    ...ntfHandlers(engine),
    ...morphologyHandlers(engine),
  };
}
