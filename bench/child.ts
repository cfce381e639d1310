/**
 * Runs a TypeScript script through tsx in a child process and returns the first JSON line it
 * prints, or why there is none. Benchmarks need a fresh process where a setting is fixed when a
 * backend starts (wasm threads).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function tsxChildJson<T>(script: string, args: string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): T | string {
  const run = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.resolve(ROOT, script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs,
    env: options.env ?? process.env,
  });
  const line = run.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (!line) return `the child process failed (status ${run.status}): ${(run.stderr ?? '').trim().split('\n').pop()}`;
  return JSON.parse(line) as T;
}
