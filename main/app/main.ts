/**
 * Electron main process: a thin shell around the engine. Windows, menu, the app:// protocol and
 * the IPC binding live here; everything else is the same engine the CLI and the bridge use.
 */
import { BrowserWindow, Menu, app, dialog } from 'electron';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Engine, ProjectHost } from '../engine/index.js';
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
/** The window's project; New, Open and Open Recent (menu or the renderer's Project panel) switch it. */
let host: ProjectHost | null = null;
let unbindIpc: (() => void) | null = null;

// Before anything else and before `ready`: these switches only take effect when set this early.
hardenApp();
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

function setMenu(): void {
  Menu.setApplicationMenu(
    buildMenu({
      newProject: () => void chooseProject('new'),
      openProject: () => void chooseProject('open'),
      recent: host?.recent().filter((path) => path !== host?.engine.projectPath) ?? [],
      openRecent: (path) => void switchProject(() => host!.open(path)),
    }),
  );
}

/** Shows the host's project in the window: title, menu, and the renderer afresh. */
async function showProject(path: string): Promise<void> {
  rememberProject(path);
  setMenu();
  if (!window) return;
  window.setTitle(`Cajal — ${path}`);
  await window.loadURL(APP_ENTRY_URL);
}

async function switchProject(step: () => Promise<unknown>): Promise<void> {
  // A project that cannot be opened (or runs still in progress) leaves the current one open.
  await step().catch((error: unknown) => dialog.showErrorBox('Cannot open project', describeError(error)));
}

async function chooseProject(mode: 'new' | 'open'): Promise<void> {
  if (!window || !host) return;
  const filters = [{ name: 'Cajal project', extensions: ['cajal'] }];
  const path =
    mode === 'new'
      ? (await dialog.showSaveDialog(window, { title: 'New project', filters, defaultPath: 'Untitled.cajal' })).filePath
      : (await dialog.showOpenDialog(window, { title: 'Open project', filters, properties: ['openFile'] })).filePaths[0];
  if (!path) return;
  const target = host;
  await switchProject(() => (mode === 'new' ? target.create(path) : target.open(path)));
}

async function start(): Promise<void> {
  hardenSession();
  serveRenderer(rendererDir);
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'Cajal',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = null));
  const projectPath = initialProjectPath(process.argv);
  mkdirSync(dirname(projectPath), { recursive: true });
  host = new ProjectHost(await Engine.open({ projectPath, create: true }), { transport: 'ipc', nativeFileDialog: true });
  host.subscribe((event) => {
    if (event.name === 'project.changed') void showProject(event.payload.path);
  });
  unbindIpc = bindIpc(host, window);
  await showProject(projectPath);
}

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app.on('window-all-closed', () => app.quit());

app.on('will-quit', (event) => {
  if (!host) return;
  // Let running jobs end `interrupted` and the project file close cleanly before exiting.
  event.preventDefault();
  const closing = host;
  host = null;
  unbindIpc?.();
  void Promise.all([closing.close(), closing.engine.close()]).finally(() => app.quit());
});

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    dialog.showErrorBox('Cajal could not start', describeError(error));
    app.quit();
  });
