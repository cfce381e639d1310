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
  /** 'incomplete': the last checkpoint of a training run that has not (or never) finished. */
  status: ModelStatus;
  createdAt: string;
}

export type ModelStatus = 'complete' | 'incomplete';

/** What `add` needs: a model is complete unless said otherwise. */
export type NewModel = Omit<ModelRecord, 'id' | 'createdAt' | 'status'> & { status?: ModelStatus };

interface ModelRow {
  id: number;
  name: string;
  pipeline: string;
  run_id: number | null;
  format: string;
  meta_json: string;
  weights: Buffer;
  status: ModelStatus;
  created_at: string;
}

export class ModelRepository {
  constructor(private readonly db: Db) {}

  add(model: NewModel): number {
    const info = this.db
      .prepare(
        'INSERT INTO models (name, pipeline, run_id, format, meta_json, weights, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(model.name, model.pipeline, model.runId, model.format, JSON.stringify(model.meta), Buffer.from(model.weights), model.status ?? 'complete', nowIso());
    return Number(info.lastInsertRowid);
  }

  /**
   * Stores a training run's latest checkpoint (incomplete) in place of its previous one: one row
   * per run, rewritten, so the run's model keeps one id from its first checkpoint to its end.
   */
  replaceCheckpoint(model: Omit<NewModel, 'status'> & { runId: number }): number {
    return this.writeRunModel(model, 'incomplete');
  }

  /**
   * Stores a training run's final model (complete) over its checkpoint. Callers put this in the
   * transaction of the run's results and final status.
   */
  addFinal(model: Omit<NewModel, 'status'> & { runId: number }): number {
    return this.writeRunModel(model, 'complete');
  }

  private writeRunModel(model: Omit<NewModel, 'status'> & { runId: number }, status: ModelStatus): number {
    return this.db.transaction(() => {
      const checkpoint = this.db.prepare("SELECT id FROM models WHERE run_id = ? AND status = 'incomplete' ORDER BY id DESC LIMIT 1").get(model.runId) as
        | { id: number }
        | undefined;
      if (!checkpoint) return this.add({ ...model, status });
      this.db
        .prepare('UPDATE models SET name = ?, pipeline = ?, format = ?, meta_json = ?, weights = ?, status = ?, created_at = ? WHERE id = ?')
        .run(model.name, model.pipeline, model.format, JSON.stringify(model.meta), Buffer.from(model.weights), status, nowIso(), checkpoint.id);
      return checkpoint.id;
    })();
  }

  /** The models a run produced (its final model, or its last checkpoint), newest first. */
  ofRun(runId: number): Omit<ModelRecord, 'weights'>[] {
    const rows = this.db
      .prepare('SELECT id, name, pipeline, run_id, format, meta_json, status, created_at FROM models WHERE run_id = ? ORDER BY id DESC')
      .all(runId) as Omit<ModelRow, 'weights'>[];
    return rows.map((row) => this.summary(row));
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
      status: row.status,
      createdAt: row.created_at,
    };
  }

  list(pipeline?: string): Omit<ModelRecord, 'weights'>[] {
    const rows = (
      pipeline === undefined
        ? this.db.prepare('SELECT id, name, pipeline, run_id, format, meta_json, status, created_at FROM models ORDER BY id').all()
        : this.db
            .prepare('SELECT id, name, pipeline, run_id, format, meta_json, status, created_at FROM models WHERE pipeline = ? ORDER BY id')
            .all(pipeline)
    ) as Omit<ModelRow, 'weights'>[];
    return rows.map((row) => this.summary(row));
  }

  private summary(row: Omit<ModelRow, 'weights'>): Omit<ModelRecord, 'weights'> {
    return {
      id: row.id,
      name: row.name,
      pipeline: row.pipeline,
      runId: row.run_id,
      format: row.format,
      meta: JSON.parse(row.meta_json) as Record<string, unknown>,
      status: row.status,
      createdAt: row.created_at,
    };
  }
}
