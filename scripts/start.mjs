// `npm start`: rebuild what is older than its sources, then launch the Electron app where its
// binary is installed; otherwise (as on machines installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)
// serve the same UI through the loopback bridge, on CAJAL_PORT when set (else a free port).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleParts } from './build-freshness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const projectFlag = args.indexOf('--project');
const project = resolve(
  projectFlag >= 0 && args[projectFlag + 1]
    ? args[projectFlag + 1]
    : (process.env.CAJAL_PROJECT ?? join(homedir(), 'Documents', 'Cajal', 'Untitled.cajal')),
);

function electronBinary() {
  try {
    // electron's index.js returns the binary's path, or throws when the binary was never downloaded.
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

function rebuildStale() {
  const stale = staleParts(root);
  if (!stale.length) return;
  console.log(`Rebuilding ${stale.map((part) => part.name).join(', ')} (sources newer than dist/)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (const part of stale) {
    const result = spawnSync(npm, ['run', '--silent', part.script], { stdio: 'inherit', cwd: root });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

/** Whether the bridge's port is free: checked before the project is created, so a busy port leaves nothing behind. */
function portIsFree(port) {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

rebuildStale();
const electron = electronBinary();
if (electron) {
  run(electron, ['.', '--project', project]);
} else {
  console.log('Electron binary not installed here; starting the same UI through the loopback bridge (open the URL below).');
  const cli = join(root, 'bin', 'cajal.js');
  const port = process.env.CAJAL_PORT;
  if (port && /^\d+$/.test(port) && Number(port) > 0 && !(await portIsFree(Number(port)))) {
    console.error(`cajal: port ${port} on 127.0.0.1 is in use (CAJAL_PORT); choose another, or unset CAJAL_PORT for a free one`);
    process.exit(1);
  }
  if (!existsSync(project)) {
    mkdirSync(dirname(project), { recursive: true });
    const init = spawn(process.execPath, [cli, 'init', project], { stdio: 'inherit' });
    await new Promise((done) => init.on('exit', done));
  }
  run(process.execPath, [cli, 'serve', project, ...(process.env.CAJAL_PORT ? ['--port', process.env.CAJAL_PORT] : [])]);
}
