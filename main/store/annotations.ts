/**
 * Annotations are an audit trail: rows are never updated or deleted (triggers enforce it). An edit is
 * a new row that supersedes the old one; a deletion is a new row marked `retracted`.
 */
import type { Db } from './database.js';
import { ValidationError } from '../errors.js';
import { nowIso } from './time.js';

export interface Annotation {
  id: number;
  recordingId: number;
  onsetS: number;
  durationS: number;
  label: string;
  channels: string[];
  author: string;
  createdAt: string;
  supersedesId: number | null;
  retracted: boolean;
}

export interface NewAnnotation {
  recordingId: number;
  onsetS: number;
  durationS: number;
  label: string;
  channels?: string[];
  author: string;
  supersedesId?: number | null;
  retracted?: boolean;
}

interface AnnotationRow {
  id: number;
  recording_id: number;
  onset_s: number;
  duration_s: number;
  label: string;
  channels_json: string;
  author: string;
  created_at: string;
  supersedes_id: number | null;
  retracted: number;
}

function toAnnotation(row: AnnotationRow): Annotation {
  return {
    id: row.id,
    recordingId: row.recording_id,
    onsetS: row.onset_s,
    durationS: row.duration_s,
    label: row.label,
    channels: JSON.parse(row.channels_json) as string[],
    author: row.author,
    createdAt: row.created_at,
    supersedesId: row.supersedes_id,
    retracted: row.retracted === 1,
  };
}

export class AnnotationRepository {
  constructor(private readonly db: Db) {}

  add(annotation: NewAnnotation): Annotation {
    if (!Number.isFinite(annotation.onsetS)) throw new ValidationError('onsetS', 'must be a finite number');
    if (!(annotation.durationS >= 0)) throw new ValidationError('durationS', 'must be a non-negative number');
    if (!annotation.author.trim()) throw new ValidationError('author', 'must not be empty');
    const info = this.db
      .prepare(
        `INSERT INTO annotations (recording_id, onset_s, duration_s, label, channels_json, author, created_at, supersedes_id, retracted)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        annotation.recordingId,
        annotation.onsetS,
        annotation.durationS,
        annotation.label,
        JSON.stringify(annotation.channels ?? []),
        annotation.author,
        nowIso(),
        annotation.supersedesId ?? null,
        annotation.retracted ? 1 : 0,
      );
    return toAnnotation(this.db.prepare('SELECT * FROM annotations WHERE id = ?').get(info.lastInsertRowid) as AnnotationRow);
  }

  /** One row by id, or null. */
  get(id: number): Annotation | null {
    const row = this.db.prepare('SELECT * FROM annotations WHERE id = ?').get(id) as AnnotationRow | undefined;
    return row ? toAnnotation(row) : null;
  }

  /** The row that supersedes `id`, or null while `id` is the latest of its chain. */
  supersededBy(id: number): Annotation | null {
    const row = this.db.prepare('SELECT * FROM annotations WHERE supersedes_id = ? ORDER BY id LIMIT 1').get(id) as AnnotationRow | undefined;
    return row ? toAnnotation(row) : null;
  }

  /** Every row ever written for a recording, oldest first: the full audit trail. */
  history(recordingId: number): Annotation[] {
    return (
      this.db.prepare('SELECT * FROM annotations WHERE recording_id = ? ORDER BY id').all(recordingId) as AnnotationRow[]
    ).map(toAnnotation);
  }

  /** The annotations in force: rows not superseded by a later row, and not retracted. */
  current(recordingId: number): Annotation[] {
    return (
      this.db
        .prepare(
          `SELECT a.* FROM annotations a
           WHERE a.recording_id = ? AND a.retracted = 0
             AND NOT EXISTS (SELECT 1 FROM annotations b WHERE b.supersedes_id = a.id)
           ORDER BY a.onset_s, a.id`,
        )
        .all(recordingId) as AnnotationRow[]
    ).map(toAnnotation);
  }
}
