/**
 * The loopback bridge: who it lets in (token, Origin, Host), what it serves, and that malformed
 * messages get error replies without taking it down.
 */
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/index.js';
import { startBridge, type Bridge } from '../../main/server/index.js';
import { tempDir } from '../helpers/tmp.js';

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', host = '127.0.0.1'): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the API socket; resolves with the socket, or rejects with the HTTP status of the refusal. */
function openSocket(port: number, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

describe('loopback bridge', () => {
  const tmp = tempDir();
  const token = 'test-token-0123456789abcdef';
  let engine: Engine;
  let bridge: Bridge;
  let cookie: string;
  let origin: string;

  beforeAll(async () => {
    const rendererDir = join(tmp.dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cajal</title>');
    writeFileSync(join(tmp.dir, 'secret.txt'), 'outside the renderer folder');
    engine = await Engine.open({ projectPath: join(tmp.dir, 'bridge.cajal'), create: true, maxConcurrent: 1 });
    bridge = await startBridge({ engine, rendererDir, token });
    cookie = `cajal_token_${bridge.port}=${token}`;
    origin = `http://127.0.0.1:${bridge.port}`;
  });
  afterAll(async () => {
    await bridge.close();
    await engine.close();
    tmp.cleanup();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/?token=${token}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) await expect(get(bridge.port, '/', {}, 'GET', external.address)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('says a port in use is in use (a user error), and keeps the first bridge serving', async () => {
    await expect(startBridge({ engine, rendererDir: join(tmp.dir, 'renderer'), port: bridge.port })).rejects.toThrow(
      `port ${bridge.port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)`,
    );
    await expect(startBridge({ engine, rendererDir: join(tmp.dir, 'renderer'), port: bridge.port })).rejects.toHaveProperty('code', 'conflict');
  });

  it('refuses pages without the token or with a wrong one', async () => {
    const none = await get(bridge.port, '/');
    expect(none.status).toBe(401);
    expect(none.body).toMatch(/missing or wrong token/);
    expect((await get(bridge.port, '/?token=guess')).status).toBe(401);
    expect((await get(bridge.port, '/', { Cookie: `cajal_token_${bridge.port}=guess` })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly cookie, then serves with a strict CSP', async () => {
    const first = await get(bridge.port, `/?token=${token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get(bridge.port, '/', { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Cajal</title>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe/);
  });

  it('refuses foreign Host names (DNS rebinding), other methods and paths outside the renderer', async () => {
    expect((await get(bridge.port, '/', { Cookie: cookie, Host: `evil.example:${bridge.port}` })).status).toBe(421);
    expect((await get(bridge.port, '/', { Cookie: cookie }, 'POST')).status).toBe(405);
    const escape = await get(bridge.port, '/..%2fsecret.txt', { Cookie: cookie });
    expect(escape.status).toBe(404);
    expect(escape.body).not.toContain('outside the renderer folder');
  });

  it('refuses API sockets without the token, from a foreign Origin, or on another path', async () => {
    await expect(openSocket(bridge.port, { Origin: origin })).rejects.toThrow('refused with 401');
    await expect(openSocket(bridge.port, { Origin: 'https://evil.example', Cookie: cookie })).rejects.toThrow('refused with 403');
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/other`, { headers: { Cookie: cookie } });
        ws.once('open', resolve);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
      }),
    ).rejects.toThrow('refused with 404');
  });

  it('answers calls, and malformed messages with an error reply, without dropping the socket', async () => {
    const ws = await openSocket(bridge.port, { Origin: origin, Cookie: cookie });
    try {
      ws.send('{not json');
      expect(await nextMessage(ws)).toMatchObject({ ok: false, id: null, error: { code: 'bad-request', message: 'message is not valid JSON' } });
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect(await nextMessage(ws)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      ws.send(JSON.stringify({ id: 9, call: 'runs.get', params: { runId: 'x' } }));
      expect(await nextMessage(ws)).toMatchObject({ ok: false, id: 9, error: { code: 'bad-request' } });
      ws.send(JSON.stringify({ id: 10, call: 'project.info', params: {} }));
      expect(await nextMessage(ws)).toMatchObject({ ok: true, id: 10, result: { transport: 'bridge', nativeFileDialog: false } });
    } finally {
      ws.close();
    }
  });

  it('closes a socket that sends an oversized message and keeps serving others', async () => {
    const big = await openSocket(bridge.port, { Origin: origin, Cookie: cookie });
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const ws = await openSocket(bridge.port, { Origin: origin, Cookie: cookie });
    ws.send(JSON.stringify({ id: 1, call: 'recordings.list', params: {} }));
    expect(await nextMessage(ws)).toEqual({ id: 1, ok: true, result: [] });
    ws.close();
  });
});
