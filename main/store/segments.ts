/**
 * The project's labelled-segment datasets (migration 6): a SegmentCollection read from a folder
 * (main/io/segments) is stored whole as one dataset, its segments' samples as float32 BLOBs
 * (little-endian, the platform's order on every target, as arrays.ts), so training and evaluation
 * read them from the project without the folder.
 */
import type { SegmentDatasetSummary } from '../../shared/api/segments.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { LabelledSegment, SegmentCollection, SegmentFormat } from '../io/segments/types.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';

export type { SegmentDatasetSummary };

/** A dataset with its segments and their samples. */
export interface StoredSegmentDataset extends SegmentDatasetSummary {
  collection: SegmentCollection;
}

interface DatasetRow {
  id: number;
  name: string;
  format: SegmentFormat;
  source_path: string;
  labels_json: string;
  notes_json: string;
  created_at: string;
}

interface SegmentRow {
  segment_id: string;
  file: string;
  label: string;
  group_name: string;
  rate_hz: number;
  samples: Buffer;
}

interface CountRow {
  dataset_id: number;
  label: string;
  n: number;
  seconds: number;
}

export class SegmentRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a collection as a dataset named `name` in one transaction: every segment lands, or none
   * and no dataset row (a failure half-way leaves the project as it was). The name must be new.
   */
  importDataset(name: string, collection: SegmentCollection): number {
    const trimmed = name.trim();
    if (!trimmed) throw new ValidationError('name', 'a dataset needs a name');
    if (collection.segments.length === 0) throw new ValidationError('segments', `${collection.source}: no segment to import`);
    collection.segments.forEach(checkSegment);
    const labels = [...new Set(collection.segments.map((s) => s.label))].sort();
    return this.db.transaction(() => {
      const existing = this.db.prepare('SELECT id FROM segment_datasets WHERE name = ?').get(trimmed) as { id: number } | undefined;
      if (existing) throw new ConflictError(`a segment dataset named "${trimmed}" exists (#${existing.id}); choose another name or delete it first`);
      const info = this.db
        .prepare('INSERT INTO segment_datasets (name, format, source_path, labels_json, notes_json, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(trimmed, collection.format, collection.source, JSON.stringify(labels), JSON.stringify(collection.notes), nowIso());
      const datasetId = Number(info.lastInsertRowid);
      const insert = this.db.prepare(
        'INSERT INTO segments (dataset_id, segment_id, file, label, group_name, rate_hz, sample_count, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const seen = new Set<string>();
      for (const segment of collection.segments) {
        if (seen.has(segment.id)) throw new ValidationError('segments', `${collection.source}: segment id "${segment.id}" appears twice`);
        seen.add(segment.id);
        const { samples } = segment;
        insert.run(datasetId, segment.id, segment.file, segment.label, segment.group, segment.rateHz, samples.length, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
      }
      return datasetId;
    })();
  }

  /** Every dataset with its counts per label, oldest first; no samples are read. */
  list(): SegmentDatasetSummary[] {
    const rows = this.db.prepare('SELECT * FROM segment_datasets ORDER BY id').all() as DatasetRow[];
    return rows.map((row) => this.summary(row));
  }

  /** A dataset's summary, without samples. */
  summaryOf(id: number): SegmentDatasetSummary | undefined {
    const row = this.db.prepare('SELECT * FROM segment_datasets WHERE id = ?').get(id) as DatasetRow | undefined;
    return row && this.summary(row);
  }

  /** The dataset named `name`, if any (datasets are referred to by id or by name). */
  idOfName(name: string): number | undefined {
    return (this.db.prepare('SELECT id FROM segment_datasets WHERE name = ?').get(name.trim()) as { id: number } | undefined)?.id;
  }

  /** A dataset with every segment's samples, in import order. */
  get(id: number): StoredSegmentDataset | undefined {
    const row = this.db.prepare('SELECT * FROM segment_datasets WHERE id = ?').get(id) as DatasetRow | undefined;
    if (!row) return undefined;
    const segmentRows = this.db
      .prepare('SELECT segment_id, file, label, group_name, rate_hz, samples FROM segments WHERE dataset_id = ? ORDER BY id')
      .all(id) as SegmentRow[];
    const segments: LabelledSegment[] = segmentRows.map((s) => ({
      id: s.segment_id,
      file: s.file,
      label: s.label,
      group: s.group_name,
      rateHz: s.rate_hz,
      // Copy into an aligned buffer: a Buffer from SQLite may start at an offset that is not a multiple of 4.
      samples: new Float32Array(Uint8Array.from(s.samples).buffer),
    }));
    const summary = this.summary(row);
    return {
      ...summary,
      collection: { format: row.format, source: row.source_path, labels: summary.labels, segments, notes: summary.notes },
    };
  }

  /** Deletes a dataset and its segments; returns what it was. */
  delete(id: number): SegmentDatasetSummary {
    return this.db.transaction(() => {
      const summary = this.summaryOf(id);
      if (!summary) throw new NotFoundError(`segment dataset #${id}`, 'see `cajal seizure segments list`');
      this.db.prepare('DELETE FROM segment_datasets WHERE id = ?').run(id);
      return summary;
    })();
  }

  private summary(row: DatasetRow): SegmentDatasetSummary {
    const counts = this.db
      .prepare('SELECT dataset_id, label, count(*) AS n, sum(sample_count / rate_hz) AS seconds FROM segments WHERE dataset_id = ? GROUP BY label ORDER BY label')
      .all(row.id) as CountRow[];
    const rates = this.db.prepare('SELECT DISTINCT rate_hz FROM segments WHERE dataset_id = ? ORDER BY rate_hz').all(row.id) as { rate_hz: number }[];
    return {
      id: row.id,
      name: row.name,
      format: row.format,
      sourcePath: row.source_path,
      labels: JSON.parse(row.labels_json) as string[],
      counts: Object.fromEntries(counts.map((c) => [c.label, c.n])),
      segmentCount: counts.reduce((n, c) => n + c.n, 0),
      durationS: counts.reduce((s, c) => s + c.seconds, 0),
      ratesHz: rates.map((r) => r.rate_hz),
      notes: JSON.parse(row.notes_json) as string[],
      createdAt: row.created_at,
    };
  }
}

function checkSegment(segment: LabelledSegment): void {
  const where = `segment ${segment.id} (${segment.file})`;
  if (!segment.label.trim()) throw new ValidationError('label', `${where} has an empty label`);
  if (!(Number.isFinite(segment.rateHz) && segment.rateHz > 0)) throw new ValidationError('rateHz', `${where}: rate ${segment.rateHz} Hz is not a positive number`);
  if (segment.samples.length === 0) throw new ValidationError('samples', `${where} has no samples`);
}
