import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store, SCHEMA_VERSION } from '../../main/store/index.js';
import { openDatabase } from '../../main/store/database.js';
import type { Migration } from '../../main/store/migrations.js';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { tempDir } from '../helpers/tmp.js';

const metadata = {
  signals: [{ label: 'EEG Fp1', unit: 'uV', sampleRateHz: 256, isAnnotation: false }],
  channelCount: 1,
  sampleRateHz: 256,
  durationS: 10,
  startDateTime: '2024-01-01T00:00:00',
  patient: 'X',
  recordingInfo: 'X',
  dataRecordCount: 10,
  dataRecordDurationS: 1,
};
const newRecording = (path = '/data/a.edf') => ({
  sourcePath: path,
  sizeBytes: 1234,
  sha256: 'a'.repeat(64),
  format: 'edf' as const,
  metadata,
});

describe('project store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let path: string;
  let store: Store;
  beforeEach(() => {
    tmp = tempDir();
    path = join(tmp.dir, 'p.cajal');
    store = Store.open(path);
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it('creates the schema with WAL, foreign keys and the latest user_version', () => {
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['annotations', 'arrays', 'models', 'recordings', 'results', 'run_logs', 'runs', 'segment_datasets', 'segments', 'settings']);
    raw.close();
    expect(store.integrityCheck()).toBe('ok');
  });

  it('migrates an older project forward and leaves a current one alone', () => {
    store.close();
    const v1only: readonly Migration[] = MIGRATIONS.slice(0, 1);
    const extra: Migration = { version: 2, description: 'test', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY);' };
    const oldPath = join(tmp.dir, 'v1.cajal'); // a project written by a Cajal that knew version 1 only
    openDatabase(oldPath, { migrations: v1only }).close();
    const db = openDatabase(oldPath, { migrations: [...v1only, extra] });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'extra'").get()).toEqual({ n: 1 });
    db.close();
    // A Cajal that only knows version 1 must refuse a newer file rather than damage it.
    expect(() => openDatabase(oldPath, { migrations: v1only })).toThrow(/schema version 2 is newer than this Cajal supports \(1\)/);
    store = Store.open(join(tmp.dir, 'other.cajal'));
  });

  it('renames runs of a pipeline whose name took its domain id (migration 4: morphometrics → morphology-metrics)', () => {
    const path = join(tmp.dir, 'v3.cajal'); // written by a Cajal before the rename
    const v3 = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 3) });
    v3.prepare("INSERT INTO runs (pipeline, params_json, status, progress, created_at, code_version) VALUES ('morphometrics', '{}', 'succeeded', 1, '2026-01-01T00:00:00Z', 'test')").run();
    v3.prepare("INSERT INTO runs (pipeline, params_json, status, progress, created_at, code_version) VALUES ('rms', '{}', 'succeeded', 1, '2026-01-01T00:00:00Z', 'test')").run();
    v3.close();
    const migrated = Store.open(path, { create: false });
    try {
      expect(migrated.runs.list().map((run) => run.pipeline).sort()).toEqual(['morphology-metrics', 'rms']);
    } finally {
      migrated.close();
    }
  });

  it('rolls back a failed migration whole', () => {
    store.close();
    const broken: Migration = { version: SCHEMA_VERSION + 1, description: 'broken', sql: 'CREATE TABLE half (id INTEGER); THIS IS NOT SQL;' };
    expect(() => openDatabase(path, { migrations: [...MIGRATIONS, broken] })).toThrow();
    store = Store.open(path);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('refuses files that are not Cajal projects', () => {
    const text = join(tmp.dir, 'notes.cajal');
    writeFileSync(text, 'hello, this is not a database at all'.repeat(50));
    expect(() => Store.open(text)).toThrow(/notes\.cajal: not a Cajal project file/);
    const foreign = join(tmp.dir, 'foreign.sqlite');
    const db = new Database(foreign);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => Store.open(foreign)).toThrow(/another application/);
  });

  it('refuses a FIFO, a folder or a device as a project at once (SQLite would block on a FIFO)', () => {
    const pipe = join(tmp.dir, 'pipe.cajal');
    execFileSync('mkfifo', [pipe]);
    expect(() => Store.open(pipe)).toThrow(`${pipe}: is a FIFO (named pipe), not a Cajal project file`);
    expect(() => Store.open(tmp.dir)).toThrow(`${tmp.dir}: is a folder, not a Cajal project file`);
    expect(() => Store.open('/dev/null')).toThrow('/dev/null: is a device, not a Cajal project file');
  });

  it('stores recordings once per path and content', () => {
    const first = store.recordings.add(newRecording());
    const again = store.recordings.add(newRecording());
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.recording.id).toBe(first.recording.id);
    expect(store.recordings.list()).toHaveLength(1);
    expect(store.recordings.get(first.recording.id)!.metadata).toEqual(metadata);
  });

  it('round-trips typed arrays with dtype and shape', () => {
    for (const data of [new Float32Array([1.5, -2, 3]), new Int16Array([-32768, 0, 32767]), new Float64Array([Math.PI]), new Uint8Array([1, 2, 3, 4])]) {
      const id = store.arrays.add(data);
      const back = store.arrays.get(id)!;
      expect(back.data.constructor).toBe(data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
    const id = store.arrays.add(new Float32Array(6), [2, 3]);
    expect(store.arrays.get(id)!.shape).toEqual([2, 3]);
    expect(() => store.arrays.add(new Float32Array(6), [4, 2])).toThrow(/holds 8 values but the array has 6/);
  });

  it('keeps annotations append-only: edits supersede, deletions retract, nothing is overwritten', () => {
    const { recording } = store.recordings.add(newRecording());
    const a = store.annotations.add({ recordingId: recording.id, onsetS: 10, durationS: 5, label: 'sz', author: 'dr.a' });
    const edit = store.annotations.add({ recordingId: recording.id, onsetS: 11, durationS: 6, label: 'sz', author: 'dr.b', supersedesId: a.id });
    const b = store.annotations.add({ recordingId: recording.id, onsetS: 50, durationS: 1, label: 'artifact', author: 'dr.a' });
    store.annotations.add({ recordingId: recording.id, onsetS: 50, durationS: 1, label: 'artifact', author: 'dr.b', supersedesId: b.id, retracted: true });
    expect(store.annotations.current(recording.id).map((x) => x.id)).toEqual([edit.id]);
    expect(store.annotations.history(recording.id)).toHaveLength(4);
    const raw = new Database(path);
    expect(() => raw.prepare('UPDATE annotations SET label = ? WHERE id = ?').run('x', a.id)).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM annotations WHERE id = ?').run(a.id)).toThrow(/append-only/);
    raw.close();
    expect(() => store.annotations.add({ recordingId: recording.id, onsetS: Number.NaN, durationS: 1, label: 'x', author: 'a' })).toThrow(/onsetS/);
  });

  it('enforces foreign keys', () => {
    expect(() => store.annotations.add({ recordingId: 999, onsetS: 0, durationS: 0, label: 'x', author: 'a' })).toThrow(/FOREIGN KEY/);
  });

  it('writes all of a transaction or nothing', () => {
    const run = store.runs.create({ pipeline: 'p', params: {}, recordingId: null, codeVersion: 'v' });
    expect(() =>
      store.transaction(() => {
        store.results.add(run.id, { key: 'a', value: 1, array: { data: new Float32Array([1]), shape: [1] } });
        store.results.add(run.id, { key: 'a', value: 2 }); // duplicate key → abort
      }),
    ).toThrow(/UNIQUE/);
    expect(store.results.list(run.id)).toEqual([]);
  });

  it('tracks a run through its statuses, with logs and timings', () => {
    const run = store.runs.create({ pipeline: 'rms', params: { a: 1 }, recordingId: null, codeVersion: 'v1' });
    expect(run.status).toBe('queued');
    store.runs.markRunning(run.id);
    store.runs.setProgress(run.id, 0.5, 'half');
    store.runs.appendLog(run.id, 'info', 'hello');
    expect(store.runs.get(run.id)).toMatchObject({ status: 'running', progress: 0.5, progressMessage: 'half' });
    expect(store.runs.finish(run.id, 'succeeded')).toBe(true);
    expect(store.runs.finish(run.id, 'failed', 'late')).toBe(false); // a finished run stays finished
    const done = store.runs.get(run.id)!;
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, progressMessage: 'done', error: null, params: { a: 1 }, codeVersion: 'v1' });
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    expect(store.runs.logs(run.id).map((l) => l.message)).toEqual(['hello']);
  });

  it('marks runs left queued or running interrupted (crash recovery)', () => {
    const a = store.runs.create({ pipeline: 'p', params: {}, recordingId: null, codeVersion: 'v' });
    const b = store.runs.create({ pipeline: 'p', params: {}, recordingId: null, codeVersion: 'v' });
    const c = store.runs.create({ pipeline: 'p', params: {}, recordingId: null, codeVersion: 'v' });
    store.runs.markRunning(a.id);
    store.runs.markRunning(c.id);
    store.runs.finish(c.id, 'succeeded');
    expect(store.runs.markInterrupted()).toBe(2);
    expect([a, b, c].map((r) => store.runs.get(r.id)!.status)).toEqual(['interrupted', 'interrupted', 'succeeded']);
  });

  it('stores models and settings', () => {
    const id = store.models.add({ name: 'm', pipeline: 'seizure', runId: null, format: 'tfjs-layers', meta: { f1: 0.5 }, weights: new Uint8Array([1, 2, 3]) });
    expect(Array.from(store.models.get(id)!.weights)).toEqual([1, 2, 3]);
    expect(store.models.list('seizure')).toHaveLength(1);
    store.settings.set('compute.backend', 'wasm');
    expect(store.settings.get('compute.backend')).toBe('wasm');
    store.settings.set('compute.backend', null);
    expect(store.settings.get('compute.backend')).toBeUndefined();
  });
});
