/**
 * EEG pages over the bridge as binary frames: a page arrives as a JSON header plus float32 bytes
 * (several frames for a large page, with progress), decodes to the same values as the engine's
 * page, and passes the contract's result schema; calls without typed arrays stay JSON text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY_CHUNK_BYTES, NO_FILTER, calls, type EegPage, type Progress } from '../../shared/api/index.js';
import { Engine } from '../../main/engine/index.js';
import { encodeEdf } from '../../main/io/edf/index.js';
import { startBridge, type Bridge } from '../../main/server/index.js';
import { createClient } from '../../renderer/src/api/client.js';
import { wsTransport } from '../../renderer/src/api/ws-transport.js';
import { ReplyReader } from '../helpers/bridge-reply.js';
import { tempDir } from '../helpers/tmp.js';

const RATE = 256;
const CHANNELS = 64;

interface Received {
  reply: { id: number; ok: boolean; result?: unknown; error?: { message: string } };
  frames: number;
  binary: boolean;
  progress: Progress[];
}

function call(ws: WebSocket, id: number, name: string, params: unknown): Promise<Received> {
  const reader = new ReplyReader();
  const progress: Progress[] = [];
  let frames = 0;
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      frames++;
      try {
        const whole = reader.push(data, isBinary, (p) => progress.push(p));
        if (!whole) return;
        ws.off('message', onMessage);
        resolve({ reply: whole.reply as Received['reply'], frames, binary: whole.binary, progress });
      } catch (error) {
        reject(error as Error);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, call: name, params }));
  });
}

describe('bridge: binary frames for typed arrays', () => {
  const tmp = tempDir();
  const token = 'test-token-binary-0123456789';
  let engine: Engine;
  let bridge: Bridge;
  let ws: WebSocket;
  let recordingId: number;

  beforeAll(async () => {
    const rendererDir = join(tmp.dir, 'renderer');
    const edfPath = join(tmp.dir, 'sixty-four.edf');
    // 64 channels, a 10 Hz sine of 10·(c+1) µV each, and an EDF+D gap from 20 to 22 s.
    writeFileSync(
      edfPath,
      encodeEdf({
        variant: 'edf+D',
        dataRecordDurationS: 1,
        recordCount: 28,
        recordStartsS: Array.from({ length: 28 }, (_, r) => (r < 20 ? r : r + 2)),
        signals: Array.from({ length: CHANNELS }, (_, c) => ({
          label: `EEG C${c + 1}`,
          physicalDimension: 'uV',
          physicalMin: -3000,
          physicalMax: 3000,
          samplesPerRecord: RATE,
          values: (r: number) => Float64Array.from({ length: RATE }, (_, i) => 10 * (c + 1) * Math.sin((2 * Math.PI * 10 * (r * RATE + i)) / RATE)),
        })),
      }),
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cajal</title>');
    engine = await Engine.open({ projectPath: join(tmp.dir, 'binary.cajal'), create: true, maxConcurrent: 1 });
    recordingId = (await engine.importRecordings([edfPath])).imported[0]!.id;
    bridge = await startBridge({ engine, rendererDir, token });
    ws = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api`, { headers: { Origin: `http://127.0.0.1:${bridge.port}`, Cookie: `cajal_token_${bridge.port}=${token}` } });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  });
  afterAll(async () => {
    ws.close();
    await bridge.close();
    await engine.close();
    tmp.cleanup();
  });

  const pageParams = { recordingId: 0, startS: 0, durationS: 10, montage: 'referential', filter: NO_FILTER, maxPointsPerChannel: 4000 };

  it('sends a 10 s × 64 ch page as binary frames of float32 samples, equal to the engine page', async () => {
    const params = { ...pageParams, recordingId };
    const { reply, binary, frames, progress } = await call(ws, 1, 'eeg.page', params);
    expect(binary).toBe(true);
    expect(reply).toMatchObject({ id: 1, ok: true });
    const page = calls['eeg.page'].result.parse(reply.result) as EegPage;
    // 64 × 2560 samples is over the 2^17 numbers of a page: (min, max) pairs, under 512 KiB of
    // float32 (each channel 8-byte aligned), in frames of at most 256 KiB with progress after each.
    expect(page.channels[0]!.decimated).toBe(true);
    const bytes = page.channels.reduce((sum, channel) => sum + Math.ceil(channel.data.byteLength / 8) * 8, 0);
    expect(bytes).toBeGreaterThan(BINARY_CHUNK_BYTES);
    expect(bytes).toBeLessThanOrEqual(2 ** 17 * 4);
    expect(frames).toBe(Math.ceil(bytes / BINARY_CHUNK_BYTES));
    expect(progress.map((p) => p.receivedBytes)).toEqual([BINARY_CHUNK_BYTES, bytes]);
    const direct = await engine.services.eeg.page(params);
    expect(page.channels).toHaveLength(CHANNELS);
    for (const [c, channel] of page.channels.entries()) {
      expect(channel.data).toBeInstanceOf(Float32Array);
      expect(channel.data).toEqual(direct.channels[c]!.data);
    }
    expect(Math.max(...page.channels[63]!.data)).toBeCloseTo(640, 0);
  });

  it('carries gaps as NaN and decimated pages as (min, max) pairs', async () => {
    const { reply } = await call(ws, 2, 'eeg.page', { ...pageParams, recordingId, startS: 18, durationS: 6 });
    const page = calls['eeg.page'].result.parse(reply.result) as EegPage;
    expect(page.gaps).toEqual([[20, 22]]);
    const cz = page.channels[0]!.data;
    expect(page.channels[0]!.decimated).toBe(false);
    expect(Number.isNaN(cz[3 * RATE]!)).toBe(true); // 21 s: no data
    expect(Number.isNaN(cz[1 * RATE + 5]!)).toBe(false);
    const zoomed = await call(ws, 3, 'eeg.page', { ...pageParams, recordingId, durationS: 28, maxPointsPerChannel: 200 });
    const decimated = calls['eeg.page'].result.parse(zoomed.reply.result) as EegPage;
    expect(decimated.channels[0]!.decimated).toBe(true);
    expect(decimated.channels[0]!.data.length % 2).toBe(0);
    expect(Math.max(...decimated.channels[1]!.data.filter((v) => !Number.isNaN(v)))).toBeCloseTo(20, 0);
  });

  it('keeps JSON for calls without typed arrays and for errors', async () => {
    const info = await call(ws, 4, 'project.info', {});
    expect(info.binary).toBe(false);
    expect(info.reply).toMatchObject({ id: 4, ok: true });
    const refused = await call(ws, 5, 'eeg.page', { ...pageParams, recordingId, durationS: 301 });
    expect(refused.binary).toBe(false);
    expect(refused.reply).toMatchObject({ id: 5, ok: false, error: { message: expect.stringMatching(/at most 300 s/) } });
  });

  it('answers a small call on another socket while a large page streams', async () => {
    const other = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api`, { headers: { Origin: `http://127.0.0.1:${bridge.port}`, Cookie: `cajal_token_${bridge.port}=${token}` } });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
    try {
      const big = call(ws, 6, 'eeg.page', { ...pageParams, recordingId, durationS: 28, maxPointsPerChannel: 16_384 });
      const small = await call(other, 1, 'project.info', {});
      expect(small.reply.ok).toBe(true);
      expect((await big).reply.ok).toBe(true);
    } finally {
      other.close();
    }
  });

  it("decodes pages in the renderer's own transport and client, reporting progress", async () => {
    // The renderer's wsTransport over Node's `ws` (a browser WebSocket here, with the cookie a page would send).
    const cookie = `cajal_token_${bridge.port}=${token}`;
    const opened: WebSocket[] = [];
    class BrowserLikeSocket extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { Origin: `http://127.0.0.1:${bridge.port}`, Cookie: cookie } });
        opened.push(this);
      }
    }
    /** What the transport's reconnection gets once the test is over: a socket that never opens. */
    class InertSocket {
      binaryType = 'arraybuffer';
      addEventListener(): void {}
    }
    const global = globalThis as { WebSocket?: unknown };
    const saved = global.WebSocket;
    global.WebSocket = BrowserLikeSocket;
    try {
      const transport = wsTransport(`ws://127.0.0.1:${bridge.port}/api`);
      const api = createClient(transport);
      const progress: number[] = [];
      const page = await api.call('eeg.page', { ...pageParams, recordingId }, { onProgress: (p) => progress.push(p.receivedBytes / p.totalBytes) });
      expect(page.channels).toHaveLength(CHANNELS);
      expect(page.channels[5]!.data).toBeInstanceOf(Float32Array);
      expect(page.channels[5]!.data).toEqual((await engine.services.eeg.page({ ...pageParams, recordingId })).channels[5]!.data);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(1);
      expect((await api.call('project.info', {})).path).toBeTypeOf('string');
    } finally {
      // The transport reconnects 500 ms after its socket closes (it has no close of its own): let
      // that reconnection get an inert socket, then put the global back.
      global.WebSocket = InertSocket;
      for (const socket of opened) socket.terminate();
      await new Promise((resolve) => setTimeout(resolve, 700));
      global.WebSocket = saved;
    }
  });
});
