/**
 * The Electron shell's security, checked without the Electron binary (it cannot be downloaded
 * here): the URL checks run as plain functions (main/app/trust.ts), the rest is read from the
 * sources and electron-builder.yml. docs/security.md walks through Electron's checklist; this test
 * keeps that document and the code honest.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  EXTERNAL_HOSTS,
  isAllowedExternalUrl,
  isAllowedNavigation,
  isAppUrl,
  isTrustedSender,
} from '../../main/app/trust.js';
import { contentSecurityPolicy } from '../../shared/csp.js';
import { REPO_ROOT } from '../helpers/data.js';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

/** Every .ts/.tsx/.html file under `dir` (relative to the repository root). */
function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(tsx?|html)$/.test(name))
    .map((name) => join(dir, name));
}

/** The URLs the app loads: main.ts's entry page, with the queries the renderer reads, a hash, its assets. */
const APP_URLS = [
  APP_ENTRY_URL,
  'app://cajal/index.html',
  'app://cajal/',
  'app://cajal/index.html?morphology-lod=off',
  'app://cajal/index.html?morphology-synthetic=100000#/morphology',
  'app://cajal/index.html#/review',
  'app://cajal/assets/index-3f2a9c.js',
];

const FOREIGN_URLS = [
  'file:///index.html',
  `file://${join(REPO_ROOT, 'dist', 'renderer', 'index.html')}`,
  'http://127.0.0.1/index.html',
  'http://127.0.0.1:5173/?token=abc',
  'http://localhost/',
  'https://cajal/index.html',
  'app://evil/index.html',
  'app://cajal.evil.com/index.html',
  'app://cajal@evil.com/index.html',
  'app://evil.com@cajal/index.html',
  'app://user:pw@cajal/index.html',
  'app://cajal:8080/index.html',
  'app:cajal/index.html',
  'app:///cajal/index.html',
  'blob:app://cajal/6a1b2c3d',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'about:blank',
  'devtools://devtools/bundled/inspector.html',
  'chrome://gpu',
  'null',
  '',
];

describe('which URLs the shell trusts (main/app/trust.ts)', () => {
  it('needs an explicit scheme and host check: Node reports the origin "null" for app: URLs', () => {
    // The bug this replaces compared new URL(frame.url).origin with 'app://cajal' and refused all IPC.
    expect(new URL(APP_ENTRY_URL).origin).toBe('null');
    expect(APP_ORIGIN).toBe('app://cajal'); // what Chromium reports for the registered standard scheme
  });

  it.each(APP_URLS)('trusts the app page %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
    expect(isAllowedNavigation(url)).toBe(true);
    expect(isTrustedSender({ url, parent: null })).toBe(true);
  });

  it.each(FOREIGN_URLS)('trusts nothing else: %j', (url) => {
    expect(isAppUrl(url)).toBe(false);
    expect(isAllowedNavigation(url)).toBe(false);
    expect(isTrustedSender({ url, parent: null })).toBe(false);
  });

  it('refuses IPC from a subframe, even one showing an app page, and from a frame that is gone', () => {
    const top = { url: APP_ENTRY_URL, parent: null };
    expect(isTrustedSender({ url: APP_ENTRY_URL, parent: top })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });

  it('opens no external URL: the allow-list is empty (an offline app whose views link nowhere)', () => {
    expect(EXTERNAL_HOSTS).toEqual([]);
    for (const url of ['https://www.electronjs.org/docs', 'https://github.com/', 'mailto:a@b.c', 'file:///etc/passwd', ...FOREIGN_URLS]) {
      expect(isAllowedExternalUrl(url)).toBe(false);
    }
  });

  it('would open only https URLs of exactly the listed hosts, on the default port, without credentials', () => {
    const hosts = ['docs.cajal.example'];
    for (const url of ['https://docs.cajal.example/', 'https://docs.cajal.example/guide?x=1#y', 'HTTPS://DOCS.CAJAL.EXAMPLE/a']) {
      expect(isAllowedExternalUrl(url, hosts)).toBe(true);
    }
    for (const url of [
      'http://docs.cajal.example/',
      'https://docs.cajal.example:8443/',
      'https://user@docs.cajal.example/',
      'https://docs.cajal.example.evil.com/',
      'https://evil.com/?u=https://docs.cajal.example/',
      'https://evil.com#docs.cajal.example',
      'smb://docs.cajal.example/share',
      'file://docs.cajal.example/etc/passwd',
      'javascript://docs.cajal.example/%0Aalert(1)',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url, hosts)).toBe(false);
    }
  });
});

describe('the shell wires the checks in (static checks over main/app)', () => {
  const main = read('main/app/main.ts');
  const security = read('main/app/security.ts');
  const protocol = read('main/app/protocol.ts');
  const ipc = read('main/app/ipc.ts');

  /** Index of the first top-level (unindented) line starting with `statement`. */
  const topLevel = (source: string, statement: string): number => source.search(new RegExp(`^${statement.replace(/[.()]/g, '\\$&')}`, 'm'));

  it('sandboxes every renderer and hardens every webContents before the app is ready', () => {
    const hardenApp = security.slice(security.indexOf('export function hardenApp'), security.indexOf('\n}\n', security.indexOf('export function hardenApp')));
    expect(hardenApp).toContain('app.enableSandbox();');
    expect(hardenApp).toMatch(/app\.on\('web-contents-created', \(_event, contents\) => hardenContents\(contents\)\)/);
    const ready = main.indexOf('.whenReady()');
    expect(ready).toBeGreaterThan(0);
    for (const call of ['hardenApp();', 'registerAppScheme();']) {
      const at = topLevel(main, call);
      expect(at, `${call} at module top level of main.ts`).toBeGreaterThanOrEqual(0);
      expect(at, `${call} before whenReady`).toBeLessThan(ready);
    }
    expect(main.indexOf('hardenApp();')).toBeLessThan(main.indexOf('registerAppScheme();'));
  });

  it('limits navigation, redirects, new windows and webviews in every webContents', () => {
    const harden = security.slice(security.indexOf('function hardenContents'));
    expect(harden).toMatch(/'will-frame-navigate', \(event\) => \{\s*if \(!isAllowedNavigation\(event\.url\)\) event\.preventDefault\(\);/);
    expect(harden).toMatch(/'will-redirect', \(event\) => \{\s*if \(!isAllowedNavigation\(event\.url\)\) event\.preventDefault\(\);/);
    expect(harden).toContain("contents.on('will-attach-webview', (event) => event.preventDefault());");
    expect(harden).toMatch(/setWindowOpenHandler\([^]*return \{ action: 'deny' \};/);
  });

  it('calls shell.openExternal only behind the allow-list', () => {
    for (const file of sources('main')) {
      for (const line of read(file).split('\n')) {
        if (line.includes('openExternal(')) expect(line, `${file}: ${line.trim()}`).toMatch(/if \(isAllowedExternalUrl\(url\)\) void shell\.openExternal\(url\)/);
      }
    }
  });

  it('checks the sender of every IPC handler: the app window, top frame, app page', () => {
    const handlers = ipc.match(/ipcMain\.(handle|on|once|handleOnce)\(/g) ?? [];
    const checks = ipc.match(/if \(!trusted\(event\)\)/g) ?? [];
    expect(handlers.length).toBeGreaterThan(0);
    expect(checks.length).toBe(handlers.length);
    expect(ipc).toContain('event.sender === window.webContents && isTrustedSender(event.senderFrame)');
  });

  it('serves the renderer from a standard, secure app:// scheme and loads nothing from file://', () => {
    expect(protocol).toMatch(/registerSchemesAsPrivileged\(\[\s*\{ scheme: APP_SCHEME, privileges: \{ standard: true, secure: true/);
    expect(protocol).toContain('isAppUrl(request.url)');
    expect(main).toContain('window.loadURL(APP_ENTRY_URL)');
    for (const file of sources('main/app')) {
      const text = read(file);
      expect(text, file).not.toMatch(/loadFile\(|loadURL\((?!APP_ENTRY_URL\))|registerFileProtocol|['"`]file:\/\//);
    }
  });

  it('sets secure webPreferences and no code anywhere turns a protection off', () => {
    for (const setting of [
      'sandbox: true',
      'contextIsolation: true',
      'nodeIntegration: false',
      'nodeIntegrationInWorker: false',
      'nodeIntegrationInSubFrames: false',
      'webSecurity: true',
      'allowRunningInsecureContent: false',
      'experimentalFeatures: false',
      'webviewTag: false',
    ]) {
      expect(security).toContain(`    ${setting},`);
    }
    const offenders = [
      /nodeIntegration\w*:\s*true/,
      /contextIsolation:\s*false/,
      /sandbox:\s*false/,
      /webSecurity:\s*false/,
      /allowRunningInsecureContent:\s*true/,
      /experimentalFeatures:\s*true/,
      /enableBlinkFeatures/,
      /webviewTag:\s*true/,
      /allowpopups/i,
      /disablewebsecurity/i,
      /enableRemoteModule|@electron\/remote/,
      /unsafe-eval|unsafe-inline/,
    ];
    for (const file of [...sources('main/app'), ...sources('preload'), ...sources('renderer/src'), 'renderer/index.html', 'shared/csp.ts']) {
      const text = read(file);
      for (const pattern of offenders) expect(text, `${file} matches ${pattern}`).not.toMatch(pattern);
    }
  });

  it('exposes no Electron object to the page: the preload hands over plain functions only', () => {
    const preload = read('preload/index.ts');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain("contextBridge.exposeInMainWorld('cajal', bridge);");
    const bridge = preload.slice(preload.indexOf('const bridge = {'), preload.indexOf('contextBridge.exposeInMainWorld'));
    expect(bridge).not.toMatch(/^\s+(ipcRenderer|webUtils|contextBridge)\s*[,:]/m);
    expect(bridge).toContain('isCallName(call)');
  });

  it('denies every permission request and check', () => {
    expect(security).toContain('setPermissionRequestHandler((_contents, _permission, callback) => callback(false))');
    expect(security).toContain('setPermissionCheckHandler(() => false)');
    expect(security).toContain('setDevicePermissionHandler(() => false)');
  });

  it('uses a restrictive Content-Security-Policy', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-|\*/);
    expect(protocol).toContain("headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)");
  });

  it('pins a current Electron (41: the newest whose npm package installs on Node 20)', () => {
    const pinned = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }).devDependencies.electron;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(pinned!.split('.')[0])).toBeGreaterThanOrEqual(41);
  });
});

/**
 * The `electronFuses:` block of electron-builder.yml as key → value: a reader for this one flat
 * block (indented `key: value` lines, `#` comments), not a YAML parser.
 */
function electronFuses(yaml: string): Record<string, string> {
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => /^electronFuses:\s*(#.*)?$/.test(line));
  if (start < 0) return {};
  const fuses: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (!/^\s/.test(line)) break; // the next top-level key
    const match = /^\s+([A-Za-z]+):\s*([^\s#]+)\s*(#.*)?$/.exec(line);
    if (match) fuses[match[1]!] = match[2]!;
  }
  return fuses;
}

describe('electron-builder.yml flips the fuses', () => {
  const yaml = read('electron-builder.yml');
  const fuses = electronFuses(yaml);

  it('turns off RunAsNode, NODE_OPTIONS, --inspect and file:// privileges; turns on cookie encryption and asar integrity', () => {
    expect(fuses).toEqual({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
      grantFileProtocolExtraPrivileges: 'false',
    });
    expect(yaml).toMatch(/^asar: true$/m); // onlyLoadAppFromAsar needs the app packed in app.asar
  });

  it('uses option names the installed electron-builder knows', () => {
    const schema = JSON.parse(read('node_modules/app-builder-lib/scheme.json')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    for (const name of Object.keys(fuses)) expect(known, name).toContain(name);
  });

  it('nothing in the app needs the fuses it turns off (no process.fork, ELECTRON_RUN_AS_NODE or file:// pages)', () => {
    for (const file of [...sources('main'), ...sources('preload')]) {
      expect(read(file), file).not.toMatch(/\bfork\(|ELECTRON_RUN_AS_NODE|loadFile\(/);
    }
  });
});

describe('docs/security.md', () => {
  const doc = read('docs/security.md');

  it("goes through Electron's 20 checklist items, each with a status", () => {
    const items = [...doc.matchAll(/^### (\d+)\. .+\n\n\*\*Status:\*\* (done|not applicable)\./gm)].map((m) => Number(m[1]));
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
