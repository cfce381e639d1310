/**
 * Issue #17: `cajal import` says when a file is already in the project, `cajal ls` describes each
 * kind as it is, `cajal rm` removes a recording from the project and never its file.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { USAGE } from '../../main/cli/usage.js';
import { writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

const SWC = '# a soma and a forked neurite\n1 1 0 0 0 1 -1\n2 3 0 5 0 0.5 1\n3 3 0 10 0 0.4 2\n4 3 3 14 0 0.3 3\n5 3 -3 14 0 0.3 3\n';

describe('cajal import, ls and rm', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'library.cajal');
  const edf = join(tmp.dir, 'sine.edf');
  const swc = join(tmp.dir, 'fork.swc');
  afterAll(() => tmp.cleanup());

  it('says what each import added, and that a re-imported file is already there', async () => {
    await cli('init', project);
    writeSineEdf(edf, { channels: 2, sampleRateHz: 128, durationS: 4 });
    writeFileSync(swc, SWC);
    const first = await cli('import', project, edf, swc);
    expect(first.out).toEqual([
      `imported #1 ${edf} (EDF, 2 channels, 128 Hz, 0:00:04)`,
      `imported #2 ${swc} (SWC, 5 nodes, 1 tree, 15.0 µm)`,
    ]);
    const again = await cli('import', project, swc);
    expect(again).toEqual({ code: 0, out: ['not added: fork.swc is already in the project (recording #2); nothing added'], err: [] });
  });

  it('lists each kind with what describes it, no rate or duration for a morphology', async () => {
    const ls = await cli('ls', project);
    const lines = ls.out.join('\n').split('\n');
    expect(lines[0]).toMatch(/^id\s+kind\s+format\s+contents\s+size\s+path$/);
    expect(lines[1]).toMatch(/^1\s+eeg\s+EDF\s+2 channels, 128 Hz, 0:00:04\s/);
    expect(lines[2]).toMatch(/^2\s+morphology\s+SWC\s+5 nodes, 1 tree, 15\.0 µm\s/);
  });

  it('rm removes a recording from the project, not its file; import brings it back', async () => {
    const before = { bytes: readFileSync(swc), mtime: statSync(swc).mtimeMs };
    const rm = await cli('rm', project, '2');
    expect(rm).toEqual({
      code: 0,
      out: [`removed #2 ${swc} from the project (the file is untouched)`, 'kept: 0 annotations, 0 runs; `cajal import` of the same file brings them back'],
      err: [],
    });
    expect(readFileSync(swc).equals(before.bytes)).toBe(true);
    expect(statSync(swc).mtimeMs).toBe(before.mtime);
    expect((await cli('ls', project)).out.join('\n')).not.toContain('fork.swc');
    expect(await cli('rm', project, '2')).toMatchObject({ code: 1, err: ['cajal: recording 2 not found'] });
    expect((await cli('import', project, swc)).out).toEqual([`restored #2 ${swc} (removed earlier; its annotations and runs are back)`]);
  });

  it('rm refuses what is not a recording id, and prints one document with --json', async () => {
    expect(await cli('rm', project, 'fork.swc')).toMatchObject({ code: 1, err: ['cajal: recording: expected a recording id (see `cajal ls`), got "fork.swc"'] });
    expect(await cli('rm', project)).toMatchObject({ code: 1, err: [expect.stringMatching(/^cajal: missing <recording-id>/)] });
    const json = await cli('rm', project, '1', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out[0]!)).toMatchObject({ recording: { id: 1, sourcePath: edf }, annotationCount: 0, runCount: 0 });
  });

  it('is in `cajal --help`, which names no stale pipeline list', () => {
    expect(USAGE).toMatch(/^ {2}rm <project> <recording-id> +remove a recording from the project/m);
    expect(USAGE).not.toMatch(/pipelines: rms/);
  });
});
