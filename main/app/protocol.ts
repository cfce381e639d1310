/**
 * Serves the built renderer from `app://cajal/`, a privileged standard scheme: the page gets a real
 * origin (so the IPC sender check and CSP 'self' mean something) without a file:// free-for-all.
 */
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { resolveStaticPath } from '../server/static.js';
import { APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.js';

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'cajal' ? resolveStaticPath(rendererDir, url.pathname) : null;
    if (!file) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).href);
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
