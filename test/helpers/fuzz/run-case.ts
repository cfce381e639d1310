/**
 * Runs fuzz cases in a long-lived child process per reader (child.ts) and watches it from outside:
 * a case that takes longer than `timeoutMs` (10 s) is a hang, a child whose resident memory passes
 * `rssLimitBytes` (2 GB, read from /proc/<pid>/status every 50 ms, and V8's heap capped at the same)
 * is killed for memory, and a child that dies by itself is a crash. After any of these the next
 * case gets a fresh child. A child that ends a case above half the limit is replaced too, so memory
 * one case leaves behind (a grown wasm heap never shrinks) is not blamed on the next.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseEndMarker, type CaseMessage, type ChildMessage, type ChildReport } from './protocol.js';
import type { CaseOptions } from './procedures.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..', '..');
export const CHILD_SCRIPT = join(HERE, 'child.ts');
export const REAL_PROCEDURES = join(HERE, 'procedures.ts');

export type CaseResult =
  | (ChildReport & { elapsedMs: number; stderr: string })
  | { outcome: 'hang'; elapsedMs: number; stderr: string }
  | { outcome: 'crash'; elapsedMs: number; stderr: string; exit: string }
  | { outcome: 'memory'; elapsedMs: number; stderr: string; rssBytes: number };

export interface ReaderChildOptions {
  /** Module exporting `procedures` (the real readers, or fakes in the harness self-test). */
  procedures?: string;
  kind: string;
  timeoutMs?: number;
  rssLimitBytes?: number;
  /** How long a fresh child may take to load its modules (tsx, h5wasm…). */
  startTimeoutMs?: number;
}

/** Resident set size of a process in bytes, or 0 when it is gone. */
export function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const HEAP_EXHAUSTED = /heap out of memory|Reached heap limit|Allocation failed - JavaScript heap|Cannot enlarge memory arrays|out of memory/i;

interface Pending {
  id: number;
  started: number;
  report: (ChildReport & { elapsedMs: number }) | null;
  stderrStart: number;
  resolve: (result: CaseResult) => void;
}

/** One reader's child process, spawned on demand and replaced after a hang, a crash or a kill. */
export class ReaderChild {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private stderr = '';
  private pending: Pending | null = null;
  private nextId = 1;
  private readonly timeoutMs: number;
  private readonly rssLimitBytes: number;
  /** Children started so far (the first, and one after each hang, crash, memory kill or recycle). */
  spawned = 0;

  constructor(private readonly options: ReaderChildOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.rssLimitBytes = options.rssLimitBytes ?? 2 * 1024 ** 3;
  }

  /** Starts the child now (`run` does it on demand); rejects when it fails to load. */
  start(): Promise<void> {
    if (!this.child || !this.ready) this.ready = this.spawnChild();
    return this.ready;
  }

  private spawnChild(): Promise<void> {
    const limitMb = Math.floor(this.rssLimitBytes / 1024 ** 2);
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${limitMb}`, '--import', 'tsx', CHILD_SCRIPT, this.options.procedures ?? REAL_PROCEDURES, this.options.kind],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' },
    );
    this.child = child;
    this.spawned++;
    this.stderr = '';
    child.stdout!.on('data', (data: Buffer) => (this.stderr += data.toString('utf8')));
    child.stderr!.on('data', (data: Buffer) => {
      this.stderr += data.toString('utf8');
      this.settleIfComplete();
    });
    return new Promise((resolveReady, rejectReady) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        rejectReady(new Error(`fuzz child for ${this.options.kind} did not start in ${this.options.startTimeoutMs ?? 60_000} ms: ${this.stderr.slice(-2000)}`));
      }, this.options.startTimeoutMs ?? 60_000);
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.stderr = '';
          resolveReady();
        } else if (message.type === 'result' && this.pending?.id === message.id) {
          const { type: _type, id: _id, ...report } = message;
          this.pending.report = report;
          this.settleIfComplete();
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child === child) {
          this.child = null;
          this.ready = null;
        }
        const pending = this.pending;
        // The report came but the process died before its stderr marker: the report stands.
        if (pending?.report) this.settle({ ...pending.report, stderr: this.stderr.slice(pending.stderrStart) });
        else if (pending) {
          const stderr = this.stderr.slice(pending.stderrStart);
          const elapsedMs = performance.now() - pending.started;
          this.settle(
            HEAP_EXHAUSTED.test(stderr)
              ? { outcome: 'memory', elapsedMs, stderr, rssBytes: 0 }
              : { outcome: 'crash', elapsedMs, stderr, exit: signal ? `signal ${signal}` : `exit code ${code}` },
          );
        }
        rejectReady(new Error(`fuzz child for ${this.options.kind} exited (${signal ?? code}) while starting: ${this.stderr.slice(-2000)}`));
      });
    });
  }

  /** A result is complete once the report and its stderr marker have both arrived. */
  private settleIfComplete(): void {
    const pending = this.pending;
    if (!pending?.report) return;
    const marker = caseEndMarker(pending.id);
    const end = this.stderr.indexOf(marker, pending.stderrStart);
    if (end < 0) return;
    const stderr = this.stderr.slice(pending.stderrStart, end);
    this.stderr = this.stderr.slice(end + marker.length);
    pending.stderrStart = 0;
    this.settle({ ...pending.report, stderr });
  }

  private settle(result: CaseResult): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    pending.resolve(result);
  }

  private kill(): void {
    const child = this.child;
    this.child = null;
    this.ready = null;
    child?.kill('SIGKILL');
  }

  /** Runs one case: the child opens `path` as its kind's procedure does. */
  async run(path: string, options: CaseOptions): Promise<CaseResult> {
    await this.start();
    const child = this.child!;
    const id = this.nextId++;
    const result = await new Promise<CaseResult>((resolveCase) => {
      this.pending = { id, started: performance.now(), report: null, stderrStart: this.stderr.length, resolve: resolveCase };
      const timer = setTimeout(() => {
        const stderr = this.pending ? this.stderr.slice(this.pending.stderrStart) : '';
        this.settle({ outcome: 'hang', elapsedMs: this.timeoutMs, stderr });
        this.kill();
      }, this.timeoutMs);
      const watch = setInterval(() => {
        const rss = rssOf(child.pid!);
        if (rss > this.rssLimitBytes) {
          const stderr = this.pending ? this.stderr.slice(this.pending.stderrStart) : '';
          this.settle({ outcome: 'memory', elapsedMs: this.pending ? performance.now() - this.pending.started : 0, stderr, rssBytes: rss });
          this.kill();
        }
      }, 50);
      const message: CaseMessage = { type: 'case', id, path, options };
      try {
        child.send(message);
      } catch {
        // The child is gone: its exit handler reports the crash.
      }
      // Clean up the watchers whichever way the case ends.
      const original = this.pending.resolve;
      this.pending.resolve = (value) => {
        clearTimeout(timer);
        clearInterval(watch);
        original(value);
      };
    });
    if (this.child && rssOf(this.child.pid!) > this.rssLimitBytes / 2) this.kill();
    return result;
  }

  async close(): Promise<void> {
    const child = this.child;
    this.kill();
    if (child && child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  }
}
