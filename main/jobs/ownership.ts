/**
 * Who runs a run, and when it is abandoned. Each job runner owns the runs it queues: a random token,
 * its process id and host, and a lease it renews every few seconds. Opening a project (the app, or
 * any CLI command from a second process) marks a run interrupted only when its owner is gone: its
 * process is dead on this host, or its lease expired (the only sign there is for a process on
 * another host sharing the file, or for a recycled process id). A live run is never touched.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { asStorageError, type RunOwner, type Store, type UnfinishedRun } from '../store/index.js';

/** How often a runner renews the lease on the runs it holds. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A lease not renewed for this long means its owner is gone (several missed heartbeats). */
export const LEASE_TIMEOUT_MS = 30_000;

/** A new owner identity for a job runner in this process. */
export function newRunOwner(): RunOwner {
  return { token: randomUUID(), pid: process.pid, host: hostname() };
}

/** Whether process `pid` on this host still exists (and is not a zombie its parent has yet to reap). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Linux only: a killed process stays in the table as a zombie ('Z') until its parent reaps it. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) S …": the command may hold spaces and parentheses, the state follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (macOS, Windows): kill(pid, 0) is all there is
  }
}

export interface LivenessCheck {
  /** This machine's host name: only processes on it can be checked by pid. */
  host: string;
  nowMs: number;
  leaseTimeoutMs: number;
  isProcessAlive(pid: number): boolean;
}

export function localLivenessCheck(leaseTimeoutMs = LEASE_TIMEOUT_MS): LivenessCheck {
  return { host: hostname(), nowMs: Date.now(), leaseTimeoutMs, isProcessAlive };
}

/** Why `run` is abandoned by its owner (the reason stored with it), or null while its owner may be running it. */
export function abandonmentReason(run: UnfinishedRun, check: LivenessCheck): string | null {
  const stopped = 'stopped while this run was in progress';
  if (!run.owner || run.heartbeatAt === null) return `the application ${stopped}`;
  const { pid, host } = run.owner;
  if (host === check.host && !check.isProcessAlive(pid)) return `the process running it (pid ${pid} on ${host}) ${stopped}`;
  const silentMs = check.nowMs - Date.parse(run.heartbeatAt);
  if (!(silentMs <= check.leaseTimeoutMs)) {
    return `the process running it (pid ${pid} on ${host}) ${stopped}: no sign of it for ${Math.round(silentMs / 1000)} s`;
  }
  return null;
}

/**
 * Marks interrupted the runs whose owner is gone; returns how many. A project that cannot be
 * written (disk full) is left as it is, so that reading it still works: the next open tries again.
 */
export function recoverAbandonedRuns(store: Store, check: LivenessCheck = localLivenessCheck()): number {
  try {
    return store.runs.markAbandoned((run) => abandonmentReason(run, check));
  } catch (error) {
    if (asStorageError(error, store.path)) return 0;
    throw error;
  }
}
