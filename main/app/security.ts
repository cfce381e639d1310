/**
 * Security policy of the Electron shell: sandboxed, isolated renderers that can load nothing but
 * the app's own pages, navigate nowhere else, open no windows and reach the OS only through the
 * typed IPC API. The URL checks themselves live in trust.ts (pure, unit-tested); docs/security.md
 * walks through Electron's security checklist item by item.
 */
import { app, session, shell, type WebContents, type WebPreferences } from 'electron';
import { contentSecurityPolicy } from '../../shared/csp.js';
import { isAllowedExternalUrl, isAllowedNavigation } from './trust.js';

export { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, isTrustedSender } from './trust.js';

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/**
 * Process-wide switches; must run before the app is ready. `enableSandbox` sandboxes every
 * renderer, whatever its webPreferences say; `web-contents-created` hardens every webContents the
 * app (or a bug, or an attacker's page) ever creates, not only the main window's.
 */
export function hardenApp(): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
}

export function hardenSession(): void {
  // No camera, microphone, notifications, geolocation...: Cajal needs none of them.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
}

function hardenContents(contents: WebContents): void {
  // will-frame-navigate covers the main frame and subframes; will-redirect covers server redirects.
  contents.on('will-frame-navigate', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // No new windows, ever. An allowed external link (none today: see trust.ts) opens in the browser.
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
