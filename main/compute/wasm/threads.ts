/**
 * Two (or more) threads for the tfjs `wasm` backend under Node, from tfjs's own threaded SIMD
 * build (`tfjs-backend-wasm-threaded-simd.wasm`, XNNPACK on a pthreadpool).
 *
 * Why this exists: tfjs-backend-wasm refuses threads under Node (`WASM_HAS_MULTITHREAD_SUPPORT`
 * is false when IS_NODE), and forcing the flag alone does not work, for three reasons this module
 * works around, each only for the duration of the backend's initialisation:
 * 1. tfjs hands emscripten the pthread worker script as a Blob URL, which Node's `Worker`
 *    cannot open. `URL.createObjectURL` is made to return a file instead: the same worker script
 *    (tfjs's `wasmWorkerContents`), written once to the temp directory, with a two-line prelude
 *    that makes its `importScripts(Blob)` load the threaded glue file from node_modules.
 * 2. The C++ side caps the pool at `emscripten_num_logical_cores() / 2` (it assumes
 *    hyper-threading), which is `os.cpus().length / 2`: 1 on a 2-core machine. `os.cpus` reports
 *    2 × the requested threads while the module starts.
 * 3. A pthread starts only once the main thread has processed its worker's "loaded" message;
 *    synchronous compute right after `setBackend` would starve the event loop and leave the
 *    pool thread idle. Initialisation waits until every pool thread has been started.
 * Exit: emscripten refs a worker while its pthread runs and pthreadpool threads never end, so a
 * process would hang at exit; the running workers are unref'd (the idle preloaded ones are
 * terminated). `tf.engine().reset()` or `tf.removeBackend('wasm')` still terminates all of them.
 *
 * Use: `await enableWasmThreads(2)` before `activateBackend('wasm')` (it initialises the wasm
 * backend itself, so later `setWasmPaths`/`setBackend('wasm')` calls find it ready).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

export interface WasmThreadsResult {
  /** Threads XNNPACK's pool really has (1 when threads could not be enabled). */
  threads: number;
  /** One line: what was done, or why it fell back to one thread. */
  detail: string;
}

interface EmscriptenWorker {
  loaded?: boolean;
  runPthread?: () => void;
  unref(): void;
  terminate(): unknown;
}
interface PThreadRegistry {
  runningWorkers: EmscriptenWorker[];
  unusedWorkers: EmscriptenWorker[];
}
interface WasmBackendLike {
  wasm?: { PThread?: PThreadRegistry };
}
interface WasmPackage {
  setWasmPaths(prefix: string): void;
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

function packageDirectory(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
}

/** The pthread worker script as a file (written once per tfjs version and content). */
function workerScriptFile(dir: string): string {
  const glue = path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The contents come from a template literal, so their "\n" escapes became newlines; tfjs
  // re-escapes them the same way before making its Blob.
  const script =
    `URL.createObjectURL = () => ${JSON.stringify(glue)};\nURL.revokeObjectURL = () => {};\n` +
    wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `cajal-tfjs-wasm-pthread-${hash}.cjs`);
  if (!existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, script);
    renameSync(partial, file);
  }
  return file;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return true;
}

/**
 * Initialises the tfjs wasm backend with `threads` XNNPACK threads (the threaded SIMD build) and
 * makes it the active backend. Must run before anything else initialises the wasm backend
 * (i.e. before `activateBackend('wasm')`); afterwards it only reports the current state.
 * `threads <= 1` does nothing. Never throws for a threads failure: it reports one thread and why.
 */
export async function enableWasmThreads(threads: number): Promise<WasmThreadsResult> {
  const tf = await import('@tensorflow/tfjs');
  const wasmPackage = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  const requested = Math.max(1, Math.floor(threads));
  if (requested <= 1) return { threads: 1, detail: 'one thread requested' };
  if (tf.engine().registry['wasm']) {
    const running = wasmPackage.getThreadsCount();
    return { threads: running, detail: `the wasm backend was already initialised (${running} thread(s))` };
  }
  const dir = packageDirectory();
  wasmPackage.setWasmPaths(dir + path.sep + 'dist' + path.sep);

  let workerFile: string;
  try {
    workerFile = workerScriptFile(dir);
  } catch (error) {
    return { threads: 1, detail: `no pthread worker script (${(error as Error).message})` };
  }

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasmPackage.setThreadsCount(requested);
  const realCpus = os.cpus;
  const realCreateObjectURL = URL.createObjectURL;
  os.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: 2 * requested }, (_, i) => cpus[i % cpus.length]!);
  };
  URL.createObjectURL = (blob: Blob) => (blob.type === 'application/javascript' ? workerFile : realCreateObjectURL(blob));
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } finally {
    os.cpus = realCpus;
    URL.createObjectURL = realCreateObjectURL;
  }
  if (!ok) {
    // Back to the single-threaded build for whoever initialises the backend next.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmPackage.setThreadsCount(1);
    return { threads: 1, detail: 'the threaded wasm build failed to initialise' };
  }

  const pthreads = (tf.backend() as unknown as WasmBackendLike).wasm?.PThread;
  const actual = wasmPackage.getThreadsCount();
  if (!pthreads) return { threads: actual, detail: 'the single-threaded build was loaded' };
  const started = await waitFor(
    () => pthreads.runningWorkers.every((w) => w.loaded === true && w.runPthread === undefined),
    10_000,
  );
  for (const worker of pthreads.runningWorkers) worker.unref();
  // The build preloads a pool of 8 workers; the ones XNNPACK's pool did not take stay idle.
  for (const worker of pthreads.unusedWorkers.splice(0)) void worker.terminate();
  if (!started) {
    return { threads: actual, detail: `${actual} threads configured, but a pool thread did not start within 10 s` };
  }
  return {
    threads: actual,
    detail: `threaded SIMD build, ${actual} XNNPACK threads (${pthreads.runningWorkers.length} pthread workers)`,
  };
}
