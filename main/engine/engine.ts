/**
 * The engine: one open project with its store, pipelines, job runner and compute settings. It is
 * plain Node (never Electron), shared by the Electron shell, the loopback bridge and the CLI.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { BackendName, BackendReport, EventName, EventPayload, Recording } from '../../shared/api/index.js';
import { FileAccessError, describeError } from '../errors.js';
import { inspectRecording } from '../io/recording.js';
import { recoverAbandonedRuns } from '../jobs/ownership.js';
import { builtinPipelines, type PipelineRegistry } from '../jobs/registry.js';
import { JobRunner, type RunnerEvent, type RunnerListener } from '../jobs/runner.js';
import { Store, asStorageError } from '../store/index.js';
import { codeVersion } from '../version.js';
import { domainPipelineUrls, openDomains, type DomainServices, type ImportOptions, type ImportOutcome, type OpenDomains } from '../domains/index.js';
import { MachineSettings } from '../config/machine-settings.js';
import { ComputeSettings } from './compute-settings.js';

export interface EngineOptions {
  projectPath: string;
  /** Create the project file if missing (`cajal init`, the app); false requires an existing project. */
  create?: boolean;
  /** Maximum concurrent jobs; default cores − 1, at least 1. */
  maxConcurrent?: number;
  /** Backend forced for this session (e.g. `--backend`); overrides the project setting. */
  forcedBackend?: BackendName | null;
  /** Extra pipeline modules (URLs) to register, beside the built-in ones. */
  extraPipelines?: string[];
  /** This machine's user settings (default: the user's configuration folder, see main/config). */
  machine?: MachineSettings;
}

export type { ImportOptions, ImportOutcome } from '../domains/index.js';

/** A file that could not be opened or read at all, as opposed to one read and found malformed. */
function isFileAccessFailure(error: unknown): boolean {
  return error instanceof FileAccessError || typeof (error as NodeJS.ErrnoException | null)?.syscall === 'string';
}

export type EngineEvent = RunnerEvent;

/** Why an imported file added nothing, in a sentence naming the recording the project already has. */
function duplicateMessage(path: string, outcome: 'already-imported' | 'same-content', existing: Recording): string {
  const name = basename(path);
  if (outcome === 'already-imported') return `${name} is already in the project (recording #${existing.id}); nothing added`;
  return `${name} has the same content as recording #${existing.id} (${existing.sourcePath}), already in the project; nothing added`;
}

export class Engine {
  readonly compute: ComputeSettings;
  /** The open domains: their services (`services.eeg`…) and API handlers. */
  readonly domains: OpenDomains;
  private readonly listeners = new Set<RunnerListener>();
  private unsubscribeRunner: () => void;

  private constructor(
    readonly store: Store,
    readonly registry: PipelineRegistry,
    readonly runner: JobRunner,
    /** Runs found `queued`/`running` at open whose process is gone, marked `interrupted` (a crash). */
    readonly recoveredRunCount: number,
    readonly codeVersion: string,
    forcedBackend: BackendName | null,
    /** This machine's user settings: who signs annotations and decisions. */
    readonly machine: MachineSettings,
  ) {
    this.compute = new ComputeSettings(store.settings, forcedBackend);
    this.domains = openDomains({ store, runner, reviewer: () => machine.userName().name });
    this.unsubscribeRunner = runner.subscribe((event) => this.emit(event));
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const projectPath = resolve(options.projectPath);
    if (options.create === false && !existsSync(projectPath)) {
      throw new FileAccessError(projectPath, 'no such project file (create one with `cajal init`)');
    }
    const store = Store.open(projectPath);
    try {
      // Only runs whose owner is gone: another process may be running the others right now.
      const recovered = recoverAbandonedRuns(store);
      const registry = await builtinPipelines(domainPipelineUrls());
      for (const url of options.extraPipelines ?? []) await registry.register(url);
      const version = codeVersion();
      const runner = new JobRunner(store, registry, {
        codeVersion: version,
        ...(options.maxConcurrent !== undefined ? { maxConcurrent: options.maxConcurrent } : {}),
      });
      return new Engine(store, registry, runner, recovered, version, options.forcedBackend ?? null, options.machine ?? new MachineSettings());
    } catch (error) {
      store.close();
      throw error;
    }
  }

  /** Each domain's service for this project (`services.eeg` is the EEG review, `services.ntf` the NTF view…). */
  get services(): DomainServices {
    return this.domains.services;
  }

  get projectPath(): string {
    return this.store.path;
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<N extends EventName>(event: { name: N; payload: EventPayload<N> } | RunnerEvent): void {
    for (const listener of this.listeners) listener(event as RunnerEvent);
  }

  /**
   * Imports source files by path. Each file is checked completely (format, header against size,
   * hash) before anything is written, so a bad file leaves no trace in the project.
   */
  async importRecordings(paths: readonly string[], options: ImportOptions = {}): Promise<ImportOutcome> {
    const outcome: ImportOutcome = { imported: [], errors: [], warnings: [], restored: [], duplicates: [] };
    const changed = () => outcome.imported.length + outcome.restored.length > 0;
    for (const path of paths) {
      const absolute = resolve(path);
      try {
        const inspected = await inspectRecording(absolute);
        const added = this.store.recordings.add(inspected);
        if (added.outcome === 'created') outcome.imported.push(added.recording);
        else if (added.outcome === 'restored') outcome.restored.push(added.recording);
        else outcome.duplicates.push({ path: absolute, recordingId: added.recording.id, message: duplicateMessage(absolute, added.outcome, added.recording) });
        if (added.outcome === 'created' || added.outcome === 'restored') {
          for (const warning of inspected.warnings) outcome.warnings.push({ path: absolute, message: `${absolute}: ${warning}` });
        }
      } catch (error) {
        // A full disk under the project fails every later file too: stop and say so once.
        const storage = asStorageError(error, this.store.path);
        if (storage) {
          if (changed()) this.emit({ name: 'recordings.changed', payload: {} });
          throw storage;
        }
        outcome.errors.push({ path: absolute, message: options.detailedFileErrors || !isFileAccessFailure(error) ? describeError(error) : `cannot read ${absolute}` });
      }
    }
    if (changed()) this.emit({ name: 'recordings.changed', payload: {} });
    return outcome;
  }

  /**
   * Takes a recording out of the project (refused while a run reads it): its annotations and
   * finished runs stay, and come back with it when the same file is imported again. Its source
   * file is never opened, let alone changed.
   */
  removeRecording(recordingId: number): { recording: Recording; annotationCount: number; runCount: number } {
    const annotationCount = this.store.recordings.removedAt(recordingId) === null ? this.store.annotations.current(recordingId).length : 0;
    const removed = this.store.recordings.remove(recordingId);
    this.emit({ name: 'recordings.changed', payload: {} });
    return { ...removed, annotationCount };
  }

  backendReport(): Promise<BackendReport> {
    return this.compute.report();
  }

  private closing: Promise<void> | null = null;

  /** Closes the project (jobs end `interrupted`); a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.unsubscribeRunner();
    await this.runner.shutdown();
    this.domains.close();
    this.store.close();
  }
}
