/**
 * A project file that cannot be written (disk full) during a run: the run fails with one line that
 * names the file, other runs and the process go on, no half-written results remain, and the project
 * works again once there is room. A full disk is simulated with SQLite's `max_page_count` on the
 * engine's own connection (writes past it fail with SQLITE_FULL, as on a full disk), and a refusal
 * of every write with `query_only`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import type { RunStatus } from '../../shared/api/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAndWait } from '../../main/cli/commands.js';
import { Engine, createHandlers, dispatch, type EngineEvent } from '../../main/engine/index.js';
import { localLivenessCheck, recoverAbandonedRuns } from '../../main/jobs/ownership.js';
import { JobRunner } from '../../main/jobs/runner.js';
import type { Db } from '../../main/store/database.js';
import type { Store } from '../../main/store/index.js';
import { REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';
import { writeSineEdf } from '../helpers/edf.js';

const WRITER = pathToFileURL(join(REPO_ROOT, 'test', 'fixtures', 'pipelines', 'writer.ts')).href;
const BIG_RESULT_BYTES = 4 * 1024 * 1024;

/** The store's own SQLite connection: the limits below must apply to the writes the runner makes. */
function connectionOf(store: Store): Db {
  return (store as unknown as { db: Db }).db;
}

/** Lets the project file grow by `spareBytes` at most: later writes fail with SQLITE_FULL, like a full disk. */
function fillDiskLeaving(store: Store, spareBytes: number): void {
  const db = connectionOf(store);
  const pages = db.pragma('page_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages + Math.ceil(spareBytes / pageSize)}`);
}

function freeDisk(store: Store): void {
  connectionOf(store).pragma('max_page_count = 1073741823');
}

async function waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (const start = Date.now(); !predicate(); ) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('disk full during a run', () => {
  let tmp: ReturnType<typeof tempDir>;
  let engine: Engine;
  let events: EngineEvent[];
  const statusEvents = (runId: number) =>
    events.flatMap((e) => (e.name === 'run.status' && e.payload.runId === runId ? [[e.payload.status, e.payload.error] as [RunStatus, string | null]] : []));

  beforeEach(async () => {
    tmp = tempDir();
    engine = await Engine.open({ projectPath: join(tmp.dir, 'full.cajal'), create: true, maxConcurrent: 2, extraPipelines: [WRITER] });
    events = [];
    engine.subscribe((event) => events.push(event));
  });
  afterEach(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it('fails the run whose results do not fit with "disk full: <project>", and the other run and the project go on', async () => {
    const diskFull = `disk full: ${engine.projectPath}`;
    fillDiskLeaving(engine.store, 64 * 1024);
    const big = engine.runner.start('test-writer', null, { resultBytes: BIG_RESULT_BYTES });
    const small = engine.runner.start('test-writer', null, {});
    await engine.runner.idle();

    expect(engine.store.runs.get(big.id)).toMatchObject({ status: 'failed', error: diskFull });
    expect(statusEvents(big.id).at(-1)).toEqual(['failed', diskFull]);
    expect(engine.store.results.list(big.id)).toEqual([]); // the results transaction rolled back whole
    expect(engine.store.runs.get(small.id)!.status).toBe('succeeded');
    expect(engine.store.integrityCheck()).toBe('ok');

    // With room again, the same run goes through.
    freeDisk(engine.store);
    const again = engine.runner.start('test-writer', null, { resultBytes: BIG_RESULT_BYTES });
    await engine.runner.idle();
    expect(engine.store.runs.get(again.id)!.status).toBe('succeeded');
    expect(engine.store.results.list(again.id)[0]).toMatchObject({ key: 'size', value: BIG_RESULT_BYTES / 8 });
  });

  it('fails the run at once when a log line does not fit, and stops its worker', async () => {
    const gatePath = join(tmp.dir, 'gate');
    const run = engine.runner.start('test-writer', null, { logChars: 200_000, gatePath });
    await waitFor(() => events.some((e) => e.name === 'run.progress'));
    fillDiskLeaving(engine.store, 0);
    writeFileSync(gatePath, '');
    await engine.runner.idle();
    expect(engine.store.runs.get(run.id)).toMatchObject({ status: 'failed', error: `disk full: ${engine.projectPath}` });
    expect(engine.store.results.list(run.id)).toEqual([]);
    expect(engine.runner.runningCount).toBe(0);
  });

  it('says which file is full on the command line', async () => {
    fillDiskLeaving(engine.store, 64 * 1024);
    const lines: string[] = [];
    const run = await startAndWait(engine, 'test-writer', null, { resultBytes: BIG_RESULT_BYTES }, { out: () => {}, err: (line) => lines.push(line) });
    expect(run.status).toBe('failed');
    expect(lines).toContain(`cajal: run ${run.id} failed: disk full: ${engine.projectPath}`);
  });

  it('answers runs.start with a clear error when the run cannot even be stored', async () => {
    fillDiskLeaving(engine.store, 0);
    // Fill the last free bytes of the runs table with rows smaller than the one runs.start writes.
    for (;;) {
      try {
        engine.store.runs.create({ pipeline: 'x', params: {}, recordingId: null, codeVersion: 'v' }, engine.runner.owner);
      } catch {
        break;
      }
    }
    const handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
    const reply = await dispatch(handlers, { id: 7, call: 'runs.start', params: { pipeline: 'test-writer', recordingId: null, params: {} } });
    expect(reply).toEqual({ id: 7, ok: false, error: { code: 'io', message: `disk full: ${engine.projectPath}` } });
    expect(engine.runner.runningCount).toBe(0);
  });

  it('answers any other call that hits the full disk with the same line, not an internal error', async () => {
    fillDiskLeaving(engine.store, 0);
    const handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
    connectionOf(engine.store).pragma('query_only = ON'); // a settings write refused like a full disk's
    const refused = await dispatch(handlers, { id: 8, call: 'compute.setBackend', params: { backend: 'cpu' } }, { projectPath: engine.projectPath });
    expect(refused).toMatchObject({ id: 8, ok: false, error: { code: 'io' } });
    expect((refused as { error: { message: string } }).error.message).toMatch(new RegExp(`^cannot write ${engine.projectPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });

  it('stops an import on a full disk with the same line, storing nothing half-written', async () => {
    const file = writeSineEdf(join(tmp.dir, 'import.edf'), { channels: 1, sampleRateHz: 8, durationS: 1 });
    connectionOf(engine.store).pragma('query_only = ON');
    const handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
    const reply = await dispatch(handlers, { id: 9, call: 'recordings.import', params: { paths: [file] } }, { projectPath: engine.projectPath });
    expect(reply).toMatchObject({ id: 9, ok: false, error: { code: 'io' } });
    connectionOf(engine.store).pragma('query_only = OFF');
    expect(engine.store.recordings.list()).toEqual([]);
  });

  it('keeps a final status the store refuses, tells the clients, and writes it once the store accepts writes', async () => {
    const store = engine.store;
    const runner = new JobRunner(store, engine.registry, { codeVersion: 'test', heartbeatIntervalMs: 50 });
    const heard: EngineEvent[] = [];
    runner.subscribe((event) => heard.push(event));
    try {
      const gatePath = join(tmp.dir, 'gate');
      const run = runner.start('test-writer', null, { gatePath });
      await waitFor(() => heard.some((e) => e.name === 'run.progress'));
      connectionOf(store).pragma('query_only = ON'); // every write refused, even the final status
      writeFileSync(gatePath, '');
      await runner.idle();
      const refused = `cannot write ${engine.projectPath}: attempt to write a readonly database`;
      expect(heard.filter((e) => e.name === 'run.status').map((e) => e.payload.status)).toEqual(['queued', 'running', 'failed']);
      expect(heard.find((e) => e.name === 'run.status' && e.payload.status === 'failed')!.payload).toMatchObject({ error: refused });
      expect(store.runs.get(run.id)!.status).toBe('running'); // not written…
      // …so once this process is gone (here: its lease expired), the next open recovers it.
      connectionOf(store).pragma('query_only = OFF');
      const later = { ...localLivenessCheck(), nowMs: Date.now() + 60_000 };
      expect(recoverAbandonedRuns(store, later)).toBe(1);
      // While this process lives, its heartbeat writes the status it decided, over the `interrupted`.
      await waitFor(() => store.runs.get(run.id)!.status === 'failed');
      expect(store.runs.get(run.id)!.error).toBe(refused);
      expect(store.runs.logs(run.id).map((line) => line.message)).toContain(refused);
    } finally {
      await runner.shutdown();
    }
  });
});
