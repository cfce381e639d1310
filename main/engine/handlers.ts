/**
 * The API calls, implemented against the engine: the core ones here, each domain's by the domain
 * (main/domains). Params arrive already validated by `dispatch`.
 */
import type { z } from 'zod';
import { API_VERSION, CALL_NAMES, type CallName, type CallResult, type Calls, type ProjectInfo } from '../../shared/api/index.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Engine } from './engine.js';

export type Handlers = {
  [N in CallName]: (params: z.output<Calls[N]['params']>) => Promise<CallResult<N>> | CallResult<N>;
};

/** How the API's project calls reach the host that can switch projects (ProjectHost). */
export interface ProjectSwitcher {
  recent(): string[];
  open(path: string): Promise<ProjectInfo>;
  create(path: string): Promise<ProjectInfo>;
}

export interface HostInfo {
  transport: ProjectInfo['transport'];
  nativeFileDialog: boolean;
  /** The host that can switch this window's project (New, Open, Recent); absent: it cannot. */
  projects?: ProjectSwitcher;
}

export function createHandlers(engine: Engine, host: HostInfo): Handlers {
  const { store, runner } = engine;
  const switcher = (): ProjectSwitcher => {
    if (!host.projects) throw new ConflictError('this window cannot switch projects');
    return host.projects;
  };
  const runOrThrow = (runId: number) => {
    const run = store.runs.get(runId);
    if (!run) throw new NotFoundError(`run ${runId}`);
    return run;
  };
  const handlers = {
    ...engine.domains.handlers,
    'project.info': () => ({
      path: engine.projectPath,
      schemaVersion: store.schemaVersion,
      codeVersion: engine.codeVersion,
      apiVersion: API_VERSION,
      transport: host.transport,
      nativeFileDialog: host.nativeFileDialog,
    }),
    'project.recent': () => ({ paths: switcher().recent(), current: engine.projectPath }),
    'project.open': ({ path }) => switcher().open(path),
    'project.create': ({ path }) => switcher().create(path),
    'recordings.list': () => store.recordings.list(),
    'recordings.import': ({ paths }) => engine.importRecordings(paths),
    'recordings.remove': ({ recordingId }) => engine.removeRecording(recordingId),
    'pipelines.list': () => engine.registry.list(),
    'runs.list': () => store.runs.list(),
    'runs.get': ({ runId }) => runOrThrow(runId),
    'runs.start': ({ pipeline, recordingId, params }) => runner.start(pipeline, recordingId, params),
    'runs.cancel': ({ runId }) => runner.cancel(runId),
    'runs.delete': ({ runId }) => store.deleteRun(runId),
    'runs.logs': ({ runId }) => (runOrThrow(runId), store.runs.logs(runId)),
    'runs.results': ({ runId }) => (runOrThrow(runId), store.results.list(runId)),
    'compute.backends': () => engine.backendReport(),
    'settings.user': () => engine.machine.userName(),
    'settings.setUser': ({ name }) => engine.machine.setUserName(name),
    'compute.setBackend': async ({ backend }) => {
      engine.compute.setProjectBackend(backend);
      return engine.backendReport();
    },
  } as Partial<Handlers>;
  // Each domain's handlers are typed complete against its own calls; this catches a domain whose
  // API is in the contract (shared/api/domains.ts) but which is missing from main/domains/list.ts.
  const missing = CALL_NAMES.filter((name) => typeof handlers[name] !== 'function');
  if (missing.length) throw new Error(`no handler for API call(s) ${missing.join(', ')}: is the domain listed in main/domains/list.ts?`);
  return handlers as Handlers;
}
