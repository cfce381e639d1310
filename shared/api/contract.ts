/**
 * The API contract: every call and event between a UI and the engine, with runtime schemas for
 * payloads. Both transports (Electron IPC and the loopback bridge) validate every message against it.
 * Bump API_VERSION on any incompatible change.
 */
import { z } from 'zod';
import {
  BackendName,
  BackendReport,
  PipelineInfo,
  ProjectInfo,
  Recording,
  Run,
  RunLogLine,
  RunResult,
  RunStatus,
  UserName,
} from './domain.js';
import { isDomainApi, type DomainApi, type Merged } from './define.js';
import * as domainModules from './domains.js';

export const API_VERSION = 2;

const Id = z.number().int().positive();
const NoParams = z.object({}).strict();

/** Calls: request params schema and result schema. */
const coreCalls = {
  'project.info': { params: NoParams, result: ProjectInfo },
  /** This machine's recent projects (existing files, most recent first) and the open one. */
  'project.recent': { params: NoParams, result: z.object({ paths: z.array(z.string()), current: z.string() }) },
  /** Switches this window to an existing Cajal project (refused while runs are in progress); then `project.changed`. */
  'project.open': { params: z.object({ path: z.string().min(1).max(4096) }).strict(), result: ProjectInfo },
  /** Creates a project file where none exists (an absolute path ending in .cajal) and switches to it. */
  'project.create': { params: z.object({ path: z.string().min(1).max(4096) }).strict(), result: ProjectInfo },
  'recordings.list': { params: NoParams, result: z.array(Recording) },
  'recordings.import': {
    params: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) }).strict(),
    result: z.object({
      imported: z.array(Recording),
      errors: z.array(z.object({ path: z.string(), message: z.string() })),
      /** Imported with a caveat, e.g. a file cut short, read up to its last whole record. */
      warnings: z.array(z.object({ path: z.string(), message: z.string() })),
      /** Removed from the project earlier, back with their annotations and runs (same path and content). */
      restored: z.array(Recording),
      /** Not added: the project has this file, or the same content at another path; `message` says which. */
      duplicates: z.array(z.object({ path: z.string(), recordingId: Id, message: z.string() })),
    }),
  },
  /** Takes a recording out of the project (see RecordingRepository.remove); never touches its file. */
  'recordings.remove': {
    params: z.object({ recordingId: Id }).strict(),
    result: z.object({ recording: Recording, annotationCount: z.number().int(), runCount: z.number().int() }),
  },
  'pipelines.list': { params: NoParams, result: z.array(PipelineInfo) },
  'runs.list': { params: NoParams, result: z.array(Run) },
  'runs.get': { params: z.object({ runId: Id }).strict(), result: Run },
  'runs.start': {
    params: z
      .object({
        pipeline: z.string().min(1).max(100),
        recordingId: Id.nullable(),
        params: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
    result: Run,
  },
  'runs.cancel': { params: z.object({ runId: Id }).strict(), result: Run },
  /** Deletes a finished run with its logs, results and models (never a recording or its file); refused while queued or running. */
  'runs.delete': {
    params: z.object({ runId: Id }).strict(),
    result: z.object({ runId: Id, results: z.number().int(), arrays: z.number().int(), models: z.number().int(), logs: z.number().int() }),
  },
  'runs.logs': { params: z.object({ runId: Id }).strict(), result: z.array(RunLogLine) },
  'runs.results': { params: z.object({ runId: Id }).strict(), result: z.array(RunResult) },
  'compute.backends': { params: NoParams, result: BackendReport },
  'compute.setBackend': { params: z.object({ backend: BackendName.nullable() }).strict(), result: BackendReport },
  /** The name that signs annotations and review decisions on this machine (the OS account's until one is set). */
  'settings.user': { params: NoParams, result: UserName },
  /** Sets that name for this machine (null: back to the OS account's). */
  'settings.setUser': { params: z.object({ name: z.string().min(1).max(200).nullable() }).strict(), result: UserName },
} as const;

/** Every domain's API (the `domainApi(…)` values that `domains.ts` re-exports). */
type DomainApis = Extract<(typeof domainModules)[keyof typeof domainModules], DomainApi>;
export const DOMAIN_APIS = Object.values(domainModules).filter(isDomainApi) as DomainApis[];

function mergeCalls(): typeof coreCalls & Merged<DomainApis['calls']> {
  const merged: Record<string, unknown> = { ...coreCalls };
  for (const api of DOMAIN_APIS) {
    for (const [name, spec] of Object.entries(api.calls)) {
      if (name in merged) throw new Error(`API call "${name}" is declared twice (domain "${api.id}")`);
      merged[name] = spec;
    }
  }
  return merged as typeof coreCalls & Merged<DomainApis['calls']>;
}

/** The core calls (project, recordings, pipelines, runs, compute) and every domain's. */
export const calls = mergeCalls();

/** Events pushed from the engine to every subscribed UI. */
export const events = {
  'run.progress': z.object({ runId: Id, fraction: z.number().min(0).max(1), message: z.string() }),
  'run.status': z.object({ runId: Id, status: RunStatus, error: z.string().nullable() }),
  'run.log': z.object({ runId: Id, line: RunLogLine }),
  'recordings.changed': z.object({}),
  /** The window's project was switched: a UI reloads everything it shows. */
  'project.changed': z.object({ path: z.string() }),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallParams<N extends CallName> = z.input<Calls[N]['params']>;
export type CallResult<N extends CallName> = z.infer<Calls[N]['result']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.infer<Events[N]>;

export const CALL_NAMES = Object.keys(calls) as CallName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** The typed surface a UI sees, whatever the transport. */
export interface CajalApi {
  call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>>;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
}
