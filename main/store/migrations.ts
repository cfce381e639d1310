/**
 * Schema migrations, applied in order by `user_version`. Never edit a released migration: add a new
 * one. Each runs in its own transaction together with the version bump.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'recordings, arrays, annotations, runs, run logs, results, models, settings',
    sql: `
      CREATE TABLE recordings (
        id            INTEGER PRIMARY KEY,
        source_path   TEXT    NOT NULL,
        size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
        sha256        TEXT    NOT NULL CHECK (length(sha256) = 64),
        format        TEXT    NOT NULL,
        metadata_json TEXT    NOT NULL CHECK (json_valid(metadata_json)),
        imported_at   TEXT    NOT NULL,
        UNIQUE (source_path, sha256)
      );

      -- Typed numeric arrays: raw little-endian bytes plus what is needed to view them again.
      CREATE TABLE arrays (
        id          INTEGER PRIMARY KEY,
        dtype       TEXT    NOT NULL CHECK (dtype IN ('int8','uint8','int16','uint16','int32','uint32','float32','float64')),
        shape_json  TEXT    NOT NULL CHECK (json_valid(shape_json)),
        byte_length INTEGER NOT NULL,
        data        BLOB    NOT NULL,
        created_at  TEXT    NOT NULL,
        CHECK (length(data) = byte_length)
      );

      -- Append-only audit trail: an edit is a new row that supersedes an older one.
      CREATE TABLE annotations (
        id             INTEGER PRIMARY KEY,
        recording_id   INTEGER NOT NULL REFERENCES recordings(id),
        onset_s        REAL    NOT NULL,
        duration_s     REAL    NOT NULL CHECK (duration_s >= 0),
        label          TEXT    NOT NULL,
        channels_json  TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(channels_json)),
        author         TEXT    NOT NULL,
        created_at     TEXT    NOT NULL,
        supersedes_id  INTEGER REFERENCES annotations(id),
        retracted      INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1))
      );
      CREATE INDEX annotations_by_recording ON annotations(recording_id, onset_s);
      CREATE TRIGGER annotations_no_update BEFORE UPDATE ON annotations
        BEGIN SELECT RAISE(ABORT, 'annotations are append-only: add a row that supersedes this one'); END;
      CREATE TRIGGER annotations_no_delete BEFORE DELETE ON annotations
        BEGIN SELECT RAISE(ABORT, 'annotations are append-only: add a retracting row instead'); END;

      CREATE TABLE runs (
        id               INTEGER PRIMARY KEY,
        pipeline         TEXT    NOT NULL,
        params_json      TEXT    NOT NULL CHECK (json_valid(params_json)),
        recording_id     INTEGER REFERENCES recordings(id),
        code_version     TEXT    NOT NULL,
        status           TEXT    NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
        progress         REAL    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
        progress_message TEXT    NOT NULL DEFAULT '',
        error            TEXT,
        created_at       TEXT    NOT NULL,
        started_at       TEXT,
        finished_at      TEXT,
        duration_ms      REAL
      );
      CREATE INDEX runs_by_status ON runs(status);

      CREATE TABLE run_logs (
        id       INTEGER PRIMARY KEY,
        run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        time     TEXT    NOT NULL,
        level    TEXT    NOT NULL CHECK (level IN ('info','warn','error')),
        message  TEXT    NOT NULL
      );
      CREATE INDEX run_logs_by_run ON run_logs(run_id, id);

      CREATE TABLE results (
        id         INTEGER PRIMARY KEY,
        run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key        TEXT    NOT NULL,
        value_json TEXT    NOT NULL CHECK (json_valid(value_json)),
        array_id   INTEGER REFERENCES arrays(id),
        created_at TEXT    NOT NULL,
        UNIQUE (run_id, key)
      );

      CREATE TABLE models (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        pipeline   TEXT    NOT NULL,
        run_id     INTEGER REFERENCES runs(id),
        format     TEXT    NOT NULL,
        meta_json  TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(meta_json)),
        weights    BLOB    NOT NULL,
        created_at TEXT    NOT NULL
      );

      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value_json TEXT NOT NULL CHECK (json_valid(value_json))
      );
    `,
  },
  {
    version: 2,
    description: 'run owners: the runner that queued a run, its process and a lease it renews',
    sql: `
      -- Who runs a run: the owning runner's random token (so a recycled process id is not taken for
      -- it), its process id and host, and the lease it renews while the run is queued or running.
      -- Opening the project from another process marks a run interrupted only when its owner is gone:
      -- its pid is dead on this host, or its lease expired. Runs from before this migration have no
      -- owner and are recovered as before.
      ALTER TABLE runs ADD COLUMN owner_token  TEXT;
      ALTER TABLE runs ADD COLUMN owner_pid    INTEGER;
      ALTER TABLE runs ADD COLUMN owner_host   TEXT;
      ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
    `,
  },
  {
    version: 3,
    description: 'models: complete or incomplete (the last checkpoint of a training run that did not finish)',
    sql: `
      -- A training run stores its checkpoints as it goes, 'incomplete', replacing the previous one;
      -- a run that succeeds stores its final model 'complete' in the transaction of its results.
      -- A cancelled, failed or crashed run leaves its last checkpoint, still 'incomplete', to resume
      -- from. Models from before this migration were all final.
      ALTER TABLE models ADD COLUMN status TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete','incomplete'));
      CREATE INDEX models_by_run ON models(run_id);
    `,
  },
  {
    version: 4,
    description: "pipeline names carry their domain's id: morphometrics becomes morphology-metrics",
    sql: `
      -- Issue #16 gave every domain one id, used as its pipelines' prefix. The pipeline registry
      -- still accepts the former name for one release; stored runs take the new one here.
      UPDATE runs SET pipeline = 'morphology-metrics' WHERE pipeline = 'morphometrics';
    `,
  },
  {
    version: 5,
    description: 'recordings can be removed from a project: hidden, their annotations and runs kept',
    sql: `
      -- Issue #17: "remove from project". Annotations are an append-only audit trail and finished
      -- runs keep their results, so a removed recording stays as a row marked with the time it was
      -- removed: it leaves the Library and cannot start runs; importing the same file brings it back.
      ALTER TABLE recordings ADD COLUMN removed_at TEXT;
    `,
  },
  {
    version: 6,
    description: 'labelled-segment datasets: short single-channel segments, each wholly one class, for training and evaluation',
    sql: `
      -- Issue #22: a folder of labelled segments (the Bonn and New Delhi collections, a lab's
      -- labels.csv) imported into the project as one dataset; its segments keep their samples here
      -- (float32, little-endian, µV), so training and evaluation need not find the folder again.
      -- A dataset is written whole in one transaction; deleting it deletes its segments.
      CREATE TABLE segment_datasets (
        id           INTEGER PRIMARY KEY,
        name         TEXT    NOT NULL UNIQUE CHECK (length(name) > 0),
        format       TEXT    NOT NULL,
        source_path  TEXT    NOT NULL,
        labels_json  TEXT    NOT NULL CHECK (json_valid(labels_json)),
        notes_json   TEXT    NOT NULL CHECK (json_valid(notes_json)),
        created_at   TEXT    NOT NULL
      );

      CREATE TABLE segments (
        id           INTEGER PRIMARY KEY,
        dataset_id   INTEGER NOT NULL REFERENCES segment_datasets(id) ON DELETE CASCADE,
        segment_id   TEXT    NOT NULL,
        file         TEXT    NOT NULL,
        label        TEXT    NOT NULL CHECK (length(label) > 0),
        group_name   TEXT    NOT NULL,
        rate_hz      REAL    NOT NULL CHECK (rate_hz > 0),
        sample_count INTEGER NOT NULL CHECK (sample_count > 0),
        samples      BLOB    NOT NULL,
        CHECK (length(samples) = 4 * sample_count),
        UNIQUE (dataset_id, segment_id)
      );
      CREATE INDEX segments_by_dataset_label ON segments(dataset_id, label);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
