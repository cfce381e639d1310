/**
 * Deleting a run (`runs.delete`): its logs, results, arrays and models go in one transaction; a run
 * still queued or running is refused; the recording and its source file stay as they were.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers, dispatch, Engine, type Handlers } from '../../main/engine/index.js';
import { Store } from '../../main/store/index.js';
import { writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const count = (path: string, table: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('deleting a run in the store', () => {
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

  /** A finished training-like run with a log line, two results (one with an array) and a model. */
  const finishedRun = () => {
    const run = store.runs.create({ pipeline: 'p', params: {}, recordingId: null, codeVersion: 'v' });
    store.runs.markRunning(run.id);
    store.runs.appendLog(run.id, 'info', 'hello');
    store.transaction(() => {
      store.results.add(run.id, { key: 'a', value: { x: 1 }, array: { data: new Float32Array([1, 2, 3]), shape: [3] } });
      store.results.add(run.id, { key: 'b', value: 2 });
      store.models.addFinal({ name: 'm', pipeline: 'p', runId: run.id, format: 'f', meta: {}, weights: new Uint8Array([1]) });
      store.runs.finish(run.id, 'succeeded');
    });
    return run.id;
  };

  it('removes the run, its logs, results, arrays and models, and leaves other runs alone', () => {
    const kept = finishedRun();
    const deleted = finishedRun();
    expect(store.deleteRun(deleted)).toEqual({ runId: deleted, results: 2, arrays: 1, models: 1, logs: 1 });
    expect(store.runs.get(deleted)).toBeUndefined();
    expect(store.results.list(deleted)).toEqual([]);
    expect(store.runs.logs(deleted)).toEqual([]);
    expect(store.models.ofRun(deleted)).toEqual([]);
    expect(store.results.list(kept).map((r) => r.key)).toEqual(['a', 'b']);
    expect(store.results.array(kept, 'a')?.data).toEqual(new Float32Array([1, 2, 3]));
    expect(store.models.ofRun(kept)).toHaveLength(1);
    expect(count(path, 'arrays')).toBe(1);
  });

  it('refuses a queued or running run, and an unknown one', () => {
    const queued = store.runs.create({ pipeline: 'p', params: {}, recordingId: null, codeVersion: 'v' });
    expect(() => store.deleteRun(queued.id)).toThrow(/queued: cancel it before deleting it/);
    store.runs.markRunning(queued.id);
    expect(() => store.deleteRun(queued.id)).toThrow(/running: cancel it/);
    expect(store.runs.get(queued.id)?.status).toBe('running');
    expect(() => store.deleteRun(9999)).toThrow(/run 9999/);
  });

  it('deletes nothing when a step fails (one transaction)', () => {
    const runId = finishedRun();
    const db = new Database(path);
    db.exec(`CREATE TRIGGER keep_runs BEFORE DELETE ON runs BEGIN SELECT RAISE(ABORT, 'runs are kept'); END;`);
    db.close();
    expect(() => store.deleteRun(runId)).toThrow(/runs are kept/);
    expect(store.runs.get(runId)?.status).toBe('succeeded');
    expect(store.results.list(runId)).toHaveLength(2);
    expect(store.results.array(runId, 'a')?.data).toEqual(new Float32Array([1, 2, 3]));
    expect(store.models.ofRun(runId)).toHaveLength(1);
    expect(store.runs.logs(runId)).toHaveLength(1);
  });
});

describe('runs.delete through the API', () => {
  let tmp: ReturnType<typeof tempDir>;
  let engine: Engine;
  let handlers: Handlers;
  beforeEach(async () => {
    tmp = tempDir();
    engine = await Engine.open({ projectPath: join(tmp.dir, 'api.cajal'), create: true, maxConcurrent: 1 });
    handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
  });
  afterEach(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it('refuses a run in progress, deletes it once finished, and never touches the recording or its file', async () => {
    const source = writeSineEdf(join(tmp.dir, 'sine.edf'), { channels: 2, sampleRateHz: 128, durationS: 60 });
    const before = sha256(source);
    const { imported } = await engine.importRecordings([source]);
    const recordingId = imported[0]!.id;
    const run = await handlers['runs.start']({ pipeline: 'rms', recordingId, params: {} });
    const refused = await dispatch(handlers, { id: 1, call: 'runs.delete', params: { runId: run.id } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await engine.runner.idle();
    expect(engine.store.runs.get(run.id)?.status).toBe('succeeded');
    expect(engine.store.results.list(run.id).map((r) => r.key)).toEqual(['rms']);

    const reply = await dispatch(handlers, { id: 2, call: 'runs.delete', params: { runId: run.id } });
    expect(reply).toMatchObject({ ok: true, result: { runId: run.id, results: 1, arrays: 1 } });
    expect(engine.store.runs.get(run.id)).toBeUndefined();
    expect(engine.store.results.list(run.id)).toEqual([]);
    expect(engine.store.recordings.list().map((r) => r.id)).toEqual([recordingId]);
    expect(sha256(source)).toBe(before);
    const again = await dispatch(handlers, { id: 3, call: 'runs.delete', params: { runId: run.id } });
    expect(again).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
