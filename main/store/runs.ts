import type { LogLevel, Run, RunLogLine, RunStatus } from '../../shared/api/index.js';
import type { Db } from './database.js';
import { ConflictError } from '../errors.js';
import { nowIso } from './time.js';

interface RunRow {
  id: number;
  pipeline: string;
  params_json: string;
  recording_id: number | null;
  code_version: string;
  status: RunStatus;
  progress: number;
  progress_message: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    pipeline: row.pipeline,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    recordingId: row.recording_id,
    codeVersion: row.code_version,
    status: row.status,
    progress: row.progress,
    progressMessage: row.progress_message,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
  };
}

export interface NewRun {
  pipeline: string;
  params: Record<string, unknown>;
  recordingId: number | null;
  codeVersion: string;
}

export type FinalStatus = Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>;

export class RunRepository {
  constructor(private readonly db: Db) {}

  create(run: NewRun): Run {
    const info = this.db
      .prepare(
        `INSERT INTO runs (pipeline, params_json, recording_id, code_version, status, created_at)
         VALUES (?, ?, ?, ?, 'queued', ?)`,
      )
      .run(run.pipeline, JSON.stringify(run.params), run.recordingId, run.codeVersion, nowIso());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): Run | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  list(): Run[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]).map(toRun);
  }

  markRunning(id: number): void {
    const changed = this.db
      .prepare(`UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`)
      .run(nowIso(), id).changes;
    if (changed !== 1) throw new ConflictError(`run ${id} is not queued`);
  }

  setProgress(id: number, fraction: number, message: string): void {
    this.db
      .prepare(`UPDATE runs SET progress = ?, progress_message = ? WHERE id = ? AND status = 'running'`)
      .run(Math.min(1, Math.max(0, fraction)), message, id);
  }

  /** Moves a queued or running run to a final status; returns false if it had already finished. */
  finish(id: number, status: FinalStatus, error: string | null = null): boolean {
    const finishedAt = nowIso();
    const progressClause = status === 'succeeded' ? ', progress = 1' : '';
    const changed = this.db
      .prepare(
        `UPDATE runs SET status = ?, error = ?, finished_at = ?${progressClause},
           duration_ms = CASE WHEN started_at IS NULL THEN NULL
                              ELSE (julianday(?) - julianday(started_at)) * 86400000.0 END
         WHERE id = ? AND status IN ('queued', 'running')`,
      )
      .run(status, error, finishedAt, finishedAt, id).changes;
    return changed === 1;
  }

  /** After a crash: every run still queued or running was cut off. Returns how many were marked. */
  markInterrupted(reason = 'the application stopped while this run was in progress'): number {
    return this.db
      .prepare(
        `UPDATE runs SET status = 'interrupted', error = ?, finished_at = ?
         WHERE status IN ('queued', 'running')`,
      )
      .run(reason, nowIso()).changes;
  }

  appendLog(id: number, level: LogLevel, message: string): RunLogLine {
    const line: RunLogLine = { time: nowIso(), level, message };
    this.db.prepare('INSERT INTO run_logs (run_id, time, level, message) VALUES (?, ?, ?, ?)').run(id, line.time, level, message);
    return line;
  }

  logs(id: number): RunLogLine[] {
    return this.db
      .prepare('SELECT time, level, message FROM run_logs WHERE run_id = ? ORDER BY id')
      .all(id) as RunLogLine[];
  }
}
