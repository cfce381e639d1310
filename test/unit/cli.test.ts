/** `cajal` exit codes and messages: 0 ok, 1 user error in one line, 2 internal error. */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { REPO_ROOT } from '../helpers/data.js';
import { sineEdf, writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('cajal CLI', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'cli.cajal');
  afterAll(() => tmp.cleanup());

  it('init creates a project and refuses to overwrite one', async () => {
    expect(await cli('init', project)).toMatchObject({ code: 0, out: [`created project ${project}`] });
    expect(existsSync(project)).toBe(true);
    const again = await cli('init', project);
    expect(again.code).toBe(1);
    expect(again.err).toEqual([`cajal: ${project}: already exists; choose another name or use it as it is`]);
  });

  it('import, ls, run and runs work end to end on an EDF', async () => {
    const edf = join(tmp.dir, 'two-channels.edf');
    writeSineEdf(edf, { channels: 2, sampleRateHz: 128, durationS: 4 });
    const imported = await cli('import', project, edf);
    expect(imported.code).toBe(0);
    expect(imported.out[0]).toMatch(/^imported #1 .*two-channels\.edf \(EDF/);
    const ls = await cli('ls', project);
    expect(ls.code).toBe(0);
    expect(ls.out[0]).toMatch(/two-channels\.edf/);
    const run = await cli('run', project, 'rms', '1');
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/rms: \{"channels":/);
    expect(run.err.join('\n')).toMatch(/run 1: 100 %/);
    const runs = await cli('runs', project);
    expect(runs.out.join('\n').split('\n')[1]).toMatch(/^1\s+rms\s+1\s+succeeded\s+100 %/);
  });

  it.each([
    [['frobnicate'], /^cajal: unknown command "frobnicate"/],
    [[], /^cajal: missing command/],
    [['ls'], /^cajal: missing <project>/],
    [['ls', '--colour'], /^cajal: Unknown option '--colour'/],
    [['backend', '--backend', 'cuda'], /^cajal: --backend: expected one of tensorflow-gpu, webgpu, tensorflow, wasm, cpu, got "cuda"/],
    [['serve', 'x.cajal', '--port', '99999'], /^cajal: --port: expected 0-65535/],
  ])('exits 1 on a usage error: %j', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(message);
  });

  it('exits 1 with one line naming the file for bad inputs, and writes nothing', async () => {
    const text = join(tmp.dir, 'notes.edf');
    writeFileSync(text, 'these are my notes, not an EEG\n');
    const truncated = join(tmp.dir, 'truncated.edf');
    writeFileSync(truncated, sineEdf({ channels: 2, sampleRateHz: 128, durationS: 4 }).subarray(0, 600));
    const missing = join(tmp.dir, 'missing.edf');
    const before = (await cli('ls', project)).out.join('\n');
    for (const [file, problem] of [
      [text, 'field "file signature" at byte 0: unrecognised file format'],
      [truncated, 'field "signal headers" at byte 600: file ends inside the signal headers'],
      [missing, 'no such file'],
    ] as const) {
      const result = await cli('import', project, file);
      expect(result.code).toBe(1);
      expect(result.err).toHaveLength(1);
      expect(result.err[0]).toContain(`cajal: ${file}: ${problem}`);
    }
    expect((await cli('ls', project)).out.join('\n')).toBe(before);
    expect((await cli('ls', join(tmp.dir, 'nope.cajal'))).err).toEqual([
      `cajal: ${join(tmp.dir, 'nope.cajal')}: no such project file (create one with \`cajal init\`)`,
    ]);
    writeFileSync(join(tmp.dir, 'text.cajal'), 'not sqlite');
    expect((await cli('ls', join(tmp.dir, 'text.cajal'))).err[0]).toMatch(/not a Cajal project file \(not an SQLite database\)/);
  });

  it('imports a file cut inside its data up to the last whole record, with a warning', async () => {
    const whole = sineEdf({ channels: 2, sampleRateHz: 128, durationS: 4 });
    const cut = join(tmp.dir, 'cut-short.edf');
    writeFileSync(cut, whole.subarray(0, whole.length - 700));
    const result = await cli('import', project, cut);
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(/cut-short\.edf \(EDF, 2 channels, 128 Hz, 0:00:02\)/);
    expect(result.err).toEqual([
      expect.stringMatching(/^cajal: warning: .*cut-short\.edf: file is truncated: the header declares 4 data records .*reading the 2 whole records$/),
    ]);
  });

  it('info prints a header without a project', async () => {
    const edf = join(tmp.dir, 'info.edf');
    writeSineEdf(edf, { channels: 3, sampleRateHz: 200, durationS: 5 });
    const result = await cli('info', edf);
    expect(result.code).toBe(0);
    const text = result.out.join('\n');
    expect(text).toMatch(/^format\s+EDF$/m);
    expect(text).toMatch(/^duration\s+0:00:05 \(5 records of 1 s\)$/m);
    expect(text).toMatch(/^channels\s+3$/m);
    expect(text).toMatch(/^annotations\s+0$/m);
    expect(text).toMatch(/^3\s+EEG C3\s+200\s+uV/m);
    expect((await cli('info', join(tmp.dir, 'nothing.edf'))).code).toBe(1);
  });

  it('exits 2 on an internal error', async () => {
    const code = await runCli(['backend'], {
      out: () => {
        throw new TypeError('stdout is gone');
      },
      err: () => {},
    });
    expect(code).toBe(2);
  });

  it('the installed bin answers with the same exit codes', async () => {
    const bin = join(REPO_ROOT, 'bin', 'cajal.js');
    const exitCode = (args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, [bin, ...args], (error, _stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stderr }),
        );
      });
    expect((await exitCode(['ls', project])).code).toBe(0);
    const bad = await exitCode(['ls', join(tmp.dir, 'nope.cajal')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
