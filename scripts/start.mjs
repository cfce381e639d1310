// `npm start`: launch the Electron app where its binary is installed; otherwise (as on machines
// installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1) serve the same UI through the loopback bridge.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

const electron = electronBinary();
if (electron) {
  run(electron, ['.', '--project', project]);
} else {
  console.log('Electron binary not installed here; starting the same UI through the loopback bridge (open the URL below).');
  const cli = join(root, 'bin', 'cajal.js');
  if (!existsSync(project)) {
    mkdirSync(dirname(project), { recursive: true });
    const init = spawn(process.execPath, [cli, 'init', project], { stdio: 'inherit' });
    await new Promise((done) => init.on('exit', done));
  }
  run(process.execPath, [cli, 'serve', project, ...(process.env.CAJAL_PORT ? ['--port', process.env.CAJAL_PORT] : [])]);
}
