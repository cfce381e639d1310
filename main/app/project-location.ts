/**
 * Where the app's projects live: the one named by `--project`, else the last one opened (kept in
 * the user-data folder), else Documents/Cajal/Untitled.cajal.
 */
import { app } from 'electron';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const STATE_FILE = () => join(app.getPath('userData'), 'state.json');

export function defaultProjectPath(): string {
  return join(app.getPath('documents'), 'Cajal', 'Untitled.cajal');
}

export function initialProjectPath(argv: readonly string[]): string {
  const flag = argv.findIndex((a) => a === '--project');
  if (flag >= 0 && argv[flag + 1]) return resolve(argv[flag + 1]!);
  try {
    const state = JSON.parse(readFileSync(STATE_FILE(), 'utf8')) as { lastProject?: unknown };
    if (typeof state.lastProject === 'string') return state.lastProject;
  } catch {
    // first launch
  }
  return defaultProjectPath();
}

export function rememberProject(path: string): void {
  mkdirSync(dirname(STATE_FILE()), { recursive: true });
  writeFileSync(STATE_FILE(), JSON.stringify({ lastProject: path }));
}
