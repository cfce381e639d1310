import type { Recording, RecordingFormat, RecordingMetadata } from '../../shared/api/index.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';

interface RecordingRow {
  id: number;
  source_path: string;
  size_bytes: number;
  sha256: string;
  format: string;
  metadata_json: string;
  imported_at: string;
}

export interface NewRecording {
  sourcePath: string;
  sizeBytes: number;
  sha256: string;
  format: RecordingFormat;
  metadata: RecordingMetadata;
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

export class RecordingRepository {
  constructor(private readonly db: Db) {}

  /** Adds a recording, or returns the existing one when the same file (path and content) was imported before. */
  add(recording: NewRecording): { recording: Recording; created: boolean } {
    const existing = this.db
      .prepare('SELECT * FROM recordings WHERE source_path = ? AND sha256 = ?')
      .get(recording.sourcePath, recording.sha256) as RecordingRow | undefined;
    if (existing) return { recording: toRecording(existing), created: false };
    const info = this.db
      .prepare(
        `INSERT INTO recordings (source_path, size_bytes, sha256, format, metadata_json, imported_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        recording.sourcePath,
        recording.sizeBytes,
        recording.sha256,
        recording.format,
        JSON.stringify(recording.metadata),
        nowIso(),
      );
    return { recording: this.get(Number(info.lastInsertRowid))!, created: true };
  }

  /** Replaces a recording's metadata (a frame rate the user set); the source file is untouched. */
  setMetadata(id: number, metadata: RecordingMetadata): Recording | undefined {
    this.db.prepare('UPDATE recordings SET metadata_json = ? WHERE id = ?').run(JSON.stringify(metadata), id);
    return this.get(id);
  }

  get(id: number): Recording | undefined {
    const row = this.db.prepare('SELECT * FROM recordings WHERE id = ?').get(id) as RecordingRow | undefined;
    return row ? toRecording(row) : undefined;
  }

  list(): Recording[] {
    return (this.db.prepare('SELECT * FROM recordings ORDER BY id').all() as RecordingRow[]).map(toRecording);
  }
}
