/**
 * The job runner: runs pipeline steps in worker threads so the API stays responsive, streams
 * progress to subscribers, cancels promptly, and writes each run's results in one transaction.
 * It owns the runs it queues (ownership.ts): it renews their lease, and its final status is the
 * one that stands. A project file that cannot be written (disk full) fails the run concerned with
 * one line naming the file; it never throws out of a worker's event handler, where it would take
 * the whole process (and every other run, and `cajal serve`) down.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RECORDING_KIND_NAMES, recordingKind, type EventName, type EventPayload, type Recording, type Run, type RunLogLine } from '../../shared/api/index.js';
import { ConflictError, NotFoundError, StorageError, ValidationError, describeError } from '../errors.js';
import { asStorageError, type FinalStatus, type RunOwner, type Store } from '../store/index.js';
import { HEARTBEAT_INTERVAL_MS, newRunOwner } from './ownership.js';
import type { PipelineRegistry } from './registry.js';
import type { WorkerInput, WorkerMessage } from './protocol.js';
import type { NamedSegmentCollection, PipelineDefinition, PipelineModel, ProducedModel } from './pipeline.js';
import type { ModelRecord, NewModel } from '../store/models.js';
import { siblingModuleUrl } from './registry.js';

export type RunnerEvent = { [N in EventName]: { name: N; payload: EventPayload<N> } }[EventName];
export type RunnerListener = (event: RunnerEvent) => void;

export interface JobRunnerOptions {
  maxConcurrent?: number;
  codeVersion: string;
  /** How long a cancelled worker may take to stop by itself before it is terminated. */
  cancelGraceMs?: number;
  /** How often progress is written to the project file (events are not throttled by this). */
  progressWriteIntervalMs?: number;
  /** How often the lease on this runner's runs is renewed (ownership.ts). */
  heartbeatIntervalMs?: number;
}

interface ActiveJob {
  runId: number;
  worker: Worker;
  cancelFlag: Int32Array;
  cancelTimer?: NodeJS.Timeout;
  settled: boolean;
  lastProgressWriteAt: number;
  done: Promise<void>;
}

/** A final status the project file refused (disk full): kept here, written when it accepts writes again. */
interface UnsavedFinal {
  status: Exclude<FinalStatus, 'succeeded'>;
  error: string | null;
  /** Why it could not be written. */
  cause: StorageError | undefined;
}

/** A stored model as a worker receives it (the model it uses, or the checkpoint it resumes from). */
function pipelineModel({ id, name, format, meta, weights }: ModelRecord): PipelineModel {
  return { id, name, format, meta, weights };
}

export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class JobRunner {
  private readonly queue: number[] = [];
  private readonly active = new Map<number, ActiveJob>();
  private readonly listeners = new Set<RunnerListener>();
  private readonly maxConcurrent: number;
  private readonly cancelGraceMs: number;
  private readonly progressWriteIntervalMs: number;
  private readonly workerUrl = new URL(siblingModuleUrl(import.meta.url, './worker'));
  private readonly unsavedFinals = new Map<number, UnsavedFinal>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  /** The identity this runner's runs are stored with. */
  readonly owner: RunOwner = newRunOwner();

  constructor(
    private readonly store: Store,
    private readonly registry: PipelineRegistry,
    private readonly options: JobRunnerOptions,
  ) {
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? defaultConcurrency());
    this.cancelGraceMs = options.cancelGraceMs ?? 2000;
    this.progressWriteIntervalMs = options.progressWriteIntervalMs ?? 250;
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref(); // the lease is no reason to keep the process alive
  }

  subscribe(listener: RunnerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and queues a run; returns it as stored (status `queued` or already `running`). */
  start(pipelineName: string, recordingId: number | null, rawParams: Record<string, unknown>): Run {
    if (this.closed) throw new ConflictError('the job runner is shut down');
    const { definition } = this.registry.get(pipelineName);
    const parsed = definition.params.safeParse(rawParams);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ValidationError(`params.${issue.path.join('.')}`, issue.message);
    }
    if (definition.input === 'recording') {
      if (recordingId === null) throw new ValidationError('recordingId', `pipeline "${pipelineName}" needs a recording`);
      const recording = this.store.recordings.get(recordingId);
      if (!recording) throw new NotFoundError(`recording ${recordingId}`);
      this.checkInProject(recording);
      this.checkKind(definition, recording);
    }
    const params = parsed.data as Record<string, unknown>;
    if (definition.input === 'recordings') for (const recording of this.recordingsOf(pipelineName, params)) this.checkKind(definition, recording);
    this.linkedOf(definition, params);
    this.segmentDatasetsOf(definition, params, false);
    let defaultInserted: string | null = null;
    if (definition.usesModel) {
      const resolved = this.resolveModel(definition, params.modelId);
      params.modelId = resolved.id;
      defaultInserted = resolved.inserted;
    }
    if (definition.producesModel && params.resumeFromModelId !== undefined && params.resumeFromModelId !== null) {
      this.resumeCheckpoint(definition.producesModel.pipeline, params.resumeFromModelId);
    }
    let run: Run;
    try {
      run = this.store.runs.create(
        { pipeline: definition.name, params, recordingId: definition.input === 'recording' ? recordingId : null, codeVersion: this.options.codeVersion },
        this.owner,
      );
    } catch (error) {
      throw this.storageError(error) ?? error;
    }
    if (defaultInserted) this.log(run.id, 'info', defaultInserted);
    this.emit({ name: 'run.status', payload: { runId: run.id, status: 'queued', error: null } });
    this.queue.push(run.id);
    // The run could not even be marked running (disk full): say so to the caller, not only in events.
    const refused = this.pump().get(run.id);
    if (refused) throw refused;
    return this.view(run.id);
  }

  /**
   * Refuses, before anything starts, a recording the pipeline cannot read, with a sentence rather
   * than the parser error the run would end with ("not an EDF or BDF file" for an SWC neuron).
   */
  private checkKind(definition: PipelineDefinition<unknown>, recording: Recording): void {
    const kinds = definition.recordingKinds;
    const kind = recordingKind(recording);
    if (!kinds || kinds.includes(kind)) return;
    const accepted = kinds.length ? kinds.map((k) => RECORDING_KIND_NAMES[k].name).join(' or ') : 'no';
    const { name: kindName, article } = RECORDING_KIND_NAMES[kind];
    throw new ValidationError('recordingId', `"${definition.title}" works on ${accepted} recordings; recording ${recording.id} (${basename(recording.sourcePath)}) is ${article} ${kindName} recording`);
  }

  /** Refuses a recording removed from the project: it keeps its old runs but starts no new ones. */
  private checkInProject(recording: Recording): void {
    if (this.store.recordings.removedAt(recording.id) === null) return;
    throw new ConflictError(`recording ${recording.id} (${basename(recording.sourcePath)}) was removed from the project; import the file again to analyse it`);
  }

  /** The recordings named by `params.recordingIds`, checked to exist and to be in the project. */
  private recordingsOf(pipelineName: string, params: Record<string, unknown>): Recording[] {
    const ids = params.recordingIds;
    // An empty list passes when the pipeline's schema lets it (training on labelled segments alone).
    if (!Array.isArray(ids)) throw new ValidationError('params.recordingIds', `pipeline "${pipelineName}" needs a list of recording ids`);
    return ids.map((id: unknown) => {
      const recording = typeof id === 'number' ? this.store.recordings.get(id) : undefined;
      if (!recording) throw new NotFoundError(`recording ${String(id)}`);
      this.checkInProject(recording);
      return recording;
    });
  }

  /**
   * The labelled-segment datasets named by params.segmentDatasetIds of a pipeline that reads them,
   * each checked to exist; with their samples when `load` (at launch), else only checked (at start).
   */
  private segmentDatasetsOf(definition: PipelineDefinition<unknown>, params: Record<string, unknown>, load: boolean): NamedSegmentCollection[] {
    if (!definition.readsSegmentDatasets) return [];
    const ids = Array.isArray(params.segmentDatasetIds) ? (params.segmentDatasetIds as number[]) : [];
    return ids.flatMap((id) => {
      const summary = this.store.segments.summaryOf(id);
      if (!summary) throw new NotFoundError(`segment dataset ${id} (params.segmentDatasetIds; see cajal seizure segments list)`);
      if (!load) return [];
      const stored = this.store.segments.get(id)!;
      return [{ id, name: stored.name, collection: stored.collection }];
    });
  }

  /**
   * The recordings named by the params a pipeline declares in `linkedRecordings` (an extraction's
   * atlas), each checked to exist, to be in the project and to be of a kind the param accepts.
   */
  private linkedOf(definition: PipelineDefinition<unknown>, params: Record<string, unknown>): Record<string, Recording> {
    const linked: Record<string, Recording> = {};
    for (const [param, kinds] of Object.entries(definition.linkedRecordings ?? {})) {
      const id = params[param];
      if (id === undefined || id === null) continue;
      const recording = typeof id === 'number' ? this.store.recordings.get(id) : undefined;
      if (!recording) throw new NotFoundError(`recording ${String(id)} (params.${param})`);
      this.checkInProject(recording);
      const kind = recordingKind(recording);
      if (!kinds.includes(kind)) {
        const { name: kindName, article } = RECORDING_KIND_NAMES[kind];
        const accepted = kinds.map((k) => RECORDING_KIND_NAMES[k].name).join(' or ');
        throw new ValidationError(`params.${param}`, `"${definition.title}" needs ${accepted} recordings there; recording ${recording.id} (${basename(recording.sourcePath)}) is ${article} ${kindName} recording`);
      }
      linked[param] = recording;
    }
    return linked;
  }

  /**
   * The id of the model a run will use: the one asked for, or the latest complete one of its kind;
   * when the project has none and the pipeline ships a default, that default is stored first
   * (`inserted` says so, for the run's log).
   */
  private resolveModel(definition: PipelineDefinition<unknown>, requested: unknown): { id: number; inserted: string | null } {
    const modelPipeline = definition.usesModel!;
    if (requested !== undefined && requested !== null) {
      const model = typeof requested === 'number' ? this.store.models.get(requested) : undefined;
      if (!model || model.pipeline !== modelPipeline) throw new NotFoundError(`${modelPipeline} model ${String(requested)}`);
      return { id: model.id, inserted: null };
    }
    // The latest finished one: a checkpoint left by a cancelled training run is used only when named.
    const latest = this.store.models.list(modelPipeline).filter((m) => m.status === 'complete').at(-1);
    if (latest) return { id: latest.id, inserted: null };
    const shipped = definition.defaultModel?.() ?? null;
    if (!shipped) throw new ValidationError('modelId', `no ${modelPipeline} model in this project; train one first (cajal seizure train --project …)`);
    let id: number;
    try {
      id = this.store.models.add({ name: shipped.name, pipeline: modelPipeline, runId: null, format: shipped.format, meta: { ...shipped.meta, shippedDefault: true }, weights: shipped.weights });
    } catch (error) {
      throw this.storageError(error) ?? error;
    }
    return { id, inserted: `this project had no ${modelPipeline} model: stored the default one shipped with Cajal as model #${id} "${shipped.name}" (train or import another to replace it)` };
  }

  /** The checkpoint a training run resumes from: a stored model of the kind the pipeline produces. */
  private resumeCheckpoint(modelPipeline: string, requested: unknown): number {
    const model = typeof requested === 'number' ? this.store.models.get(requested) : undefined;
    if (!model || model.pipeline !== modelPipeline) throw new NotFoundError(`${modelPipeline} model ${String(requested)} to resume from`);
    return model.id;
  }

  cancel(runId: number): Run {
    const run = this.store.runs.get(runId);
    if (!run) throw new NotFoundError(`run ${runId}`);
    const queuedAt = this.queue.indexOf(runId);
    if (queuedAt >= 0) {
      this.queue.splice(queuedAt, 1);
      this.finish(runId, 'cancelled', null);
    } else {
      const job = this.active.get(runId);
      if (!job) throw new ConflictError(`run ${runId} is ${this.view(runId).status}, not queued or running`);
      this.requestStop(job);
    }
    return this.view(runId);
  }

  /** A run as stored, with the final status the store refused (if any) in place of the stored one. */
  private view(runId: number): Run {
    const run = this.store.runs.get(runId)!;
    const unsaved = this.unsavedFinals.get(runId);
    return unsaved ? { ...run, status: unsaved.status, error: unsaved.error } : run;
  }

  /** Resolves when no run is queued or running. */
  async idle(): Promise<void> {
    while (this.queue.length || this.active.size) {
      await Promise.all([...this.active.values()].map((job) => job.done));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  get runningCount(): number {
    return this.active.size;
  }

  /** Stops every worker; runs still in progress end `interrupted`. */
  async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const runId of this.queue.splice(0)) this.finish(runId, 'interrupted', 'the application was closed before this run started');
    const jobs = [...this.active.values()];
    for (const job of jobs) {
      if (job.settled) continue; // its final status is already written (or kept to be written)
      job.settled = true;
      this.finish(job.runId, 'interrupted', 'the application was closed while this run was in progress');
    }
    this.writeUnsavedFinals();
    await Promise.all(jobs.map((job) => job.worker.terminate()));
    this.active.clear();
  }

  private emit(event: RunnerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber must not break the runner or other subscribers.
      }
    }
  }

  /**
   * The heartbeat: writes final statuses the store refused earlier, and renews the lease on the
   * runs this runner holds (taking back any another process marked interrupted meanwhile). Never
   * throws: a timer's exception would end the process.
   */
  private beat(): void {
    try {
      this.writeUnsavedFinals();
      const held = [...this.queue, ...[...this.active.values()].filter((job) => !job.settled).map((job) => job.runId)];
      for (const runId of this.store.runs.renewLease(this.owner.token, held)) {
        this.log(runId, 'warn', 'another process marked this run interrupted while this one was still running it; it goes on');
      }
    } catch {
      // Disk full or busy: the lease is renewed at the next beat; if it never is, the runs are
      // recovered as interrupted once this process is gone.
    }
  }

  /** Writes the final statuses the store refused earlier, while it accepts them. */
  private writeUnsavedFinals(): void {
    for (const [runId, final] of this.unsavedFinals) {
      try {
        this.store.runs.finish(runId, final.status, final.error, this.owner.token);
      } catch {
        return; // still refused: the next beat tries again
      }
      this.unsavedFinals.delete(runId);
      // The clients heard this line when the status was decided; now it reaches the run's logs too.
      if (final.error) this.storeLog(runId, final.status === 'failed' ? 'error' : 'warn', final.error);
    }
  }

  /** Starts queued runs up to the concurrency limit; returns the runs the project file refused to start. */
  private pump(): Map<number, StorageError> {
    const refused = new Map<number, StorageError>();
    while (!this.closed && this.active.size < this.maxConcurrent && this.queue.length) {
      const runId = this.queue.shift()!;
      const storage = this.launch(runId);
      if (storage) refused.set(runId, storage);
    }
    return refused;
  }

  /**
   * Starts one queued run. Whatever stops it from starting (the project file cannot be written, its
   * recording is gone) fails this run only: launch is called from a worker's exit handler, where a
   * throw would end the process.
   */
  private launch(runId: number): StorageError | undefined {
    try {
      this.startWorker(runId);
      return undefined;
    } catch (error) {
      const storage = this.storageError(error);
      this.finish(runId, 'failed', storage?.message ?? describeError(error));
      return storage;
    }
  }

  private startWorker(runId: number): void {
    const run = this.store.runs.get(runId)!;
    const { moduleUrl, definition } = this.registry.get(run.pipeline);
    const recording: Recording | null = run.recordingId === null ? null : (this.store.recordings.get(run.recordingId) ?? null);
    const stored = definition.usesModel ? this.store.models.get(run.params.modelId as number) : undefined;
    const model = stored ? pipelineModel(stored) : null;
    const resumeId = definition.producesModel ? run.params.resumeFromModelId : undefined;
    const checkpoint = typeof resumeId === 'number' ? this.store.models.get(resumeId) : undefined;
    if (typeof resumeId === 'number' && !checkpoint) throw new NotFoundError(`model ${resumeId} to resume from`);
    const resumeFrom = checkpoint ? pipelineModel(checkpoint) : null;
    const cancelFlag = new SharedArrayBuffer(4);
    const recordings = definition.input === 'recordings' ? this.recordingsOf(run.pipeline, run.params) : [];
    const linked = this.linkedOf(definition, run.params);
    const segmentDatasets = this.segmentDatasetsOf(definition, run.params, true);
    const input: WorkerInput = { moduleUrl, runId, params: run.params, recording, recordings, linked, segmentDatasets, model, resumeFrom, cancelFlag };
    this.store.runs.markRunning(runId, this.owner.token);
    // From source (tests, tsx) the worker is TypeScript and goes through a bootstrap that registers
    // tsx's loader (execArgv `--import tsx` does not reach worker threads on Node 20).
    const fromSource = this.workerUrl.pathname.endsWith('.ts');
    const worker = fromSource
      ? new Worker(new URL('./source-worker.mjs', import.meta.url), { workerData: { ...input, sourceEntry: this.workerUrl.href } })
      : new Worker(this.workerUrl, { workerData: input });
    let resolveDone!: () => void;
    const job: ActiveJob = {
      runId,
      worker,
      cancelFlag: new Int32Array(cancelFlag),
      settled: false,
      lastProgressWriteAt: 0,
      done: new Promise<void>((resolve) => (resolveDone = resolve)),
    };
    this.active.set(runId, job);
    this.emit({ name: 'run.status', payload: { runId, status: 'running', error: null } });

    worker.on('message', (message: WorkerMessage) => this.onMessage(job, message));
    worker.on('error', (error) => this.settle(job, 'failed', `the pipeline worker crashed: ${error.message}`));
    worker.on('exit', (code) => {
      if (job.cancelTimer) clearTimeout(job.cancelTimer);
      if (Atomics.load(job.cancelFlag, 0) === 1) this.settle(job, 'cancelled', null);
      else this.settle(job, 'failed', `the pipeline worker exited unexpectedly (exit code ${code})`);
      this.active.delete(runId);
      resolveDone();
      this.pump();
    });
  }

  private onMessage(job: ActiveJob, message: WorkerMessage): void {
    if (job.settled) return;
    try {
      this.handleMessage(job, message);
    } catch (error) {
      // Progress or a log line the project file refused (disk full): the run cannot be stored, so
      // it fails now rather than computing on for nothing; other runs and the process go on.
      this.settle(job, 'failed', this.storageError(error)?.message ?? describeError(error));
      void job.worker.terminate();
    }
  }

  private handleMessage(job: ActiveJob, message: WorkerMessage): void {
    const { runId } = job;
    switch (message.type) {
      case 'progress': {
        const now = Date.now();
        if (message.fraction >= 1 || now - job.lastProgressWriteAt >= this.progressWriteIntervalMs) {
          job.lastProgressWriteAt = now;
          this.store.runs.setProgress(runId, message.fraction, message.message);
        }
        this.emit({ name: 'run.progress', payload: { runId, fraction: message.fraction, message: message.message } });
        break;
      }
      case 'log': {
        const line = this.store.runs.appendLog(runId, message.level, message.message);
        this.emit({ name: 'run.log', payload: { runId, line } });
        break;
      }
      case 'checkpoint': {
        // Stored as it comes (replacing the previous one), so a cancel or crash keeps the latest.
        this.store.models.replaceCheckpoint(this.modelRow(runId, message.model, 'sent a checkpoint'));
        break;
      }
      case 'done': {
        try {
          // One transaction: the final model, the results and the final status land together, or
          // not at all (a failed results write leaves no model claiming to come from this run).
          this.store.transaction(() => {
            if (message.model) {
              const modelId = this.store.models.addFinal(this.modelRow(runId, message.model, 'returned a model'));
              this.store.runs.appendLog(runId, 'info', `stored model #${modelId} "${message.model.name}"`);
            }
            for (const item of message.results) this.store.results.add(runId, item);
            this.store.runs.finish(runId, 'succeeded', null, this.owner.token);
          });
          job.settled = true;
          this.emit({ name: 'run.progress', payload: { runId, fraction: 1, message: 'done' } });
          this.emit({ name: 'run.status', payload: { runId, status: 'succeeded', error: null } });
        } catch (error) {
          const storage = this.storageError(error);
          this.settle(job, 'failed', storage ? storage.message : `storing the results failed: ${(error as Error).message}`);
        }
        void job.worker.terminate();
        break;
      }
      case 'cancelled':
        this.settle(job, 'cancelled', null);
        void job.worker.terminate();
        break;
      case 'failed':
        this.settle(job, 'failed', message.message);
        void job.worker.terminate();
        break;
    }
  }

  /** The model kind a run's pipeline produces, if it is a training pipeline. */
  private producedModelPipeline(runId: number): string | undefined {
    const run = this.store.runs.get(runId);
    return run ? this.registry.get(run.pipeline).definition.producesModel?.pipeline : undefined;
  }

  /** The models row for a model a run hands over (`what`: how, for the error when it may not). */
  private modelRow(runId: number, model: ProducedModel, what: string): Omit<NewModel, 'status'> & { runId: number } {
    const producer = this.producedModelPipeline(runId);
    if (!producer) throw new Error(`the pipeline of run ${runId} ${what} but does not declare producesModel`);
    const run = this.store.runs.get(runId)!;
    return {
      name: model.name,
      pipeline: producer,
      runId,
      format: model.format,
      meta: { ...model.meta, run: { id: runId, params: run.params, codeVersion: run.codeVersion } },
      weights: model.weights,
    };
  }

  private requestStop(job: ActiveJob): void {
    Atomics.store(job.cancelFlag, 0, 1);
    // A pipeline stuck in a long computation cannot check the flag: terminate it after a grace period.
    job.cancelTimer ??= setTimeout(() => void job.worker.terminate(), this.cancelGraceMs);
  }

  private settle(job: ActiveJob, status: 'failed' | 'cancelled', error: string | null): void {
    if (job.settled) return;
    job.settled = true;
    this.finish(job.runId, status, error);
  }

  /**
   * Writes a run's final status and tells the clients. When the project file refuses even this
   * small update (disk still full), the status is kept in memory and written at a later heartbeat
   * or at shutdown; the clients hear it now either way. If it is never written, the next open of
   * the project finds this process gone and marks the run interrupted.
   */
  private finish(runId: number, status: UnsavedFinal['status'], error: string | null): void {
    const level = status === 'failed' ? 'error' : 'warn';
    try {
      if (!this.store.runs.finish(runId, status, error, this.owner.token)) return; // it had already finished
    } catch (writeError) {
      this.unsavedFinals.set(runId, { status, error, cause: this.storageError(writeError) });
      if (error) this.emit({ name: 'run.log', payload: { runId, line: { time: new Date().toISOString(), level, message: error } } });
      this.emit({ name: 'run.status', payload: { runId, status, error } });
      return;
    }
    if (error) this.log(runId, level, error);
    this.emit({ name: 'run.status', payload: { runId, status, error } });
  }

  /** Appends a line to the run's logs where the project file takes it, and tells the clients. */
  private log(runId: number, level: RunLogLine['level'], message: string): void {
    const line = this.storeLog(runId, level, message);
    this.emit({ name: 'run.log', payload: { runId, line } });
  }

  private storeLog(runId: number, level: RunLogLine['level'], message: string): RunLogLine {
    try {
      return this.store.runs.appendLog(runId, level, message);
    } catch {
      // Disk full: the line still reaches the clients, and the run's status says what happened.
      return { time: new Date().toISOString(), level, message };
    }
  }

  private storageError(error: unknown): StorageError | undefined {
    return asStorageError(error, this.store.path);
  }
}
