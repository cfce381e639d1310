/**
 * Deleting a run with everything it produced: its logs, results, the arrays behind them and the
 * models it trained. One transaction, so a failure halfway leaves the run whole; a run still queued
 * or running is refused (its worker would write into rows that are gone). Recordings and their
 * source files are never touched: a run only points at them.
 */
import type { Db } from './database.js';
import { ConflictError, NotFoundError } from '../errors.js';

/** What the deletion removed, for the log and the caller's confirmation. */
export interface DeletedRun {
  runId: number;
  results: number;
  arrays: number;
  models: number;
  logs: number;
}

export function deleteRun(db: Db, runId: number): DeletedRun {
  const remove = db.transaction((): DeletedRun => {
    const run = db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string } | undefined;
    if (!run) throw new NotFoundError(`run ${runId}`);
    if (run.status === 'queued' || run.status === 'running') {
      throw new ConflictError(`run ${runId} is ${run.status}: cancel it before deleting it`);
    }
    // Arrays are referenced by results (results.array_id), so they go after the results.
    const arrayIds = (db.prepare('SELECT array_id FROM results WHERE run_id = ? AND array_id IS NOT NULL').all(runId) as { array_id: number }[]).map(
      (row) => row.array_id,
    );
    const models = db.prepare('DELETE FROM models WHERE run_id = ?').run(runId).changes;
    const results = db.prepare('DELETE FROM results WHERE run_id = ?').run(runId).changes;
    const logs = db.prepare('DELETE FROM run_logs WHERE run_id = ?').run(runId).changes;
    const deleteArray = db.prepare('DELETE FROM arrays WHERE id = ?');
    let arrays = 0;
    for (const id of arrayIds) arrays += deleteArray.run(id).changes;
    db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    return { runId, results, arrays, models, logs };
  });
  // IMMEDIATE: the status read and the deletes see the same row, even with another process writing.
  return remove.immediate();
}
