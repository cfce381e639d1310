/**
 * Serves the built renderer from `app://cajal/`, a privileged standard scheme: the page gets a real
 * origin (Chromium reports "app://cajal", so CSP 'self' and the same-origin policy mean something)
 * without a file:// free-for-all. `secure` makes it a secure context like https. The main process's
 * checks do not rely on that origin (Node's URL says "null" for app:): see trust.ts.
 */
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { resolveStaticPath } from '../server/static.js';
import { APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.js';
import { isAppUrl } from './trust.js';

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = isAppUrl(request.url) ? resolveStaticPath(rendererDir, new URL(request.url).pathname) : null;
    if (!file) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).href);
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
