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
  if (!line) {
    // Node ends a crash with its version line: report the error itself (the last line that names one).
    const lines = (run.stderr ?? '').split('\n').map((l) => l.trim()).filter((l) => l && !/^Node\.js v/.test(l));
    const error = [...lines].reverse().find((l) => /error|abort|memory|killed/i.test(l)) ?? lines.pop() ?? '';
    const how = run.signal ? `signal ${run.signal}${run.error ? `, ${run.error.message}` : ''}` : `status ${run.status}`;
    return `the child process failed (${how}): ${error}`;
  }
  return JSON.parse(line) as T;
}
