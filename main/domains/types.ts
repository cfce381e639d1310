/**
 * What a domain is and what it is given. A domain (EEG review, seizure detection, FISBe, NTF,
 * morphology…) is one `DomainModule`: its id, the recording kinds its actions accept, its pipelines,
 * its API handlers over a per-project service, and its CLI commands. `main/domains/index.ts` lists
 * them; the engine, the job registry and the CLI loop over that list. A domain never imports the
 * engine, the CLI or the bridge: it receives a context (rule `domains-not-engine-cli-server`).
 */
import type { ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import type { CallResult, CallTable, DomainApi, RecordingKind, Run } from '../../shared/api/index.js';
import type { Output } from '../console/output.js';
import type { JobRunner } from '../jobs/runner.js';
import type { Store } from '../store/index.js';

/** A handler per call of a table; params arrive validated by the dispatcher. */
export type CallHandlers<C extends CallTable> = {
  [N in keyof C]: (params: z.output<C[N]['params']>) => Promise<z.infer<C[N]['result']>> | z.infer<C[N]['result']>;
};

/** What a domain's service and handlers get for one open project. */
export interface DomainContext {
  readonly store: Store;
  readonly runner: JobRunner;
  /** Who signs what the user writes (annotations, review decisions): the name set on this machine. */
  reviewer(): string;
}

export interface DomainModule<Id extends string = string, C extends CallTable = CallTable, Service = unknown> {
  /** One id everywhere: `main/domains/<id>`, `shared/api/<id>.ts`, `renderer/src/<id>`, API prefix, CLI verb, view, pipeline prefix. */
  readonly id: Id;
  readonly title: string;
  /** The recording kinds its pipelines and views work on (none: it works on files or on other runs). */
  readonly recordingKinds: readonly RecordingKind[];
  /** Its pipelines: module URLs whose default export is a PipelineDefinition (see `siblingModuleUrl`). */
  readonly pipelines: readonly string[];
  readonly api: DomainApi<Id, C>;
  /** Its per-project service (what its view reads from the project); closed with the project. */
  open(context: DomainContext): Service;
  handlers(service: Service, context: DomainContext): CallHandlers<C>;
  close?(service: Service): void;
  readonly cli: readonly CliCommand[];
}

/** Declares a domain; the type parameters come from the literal, so `engine.services.<id>` is typed. */
export function defineDomain<const Id extends string, C extends CallTable, Service>(domain: DomainModule<Id, C, Service>): DomainModule<Id, C, Service> {
  return domain;
}

// ---------------------------------------------------------------------------------------------
// The command line

/** One line of `cajal --help`: a verb (and subcommand) with its synopsis. */
export interface VerbUsage {
  verb: string;
  sub?: string;
  /** Synopsis lines (continuations indented by the caller's text). */
  synopsis: string[];
  description: string[];
  /** Takes --json: one JSON document on stdout. */
  json: boolean;
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The values `parseArgs` gives for an options table: strings, booleans, or string lists for `multiple`. */
export type ParsedFlags<O extends OptionsConfig> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? (O[K]['multiple'] extends true ? boolean[] : boolean) : O[K]['multiple'] extends true ? string[] : string;
};

/** What the import of files into a project reports (the `recordings.import` result). */
export type ImportOutcome = CallResult<'recordings.import'>;

export interface ImportOptions {
  /**
   * Say why a file cannot be read (no such file, permission denied, a folder). Off by default: over
   * the API that would tell a client which paths exist on this machine, so every file that cannot
   * be read reads the same "cannot read <path>". The CLI turns it on.
   */
  detailedFileErrors?: boolean;
}

/** An open project as a CLI command sees it. */
export interface ProjectSession {
  readonly projectPath: string;
  readonly store: Store;
  importRecordings(paths: readonly string[], options?: ImportOptions): Promise<ImportOutcome>;
  /** Starts a run and waits for it: progress and log lines on stderr, Ctrl-C cancels it. */
  runAndWait(pipeline: string, recordingId: number | null, params: Record<string, unknown>): Promise<Run>;
}

/** What the CLI gives a domain's command. */
export interface CliContext {
  readonly io: Output;
  /** Opens the project (creating it only with `create`), runs `body`, and closes it whatever happens. */
  withProject<T>(projectPath: string, options: { create: boolean }, body: (project: ProjectSession) => Promise<T> | T): Promise<T>;
  /** `cajal run <project> <pipeline> [recording]`: one run, its table printed; the exit code. */
  runPipeline(projectPath: string, pipeline: string, recordingArg: string | undefined, params: Record<string, unknown>, io: Output): Promise<number>;
  /** Repeated `--param key=value` options as an object; values are JSON where they parse as JSON. */
  parseParams(pairs: readonly string[]): Record<string, unknown>;
}

export interface CliCommand<O extends OptionsConfig = OptionsConfig> {
  /** The verb, the domain id where the domain has one command. */
  readonly verb: string;
  /** Former names, still accepted for one release with a note on stderr. */
  readonly aliases?: readonly string[];
  readonly usage: readonly VerbUsage[];
  /** Its options, merged with every other command's into one parse (a name means one thing everywhere). */
  readonly options: O;
  /** `args`: the words after the verb (subcommand first); the exit code. */
  run(args: string[], flags: ParsedFlags<O>, cli: CliContext): Promise<number>;
}

export function defineCommand<const O extends OptionsConfig>(command: CliCommand<O>): CliCommand<O> {
  return command;
}
