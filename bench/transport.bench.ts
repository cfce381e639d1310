/**
 * Transport of large replies over a WebSocket on 127.0.0.1, before vs after binary frames
 * (issue #16): a 10 s × 64 ch × 256 Hz EEG page (as eeg.page answers it, computed by the engine
 * from a generated EDF) and a 91 × 109 × 91 float32 volume (3.6 MB, MNI 2 mm).
 *
 * Both paths run over a real socket through the bridge's own send functions, timed per round trip
 * (request sent → reply decoded and checked against the contract's schema on the client):
 * - before: the reply as the bridge sent it until now, serialised by reply-json.ts (sliced
 *   JSON.stringify) and JSON.parse'd by the client: EEG samples as a JSON number array (null for
 *   gaps), the volume as base64 (as FISBe/morphology/NTF arrays travelled) and as a number array;
 * - after: main/server/reply-binary.ts's frames (JSON header + raw little-endian bytes in 256 KiB
 *   chunks), reassembled by the renderer's FrameAssembler, typed arrays checked by schema.
 * The engine's page computation is outside the timing (the same for both); one real-bridge
 * eeg.page round trip, computation included, is printed for scale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { z } from 'zod';
import { FrameAssembler, NO_FILTER, calls, typedArray, type EegPage } from '../shared/api/index.js';
import { Engine } from '../main/engine/index.js';
import { encodeEdf } from '../main/io/edf/index.js';
import { startBridge } from '../main/server/index.js';
import { replyJson } from '../main/server/reply-json.js';
import { sendReply } from '../main/server/reply-binary.js';
import { median } from './timing.js';
import type { BenchResult } from './types.js';

const CHANNELS = 64;
const RATE = 256;
const DIMS = [91, 109, 91] as const;
const VOXELS = DIMS[0] * DIMS[1] * DIMS[2];

type Mode = 'binary' | 'json';

/** What the server sends for each payload: the reply with typed arrays, and its legacy JSON form. */
interface Payload {
  binary: { id: number; ok: true; result: unknown };
  json: { id: number; ok: true; result: unknown };
  check(result: unknown): void;
}

function numbers(array: Float32Array): (number | null)[] {
  const out = new Array<number | null>(array.length);
  for (let i = 0; i < array.length; i++) out[i] = Number.isNaN(array[i]!) ? null : array[i]!;
  return out;
}

async function eegPage(dir: string): Promise<{ page: EegPage; bridgeMs: number }> {
  const edfPath = join(dir, 'transport-64ch.edf');
  writeFileSync(
    edfPath,
    encodeEdf({
      variant: 'edf+C',
      dataRecordDurationS: 1,
      recordCount: 60,
      startDateTime: '2024-01-01T00:00:00',
      signals: Array.from({ length: CHANNELS }, (_, c) => ({
        label: `EEG C${c + 1}`,
        physicalDimension: 'uV',
        physicalMin: -3200,
        physicalMax: 3200,
        samplesPerRecord: RATE,
        values: (r: number) => Float64Array.from({ length: RATE }, (_, i) => 50 * Math.sin((2 * Math.PI * (c + 1) * (r * RATE + i)) / RATE) + 3 * Math.cos(i * c)),
      })),
    }),
  );
  const engine = await Engine.open({ projectPath: join(dir, 'transport.cajal'), create: true, maxConcurrent: 1 });
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cajal</title>');
  const bridge = await startBridge({ engine, rendererDir, token: 'bench-token-0123456789abcdef' });
  try {
    const recordingId = (await engine.importRecordings([edfPath])).imported[0]!.id;
    const params = { recordingId, startS: 20, durationS: 10, montage: 'referential', filter: NO_FILTER, maxPointsPerChannel: 4000 };
    const ws = await open(bridge.port, { Origin: `http://127.0.0.1:${bridge.port}`, Cookie: `cajal_token_${bridge.port}=bench-token-0123456789abcdef` });
    const times: number[] = [];
    let page: EegPage | undefined;
    for (let k = 0; k < 5; k++) {
      const started = performance.now();
      const reply = (await roundTrip(ws, JSON.stringify({ id: k + 1, call: 'eeg.page', params }), 'binary')) as { result: unknown };
      page = calls['eeg.page'].result.parse(reply.result) as EegPage;
      times.push(performance.now() - started);
    }
    ws.close();
    return { page: page!, bridgeMs: median(times) };
  } finally {
    await bridge.close();
    await engine.close();
  }
}

function open(port: number, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers, maxPayload: 512 << 20 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends one request and resolves with the decoded reply (JSON.parse, or frames reassembled). */
function roundTrip(ws: WebSocket, request: string, mode: Mode, wire?: { bytes: number }): Promise<unknown> {
  const assembler = new FrameAssembler();
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      const buffer = data as Buffer;
      if (wire) wire.bytes += buffer.length;
      try {
        if (!isBinary) {
          ws.off('message', onMessage);
          resolve(JSON.parse(buffer.toString()));
          return;
        }
        if (mode !== 'binary') throw new Error('a binary frame on the JSON path');
        const outcome = assembler.push(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
        if (outcome.kind === 'complete') {
          ws.off('message', onMessage);
          resolve(outcome.reply);
        }
      } catch (error) {
        reject(error as Error);
      }
    };
    ws.on('message', onMessage);
    ws.send(request);
  });
}

/** A loopback socket server answering each request with a payload, by the bridge's own send path. */
async function payloadServer(payloads: Record<string, Payload>): Promise<{ port: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const { name, mode } = JSON.parse(data.toString()) as { name: string; mode: Mode };
      const payload = payloads[name]!;
      void (async () => {
        if (mode === 'binary') await sendReply(ws, payload.binary);
        else ws.send(await replyJson(payload.json));
      })();
    });
  });
  return {
    port: (wss.address() as { port: number }).port,
    close: () => new Promise((resolve) => wss.close(() => resolve())),
  };
}

async function measure(port: number, name: string, mode: Mode, payload: Payload, repeats: number): Promise<{ ms: number; bytes: number }> {
  const ws = await open(port);
  try {
    const times: number[] = [];
    let bytes = 0;
    for (let k = -1; k < repeats; k++) {
      const wire = { bytes: 0 };
      const started = performance.now();
      const reply = (await roundTrip(ws, JSON.stringify({ name, mode }), mode, wire)) as { result: unknown };
      payload.check(reply.result);
      if (k >= 0) times.push(performance.now() - started); // k = −1 warms up
      bytes = wire.bytes;
    }
    return { ms: median(times), bytes };
  } finally {
    ws.close();
  }
}

export async function benchTransport(dir: string): Promise<BenchResult[]> {
  const { page, bridgeMs } = await eegPage(dir);
  const values = page.channels.reduce((sum, c) => sum + c.data.length, 0);
  const legacyPage = { ...page, channels: page.channels.map((c) => ({ ...c, data: numbers(c.data) })) };
  const volume = Float32Array.from({ length: VOXELS }, (_, i) => Math.sin(i / 977) * 100 + (i % 13) * 0.01);
  const VolumeResult = z.object({ dims: z.array(z.number().int()), data: typedArray('float32', { length: VOXELS }) });
  const checkJsonVolume = (result: unknown) => {
    const data = (result as { data: unknown }).data;
    // The renderer's old path: base64 → bytes → Float32Array view, or a number array → Float32Array.
    const array = typeof data === 'string' ? new Float32Array(Uint8Array.from(Buffer.from(data, 'base64')).buffer) : Float32Array.from(data as number[]);
    if (array.length !== VOXELS) throw new Error('volume length');
  };
  const payloads: Record<string, Payload> = {
    page: {
      binary: { id: 1, ok: true, result: page },
      json: { id: 1, ok: true, result: legacyPage },
      check: (result) => {
        // Before: the page schema of the time (number arrays) is what the client parsed against.
        const channels = (result as { channels: { data: unknown }[] }).channels;
        if (channels.length !== CHANNELS) throw new Error('channels');
        if (!(channels[0]!.data instanceof Float32Array)) return;
        calls['eeg.page'].result.parse(result);
      },
    },
    volume: {
      binary: { id: 2, ok: true, result: { dims: [...DIMS], data: volume } },
      json: { id: 2, ok: true, result: { dims: [...DIMS], data: Buffer.from(volume.buffer).toString('base64') } },
      check: (result) => ((result as { data: unknown }).data instanceof Float32Array ? VolumeResult.parse(result) : checkJsonVolume(result)),
    },
    volumeNumbers: {
      binary: { id: 3, ok: true, result: { dims: [...DIMS], data: volume } },
      json: { id: 3, ok: true, result: { dims: [...DIMS], data: Array.from(volume) } },
      check: (result) => ((result as { data: unknown }).data instanceof Float32Array ? VolumeResult.parse(result) : checkJsonVolume(result)),
    },
  };
  const server = await payloadServer(payloads);
  try {
    const results: BenchResult[] = [];
    const report = async (name: string, label: string, repeats: number, before: string) => {
      const json = await measure(server.port, name, 'json', payloads[name]!, repeats);
      const binary = await measure(server.port, name, 'binary', payloads[name]!, repeats);
      console.log(
        `transport: ${label}: ${before} ${json.ms.toFixed(1)} ms, ${(json.bytes / 1e6).toFixed(2)} MB on the wire; ` +
          `binary frames ${binary.ms.toFixed(1)} ms, ${(binary.bytes / 1e6).toFixed(2)} MB (${(json.ms / binary.ms).toFixed(1)}× faster, ${(json.bytes / binary.bytes).toFixed(2)}× fewer bytes)`,
      );
      results.push({ name: `transport ${label}, binary frames (before: ${before})`, value: binary.ms, unit: 'ms', reference: { name: before, value: json.ms } });
      results.push({ name: `transport ${label} bytes on the wire, binary frames (before: ${before})`, value: binary.bytes / 1e3, unit: 'kB', reference: { name: before, value: json.bytes / 1e3 } });
    };
    await report('page', `EEG page 10 s × ${CHANNELS} ch × ${RATE} Hz (${values} values, decimated to the 2^17 page budget)`, 20, 'JSON number arrays');
    await report('volume', `volume ${DIMS.join('×')} float32`, 10, 'base64 in JSON');
    await report('volumeNumbers', `volume ${DIMS.join('×')} float32`, 5, 'JSON number array');
    console.log(`transport: real bridge eeg.page round trip (engine computation included): ${bridgeMs.toFixed(1)} ms median of 5`);
    return results;
  } finally {
    await server.close();
  }
}
