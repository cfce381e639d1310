/**
 * The renderer's Content-Security-Policy, one definition for both hosts: Electron (app://cajal)
 * and the loopback bridge. Only the sockets the page may open differ. renderer/index.html carries
 * the same policy in a meta tag (with the bridge's ws:// sources) for pages loaded without headers.
 */
export function contentSecurityPolicy(extraConnectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...extraConnectSources].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
