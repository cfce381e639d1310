/**
 * The `cajal` subcommands. Each takes parsed arguments and an output sink and returns an exit code;
 * errors propagate to `main.ts`, which turns them into one line and the documented exit code.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BackendName, type BackendReport, type Run, type RunResult } from '../../shared/api/index.js';
import {
  formatBackendReport,
  formatWebGpuLimits,
  searchWebGpuAdapters,
  selectBackend,
  wasmThreadsFromEnv,
  type WebGpuAdapterReport,
} from '../compute/index.js';
import { Engine } from '../engine/index.js';
import { FileAccessError, ValidationError } from '../errors.js';
import { startBridge } from '../server/index.js';
import { packageRoot } from '../version.js';
import { builtinPipelines } from '../jobs/registry.js';
import { domainPipelineUrls, type CliContext, type ProjectSession } from '../domains/index.js';
import { formatElapsed, table } from '../console/format.js';
import { progressPrinter, report, type Output } from '../console/output.js';

export type { Output } from '../console/output.js';

export async function init(projectPath: string, io: Output): Promise<number> {
  const path = resolve(projectPath);
  if (existsSync(path)) throw new FileAccessError(path, 'already exists; choose another name or use it as it is');
  const engine = await Engine.open({ projectPath: path, create: true });
  await engine.close();
  report(io, { path }, (r) => io.out(`created project ${r.path}`));
  return 0;
}

function runRow(run: Run): (string | number)[] {
  return [
    run.id,
    run.pipeline,
    run.recordingId ?? '-',
    run.status,
    `${Math.round(run.progress * 100)} %`,
    run.durationMs === null ? '-' : formatElapsed(run.durationMs),
    run.createdAt,
    run.error ?? '',
  ];
}

export async function listRuns(projectPath: string, io: Output): Promise<number> {
  return withEngine(projectPath, io, (engine) => {
    // The models a run trained, so a script can find the model of a training run.
    const models = engine.store.models.list();
    const runs = engine.store.runs.list().map((run) => ({ ...run, modelIds: models.filter((m) => m.runId === run.id).map((m) => m.id) }));
    report(io, { runs }, ({ runs }) => {
      if (!runs.length) io.out('no runs yet (start one with `cajal run`)');
      else {
        // A training run's model (its last checkpoint, marked incomplete, when it did not finish).
        const modelCell = (runId: number) =>
          models.filter((m) => m.runId === runId).map((m) => `#${m.id}${m.status === 'incomplete' ? ' (incomplete)' : ''}`).join(', ') || '-';
        const rows = runs.map((run) => [...runRow(run).slice(0, -1), modelCell(run.id), run.error ?? '']);
        io.out(table(['id', 'pipeline', 'recording', 'status', 'progress', 'duration', 'created', 'model', 'error'], rows));
      }
    });
    return 0;
  });
}

/** Parses repeated `--param key=value` options; values are JSON where they parse as JSON. */
export function parseParams(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ValidationError('--param', `expected key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare string
    }
    params[pair.slice(0, eq)] = value;
  }
  return params;
}

export async function runPipeline(
  projectPath: string,
  pipeline: string,
  recordingArg: string | undefined,
  params: Record<string, unknown>,
  io: Output,
): Promise<number> {
  return withEngine(projectPath, io, async (engine) => {
    const recordingId = recordingArg === undefined ? null : Number(recordingArg);
    if (recordingId !== null && !Number.isInteger(recordingId)) {
      throw new ValidationError('recording', `expected a recording id (see \`cajal ls\`), got "${recordingArg}"`);
    }
    const finished = await startAndWait(engine, pipeline, recordingId, params, io);
    const value: { run: Run; results: RunResult[] } = { run: finished, results: engine.store.results.list(finished.id) };
    report(io, value, ({ run, results }) => {
      io.out(table(['id', 'pipeline', 'recording', 'status', 'progress', 'duration', 'created', 'error'], [runRow(run)]));
      for (const result of results) io.out(`${result.key}: ${JSON.stringify(result.value)}`);
    });
    return finished.status === 'succeeded' ? 0 : 1;
  });
}

/** `cajal pipelines`: what `cajal run` takes. Needs no project. */
export async function listPipelines(io: Output): Promise<number> {
  const pipelines = (await builtinPipelines(domainPipelineUrls())).list();
  report(io, { pipelines }, (r) => io.out(table(['name', 'input', 'title'], r.pipelines.map((p) => [p.name, p.input, p.title]))));
  return 0;
}

/**
 * Starts a run and waits for it, printing progress and log lines to stderr; Ctrl-C cancels it
 * cleanly instead of leaving it half-done. Returns the finished run.
 */
export async function startAndWait(
  engine: Engine,
  pipeline: string,
  recordingId: number | null,
  params: Record<string, unknown>,
  io: Output,
): Promise<Run> {
  const printers = new Map<number, ReturnType<typeof progressPrinter>>();
  const unsubscribe = engine.subscribe((event) => {
    if (event.name === 'run.progress') {
      const { runId: id, fraction, message } = event.payload;
      if (!printers.has(id)) printers.set(id, progressPrinter(io, `run ${id}: `));
      printers.get(id)!(fraction, message);
    } else if (event.name === 'run.log') {
      io.err(`run ${event.payload.runId} ${event.payload.line.level}: ${event.payload.line.message}`);
    }
  });
  let runId = 0;
  const onSigint = () => {
    if (runId) engine.runner.cancel(runId);
  };
  process.on('SIGINT', onSigint);
  try {
    const run = engine.runner.start(pipeline, recordingId, params);
    runId = run.id;
    io.out(`run ${run.id} started (${pipeline})`);
    await engine.runner.idle();
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
  }
  const finished = engine.store.runs.get(runId)!;
  if (finished.status === 'failed') io.err(`cajal: run ${runId} failed: ${finished.error}`);
  return finished;
}

export async function serve(projectPath: string, portArg: string | undefined, io: Output): Promise<number> {
  const port = portArg === undefined ? 0 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError('--port', `expected 0-65535, got "${portArg}"`);
  const rendererDir = resolve(packageRoot(), 'dist', 'renderer');
  if (!existsSync(resolve(rendererDir, 'index.html'))) {
    throw new FileAccessError(rendererDir, 'the renderer is not built (run `npm run build`)');
  }
  const engine = await Engine.open({ projectPath, create: false });
  const bridge = await startBridge({ engine, rendererDir, port }).catch(async (error: unknown) => {
    await engine.close();
    throw error;
  });
  if (engine.recoveredRunCount) io.err(`cajal: ${engine.recoveredRunCount} run(s) left running by a process that has since stopped were marked interrupted`);
  report(io, { project: engine.projectPath, url: bridge.url }, (r) => {
    io.out(`Cajal is serving ${r.project}`);
    io.out(`Open ${r.url}`);
  });
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await bridge.close();
  await engine.close();
  return 0;
}

export async function backend(forcedArg: string | undefined, io: Output): Promise<number> {
  let forced: BackendName | null = null;
  if (forcedArg !== undefined) {
    const parsed = BackendName.safeParse(forcedArg);
    if (!parsed.success) throw new ValidationError('--backend', `expected one of ${BackendName.options.join(', ')}, got "${forcedArg}"`);
    forced = parsed.data;
  }
  const selection = await selectBackend({ forced });
  // With a usable WebGPU adapter, say how large a tensor it can hold (the detail line names it).
  const webgpuAdapter = selection.chain.some((probe) => probe.name === 'webgpu' && probe.available) ? (await searchWebGpuAdapters()).adapter : null;
  const wasmThreads = selection.chain.some((probe) => probe.name === 'wasm' && probe.available) ? wasmThreadsFromEnv() : null;
  const value: BackendResult = { ...selection, webgpuAdapter, wasmThreads };
  report(io, value, (r) => backendLines(r, io));
  return 0;
}

/** `cajal backend`'s result: the selection with the WebGPU adapter and wasm threads where usable. */
interface BackendResult extends BackendReport {
  webgpuAdapter: WebGpuAdapterReport | null;
  wasmThreads: number | null;
}

function backendLines(report: BackendResult, io: Output): void {
  io.out(formatBackendReport(report));
  if (report.webgpuAdapter) io.out(formatWebGpuLimits(report.webgpuAdapter));
  if (report.wasmThreads !== null) {
    const threads = report.wasmThreads;
    io.out(
      `wasm: with Cajal's training kernels (embedding and convolution gradients, XNNPACK for transposed and batched matmuls); ` +
        `${threads > 1 ? `${threads} XNNPACK threads (CAJAL_WASM_THREADS)` : '1 XNNPACK thread (CAJAL_WASM_THREADS=2 for two)'}`,
    );
  }
}

export async function withEngine<T>(projectPath: string, io: Output, body: (engine: Engine) => Promise<T> | T): Promise<T> {
  const engine = await Engine.open({ projectPath, create: false });
  try {
    if (engine.recoveredRunCount) {
      io.err(`cajal: ${engine.recoveredRunCount} run(s) left running by a process that has since stopped were marked interrupted`);
    }
    return await body(engine);
  } finally {
    await engine.close();
  }
}

/** The project as a domain's command sees it: the engine's store and import, runs that print progress to `io`. */
function projectSession(engine: Engine, io: Output): ProjectSession {
  return {
    projectPath: engine.projectPath,
    store: engine.store,
    importRecordings: (paths, options) => engine.importRecordings(paths, options),
    runAndWait: (pipeline, recordingId, params) => startAndWait(engine, pipeline, recordingId, params, io),
  };
}

/** What the CLI hands a domain's command (main/domains never import the CLI or the engine). */
export function cliContext(io: Output): CliContext {
  return {
    io,
    withProject: async (projectPath, { create }, body) => {
      if (create) {
        const engine = await Engine.open({ projectPath, create: true });
        try {
          return await body(projectSession(engine, io));
        } finally {
          await engine.close();
        }
      }
      return withEngine(projectPath, io, (engine) => body(projectSession(engine, io)));
    },
    runPipeline,
    parseParams,
  };
}
