/**
 * Killing the process during a job (SIGKILL: no handlers, no cleanup) must leave a valid project
 * file, and the run must read `interrupted` when the project is opened again.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/index.js';
import { REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const CHILD = join(REPO_ROOT, 'test', 'fixtures', 'processes', 'crash-child.ts');
const PIPELINE = pathToFileURL(join(REPO_ROOT, 'test', 'fixtures', 'pipelines', 'forever.ts')).href;

function runAndKill(projectPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, projectPath, PIPELINE], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /RUNNING (\d+)/.exec(chunk.toString());
      if (match) {
        child.kill('SIGKILL');
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited (${code}) before the kill: ${stderr}`));
    });
  });
}

describe('crash recovery', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('leaves the project valid and marks the killed run interrupted', async () => {
    const projectPath = join(tmp.dir, 'crash.cajal');
    const runId = await runAndKill(projectPath);
    const engine = await Engine.open({ projectPath, create: false, maxConcurrent: 1, extraPipelines: [PIPELINE] });
    try {
      expect(engine.store.integrityCheck()).toBe('ok');
      expect(engine.recoveredRunCount).toBe(1);
      const run = engine.store.runs.get(runId)!;
      expect(run.status).toBe('interrupted');
      expect(run.error).toMatch(/stopped while this run was in progress/);
      expect(run.finishedAt).not.toBeNull();
      // A killed run left no partial results behind.
      expect(engine.store.results.list(runId)).toEqual([]);
      // And the project keeps working: a new run goes through.
      const next = engine.runner.start('test-forever', null, { steps: 3, stepMs: 1 });
      await engine.runner.idle();
      expect(engine.store.runs.get(next.id)?.status).toBe('succeeded');
    } finally {
      await engine.close();
    }
    // A second open finds nothing more to recover.
    const again = await Engine.open({ projectPath, create: false, maxConcurrent: 1 });
    expect(again.recoveredRunCount).toBe(0);
    await again.close();
  });
});
