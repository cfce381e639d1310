/** Every message a transport receives goes through `dispatch`: malformed ones get a clear error reply. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, calls, events, ReplyEnvelope } from '../../shared/api/index.js';
import { createHandlers, dispatch, Engine, type Handlers } from '../../main/engine/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('API dispatch', () => {
  const tmp = tempDir();
  let engine: Engine;
  let handlers: Handlers;

  beforeAll(async () => {
    engine = await Engine.open({ projectPath: join(tmp.dir, 'api.cajal'), create: true, maxConcurrent: 1 });
    handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  const send = async (raw: unknown) => {
    const reply = await dispatch(handlers, raw);
    // Whatever came in, what goes out is a well-formed reply envelope.
    expect(ReplyEnvelope.safeParse(reply).success).toBe(true);
    return reply;
  };

  it('answers a valid call with a result matching its schema', async () => {
    const reply = await send({ id: 1, call: 'project.info', params: {} });
    expect(reply.ok).toBe(true);
    if (reply.ok) expect(calls['project.info'].result.parse(reply.result)).toMatchObject({ apiVersion: API_VERSION, transport: 'bridge' });
  });

  it.each([
    ['null', null, null, /malformed request/],
    ['a string', 'project.info', null, /malformed request/],
    ['an array', [1, 'project.info'], null, /malformed request/],
    ['no id', { call: 'project.info', params: {} }, null, /malformed request: id:/],
    ['a negative id', { id: -1, call: 'project.info', params: {} }, -1, /id:/],
    ['an extra envelope key', { id: 2, call: 'project.info', params: {}, admin: true }, 2, /malformed request/],
  ])('rejects %s as a bad request', async (_name, raw, id, message) => {
    const reply = await send(raw);
    expect(reply).toMatchObject({ ok: false, id, error: { code: 'bad-request' } });
    if (!reply.ok) expect(reply.error.message).toMatch(message);
  });

  it('rejects unknown calls, including prototype names', async () => {
    for (const call of ['files.delete', '__proto__', 'constructor', 'toString']) {
      const reply = await send({ id: 3, call, params: {} });
      expect(reply).toMatchObject({ ok: false, id: 3, error: { code: 'unknown-call' } });
    }
  });

  it.each([
    ['a wrong type', { call: 'runs.get', params: { runId: 'one' } }, /invalid params for runs.get: runId:/],
    ['a non-positive id', { call: 'runs.get', params: { runId: 0 } }, /runId:/],
    ['an unexpected key', { call: 'recordings.list', params: { all: true } }, /invalid params for recordings.list/],
    ['an empty path list', { call: 'recordings.import', params: { paths: [] } }, /paths:/],
    ['an unknown backend', { call: 'compute.setBackend', params: { backend: 'cuda' } }, /backend:/],
    ['a missing pipeline', { call: 'runs.start', params: { recordingId: null } }, /pipeline:/],
  ])('rejects params with %s, naming the field', async (_name, request, message) => {
    const reply = await send({ id: 4, ...request });
    expect(reply).toMatchObject({ ok: false, id: 4, error: { code: 'bad-request' } });
    if (!reply.ok) expect(reply.error.message).toMatch(message);
  });

  it('maps engine errors to their codes', async () => {
    expect(await send({ id: 5, call: 'runs.get', params: { runId: 999 } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const start = await send({ id: 6, call: 'runs.start', params: { pipeline: 'no-such', recordingId: null } });
    expect(start).toMatchObject({ ok: false, error: { code: 'not-found' } });
    if (!start.ok) expect(start.error.message).toMatch(/no-such/);
  });

  it('reports a bad file given to recordings.import per file, writing nothing', async () => {
    const reply = await send({ id: 7, call: 'recordings.import', params: { paths: [join(tmp.dir, 'missing.edf')] } });
    expect(reply.ok).toBe(true);
    if (reply.ok) {
      const result = calls['recordings.import'].result.parse(reply.result);
      expect(result.imported).toEqual([]);
      // Over the API a missing file reads like an unreadable one: no oracle for which paths exist.
      expect(result.errors[0]?.message).toBe(`cannot read ${join(tmp.dir, 'missing.edf')}`);
    }
    expect(engine.store.recordings.list()).toEqual([]);
  });

  it('has a schema for every event', () => {
    expect(Object.keys(events).sort()).toEqual(['project.changed', 'recordings.changed', 'run.log', 'run.progress', 'run.status']);
    expect(events['run.progress'].safeParse({ runId: 1, fraction: 1.5, message: '' }).success).toBe(false);
  });
});
