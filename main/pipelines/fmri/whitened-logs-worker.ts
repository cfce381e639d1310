/**
 * Worker-thread side of whitened-logs.ts: for each session (one group of matrices), waits for a
 * round, claims subjects from the shared counter until none are left, writes their logarithms into
 * the shared output, and goes back to waiting; generation −1 ends the session.
 */
import { parentPort } from 'node:worker_threads';
import { logOfCholeskyWhitened, logOfCongruence } from './linalg.js';
import { CONTROL, MODE, type SessionMessage } from './whitened-logs-protocol.js';

parentPort!.on('message', (session: SessionMessage) => {
  const { n, count } = session;
  const n2 = n * n;
  const control = new Int32Array(session.control);
  const matrices = new Float64Array(session.matrices);
  const whitening = new Float64Array(session.whitening);
  const factors = new Float64Array(session.factors);
  const logs = new Float64Array(session.logs);
  let generation = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.generation, generation);
    generation = Atomics.load(control, CONTROL.generation);
    if (generation < 0) return;
    for (;;) {
      const s = Atomics.add(control, CONTROL.next, 1);
      if (s >= count) break;
      // Read after the claim, not once per round: a worker still looping from the previous round can
      // claim a subject of the next one, whose mode and input the caller set before resetting `next`.
      const cholesky = Atomics.load(control, CONTROL.mode) === MODE.cholesky;
      try {
        const log = cholesky
          ? logOfCholeskyWhitened(whitening, factors.subarray(s * n2, (s + 1) * n2), n)
          : logOfCongruence(whitening, matrices.subarray(s * n2, (s + 1) * n2), n);
        logs.set(log, s * n2);
      } catch {
        Atomics.store(control, CONTROL.failed, 1);
      }
      Atomics.add(control, CONTROL.done, 1);
      Atomics.notify(control, CONTROL.done);
    }
  }
});
