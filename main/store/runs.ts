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
  owner_token: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: string | null;
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

/**
 * The runner that queued a run and will run it: a random token per runner (a recycled process id
 * is never mistaken for it), and the process id and host that other processes can check.
 */
export interface RunOwner {
  token: string;
  pid: number;
  host: string;
}

/** A run still queued or running, with what is needed to judge whether its owner is alive. */
export interface UnfinishedRun {
  id: number;
  status: Extract<RunStatus, 'queued' | 'running'>;
  /** Null for runs written before owners were recorded. */
  owner: RunOwner | null;
  /** Last renewal of the owner's lease (ISO 8601); null without an owner. */
  heartbeatAt: string | null;
}

function ownerOf(row: Pick<RunRow, 'owner_token' | 'owner_pid' | 'owner_host'>): RunOwner | null {
  if (row.owner_token === null || row.owner_pid === null || row.owner_host === null) return null;
  return { token: row.owner_token, pid: row.owner_pid, host: row.owner_host };
}

export class RunRepository {
  constructor(private readonly db: Db) {}

  /** Stores a new queued run; `owner` is the runner that will run it (see RunOwner). */
  create(run: NewRun, owner: RunOwner | null = null): Run {
    const now = nowIso();
    const info = this.db
      .prepare(
        `INSERT INTO runs (pipeline, params_json, recording_id, code_version, status, created_at,
                           owner_token, owner_pid, owner_host, heartbeat_at)
         VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
      )
      .run(
        run.pipeline,
        JSON.stringify(run.params),
        run.recordingId,
        run.codeVersion,
        now,
        owner?.token ?? null,
        owner?.pid ?? null,
        owner?.host ?? null,
        owner ? now : null,
      );
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Who owns a run (null for runs stored without an owner, or an unknown id). */
  owner(id: number): RunOwner | null {
    const row = this.db.prepare('SELECT owner_token, owner_pid, owner_host FROM runs WHERE id = ?').get(id) as
      | Pick<RunRow, 'owner_token' | 'owner_pid' | 'owner_host'>
      | undefined;
    return row ? ownerOf(row) : null;
  }

  get(id: number): Run | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  list(): Run[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]).map(toRun);
  }

  /**
   * Moves a queued run to running. Its owner (`ownerToken`) may also start a run another process
   * wrongly marked interrupted while it sat in this owner's queue.
   */
  markRunning(id: number, ownerToken: string | null = null): void {
    const now = nowIso();
    const changed = this.db
      .prepare(
        `UPDATE runs SET status = 'running', started_at = @now, error = NULL, finished_at = NULL,
           heartbeat_at = CASE WHEN owner_token IS NULL THEN NULL ELSE @now END
         WHERE id = @id AND (status = 'queued' OR (status = 'interrupted' AND owner_token = @owner))`,
      )
      .run({ id, now, owner: ownerToken }).changes;
    if (changed !== 1) throw new ConflictError(`run ${id} is not queued`);
  }

  setProgress(id: number, fraction: number, message: string): void {
    this.db
      .prepare(`UPDATE runs SET progress = ?, progress_message = ? WHERE id = ? AND status = 'running'`)
      .run(Math.min(1, Math.max(0, fraction)), message, id);
  }

  /**
   * Moves a queued or running run to a final status; returns false if it had already finished. The
   * run's owner (`ownerToken`) is authoritative: its final status also replaces an `interrupted`
   * that another process wrote while the owner was still running the run.
   */
  finish(id: number, status: FinalStatus, error: string | null = null, ownerToken: string | null = null): boolean {
    const finishedAt = nowIso();
    // A finished run reads "done", not the last message a pipeline sent (which the throttled
    // progress writes may have left mid-stage, e.g. "component 9/10").
    const progressClause = status === 'succeeded' ? ", progress = 1, progress_message = 'done'" : '';
    const changed = this.db
      .prepare(
        `UPDATE runs SET status = @status, error = @error, finished_at = @finishedAt${progressClause},
           duration_ms = CASE WHEN started_at IS NULL THEN NULL
                              ELSE (julianday(@finishedAt) - julianday(started_at)) * 86400000.0 END
         WHERE id = @id AND (status IN ('queued', 'running') OR (status = 'interrupted' AND owner_token = @owner))`,
      )
      .run({ id, status, error, finishedAt, owner: ownerToken }).changes;
    return changed === 1;
  }

  /**
   * The owner's heartbeat: renews the lease on the runs it holds (`ids`), and takes back any of them
   * another process marked interrupted meanwhile (they go back to queued or running). Returns the
   * ids taken back.
   */
  renewLease(ownerToken: string, ids: readonly number[]): number[] {
    if (!ids.length) return [];
    const idsJson = JSON.stringify(ids);
    return this.db.transaction(() => {
      const reclaimed = (
        this.db
          .prepare(
            `SELECT id FROM runs WHERE owner_token = ? AND status = 'interrupted' AND id IN (SELECT value FROM json_each(?))`,
          )
          .all(ownerToken, idsJson) as { id: number }[]
      ).map((row) => row.id);
      // SET expressions all read the row as it was, so `status` below is the old status.
      this.db
        .prepare(
          `UPDATE runs SET heartbeat_at = @now,
             error       = CASE WHEN status = 'interrupted' THEN NULL ELSE error END,
             finished_at = CASE WHEN status = 'interrupted' THEN NULL ELSE finished_at END,
             status      = CASE WHEN status <> 'interrupted' THEN status
                                WHEN started_at IS NULL THEN 'queued' ELSE 'running' END
           WHERE owner_token = @owner AND status IN ('queued', 'running', 'interrupted')
             AND id IN (SELECT value FROM json_each(@ids))`,
        )
        .run({ now: nowIso(), owner: ownerToken, ids: idsJson });
      return reclaimed;
    })();
  }

  /**
   * Crash recovery: marks interrupted each queued or running run for which `abandoned` gives a
   * reason (its owner is gone), and returns how many. Reading and marking happen in one IMMEDIATE
   * transaction, so a run that finishes or renews its lease meanwhile is judged on its latest row.
   */
  markAbandoned(abandoned: (run: UnfinishedRun) => string | null): number {
    const mark = this.db.prepare(
      `UPDATE runs SET status = 'interrupted', error = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')`,
    );
    const recover = this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT id, status, owner_token, owner_pid, owner_host, heartbeat_at FROM runs WHERE status IN ('queued', 'running')`,
        )
        .all() as (Pick<RunRow, 'id' | 'owner_token' | 'owner_pid' | 'owner_host' | 'heartbeat_at'> & {
        status: UnfinishedRun['status'];
      })[];
      let marked = 0;
      const finishedAt = nowIso();
      for (const row of rows) {
        const reason = abandoned({ id: row.id, status: row.status, owner: ownerOf(row), heartbeatAt: row.heartbeat_at });
        if (reason !== null) marked += mark.run(reason, finishedAt, row.id).changes;
      }
      return marked;
    });
    return recover.immediate();
  }

  /** Marks every run still queued or running interrupted, whoever owns it. Returns how many were marked. */
  markInterrupted(reason = 'the application stopped while this run was in progress'): number {
    return this.markAbandoned(() => reason);
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
