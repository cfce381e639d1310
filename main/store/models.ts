import type { Db } from './database.js';
import { nowIso } from './time.js';

export interface ModelRecord {
  id: number;
  name: string;
  pipeline: string;
  runId: number | null;
  /** How `weights` is encoded, e.g. "tfjs-layers" (model.json + weight bytes). */
  format: string;
  meta: Record<string, unknown>;
  weights: Uint8Array;
  createdAt: string;
}

interface ModelRow {
  id: number;
  name: string;
  pipeline: string;
  run_id: number | null;
  format: string;
  meta_json: string;
  weights: Buffer;
  created_at: string;
}

export class ModelRepository {
  constructor(private readonly db: Db) {}

  add(model: Omit<ModelRecord, 'id' | 'createdAt'>): number {
    const info = this.db
      .prepare(
        'INSERT INTO models (name, pipeline, run_id, format, meta_json, weights, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(model.name, model.pipeline, model.runId, model.format, JSON.stringify(model.meta), Buffer.from(model.weights), nowIso());
    return Number(info.lastInsertRowid);
  }

  get(id: number): ModelRecord | undefined {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      pipeline: row.pipeline,
      runId: row.run_id,
      format: row.format,
      meta: JSON.parse(row.meta_json) as Record<string, unknown>,
      weights: new Uint8Array(row.weights),
      createdAt: row.created_at,
    };
  }

  list(pipeline?: string): Omit<ModelRecord, 'weights'>[] {
    const rows = (
      pipeline === undefined
        ? this.db.prepare('SELECT id, name, pipeline, run_id, format, meta_json, created_at FROM models ORDER BY id').all()
        : this.db
            .prepare('SELECT id, name, pipeline, run_id, format, meta_json, created_at FROM models WHERE pipeline = ? ORDER BY id')
            .all(pipeline)
    ) as Omit<ModelRow, 'weights'>[];
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      pipeline: row.pipeline,
      runId: row.run_id,
      format: row.format,
      meta: JSON.parse(row.meta_json) as Record<string, unknown>,
      createdAt: row.created_at,
    }));
  }
}
