/**
 * The project a window (or the bridge) works on, and switching it: New, Open and Open Recent. The
 * host opens the next project before closing the current one, so a project that cannot be opened
 * leaves the user where they were; it refuses to switch while runs are in progress (they would be
 * cut off); and it remembers projects in this machine's recent list. Transports ask it for the
 * current engine and handlers on every message and forward the current engine's events.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ProjectInfo } from '../../shared/api/index.js';
import { ConflictError, FileAccessError, FormatError, ValidationError } from '../errors.js';
import { lstatOrNull, statOrNull } from '../io/write-target.js';
import { isCajalProject } from '../store/index.js';
import { Engine, type EngineEvent, type EngineOptions } from './engine.js';
import { createHandlers, type Handlers, type HostInfo, type ProjectSwitcher } from './handlers.js';

export type HostEvent = EngineEvent | { name: 'project.changed'; payload: { path: string } };

export class ProjectHost implements ProjectSwitcher {
  private current: { engine: Engine; handlers: Handlers; unsubscribe: () => void };
  private readonly listeners = new Set<(event: HostEvent) => void>();
  /** Whether the current engine is one this host opened (the first belongs to whoever gave it). */
  private ownsCurrent = false;

  constructor(
    engine: Engine,
    private readonly info: Omit<HostInfo, 'projects'>,
    private readonly options: Pick<EngineOptions, 'maxConcurrent' | 'forcedBackend' | 'extraPipelines'> = {},
  ) {
    this.current = this.attach(engine);
    engine.machine.rememberProject(engine.projectPath);
  }

  get engine(): Engine {
    return this.current.engine;
  }

  get handlers(): Handlers {
    return this.current.handlers;
  }

  subscribe(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private attach(engine: Engine) {
    const handlers = createHandlers(engine, { ...this.info, projects: this });
    const unsubscribe = engine.subscribe((event) => this.emit(event));
    return { engine, handlers, unsubscribe };
  }

  private emit(event: HostEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  recent(): string[] {
    return this.engine.machine.recentProjects().filter((path) => existsSync(path));
  }

  /** An existing Cajal project; never any other file (opening would turn an empty file into a project). */
  async open(path: string): Promise<ProjectInfo> {
    const absolute = this.absolute(path);
    if (!existsSync(absolute)) throw new FileAccessError(absolute, 'no such project file');
    if (!isCajalProject(absolute)) throw new FormatError(absolute, 'not a Cajal project file');
    return this.switchTo(absolute, false);
  }

  /** A new project file where none exists (never over a file: that is what Open is for). */
  async create(path: string): Promise<ProjectInfo> {
    const absolute = this.absolute(path);
    if (!absolute.endsWith('.cajal')) throw new ValidationError('path', 'a project file name ends with .cajal');
    // (lstat: a dangling symbolic link is something there too, and creating through it would write elsewhere.)
    if (lstatOrNull(absolute)) throw new ConflictError(`${absolute} already exists; open it, or choose a new name`);
    if (!statOrNull(dirname(absolute))?.isDirectory()) throw new FileAccessError(dirname(absolute), 'no such folder');
    return this.switchTo(absolute, true);
  }

  private absolute(path: string): string {
    // Over the API a relative path would be relative to wherever the server was started.
    if (resolve(path) !== path) throw new ValidationError('path', 'expected an absolute path');
    return path;
  }

  private async switchTo(path: string, create: boolean): Promise<ProjectInfo> {
    if (path === this.engine.projectPath) return this.projectInfo();
    const active = this.engine.store.runs.list().filter((run) => run.status === 'queued' || run.status === 'running');
    if (active.length) {
      throw new ConflictError(`${active.length} run(s) of this project are still in progress (${active.map((r) => `#${r.id}`).join(', ')}); cancel them or wait before switching projects`);
    }
    const next = await Engine.open({ ...this.options, projectPath: path, create, machine: this.engine.machine });
    const previous = this.current;
    this.current = this.attach(next);
    this.ownsCurrent = true;
    previous.unsubscribe();
    // Closing twice is harmless (Engine.close is idempotent), so the giver may still close its own.
    await previous.engine.close();
    next.machine.rememberProject(path);
    this.emit({ name: 'project.changed', payload: { path } });
    return this.projectInfo();
  }

  private projectInfo(): ProjectInfo {
    return this.handlers['project.info']({}) as ProjectInfo;
  }

  /** Closes the engine this host opened, if it switched; the first one is its giver's to close. */
  async close(): Promise<void> {
    this.current.unsubscribe();
    if (this.ownsCurrent) await this.current.engine.close();
  }
}
