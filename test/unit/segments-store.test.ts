/**
 * The project's labelled-segment datasets (main/store/segments.ts, migration 6): a collection goes
 * in whole and comes back sample for sample; a failure half-way leaves no dataset; names are unique;
 * deleting a dataset deletes its segments; a project from before migration 6 is migrated in place.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calls } from '../../shared/api/index.js';
import { createHandlers, dispatch, Engine } from '../../main/engine/index.js';
import type { LabelledSegment, SegmentCollection } from '../../main/io/segments/index.js';
import { openDatabase } from '../../main/store/database.js';
import { SCHEMA_VERSION, Store } from '../../main/store/index.js';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { tempDir } from '../helpers/tmp.js';

function segment(id: string, label: string, n: number, rateHz = 200, group = label): LabelledSegment {
  // Values a float32 keeps exactly, and a distinct pattern per segment.
  const samples = Float32Array.from({ length: n }, (_, i) => ((i * 31 + id.length * 7) % 97) - 48.25);
  return { id, file: `/data/${id}.mat`, label, group, rateHz, samples };
}

function collection(segments: LabelledSegment[]): SegmentCollection {
  return { format: 'delhi', source: '/data/delhi', labels: [...new Set(segments.map((s) => s.label))].sort(), segments, notes: ['taken as µV'] };
}

describe('segment datasets in the project store', () => {
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

  it('imports a collection and gives it back sample for sample, with counts per label in the list', () => {
    const input = collection([segment('ictal/a', 'ictal', 1024), segment('interictal/b', 'interictal', 1024), segment('ictal/c', 'ictal', 512, 173.61, 'E')]);
    const id = store.segments.importDataset('  delhi  ', input);
    const [listed, ...rest] = store.segments.list();
    expect(rest).toEqual([]);
    expect(listed).toMatchObject({
      id,
      name: 'delhi',
      format: 'delhi',
      sourcePath: '/data/delhi',
      labels: ['ictal', 'interictal'],
      counts: { ictal: 2, interictal: 1 },
      segmentCount: 3,
      ratesHz: [173.61, 200],
      notes: ['taken as µV'],
    });
    expect(listed!.durationS).toBeCloseTo(1024 / 200 + 1024 / 200 + 512 / 173.61, 9);
    const stored = store.segments.get(id)!;
    expect(stored.name).toBe('delhi');
    expect(stored.collection.format).toBe('delhi');
    expect(stored.collection.labels).toEqual(['ictal', 'interictal']);
    expect(stored.collection.segments.map(({ id: sid, file, label, group, rateHz }) => ({ id: sid, file, label, group, rateHz }))).toEqual(
      input.segments.map(({ id: sid, file, label, group, rateHz }) => ({ id: sid, file, label, group, rateHz })),
    );
    stored.collection.segments.forEach((s, i) => {
      expect(s.samples).toBeInstanceOf(Float32Array);
      expect(Array.from(s.samples)).toEqual(Array.from(input.segments[i]!.samples));
    });
    expect(store.segments.get(id + 1)).toBeUndefined();
  });

  it('stores a subarray view by its own samples, not its whole buffer', () => {
    const big = Float32Array.from({ length: 100 }, (_, i) => i);
    const s = { ...segment('x', 'ictal', 1), samples: big.subarray(10, 20) };
    const id = store.segments.importDataset('view', collection([s]));
    expect(Array.from(store.segments.get(id)!.collection.segments[0]!.samples)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('writes nothing when a segment fails half-way (one transaction)', () => {
    const segments = [segment('a', 'ictal', 64), segment('b', 'ictal', 64), segment('a', 'interictal', 64)];
    expect(() => store.segments.importDataset('broken', collection(segments))).toThrow(/segment id "a" appears twice/);
    expect(store.segments.list()).toEqual([]);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM segments').get()).toEqual({ n: 0 });
    expect(raw.prepare('SELECT count(*) AS n FROM segment_datasets').get()).toEqual({ n: 0 });
    raw.close();
    // The name is free again: the failed import left nothing behind.
    expect(store.segments.importDataset('broken', collection(segments.slice(0, 2)))).toBeGreaterThan(0);
  });

  it('rolls back when SQLite itself refuses a row (a trigger standing in for a full disk)', () => {
    store.close();
    const raw = new Database(path);
    raw.exec("CREATE TRIGGER fail_third BEFORE INSERT ON segments WHEN (SELECT count(*) FROM segments) >= 2 BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");
    raw.close();
    store = Store.open(path);
    expect(() => store.segments.importDataset('d', collection([segment('a', 'x', 8), segment('b', 'x', 8), segment('c', 'x', 8)]))).toThrow(/disk I\/O error/);
    expect(store.segments.list()).toEqual([]);
  });

  it('refuses an empty name, an empty collection, a bad rate, an empty label and a name in use', () => {
    const ok = collection([segment('a', 'ictal', 8)]);
    expect(() => store.segments.importDataset(' ', ok)).toThrow(/name: a dataset needs a name/);
    expect(() => store.segments.importDataset('e', collection([]))).toThrow(/\/data\/delhi: no segment to import/);
    expect(() => store.segments.importDataset('r', collection([segment('a', 'ictal', 8, Number.NaN)]))).toThrow(/segment a \(\/data\/a.mat\): rate NaN Hz is not a positive number/);
    expect(() => store.segments.importDataset('l', collection([segment('a', ' ', 8)]))).toThrow(/segment a .* has an empty label/);
    const id = store.segments.importDataset('d', ok);
    expect(() => store.segments.importDataset('d', ok)).toThrow(new RegExp(`a segment dataset named "d" exists \\(#${id}\\)`));
    expect(store.segments.idOfName('d')).toBe(id);
    expect(store.segments.idOfName('nope')).toBeUndefined();
  });

  it('deletes a dataset with its segments, leaving the others', () => {
    const a = store.segments.importDataset('a', collection([segment('x', 'ictal', 8), segment('y', 'healthy', 8)]));
    const b = store.segments.importDataset('b', collection([segment('x', 'ictal', 8)]));
    expect(store.segments.delete(a)).toMatchObject({ id: a, name: 'a', segmentCount: 2 });
    expect(store.segments.list().map((d) => d.id)).toEqual([b]);
    expect(store.segments.get(b)!.collection.segments).toHaveLength(1);
    expect(() => store.segments.delete(a)).toThrow(/segment dataset #\d+ not found/);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM segments').get()).toEqual({ n: 1 });
    raw.close();
  });

  it('migrates a project from before migration 6, keeping what it holds', () => {
    store.close();
    const old = join(tmp.dir, 'v5.cajal');
    const v5 = openDatabase(old, { migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    v5.prepare("INSERT INTO settings (key, value_json) VALUES ('k', '1')").run();
    v5.close();
    store = Store.open(old);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.settings.get('k')).toBe(1);
    expect(store.segments.list()).toEqual([]);
    expect(store.segments.importDataset('after', collection([segment('a', 'ictal', 8)]))).toBe(1);
  });
});

describe('seizure.segmentDatasets through the API', () => {
  it('lists the datasets without samples, matching the call schema', async () => {
    const tmp = tempDir();
    const engine = await Engine.open({ projectPath: join(tmp.dir, 'api.cajal'), create: true, maxConcurrent: 1 });
    try {
      const handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
      const empty = await dispatch(handlers, { id: 1, call: 'seizure.segmentDatasets', params: {} });
      expect(empty).toMatchObject({ ok: true, result: [] });
      engine.store.segments.importDataset('d', collection([segment('a', 'ictal', 100), segment('b', 'preictal', 50)]));
      const reply = await dispatch(handlers, { id: 2, call: 'seizure.segmentDatasets', params: {} });
      expect(reply.ok).toBe(true);
      const [dataset] = calls['seizure.segmentDatasets'].result.parse(reply.ok ? reply.result : null);
      expect(dataset).toMatchObject({ name: 'd', counts: { ictal: 1, preictal: 1 }, segmentCount: 2 });
      expect(JSON.stringify(reply)).not.toMatch(/samples/);
      const refused = await dispatch(handlers, { id: 3, call: 'seizure.segmentDatasets', params: { all: true } });
      expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    } finally {
      await engine.close();
      tmp.cleanup();
    }
  });
});
