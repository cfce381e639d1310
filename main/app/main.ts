/**
 * Electron main process: a thin shell around the engine. Windows, menu, the app:// protocol and
 * the IPC binding live here; everything else is the same engine the CLI and the bridge use.
 */
import { BrowserWindow, Menu, app, dialog } from 'electron';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Engine } from '../engine/index.js';
import { describeError } from '../errors.js';
import { packageRoot } from '../version.js';
import { bindIpc } from './ipc.js';
import { buildMenu } from './menu.js';
import { initialProjectPath, rememberProject } from './project-location.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { APP_ENTRY_URL, hardenApp, hardenSession, secureWebPreferences } from './security.js';

const root = packageRoot();
const rendererDir = join(root, 'dist', 'renderer');
const preloadPath = join(root, 'dist', 'preload', 'index.cjs');

let window: BrowserWindow | null = null;
let engine: Engine | null = null;
let unbindIpc: (() => void) | null = null;

// Before anything else and before `ready`: these switches only take effect when set this early.
hardenApp();
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

async function openProject(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const next = await Engine.open({ projectPath: path, create: true });
  unbindIpc?.();
  await engine?.close();
  engine = next;
  rememberProject(path);
  if (!window) return;
  unbindIpc = bindIpc(engine, window);
  window.setTitle(`Cajal — ${path}`);
  await window.loadURL(APP_ENTRY_URL);
}

async function chooseProject(mode: 'new' | 'open'): Promise<void> {
  if (!window) return;
  const filters = [{ name: 'Cajal project', extensions: ['cajal'] }];
  const path =
    mode === 'new'
      ? (await dialog.showSaveDialog(window, { title: 'New project', filters, defaultPath: 'Untitled.cajal' })).filePath
      : (await dialog.showOpenDialog(window, { title: 'Open project', filters, properties: ['openFile'] })).filePaths[0];
  if (!path) return;
  await openProject(path).catch((error: unknown) => dialog.showErrorBox('Cannot open project', describeError(error)));
}

async function start(): Promise<void> {
  hardenSession();
  serveRenderer(rendererDir);
  Menu.setApplicationMenu(
    buildMenu({ newProject: () => void chooseProject('new'), openProject: () => void chooseProject('open') }),
  );
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'Cajal',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = null));
  await openProject(initialProjectPath(process.argv));
}

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app.on('window-all-closed', () => app.quit());

app.on('will-quit', (event) => {
  if (!engine) return;
  // Let running jobs end `interrupted` and the project file close cleanly before exiting.
  event.preventDefault();
  const closing = engine;
  engine = null;
  unbindIpc?.();
  void closing.close().finally(() => app.quit());
});

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    dialog.showErrorBox('Cajal could not start', describeError(error));
    app.quit();
  });
