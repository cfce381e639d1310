/**
 * Killing the process during a job (SIGKILL: no handlers, no cleanup) must leave a valid project
 * file, and the run must read `interrupted` when the project is opened again. Opening the project
 * from a second process while the first is running a job must leave that job alone: it ends with
 * the status its owner gives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { Engine } from '../../main/engine/index.js';
import { REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const CRASH_CHILD = join(REPO_ROOT, 'test', 'fixtures', 'processes', 'crash-child.ts');
const OWNER_CHILD = join(REPO_ROOT, 'test', 'fixtures', 'processes', 'owner-child.ts');
const FOREVER = pathToFileURL(join(REPO_ROOT, 'test', 'fixtures', 'pipelines', 'forever.ts')).href;
const WRITER = pathToFileURL(join(REPO_ROOT, 'test', 'fixtures', 'pipelines', 'writer.ts')).href;

/** A tsx child process whose stdout lines are matched as they come, and whose exit can be awaited. */
function startChild(script: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  /** Resolves with the first match of `pattern` on stdout; rejects if the child exits first. */
  const line = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (match) {
          child.stdout.off('data', check);
          resolve(match);
        }
      };
      child.stdout.on('data', check);
      check();
      void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before ${pattern}: ${stderr}`)));
    });
  return { child: child as ChildProcess, line, exited, output: () => ({ stdout, stderr }) };
}

describe('crash recovery', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('leaves the project valid and marks the killed run interrupted', async () => {
    const projectPath = join(tmp.dir, 'crash.cajal');
    const crashing = startChild(CRASH_CHILD, [projectPath, FOREVER]);
    const runId = Number((await crashing.line(/RUNNING (\d+)/))[1]);
    const pid = crashing.child.pid!;
    crashing.child.kill('SIGKILL');
    expect((await crashing.exited).signal).toBe('SIGKILL');
    const engine = await Engine.open({ projectPath, create: false, maxConcurrent: 1, extraPipelines: [FOREVER] });
    try {
      expect(engine.store.integrityCheck()).toBe('ok');
      expect(engine.recoveredRunCount).toBe(1);
      const run = engine.store.runs.get(runId)!;
      expect(run.status).toBe('interrupted');
      // Its owner's process is gone from this host: no need to wait for its lease to expire.
      expect(run.error).toMatch(new RegExp(`process running it \\(pid ${pid} on .+\\) stopped while this run was in progress`));
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

  it('leaves a live run of another process alone when the project is opened, and the run ends succeeded', async () => {
    const projectPath = join(tmp.dir, 'shared.cajal');
    const gatePath = join(tmp.dir, 'gate');
    const owner = startChild(OWNER_CHILD, [projectPath, WRITER, gatePath]);
    try {
      const runId = Number((await owner.line(/RUNNING (\d+)/))[1]);

      // A second process (this one) opens the project while the run is live: the app or `cajal ls`.
      const other = await Engine.open({ projectPath, create: false });
      try {
        expect(other.recoveredRunCount).toBe(0);
        expect(other.store.runs.get(runId)!.status).toBe('running');
        expect(other.store.runs.owner(runId)?.pid).toBe(owner.child.pid);
      } finally {
        await other.close();
      }
      const lines: string[] = [];
      const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
      expect(await runCli(['runs', projectPath], io)).toBe(0);
      expect(lines.join('\n')).not.toMatch(/interrupted/);

      writeFileSync(gatePath, 'go');
      expect((await owner.exited).code).toBe(0);
      expect(owner.output().stdout).toMatch(/FINISHED succeeded/);

      const after = await Engine.open({ projectPath, create: false });
      try {
        expect(after.recoveredRunCount).toBe(0);
        const run = after.store.runs.get(runId)!;
        expect(run).toMatchObject({ status: 'succeeded', error: null, progress: 1 });
        expect(after.store.results.list(runId).map((result) => result.key)).toEqual(['size', 'data']);
      } finally {
        await after.close();
      }
    } finally {
      owner.child.kill('SIGKILL');
    }
  });
});
