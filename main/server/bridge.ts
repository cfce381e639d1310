/**
 * The loopback bridge: serves the built renderer over HTTP and the API over a WebSocket, on
 * 127.0.0.1 only, to holders of this launch's token. A second transport for the same API as
 * Electron's IPC, used for end-to-end tests and headless workstations (`cajal serve`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES, type EventEnvelope, type ReplyEnvelope } from '../../shared/api/index.js';
import { dispatch, ProjectHost, type Engine } from '../engine/index.js';
import { ConflictError } from '../errors.js';
import { BIND_ADDRESS, checkAccess, cookieName, newToken } from './auth.js';
import { sendReply } from './reply-binary.js';
import { securityHeaders, serveStatic } from './static.js';

export interface BridgeOptions {
  engine: Engine;
  /** Folder of the built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
}

export interface Bridge {
  readonly port: number;
  readonly token: string;
  /** The address to open: carries the token once; the page then keeps it in an HttpOnly cookie. */
  readonly url: string;
  /** The project served now (the UI can switch it: New, Open, Recent). */
  readonly host: ProjectHost;
  close(): Promise<void>;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? newToken();
  // The project can be switched from the UI; every message goes to the one open at that moment.
  const host = new ProjectHost(options.engine, { transport: 'bridge', nativeFileDialog: false });
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;

  const server: Server = createServer((request, response) => {
    handleHttp(request, response, { token, port, rendererDir: options.rendererDir }).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`internal error: ${(error as Error).message}\n`);
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const access = checkAccess(request, { token, port, requireOrigin: false });
    if (path !== '/api' || !access.ok) {
      const status = path !== '/api' ? 404 : access.status;
      socket.end(`HTTP/1.1 ${status} ${path !== '/api' ? 'Not Found' : access.reason}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => void onMessage(ws, host, data, isBinary));
    });
  });

  const unsubscribe = host.subscribe((event) => {
    const envelope: EventEnvelope = { event: event.name, payload: event.payload };
    const text = JSON.stringify(envelope);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // A port someone else holds is the user's to change, not an internal error.
      if (error.code === 'EADDRINUSE') reject(new ConflictError(`port ${options.port} on ${BIND_ADDRESS} is in use; choose another with --port (0 picks a free one)`));
      else if (error.code === 'EACCES') reject(new ConflictError(`port ${options.port} on ${BIND_ADDRESS} needs privileges; choose one above 1023 with --port`));
      else reject(error);
    });
    server.listen(options.port ?? 0, BIND_ADDRESS, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;

  return {
    port,
    token,
    url: `http://${BIND_ADDRESS}:${port}/?token=${token}`,
    host,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await host.close();
    },
  };
}

async function onMessage(ws: WebSocket, host: ProjectHost, data: RawData, isBinary: boolean): Promise<void> {
  let reply: ReplyEnvelope;
  if (isBinary) {
    reply = { id: null, ok: false, error: { code: 'bad-request', message: 'binary messages are not accepted on the API socket' } };
  } else {
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      raw = undefined;
    }
    reply =
      raw === undefined
        ? { id: null, ok: false, error: { code: 'bad-request', message: 'message is not valid JSON' } }
        : await dispatch(host.handlers, raw, { projectPath: host.engine.projectPath });
  }
  await sendReply(ws, reply);
}

async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  context: { token: string; port: number; rendererDir: string },
): Promise<void> {
  const { token, port } = context;
  const plain = (status: number, text: string, extra: Record<string, string> = {}): void => {
    response.writeHead(status, { ...securityHeaders(port), 'Content-Type': 'text/plain; charset=utf-8', ...extra }).end(`${text}\n`);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed', { Allow: 'GET, HEAD' });
  const access = checkAccess(request, { token, port, requireOrigin: false });
  if (!access.ok) {
    return plain(access.status, `Cajal: ${access.reason}. Open the address printed by \`cajal serve\`; it carries this session's token.`);
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.searchParams.has('token')) {
    // Trade the URL's token for an HttpOnly cookie and drop it from the address bar and history.
    url.searchParams.delete('token');
    response
      .writeHead(303, {
        ...securityHeaders(port),
        'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: `${url.pathname}${url.search}`,
      })
      .end();
    return;
  }
  await serveStatic(context.rendererDir, url.pathname, response, port, request.method === 'HEAD');
}
