/**
 * Issue #15 over the loopback bridge, as a probe would send it: the export calls refuse the open
 * project (the original report: a BIDS TSV exported to the project's own path replaced the SQLite
 * file with 36 bytes), its sources and existing files unless overwrite, and relative paths; the
 * import does not tell missing paths from unreadable ones.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyEnvelope } from '../../shared/api/index.js';
import { Engine } from '../../main/engine/index.js';
import { startBridge, type Bridge } from '../../main/server/index.js';
import { sineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

describe('bridge: export paths', () => {
  const tmp = tempDir();
  const token = 'write-paths-token-0123456789';
  const projectPath = join(tmp.dir, 'probe.cajal');
  const edfPath = join(tmp.dir, 'probe.edf');
  let engine: Engine;
  let bridge: Bridge;
  let ws: WebSocket;
  let nextId = 1;
  let recordingId: number;
  let runId: number;

  /** One call over the socket; the reply with the same id (a bridge that stays silent fails the test). */
  function call(name: string, params: Record<string, unknown>): Promise<ReplyEnvelope> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.off('message', onMessage);
        reject(new Error(`no reply to ${name} in 10 s`));
      }, 10_000);
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as ReplyEnvelope & { event?: string };
        if (message.event !== undefined || message.id !== id) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(message);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, call: name, params }));
    });
  }
  const errorOf = (reply: ReplyEnvelope) => (reply.ok ? null : reply.error);

  beforeAll(async () => {
    const rendererDir = join(tmp.dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cajal</title>');
    writeFileSync(edfPath, sineEdf({ channels: 2, sampleRateHz: 64, durationS: 10 }));
    engine = await Engine.open({ projectPath, create: true, maxConcurrent: 1 });
    bridge = await startBridge({ engine, rendererDir, token });
    ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api`, {
      headers: { Origin: `http://127.0.0.1:${bridge.port}`, Cookie: `cajal_token_${bridge.port}=${token}` },
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const imported = await call('recordings.import', { paths: [edfPath] });
    recordingId = (imported as { result: { imported: { id: number }[] } }).result.imported[0]!.id;
    await call('eeg.addAnnotation', { recordingId, onsetS: 1, durationS: 1, text: 'probe' });
    // A finished detection run with one accepted event, as the triage view leaves it.
    const run = engine.store.runs.create({ pipeline: 'seizure-classical', params: {}, recordingId, codeVersion: 'test' });
    engine.store.runs.markRunning(run.id);
    engine.store.results.add(run.id, { key: 'events', value: { events: [{ onsetS: 2, durationS: 3, confidence: 0.9, channels: ['EEG C1'] }], electrodes: [] } });
    engine.store.runs.finish(run.id, 'succeeded');
    runId = run.id;
    await call('seizure.decide', { runId, eventIndex: 0, status: 'accepted' });
  });
  afterAll(async () => {
    ws?.close();
    await bridge?.close();
    await engine?.close();
    tmp.cleanup();
  });

  it('refuses a BIDS TSV export to the open project (the original report) and the project reopens intact', async () => {
    const before = readFileSync(projectPath);
    for (const [name, params] of [
      ['eeg.exportAnnotations', { recordingId, format: 'bids-events', path: projectPath }],
      ['seizure.export', { runId, format: 'bids-events', path: projectPath }],
      ['eeg.exportAnnotations', { recordingId, format: 'bids-events', path: `${projectPath}-wal`, overwrite: true }],
      ['seizure.export', { runId, format: 'szcore-tsv', path: projectPath, overwrite: true }],
    ] as const) {
      const reply = await call(name, params);
      expect(errorOf(reply)?.code, name).toBe('validation');
      expect(errorOf(reply)?.message).toMatch(/never writes over project files/);
    }
    expect(readFileSync(projectPath).equals(before)).toBe(true);
    expect(readFileSync(projectPath, 'latin1').startsWith('SQLite format 3\0')).toBe(true);
    // The server keeps answering from the same, intact project.
    const listed = await call('recordings.list', {});
    expect(listed.ok && (listed.result as unknown[]).length).toBe(1);

    const reopened = await Engine.open({ projectPath: join(tmp.dir, 'probe.cajal'), create: false, maxConcurrent: 1 }).catch((error: unknown) => error);
    expect(reopened).toBeInstanceOf(Engine);
    const second = reopened as Engine;
    expect(second.store.recordings.list().map((r) => r.sourcePath)).toEqual([edfPath]);
    expect(second.store.annotations.current(recordingId).map((a) => a.label).sort()).toEqual(['probe', 'seizure accepted (run 1, event 0)']);
    await second.close();
  });

  it('refuses the source recording, relative paths and an existing file unless overwrite', async () => {
    const source = await call('seizure.export', { runId, format: 'szcore-tsv', path: edfPath, overwrite: true });
    expect(errorOf(source)).toEqual({ code: 'validation', message: `path: ${edfPath} is a source recording; Cajal never overwrites sources` });
    const relative = await call('eeg.exportAnnotations', { recordingId, format: 'bids-events', path: 'events.tsv' });
    expect(errorOf(relative)).toEqual({ code: 'validation', message: 'path: events.tsv is a relative path; give an absolute path' });

    const existing = join(tmp.dir, 'sub-01_events.tsv');
    writeFileSync(existing, 'earlier export\n');
    const conflict = await call('seizure.export', { runId, format: 'bids-events', path: existing });
    expect(errorOf(conflict)).toEqual({ code: 'conflict', message: `${existing} exists; choose overwrite to replace it` });
    expect(readFileSync(existing, 'utf8')).toBe('earlier export\n');
    const replaced = await call('seizure.export', { runId, format: 'bids-events', path: existing, overwrite: true });
    expect(replaced).toMatchObject({ ok: true, result: { path: existing, count: 1 } });
    expect(readFileSync(existing, 'utf8')).toBe('onset\tduration\ttrial_type\n2\t3\tsz\n');
    const fresh = join(tmp.dir, 'annotations.tsv');
    // The file's annotation and the decision (an annotation too).
    expect(await call('eeg.exportAnnotations', { recordingId, format: 'bids-events', path: fresh })).toMatchObject({ ok: true, result: { path: fresh, count: 2 } });
  });

  it('answers the same "cannot read" for a missing path and one that cannot be read', async () => {
    const missing = join(tmp.dir, 'nothing-here.edf');
    const throughFile = join(edfPath, 'inside.edf');
    const reply = await call('recordings.import', { paths: [missing, throughFile] });
    expect(reply.ok).toBe(true);
    const { errors } = (reply as { result: { errors: { message: string }[] } }).result;
    // Told apart, "no such file" and "not a directory" would say that probe.edf exists and is a file.
    expect(errors.map((e) => e.message)).toEqual([`cannot read ${missing}`, `cannot read ${throughFile}`]);
  });
});
