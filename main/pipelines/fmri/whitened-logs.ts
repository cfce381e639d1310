/**
 * logm(W Σₛ W) for every subject s of a group, spread over worker threads: the tangent kind's cost
 * (the geometric mean needs it for every subject at every iteration, ~2300 eigen-decompositions for
 * ABIDE's 100 subjects). The API is synchronous because `connectivity` is, and is called from
 * synchronous code in the app, the CLI and the pipelines: the calling thread takes a share of the
 * subjects itself and then blocks on an Atomics wait until the workers have done the rest.
 *
 * Determinism: subjects are claimed dynamically (a shared counter), but each subject's matrix is
 * computed by the same code from the same inputs whichever thread runs it, and callers combine the
 * matrices in subject order, so results are bit-for-bit those of the single-threaded loop, whatever
 * the number of threads or their timing.
 *
 * Robustness: a worker that is still starting simply claims nothing (the caller does the work); a
 * worker that throws flags the failure and the caller recomputes everything itself, so the error it
 * reports is the real one; a worker that dies mid-subject is detected by a stall timeout, after which
 * the pool is abandoned and the group computed in-thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { logOfCholeskyWhitened, logOfCongruence, transpose } from './linalg.js';
import { CONTROL, MODE, type SessionMessage } from './whitened-logs-protocol.js';

/** Fewer subjects than this, or smaller matrices, are not worth a thread hand-off. */
const MIN_SUBJECTS = 4;
const MIN_REGIONS = 24;
/** No subject finished for this long while some were claimed: a worker died mid-subject. */
const STALL_MS = 60_000;

let threadOverride: number | null = null;
let pool: Worker[] | null = null;
let poolBroken = false;
let workerSubjects = 0;

/** Subject matrices computed by worker threads since the process started (for tests and benchmarks). */
export function tangentWorkerSubjects(): number {
  return workerSubjects;
}

/**
 * Threads (the caller's included) used for the tangent kind; null restores the default,
 * min(4, available cores). 1 computes everything in the calling thread.
 */
export function setTangentThreads(threads: number | null): void {
  threadOverride = threads;
}

/** Threads (the caller's included) the tangent kind uses for a large enough group. */
export function tangentThreads(): number {
  return threadCount();
}

function threadCount(): number {
  return Math.max(1, Math.floor(threadOverride ?? Math.min(4, availableParallelism())));
}

function workers(count: number): Worker[] {
  if (pool && pool.length >= count) return pool.slice(0, count);
  pool ??= [];
  const entry = new URL(siblingModuleUrl(import.meta.url, './whitened-logs-worker'));
  const fromSource = entry.pathname.endsWith('.ts');
  while (pool.length < count) {
    const worker = fromSource
      ? new Worker(new URL('../../jobs/source-worker.mjs', import.meta.url), { workerData: { sourceEntry: entry.href } })
      : new Worker(entry);
    // Idle workers must not keep a CLI or test process alive.
    worker.unref();
    worker.on('error', () => {
      poolBroken = true;
    });
    pool.push(worker);
  }
  return pool.slice(0, count);
}

/** A group of SPD matrices Σₛ whose whitened logarithms are taken for one whitening at a time. */
export interface WhitenedLogs {
  /** logm(W Σₛ W) for every s, in input order (W symmetric). */
  congruence(w: Float64Array): Float64Array[];
  /** logm((L⁻¹Cₛ)(L⁻¹Cₛ)ᵀ) for every s, in input order, given `li` = L⁻¹ (lower triangular) and Cₛ the Cholesky factor of Σₛ. */
  cholesky(li: Float64Array): Float64Array[];
  /** Releases the workers for other sessions (they stay alive, idle). */
  close(): void;
}

type Mode = (typeof MODE)[keyof typeof MODE];

function logOf(mode: Mode, x: Float64Array, matrix: Float64Array, factorT: Float64Array, n: number): Float64Array {
  return mode === MODE.cholesky ? logOfCholeskyWhitened(x, factorT, n) : logOfCongruence(x, matrix, n);
}

function sequential(matrices: readonly Float64Array[], factorsT: readonly Float64Array[], n: number): WhitenedLogs {
  return {
    congruence: (w) => matrices.map((m, s) => logOf(MODE.congruence, w, m, factorsT[s]!, n)),
    cholesky: (li) => matrices.map((m, s) => logOf(MODE.cholesky, li, m, factorsT[s]!, n)),
    close: () => {},
  };
}

/** `factors`: the lower Cholesky factor of each of `matrices`. */
export function whitenedLogs(matrices: readonly Float64Array[], factors: readonly Float64Array[], n: number): WhitenedLogs {
  const factorsT = factors.map((c) => transpose(c, n));
  const threads = Math.min(threadCount(), matrices.length);
  if (threads < 2 || poolBroken || matrices.length < MIN_SUBJECTS || n < MIN_REGIONS) return sequential(matrices, factorsT, n);
  let helpers: Worker[];
  try {
    helpers = workers(threads - 1);
  } catch {
    poolBroken = true;
    return sequential(matrices, factorsT, n);
  }
  const fallback = sequential(matrices, factorsT, n);
  const n2 = n * n;
  const count = matrices.length;
  const message: SessionMessage = {
    n,
    count,
    control: new SharedArrayBuffer(CONTROL.length * 4),
    matrices: new SharedArrayBuffer(count * n2 * 8),
    factors: new SharedArrayBuffer(count * n2 * 8),
    whitening: new SharedArrayBuffer(n2 * 8),
    logs: new SharedArrayBuffer(count * n2 * 8),
  };
  const control = new Int32Array(message.control);
  const sharedMatrices = new Float64Array(message.matrices);
  matrices.forEach((m, s) => sharedMatrices.set(m, s * n2));
  const sharedFactors = new Float64Array(message.factors);
  factorsT.forEach((c, s) => sharedFactors.set(c, s * n2));
  const whitening = new Float64Array(message.whitening);
  const logs = new Float64Array(message.logs);
  for (const worker of helpers) worker.postMessage(message);
  let open = true;

  const close = () => {
    if (!open) return;
    open = false;
    Atomics.store(control, CONTROL.generation, -1);
    Atomics.notify(control, CONTROL.generation);
  };

  const round = (mode: Mode, x: Float64Array): Float64Array[] => {
    const inThread = () => (mode === MODE.cholesky ? fallback.cholesky(x) : fallback.congruence(x));
    if (!open || poolBroken) return inThread();
    whitening.set(x);
    Atomics.store(control, CONTROL.mode, mode);
    Atomics.store(control, CONTROL.failed, 0);
    Atomics.store(control, CONTROL.done, 0);
    // After the inputs and `done`: a worker that claims from the reset counter sees all of them.
    Atomics.store(control, CONTROL.next, 0);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    const out: (Float64Array | null)[] = new Array<Float64Array | null>(count).fill(null);
    for (;;) {
      const s = Atomics.add(control, CONTROL.next, 1);
      if (s >= count) break;
      // A throw here leaves the round unfinished; the caller closes the session.
      out[s] = logOf(mode, x, matrices[s]!, factorsT[s]!, n);
      Atomics.add(control, CONTROL.done, 1);
    }
    if (!waitDone(control, count)) {
      poolBroken = true;
      close();
      return inThread();
    }
    if (Atomics.load(control, CONTROL.failed) !== 0) return inThread();
    return out.map((m, s) => {
      if (m) return m;
      workerSubjects++;
      return logs.slice(s * n2, (s + 1) * n2);
    });
  };
  return { congruence: (w) => round(MODE.congruence, w), cholesky: (li) => round(MODE.cholesky, li), close };
}

/** Blocks until every subject of the round is done; false after a stall (a worker died mid-subject). */
function waitDone(control: Int32Array, count: number): boolean {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const done = Atomics.load(control, CONTROL.done);
    if (done >= count) return true;
    if (done !== last) {
      last = done;
      since = Date.now();
    } else if (Date.now() - since > STALL_MS) {
      return false;
    }
    Atomics.wait(control, CONTROL.done, done, 100);
  }
}
