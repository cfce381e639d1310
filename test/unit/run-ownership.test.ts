/**
 * Which unfinished runs a newly opened project marks interrupted: only those whose owner is gone
 * (its process dead on this host, or its lease expired), never a run another process is running.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abandonmentReason, isProcessAlive, recoverAbandonedRuns, type LivenessCheck } from '../../main/jobs/ownership.js';
import { openDatabase } from '../../main/store/database.js';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { Store, type RunOwner } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

const HERE = 'this-host';
const LEASE_MS = 30_000;

/** A check as seen from `HERE`, `afterMs` after now, where only the pids in `alive` exist. */
function checkAt(afterMs: number, alive: number[]): LivenessCheck {
  return { host: HERE, nowMs: Date.now() + afterMs, leaseTimeoutMs: LEASE_MS, isProcessAlive: (pid) => alive.includes(pid) };
}

describe('run ownership and recovery', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  const newRun = (owner: RunOwner | null, running = true) => {
    const run = store.runs.create({ pipeline: 'p', params: {}, recordingId: null, codeVersion: 'v' }, owner);
    if (running) store.runs.markRunning(run.id, owner?.token ?? null);
    return run.id;
  };
  const status = (id: number) => store.runs.get(id)!.status;

  beforeEach(() => {
    tmp = tempDir();
    store = Store.open(join(tmp.dir, 'p.cajal'));
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it('stores the owner of a run: token, pid and host', () => {
    const owner = { token: 't1', pid: 123, host: HERE };
    const id = newRun(owner);
    expect(store.runs.owner(id)).toEqual(owner);
    expect(store.runs.owner(newRun(null))).toBeNull();
  });

  it('marks interrupted only the runs whose owner is gone', () => {
    const live = newRun({ token: 'live', pid: 10, host: HERE });
    const liveQueued = newRun({ token: 'live', pid: 10, host: HERE }, false);
    const dead = newRun({ token: 'dead', pid: 11, host: HERE });
    const deadQueued = newRun({ token: 'dead', pid: 11, host: HERE }, false);
    const remote = newRun({ token: 'remote', pid: 11, host: 'elsewhere' }); // pid 11 there is not ours to check
    const legacy = newRun(null);

    expect(recoverAbandonedRuns(store, checkAt(0, [10]))).toBe(3);
    expect([live, liveQueued, dead, deadQueued, remote, legacy].map(status)).toEqual([
      'running',
      'queued',
      'interrupted',
      'interrupted',
      'running',
      'interrupted',
    ]);
    expect(store.runs.get(dead)!.error).toBe('the process running it (pid 11 on this-host) stopped while this run was in progress');
    expect(store.runs.get(legacy)!.error).toBe('the application stopped while this run was in progress');
  });

  it('recovers a run left running in a project from before owners were recorded', () => {
    const oldPath = join(tmp.dir, 'v1.cajal');
    const v1 = openDatabase(oldPath, { migrations: MIGRATIONS.slice(0, 1) });
    v1.prepare(`INSERT INTO runs (pipeline, params_json, code_version, status, created_at) VALUES ('p', '{}', 'v', 'running', ?)`).run(
      new Date().toISOString(),
    );
    v1.close();
    const upgraded = Store.open(oldPath);
    try {
      expect(upgraded.runs.owner(1)).toBeNull();
      expect(recoverAbandonedRuns(upgraded, checkAt(0, []))).toBe(1);
      expect(upgraded.runs.get(1)).toMatchObject({ status: 'interrupted', error: 'the application stopped while this run was in progress' });
    } finally {
      upgraded.close();
    }
  });

  it('marks interrupted a run whose lease expired: a process on another host, or a recycled pid here', () => {
    const remote = newRun({ token: 'remote', pid: 10, host: 'elsewhere' });
    const recycled = newRun({ token: 'old', pid: 10, host: HERE });
    expect(recoverAbandonedRuns(store, checkAt(LEASE_MS - 5_000, [10]))).toBe(0);
    expect(recoverAbandonedRuns(store, checkAt(LEASE_MS + 5_000, [10]))).toBe(2);
    expect([remote, recycled].map(status)).toEqual(['interrupted', 'interrupted']);
    expect(store.runs.get(remote)!.error).toMatch(/pid 10 on elsewhere\) stopped while this run was in progress: no sign of it for 3\d s/);
  });

  it('lets the owner renew its lease, and take back and finish a run wrongly marked interrupted', () => {
    const owner = { token: 'me', pid: 10, host: 'elsewhere' };
    const id = newRun(owner);
    const queued = newRun(owner, false);
    const someoneElses = newRun({ token: 'other', pid: 12, host: 'elsewhere' });
    expect(store.runs.markInterrupted()).toBe(3);
    // Another runner cannot finish it, nor start it, nor take it back.
    expect(store.runs.finish(id, 'succeeded', null, 'other')).toBe(false);
    expect(() => store.runs.markRunning(queued, 'other')).toThrow(/not queued/);
    expect(store.runs.renewLease('other', [id])).toEqual([]);
    // Its owner takes its runs back (not others'), and renews the lease, which counts from now.
    expect(store.runs.renewLease('me', [id, queued, someoneElses])).toEqual([id, queued]);
    expect(store.runs.get(id)).toMatchObject({ status: 'running', error: null, finishedAt: null });
    expect(store.runs.get(queued)).toMatchObject({ status: 'queued', error: null, finishedAt: null });
    expect(status(someoneElses)).toBe('interrupted');
    expect(recoverAbandonedRuns(store, checkAt(LEASE_MS - 5_000, []))).toBe(0);
    // Marked again before the next heartbeat: the owner's final status still stands.
    store.runs.markInterrupted();
    expect(store.runs.finish(id, 'succeeded', null, 'me')).toBe(true);
    expect(store.runs.get(id)).toMatchObject({ status: 'succeeded', error: null, progress: 1 });
    store.runs.markRunning(queued, 'me');
    expect(status(queued)).toBe('running');
    // A finished run stays finished, owner or not.
    expect(store.runs.finish(id, 'failed', 'late', 'me')).toBe(false);
  });

  it('abandons nothing while the owner is alive and its lease fresh', () => {
    const run = { id: 1, status: 'running' as const, owner: { token: 't', pid: 10, host: HERE }, heartbeatAt: new Date().toISOString() };
    expect(abandonmentReason(run, checkAt(0, [10]))).toBeNull();
    expect(abandonmentReason({ ...run, heartbeatAt: 'not a time' }, checkAt(0, [10]))).toMatch(/stopped while this run was in progress/);
  });

  it('tells live processes from dead ones', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    expect(isProcessAlive(Number(exited.stdout))).toBe(false);
  });

  it.runIf(process.platform === 'linux')('takes a killed process its parent has not reaped yet (a zombie) for dead', async () => {
    // `sh` starts a short child and becomes a long `sleep`, which never reaps it: a zombie until then.
    const parent = spawn('sh', ['-c', 'sleep 2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
      expect(isProcessAlive(pid)).toBe(true);
      const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
      for (const start = Date.now(); state() !== 'Z'; ) {
        if (Date.now() - start > 20_000) throw new Error('the child never became a zombie');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(() => process.kill(pid, 0)).not.toThrow(); // the pid still exists…
      expect(isProcessAlive(pid)).toBe(false); // …but the process is gone
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
