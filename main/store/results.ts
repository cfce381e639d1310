import type { RunResult } from '../../shared/api/index.js';
import type { Db } from './database.js';
import { ArrayRepository, type NumericArray, type StoredArray } from './arrays.js';
import { nowIso } from './time.js';

/** What a pipeline hands back for one key: a JSON value and optionally a typed array. */
export interface ResultItem {
  key: string;
  value: unknown;
  array?: { data: NumericArray; shape: number[] };
}

interface ResultRow {
  key: string;
  value_json: string;
  array_id: number | null;
}

export class ResultRepository {
  private readonly arrays: ArrayRepository;
  constructor(private readonly db: Db) {
    this.arrays = new ArrayRepository(db);
  }

  /** Writes one result row (and its array). Callers group a run's results in one transaction. */
  add(runId: number, item: ResultItem): void {
    const arrayId = item.array ? this.arrays.add(item.array.data, item.array.shape) : null;
    this.db
      .prepare('INSERT INTO results (run_id, key, value_json, array_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(runId, item.key, JSON.stringify(item.value ?? null), arrayId, nowIso());
  }

  list(runId: number): RunResult[] {
    const rows = this.db
      .prepare('SELECT key, value_json, array_id FROM results WHERE run_id = ? ORDER BY id')
      .all(runId) as ResultRow[];
    return rows.map((row) => ({
      key: row.key,
      value: JSON.parse(row.value_json) as unknown,
      array: row.array_id === null ? null : (this.arrays.describe(row.array_id) ?? null),
    }));
  }

  /** The typed array behind a result, read in full. */
  array(runId: number, key: string): StoredArray | undefined {
    const row = this.db.prepare('SELECT array_id FROM results WHERE run_id = ? AND key = ?').get(runId, key) as
      | { array_id: number | null }
      | undefined;
    return row?.array_id == null ? undefined : this.arrays.get(row.array_id);
  }
}
