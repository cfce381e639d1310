/**
 * Who may talk to the loopback bridge: whoever holds this launch's random token (passed once in the
 * URL, then kept in an HttpOnly cookie) and, for browsers, only pages served by the bridge itself.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const BIND_ADDRESS = '127.0.0.1';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Per port, so two bridges on one machine do not overwrite each other's cookie. */
export function cookieName(port: number): string {
  return `cajal_token_${port}`;
}

export function cookieValue(request: IncomingMessage, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** Host names a request may use: guards against DNS rebinding, where a foreign name resolves to 127.0.0.1. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

export interface AccessCheck {
  ok: boolean;
  status: number;
  reason: string;
}

export function checkAccess(
  request: IncomingMessage,
  options: { token: string; port: number; requireOrigin: boolean },
): AccessCheck {
  const host = request.headers.host ?? '';
  if (!allowedHosts(options.port).has(host)) return { ok: false, status: 421, reason: `host "${host}" is not this bridge` };
  const origin = request.headers.origin;
  // Browsers always send Origin on WebSocket upgrades; a foreign page's origin is refused outright.
  if (origin !== undefined && !allowedOrigins(options.port).has(origin)) {
    return { ok: false, status: 403, reason: `origin "${origin}" is not allowed` };
  }
  if (origin === undefined && options.requireOrigin) return { ok: false, status: 403, reason: 'origin missing' };
  const url = new URL(request.url ?? '/', `http://${host}`);
  const given = cookieValue(request, cookieName(options.port)) ?? url.searchParams.get('token');
  if (!tokensEqual(options.token, given)) return { ok: false, status: 401, reason: 'missing or wrong token' };
  return { ok: true, status: 200, reason: '' };
}
