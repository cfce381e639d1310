/**
 * Runs a TypeScript script in a child process through tsx and says whether it exited by itself:
 * the check for code that starts threads or workers (wasm pthreads, data-parallel workers, Dawn)
 * and must not keep a process alive once its work is done.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildRun {
  code: number | null;
  /** False when the child was still running after `timeoutMs` and had to be killed. */
  exitedAlone: boolean;
  stdout: string;
  stderr: string;
}

/** `script` relative to the repository root; killed (and reported) after `timeoutMs`. */
export function runTsxChild(script: string, args: string[], timeoutMs: number): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, script), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exitedAlone = true;
    const timer = setTimeout(() => {
      exitedAlone = false;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, exitedAlone, stdout, stderr });
    });
  });
}
