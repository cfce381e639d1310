/**
 * Which URLs the Electron shell trusts: the pages it serves itself (app://cajal/…) for IPC and
 * navigation, and the external sites a link may open in the user's browser. Pure (no `electron`
 * import) so the checks run under Node in unit tests; main/app/security.ts binds them to Electron.
 *
 * The checks compare scheme and host explicitly instead of `URL.origin`: Node's URL parser (the one
 * the main process uses) reports the origin "null" for every non-special scheme such as `app:`,
 * even though Chromium, once `app` is registered as a standard scheme (protocol.ts), reports
 * "app://cajal" to the page. An origin comparison would refuse every IPC call of the app.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'cajal';
/** What Chromium reports as the page's origin (window.location.origin) for a standard scheme. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads; the renderer may add a query (e.g. ?morphology-lod=off) or a hash. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Hosts whose https pages a link in the app may open in the user's browser. Empty: Cajal is an
 * offline workstation and no view links out (no docs, DOIs or update pages), so a compromised or
 * confused renderer can make the OS open nothing. A future link adds its exact host here.
 */
export const EXTERNAL_HOSTS: readonly string[] = [];

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for app://cajal/<anything>: no other host, no port, no user name or password. */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    // Chromium lowercases the host of a standard scheme; Node's parser keeps the case it is given.
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** The parts of Electron's WebFrameMain the sender check reads (a structural type, for tests). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** IPC is accepted only from a top-level frame showing one of the app's own pages. */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}

/** Navigation (of any frame, and every redirect) may only go to the app's own pages. */
export const isAllowedNavigation = isAppUrl;

/** https on an allowed host, default port, no credentials: the only URLs handed to shell.openExternal. */
export function isAllowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    hosts.includes(parsed.hostname)
  );
}
