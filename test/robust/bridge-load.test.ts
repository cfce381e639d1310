/**
 * The bridge under load (issue #15): 50 clients page through a 12-hour EDF (10 s pages at random
 * offsets, referential and average montages, filters on) while one more client keeps sending the
 * oversized requests — a page of the whole file (the original 300-byte reproduction, refused by the
 * schema) and the largest pages the schema accepts, on the long file and on a dense one whose
 * largest page is a heavy one (computed in groups, in turn, in slices). The normal clients must
 * keep a p99 round trip under 100 ms, and the bridge's memory must stay bounded. The clients first
 * page alone for a few seconds: on a machine whose other jobs already push that p99 over 67 ms,
 * the oversized client may make it at most 1.5 times worse (before the bounds it made it minutes).
 *
 * The long file is 12 h × 8 channels × 256 Hz (16-bit, 177 MB, real records throughout: the budget
 * applies to samples, so sparse tricks would hide nothing); the dense one 330 s × 32 channels ×
 * 1 kHz (21 MB). Both are written to a temporary folder and deleted afterwards. The bridge runs in
 * its own process (test/fixtures/processes/bridge-server.ts), as `cajal serve` does, so the
 * clients' own work never counts as the bridge's; all traffic is to 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_MAX_DURATION_S, PAGE_MAX_POINTS_PER_CHANNEL, type FilterSettings } from '../../shared/api/index.js';
import { seededRandom, type Random } from '../../shared/random.js';
import { Engine } from '../../main/engine/index.js';
import { PAGE_MAX_POINTS } from '../../main/domains/eeg/page-budget.js';
import { REPO_ROOT } from '../helpers/data.js';
import { writeLongEdf } from '../helpers/long-edf.js';
import { tempDir } from '../helpers/tmp.js';
import { ReplyReader } from '../helpers/bridge-reply.js';

const CLIENTS = 50;
const LONG_S = 12 * 3600;
const PAGE_S = 10;
/** How long the clients page alone, then beside the oversized client; each stops after MAX_REQUESTS_PER_CLIENT. */
const BASELINE_MS = 8_000;
const RUN_MS = 20_000;
const MAX_REQUESTS_PER_CLIENT = 200;
/**
 * A reader's pause between pages: a person reads a 10 s page for a second or more before paging on
 * (the viewer prefetches the next page meanwhile). 50 clients then ask ~35 pages per second.
 */
const THINK_MS: [number, number] = [500, 2500];
const P99_LIMIT_MS = 100;
/** On a machine already over the limit without the oversized client, how much worse p99 may get beside it. */
const BUSY_MACHINE_MARGIN = 1.5;
const FILTERS: FilterSettings[] = [
  { highpassHz: 0.5, lowpassHz: 70, notchHz: 50, order: 4, zeroPhase: false },
  { highpassHz: 1, lowpassHz: 35, notchHz: 60, order: 4, zeroPhase: true },
];

interface Reply {
  ok: boolean;
  /** Round trip, ms: request sent → reply received (its frames reassembled). */
  latencyMs: number;
  /** JSON text of a JSON reply; '' for a binary one. */
  text: string;
  reply: unknown;
}

/** No reply this long means the bridge is stuck or gone: fail rather than hang. */
const CALL_TIMEOUT_MS = 60_000;

/** One API socket that sends a request at a time and times each round trip. */
class Client {
  private nextId = 1;
  private waiting: { resolve: (reply: { reply: unknown; text: string }) => void; reject: (error: Error) => void } | null = null;
  // Pages come as binary frames (several for a large page): reassembled before the reply counts.
  private readonly reader = new ReplyReader();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      try {
        const whole = this.reader.push(data, isBinary);
        if (whole) this.settle()?.resolve(whole);
      } catch (error) {
        this.settle()?.reject(error as Error);
      }
    });
    ws.on('close', (code) => this.settle()?.reject(new Error(`the bridge closed the socket (${code})`)));
    ws.on('error', (error) => this.settle()?.reject(error));
  }

  private settle() {
    const waiting = this.waiting;
    this.waiting = null;
    return waiting;
  }

  static open(port: number, token: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, {
        headers: { Origin: `http://127.0.0.1:${port}`, Cookie: `cajal_token_${port}=${token}` },
        maxPayload: 64 << 20,
      });
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }

  async call(call: string, params: unknown): Promise<Reply> {
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const received = new Promise<{ reply: unknown; text: string }>((resolve, reject) => {
      this.waiting = { resolve, reject };
      timer = setTimeout(() => this.settle()?.reject(new Error(`no reply to ${call} in ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
    });
    const started = performance.now();
    this.ws.send(JSON.stringify({ id, call, params }));
    const { reply, text } = await received.finally(() => clearTimeout(timer));
    const latencyMs = performance.now() - started;
    const r = reply as { id?: unknown; ok?: unknown };
    return { ok: r.id === id && r.ok === true, latencyMs, text, reply };
  }

  close(): void {
    this.ws.close();
  }
}

/** The bridge in its own process. */
class BridgeProcess {
  private readonly lines: string[] = [];
  private readonly listeners: ((line: string) => void)[] = [];
  readonly port: Promise<number>;

  constructor(readonly child: ChildProcess) {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      for (const listener of this.listeners.splice(0)) listener(line);
    });
    this.port = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bridge process not ready in 60 s; stderr: ${stderr}`)), 60_000);
      child.once('exit', (code) => reject(new Error(`bridge process exited with ${code}; stderr: ${stderr}`)));
      this.nextLine('READY ').then((line) => {
        clearTimeout(timer);
        resolve(Number(line.split(' ')[1]));
      }, reject);
    });
  }

  private nextLine(prefix: string): Promise<string> {
    const seen = this.lines.find((line) => line.startsWith(prefix));
    if (seen) {
      this.lines.splice(this.lines.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => {
      const listen = (line: string) => (line.startsWith(prefix) ? resolve(line) : this.listeners.push(listen));
      this.listeners.push(listen);
    });
  }

  send(command: 'stats' | 'reset' | 'stop'): void {
    this.child.stdin!.write(`${command}\n`);
  }

  async stats(): Promise<{ startRssKiB: number; maxRssKiB: number; loopDelayP99Ms: number; loopDelayMaxMs: number }> {
    this.send('stats');
    return JSON.parse((await this.nextLine('STATS ')).slice('STATS '.length));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send('stop');
    });
  }
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

interface LatencyFigures {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

function latencyFigures(latencies: number[]): LatencyFigures {
  const sorted = latencies.slice().sort((a, b) => a - b);
  return { requests: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99), maxMs: sorted[sorted.length - 1]! };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (random: Random, [low, high]: [number, number]) => low + random() * (high - low);

describe('bridge under load', () => {
  const tmp = tempDir('cajal-bridge-load-');
  const token = 'load-test-token-0123456789abcdef';
  let bridge: BridgeProcess;
  let port: number;
  let longId: number;
  let denseId: number;

  beforeAll(async () => {
    const long = writeLongEdf(join(tmp.dir, 'long.edf'), { durationS: LONG_S, channels: 8, sampleRateHz: 256 });
    const dense = writeLongEdf(join(tmp.dir, 'dense.edf'), { durationS: 330, channels: 32, sampleRateHz: 1024 });
    const projectPath = join(tmp.dir, 'load.cajal');
    const engine = await Engine.open({ projectPath, create: true, maxConcurrent: 1 });
    const outcome = await engine.importRecordings([long, dense]);
    [longId, denseId] = outcome.imported.map((r) => r.id) as [number, number];
    await engine.close();
    const rendererDir = join(tmp.dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cajal</title>');
    const child = spawn(
      join(REPO_ROOT, 'node_modules/.bin/tsx'),
      [join(REPO_ROOT, 'test/fixtures/processes/bridge-server.ts'), projectPath, token, rendererDir],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    bridge = new BridgeProcess(child);
    port = await bridge.port;
  }, 180_000);

  afterAll(async () => {
    await bridge?.stop();
    tmp.cleanup();
  });

  it('keeps p99 < 100 ms for 50 paging clients while one sends oversized requests', async () => {
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.open(port, token)));
    const abuser = await Client.open(port, token);
    // Warm up (readers opened, filters designed, code compiled) before measuring.
    const warm = { recordingId: longId, startS: 60, durationS: PAGE_S, montage: 'average', filter: FILTERS[0], maxPointsPerChannel: 3600 };
    expect((await clients[0]!.call('eeg.page', warm)).ok).toBe(true);
    expect((await abuser.call('eeg.page', { ...warm, recordingId: denseId })).ok).toBe(true);

    /** The 50 clients page for `runMs`; resolves with their round trips and any failed replies. */
    const pageFor = async (runMs: number, seed: number) => {
      const deadline = performance.now() + runMs;
      const latencies: number[] = [];
      const failures: string[] = [];
      const pager = async (client: Client, index: number) => {
        const random = seededRandom(seed + index);
        await sleep(between(random, [0, THINK_MS[1]])); // clients do not all start at once
        for (let n = 0; n < MAX_REQUESTS_PER_CLIENT && performance.now() < deadline; n++) {
          const reply = await client.call('eeg.page', {
            recordingId: longId,
            startS: Math.floor(random() * (LONG_S - PAGE_S)),
            durationS: PAGE_S,
            montage: n % 2 ? 'average' : 'referential',
            filter: FILTERS[n % FILTERS.length],
            // 2 points per device pixel of an 1800-px plot, as the viewer asks.
            maxPointsPerChannel: 3600,
          });
          latencies.push(reply.latencyMs);
          if (!reply.ok) failures.push(reply.text.slice(0, 300));
          await sleep(between(random, THINK_MS));
        }
      };
      await Promise.all(clients.map(pager));
      return { figures: latencyFigures(latencies), failures };
    };

    // The same paging alone first: what this machine gives when nobody abuses the bridge.
    const alone = await pageFor(BASELINE_MS, 500);
    expect(alone.failures).toEqual([]);
    bridge.send('reset');

    // The oversized client: the original reproduction, then the largest pages the schema accepts, again and again.
    const oversized = { startS: 0, durationS: LONG_S, montage: 'average', filter: FILTERS[0], maxPointsPerChannel: 4000 };
    const largest = { startS: 20, durationS: PAGE_MAX_DURATION_S, montage: 'average', filter: FILTERS[1], maxPointsPerChannel: PAGE_MAX_POINTS_PER_CHANNEL };
    const refusals: Reply[] = [];
    const largestLong: Reply[] = [];
    const largestDense: Reply[] = [];
    let abusing = true;
    const abuse = async () => {
      const random = seededRandom(7);
      for (let n = 0; n < 100 && abusing; n++) {
        refusals.push(await abuser.call('eeg.page', { ...oversized, recordingId: longId }));
        largestLong.push(await abuser.call('eeg.page', { ...largest, recordingId: longId, startS: Math.floor(random() * (LONG_S - 400)) }));
        // Referential: all 32 channels, 10 M samples read, more than one group of derivations.
        largestDense.push(await abuser.call('eeg.page', { ...largest, recordingId: denseId, montage: 'referential' }));
      }
    };
    const abused = abuse();
    const loaded = await pageFor(RUN_MS, 1000);
    abusing = false;
    await abused;
    const server = await bridge.stats();
    for (const client of [...clients, abuser]) client.close();

    // p99 < 100 ms is the goal; a machine so busy (other jobs on its cores) that p99 alone was
    // already over 2/3 of it is judged against what it gave then.
    const limitMs = Math.max(P99_LIMIT_MS, BUSY_MACHINE_MARGIN * alone.figures.p99Ms);
    const worst = (replies: Reply[]) => Math.max(...replies.map((r) => r.latencyMs));
    const figuresLine = (f: LatencyFigures) =>
      `p50 ${f.p50Ms.toFixed(1)} ms, p95 ${f.p95Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, max ${f.maxMs.toFixed(1)} ms (${f.requests} pages)`;
    const summary = [
      `bridge load: ${CLIENTS} clients paging ${PAGE_S} s pages of a ${LONG_S / 3600} h EDF`,
      `  alone, ${BASELINE_MS / 1000} s: ${figuresLine(alone.figures)}`,
      `  with the oversized client, ${RUN_MS / 1000} s: ${figuresLine(loaded.figures)}`,
      `  oversized (whole ${LONG_S / 3600} h file): ${refusals.length} refused, slowest refusal ${worst(refusals).toFixed(1)} ms`,
      `  largest accepted (${PAGE_MAX_DURATION_S} s, ${PAGE_MAX_POINTS_PER_CHANNEL} points): long file ${largestLong.length} in ≤ ${worst(largestLong).toFixed(0)} ms, ` +
        `dense file ${largestDense.length} in ≤ ${worst(largestDense).toFixed(0)} ms`,
      `  bridge process: peak RSS ${(server.maxRssKiB / 1024).toFixed(0)} MiB (${(server.startRssKiB / 1024).toFixed(0)} MiB once started), ` +
        `event-loop delay p99 ${server.loopDelayP99Ms} ms, max ${server.loopDelayMaxMs} ms`,
      limitMs > P99_LIMIT_MS ? `  (machine busy: p99 alone was ${alone.figures.p99Ms.toFixed(0)} ms, so the limit is ${BUSY_MACHINE_MARGIN} × that, ${limitMs.toFixed(0)} ms)` : '',
    ]
      .filter(Boolean)
      .join('\n');
    console.log(summary);

    expect(loaded.failures).toEqual([]);
    expect(loaded.figures.requests).toBeGreaterThan(CLIENTS * 5);
    // The original reproduction is refused at once, with a reason the user can act on.
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal.ok).toBe(false);
      expect(refusal.reply).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/durationS: a page is at most 300 s/) } });
    }
    expect(worst(refusals)).toBeLessThan(limitMs);
    // The largest accepted pages are answered, within the page bounds.
    for (const reply of [...largestLong, ...largestDense]) expect(reply.ok).toBe(true);
    const densePage = largestDense[0]!.reply as { result: { channels: { data: Float32Array; decimated: boolean }[] } };
    expect(densePage.result.channels).toHaveLength(32);
    // 32 channels × 16384 points would exceed the reply budget: lowered to 2^17 / 32 each.
    for (const channel of densePage.result.channels) expect(channel.data.length).toBeLessThanOrEqual(PAGE_MAX_POINTS / 32);
    expect(loaded.figures.p99Ms).toBeLessThan(limitMs);
    // A page of the whole file added 1.3 GB here before the bounds; now paging adds little.
    expect((server.maxRssKiB - server.startRssKiB) / 1024).toBeLessThan(512);
  });
});
