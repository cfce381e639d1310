import type { Recording, RecordingFormat, RecordingMetadata } from '../../shared/api/index.js';
import type { Db } from './database.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { nowIso } from './time.js';

interface RecordingRow {
  id: number;
  source_path: string;
  size_bytes: number;
  sha256: string;
  format: string;
  metadata_json: string;
  imported_at: string;
  removed_at: string | null;
}

export interface NewRecording {
  sourcePath: string;
  sizeBytes: number;
  sha256: string;
  format: RecordingFormat;
  metadata: RecordingMetadata;
}

/**
 * What `add` did with a file: `created` a new recording; `restored` one removed earlier (same path
 * and content: it is back with its annotations and runs); found it `already-imported` (same path and
 * content); or found the `same-content` at another path (a copy) and added nothing.
 */
export type AddOutcome = 'created' | 'restored' | 'already-imported' | 'same-content';

/** A recording taken out of the project, with what stays behind it (see `remove`). */
export interface RemovedRecording {
  recording: Recording;
  /** Finished runs on it, kept with their results. */
  runCount: number;
}

function toRecording(row: RecordingRow): Recording {
  return {
    id: row.id,
    sourcePath: row.source_path,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    format: row.format as RecordingFormat,
    metadata: JSON.parse(row.metadata_json) as RecordingMetadata,
    importedAt: row.imported_at,
  };
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

// Runs that read a recording: by their recording_id, or (several-recording pipelines such as NTF)
// by its id in params.recordingIds.
const RUNS_OF_RECORDING = `FROM runs WHERE (recording_id = @id
  OR EXISTS (SELECT 1 FROM json_each(runs.params_json, '$.recordingIds') WHERE json_each.value = @id))`;

export class RecordingRepository {
  constructor(private readonly db: Db) {}

  /**
   * Adds a recording unless the project has it: the same file (path and content) is found again,
   * or restored when it was removed; the same content at another path (a copy) is not added twice.
   */
  add(recording: NewRecording): { recording: Recording; created: boolean; outcome: AddOutcome } {
    return this.db.transaction(() => {
      const samePath = this.db
        .prepare('SELECT * FROM recordings WHERE source_path = ? AND sha256 = ?')
        .get(recording.sourcePath, recording.sha256) as RecordingRow | undefined;
      if (samePath?.removed_at) {
        this.db.prepare('UPDATE recordings SET removed_at = NULL WHERE id = ?').run(samePath.id);
        return { recording: toRecording(samePath), created: false, outcome: 'restored' as const };
      }
      if (samePath) return { recording: toRecording(samePath), created: false, outcome: 'already-imported' as const };
      const copy = this.db
        .prepare('SELECT * FROM recordings WHERE sha256 = ? AND removed_at IS NULL ORDER BY id LIMIT 1')
        .get(recording.sha256) as RecordingRow | undefined;
      if (copy) return { recording: toRecording(copy), created: false, outcome: 'same-content' as const };
      const info = this.db
        .prepare(
          `INSERT INTO recordings (source_path, size_bytes, sha256, format, metadata_json, imported_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(recording.sourcePath, recording.sizeBytes, recording.sha256, recording.format, JSON.stringify(recording.metadata), nowIso());
      return { recording: this.get(Number(info.lastInsertRowid))!, created: true, outcome: 'created' as const };
    })();
  }

  /** Replaces a recording's metadata (a frame rate the user set); the source file is untouched. */
  setMetadata(id: number, metadata: RecordingMetadata): Recording | undefined {
    this.db.prepare('UPDATE recordings SET metadata_json = ? WHERE id = ?').run(JSON.stringify(metadata), id);
    return this.get(id);
  }

  /** A recording by id, removed or not: finished runs and their result views still read it. */
  get(id: number): Recording | undefined {
    const row = this.db.prepare('SELECT * FROM recordings WHERE id = ?').get(id) as RecordingRow | undefined;
    return row ? toRecording(row) : undefined;
  }

  /** When the recording was removed from the project, or null while it is in it. */
  removedAt(id: number): string | null {
    const row = this.db.prepare('SELECT removed_at FROM recordings WHERE id = ?').get(id) as { removed_at: string | null } | undefined;
    return row?.removed_at ?? null;
  }

  /** The recordings in the project (not those removed). */
  list(): Recording[] {
    return (this.db.prepare('SELECT * FROM recordings WHERE removed_at IS NULL ORDER BY id').all() as RecordingRow[]).map(toRecording);
  }

  /**
   * Removes a recording from the project, in one transaction that also checks its runs: refused
   * while a run reads it (queued or running: cancel it first). Its annotations and finished runs stay
   * (the audit trail is append-only, results are kept); it leaves the Library and cannot start new
   * runs; importing the same file brings it back. The source file is never touched: this is SQL only.
   */
  remove(id: number): RemovedRecording {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM recordings WHERE id = ?').get(id) as RecordingRow | undefined;
      if (!row || row.removed_at) throw new NotFoundError(`recording ${id}`);
      const active = this.db
        .prepare(`SELECT id ${RUNS_OF_RECORDING} AND status IN ('queued', 'running') ORDER BY id`)
        .all({ id }) as { id: number }[];
      if (active.length) {
        const runs = active.map((run) => `#${run.id}`).join(', ');
        throw new ConflictError(`recording ${id} (${fileName(row.source_path)}) is being analysed by run ${runs}; cancel it or let it finish, then remove the recording`);
      }
      this.db.prepare('UPDATE recordings SET removed_at = ? WHERE id = ?').run(nowIso(), id);
      const runCount = (this.db.prepare(`SELECT count(*) AS n ${RUNS_OF_RECORDING}`).get({ id }) as { n: number }).n;
      return { recording: toRecording(row), runCount };
    }).immediate();
  }
}
