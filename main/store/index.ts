/**
 * The project store: one SQLite file per project. All SQL of the application lives in this folder;
 * everything else goes through these typed repositories.
 */
import { openDatabase, schemaVersion, type Db, type OpenOptions } from './database.js';
import { AnnotationRepository } from './annotations.js';
import { ArrayRepository } from './arrays.js';
import { ModelRepository } from './models.js';
import { RecordingRepository } from './recordings.js';
import { ResultRepository } from './results.js';
import { RunRepository } from './runs.js';
import { SegmentRepository } from './segments.js';
import { deleteRun, type DeletedRun } from './run-deletion.js';
import { SettingsRepository } from './settings.js';

export class Store {
  readonly recordings: RecordingRepository;
  readonly arrays: ArrayRepository;
  readonly annotations: AnnotationRepository;
  readonly runs: RunRepository;
  readonly results: ResultRepository;
  readonly models: ModelRepository;
  readonly settings: SettingsRepository;
  readonly segments: SegmentRepository;

  private constructor(
    readonly path: string,
    private readonly db: Db,
  ) {
    this.recordings = new RecordingRepository(db);
    this.arrays = new ArrayRepository(db);
    this.annotations = new AnnotationRepository(db);
    this.runs = new RunRepository(db);
    this.results = new ResultRepository(db);
    this.models = new ModelRepository(db);
    this.settings = new SettingsRepository(db);
    this.segments = new SegmentRepository(db);
  }

  static open(path: string, options?: OpenOptions): Store {
    return new Store(path, openDatabase(path, options));
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** Runs `fn` in one transaction: all of its writes land, or none do. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Deletes a finished run with its logs, results, arrays and models (see run-deletion.ts). */
  deleteRun(runId: number): DeletedRun {
    return deleteRun(this.db, runId);
  }

  /** `PRAGMA integrity_check` result: "ok" for a sound file. */
  integrityCheck(): string {
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export type { Annotation, NewAnnotation } from './annotations.js';
export type { Dtype, NumericArray, StoredArray } from './arrays.js';
export type { ModelRecord } from './models.js';
export type { NewRecording } from './recordings.js';
export type { ResultItem } from './results.js';
export type { DeletedRun } from './run-deletion.js';
export type { FinalStatus, NewRun, RunOwner, UnfinishedRun } from './runs.js';
export type { SegmentDatasetSummary, StoredSegmentDataset } from './segments.js';
export { asStorageError } from './storage-failure.js';
export { SCHEMA_VERSION } from './migrations.js';
export { isCajalProject } from './database.js';
