import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelineRegistry } from '../../main/jobs/registry.js';
import { JobRunner, type RunnerEvent } from '../../main/jobs/runner.js';
import { Store } from '../../main/store/index.js';
import { REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const fixture = (name: string) => pathToFileURL(join(REPO_ROOT, 'test', 'fixtures', 'pipelines', `${name}.ts`)).href;

async function waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('job runner', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let runner: JobRunner;
  let events: RunnerEvent[];
  let registry: PipelineRegistry;

  beforeEach(async () => {
    tmp = tempDir();
    store = Store.open(join(tmp.dir, 'p.cajal'));
    registry = new PipelineRegistry();
    await registry.register(fixture('forever'));
    await registry.register(fixture('misbehaving'));
    await registry.register(fixture('writer'));
    runner = new JobRunner(store, registry, { codeVersion: 'test', maxConcurrent: 1, cancelGraceMs: 300 });
    events = [];
    runner.subscribe((event) => events.push(event));
  });

  afterEach(async () => {
    await runner.shutdown();
    store.close();
    tmp.cleanup();
  });

  it('runs a pipeline in a worker, streams progress and stores its results in one go', async () => {
    const run = runner.start('test-forever', null, { steps: 20, stepMs: 1 });
    expect(run.params).toEqual({ steps: 20, stepMs: 1 }); // defaults are stored with the run
    await runner.idle();
    const done = store.runs.get(run.id)!;
    expect(done.status).toBe('succeeded');
    expect(done.progress).toBe(1);
    expect(done.codeVersion).toBe('test');
    expect(done.durationMs).toBeGreaterThan(0);
    const statuses = events.filter((e) => e.name === 'run.status').map((e) => e.payload.status);
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
    expect(events.some((e) => e.name === 'run.progress')).toBe(true);
    expect(store.runs.logs(run.id).map((l) => l.message)).toContain('started');
    const results = store.results.list(run.id);
    expect(results).toEqual([{ key: 'steps', value: 20, array: { dtype: 'float32', shape: [2, 3] } }]);
    expect(Array.from(store.results.array(run.id, 'steps')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects params that fail the pipeline schema before queueing', () => {
    expect(() => runner.start('test-forever', null, { steps: -1 })).toThrow(/params\.steps/);
    expect(() => runner.start('no-such-pipeline', null, {})).toThrow(/pipeline "no-such-pipeline" not found/);
    expect(store.runs.list()).toHaveLength(0);
  });

  it('cancels a running job promptly and leaves it cancelled', async () => {
    const run = runner.start('test-forever', null, {});
    await waitFor(() => events.some((e) => e.name === 'run.progress'));
    const started = Date.now();
    runner.cancel(run.id);
    await runner.idle();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(store.runs.get(run.id)!.status).toBe('cancelled');
    expect(store.results.list(run.id)).toHaveLength(0);
  });

  it('terminates a worker that ignores cancellation after the grace period', async () => {
    const run = runner.start('test-misbehaving', null, { mode: 'busy' });
    await waitFor(() => store.runs.get(run.id)!.status === 'running');
    await waitFor(() => events.some((e) => e.name === 'run.progress'));
    runner.cancel(run.id);
    await runner.idle();
    expect(store.runs.get(run.id)!.status).toBe('cancelled');
  });

  it('cancels queued runs without starting them, and honours the concurrency limit', async () => {
    const first = runner.start('test-forever', null, {});
    const second = runner.start('test-forever', null, { steps: 1 });
    await waitFor(() => store.runs.get(first.id)!.status === 'running');
    expect(store.runs.get(second.id)!.status).toBe('queued');
    runner.cancel(second.id);
    expect(store.runs.get(second.id)!.status).toBe('cancelled');
    expect(store.runs.get(second.id)!.startedAt).toBeNull();
    runner.cancel(first.id);
    await runner.idle();
    expect(() => runner.cancel(first.id)).toThrow(/cancelled, not queued or running/);
  });

  it('marks a run failed with the error when the pipeline throws', async () => {
    const run = runner.start('test-misbehaving', null, { mode: 'throw' });
    await runner.idle();
    const failed = store.runs.get(run.id)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('deliberate failure');
  });

  it('marks a run failed when its worker dies, and keeps serving other runs', async () => {
    const run = runner.start('test-misbehaving', null, { mode: 'exit' });
    await runner.idle();
    expect(store.runs.get(run.id)!.status).toBe('failed');
    expect(store.runs.get(run.id)!.error).toMatch(/worker exited unexpectedly \(exit code 3\)/);
    const next = runner.start('test-forever', null, { steps: 2, stepMs: 1 });
    await runner.idle();
    expect(store.runs.get(next.id)!.status).toBe('succeeded');
  });

  it('writes no partial results when storing them fails', async () => {
    const run = runner.start('test-misbehaving', null, { mode: 'bad-result' });
    await runner.idle();
    const failed = store.runs.get(run.id)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/storing the results failed/);
    expect(store.results.list(run.id)).toHaveLength(0);
  });

  it('marks in-progress runs interrupted on shutdown', async () => {
    const run = runner.start('test-forever', null, {});
    await waitFor(() => store.runs.get(run.id)!.status === 'running');
    await runner.shutdown();
    expect(store.runs.get(run.id)!.status).toBe('interrupted');
  });

  it('records this process as the owner of its runs, queued ones included', () => {
    const first = runner.start('test-forever', null, {});
    const second = runner.start('test-forever', null, { steps: 1 });
    for (const run of [first, second]) {
      expect(store.runs.owner(run.id)).toEqual({ token: runner.owner.token, pid: process.pid, host: hostname() });
    }
  });

  it("writes the owner's final status even if another process marked the run interrupted meanwhile", async () => {
    const gatePath = join(tmp.dir, 'gate');
    const run = runner.start('test-writer', null, { gatePath });
    await waitFor(() => events.some((e) => e.name === 'run.progress'));
    expect(store.runs.markInterrupted('wrongly judged gone')).toBe(1); // as an older Cajal's open would
    writeFileSync(gatePath, '');
    await runner.idle();
    expect(store.runs.get(run.id)).toMatchObject({ status: 'succeeded', error: null, progress: 1 });
    expect(store.results.list(run.id).map((result) => result.key)).toEqual(['size', 'data']);
    expect(events.filter((e) => e.name === 'run.status').map((e) => e.payload.status)).toEqual(['queued', 'running', 'succeeded']);
  });

  it('takes back a run another process marked interrupted at its next heartbeat', async () => {
    const beating = new JobRunner(store, registry, { codeVersion: 'test', maxConcurrent: 1, heartbeatIntervalMs: 50 });
    try {
      const gatePath = join(tmp.dir, 'gate');
      const run = beating.start('test-writer', null, { gatePath });
      await waitFor(() => store.runs.get(run.id)!.status === 'running');
      store.runs.markInterrupted('wrongly judged gone');
      await waitFor(() => store.runs.get(run.id)!.status === 'running');
      expect(store.runs.get(run.id)).toMatchObject({ error: null, finishedAt: null });
      expect(store.runs.logs(run.id).map((line) => line.message)).toContain(
        'another process marked this run interrupted while this one was still running it; it goes on',
      );
      writeFileSync(gatePath, '');
      await beating.idle();
      expect(store.runs.get(run.id)!.status).toBe('succeeded');
    } finally {
      await beating.shutdown();
    }
  });
});
