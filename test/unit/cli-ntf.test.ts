/**
 * `cajal ntf run` on calcium recordings made in code: two "animals" as CSV files with named cells
 * (in different orders), whose cells fire in two assemblies. Checks the command end to end and its
 * argument errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { parseRankRange } from '../../main/domains/ntf/cli.js';
import { seededRandom } from '../../shared/random.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

const NAMES = ['AVAL', 'AVAR', 'AVEL', 'AVER', 'RIML', 'SMDVL', 'SMDVR', 'RMED', 'RMEV', 'RIBL'];

/** Cells × frames CSV with a name column: the first half of NAMES fire together, so do the rest. */
function writeAnimal(file: string, seed: number, order: number[]): void {
  const random = seededRandom(seed);
  const frames = 400;
  const onsets = [0, 1].map(() => Array.from({ length: 12 }, () => Math.floor(random() * (frames - 20))));
  const lines = order.map((cell) => {
    const group = cell < NAMES.length / 2 ? 0 : 1;
    const trace = new Float64Array(frames).map(() => 0.02 * (random() - 0.5));
    for (const onset of onsets[group]!) for (let t = onset; t < frames; t++) trace[t]! += Math.exp(-(t - onset) / 8) * (1 - Math.exp(-(t - onset + 1) / 1.5));
    return [NAMES[cell], ...Array.from(trace, (v) => v.toFixed(5))].join(',');
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('cajal ntf run', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'ntf.cajal');
  afterAll(() => tmp.cleanup());

  it('parses rank ranges', () => {
    expect(parseRankRange('2..12')).toEqual([2, 12]);
    expect(parseRankRange('5')).toEqual([5, 5]);
    expect(() => parseRankRange('12..2')).toThrow(/1 ≤ min ≤ max/);
    expect(() => parseRankRange('two')).toThrow(/like 2\.\.12/);
  });

  it('refuses a project without calcium recordings, and unknown subcommands', async () => {
    expect((await cli('init', project)).code).toBe(0);
    const none = await cli('ntf', 'run', project);
    expect(none.code).toBe(1);
    expect(none.err[0]).toMatch(/no calcium recordings \(add some with `cajal import/);
    expect((await cli('ntf', 'fit', project)).err[0]).toMatch(/unknown ntf command "fit"/);
  });

  it('imports two animals and runs the sweep, printing the reasons and the components', async () => {
    const a = join(tmp.dir, 'worm-a.csv');
    const b = join(tmp.dir, 'worm-b.csv');
    writeAnimal(a, 1, NAMES.map((_, i) => i));
    writeAnimal(b, 2, NAMES.map((_, i) => NAMES.length - 1 - i));
    const imported = await cli('import', project, a, b);
    expect(imported.code).toBe(0);
    expect(imported.out[0]).toMatch(/CALCIUM-CSV, 10 cells \(10 named\), 400 frames, frame rate unknown/);
    const run = await cli('ntf', 'run', project, '--ranks', '1..3', '--restarts', '2', '--param', 'binFrames=5');
    expect(run.err.filter((line) => line.includes('failed'))).toEqual([]);
    expect(run.code).toBe(0);
    const text = run.out.join('\n');
    expect(text).toMatch(/animals: worm-a, worm-b; 10 neurons; 80 time bins/);
    expect(text).toMatch(/Suggested rank \d/);
    expect(text).toMatch(/stored as run 1/);
    expect(run.err.some((line) => /10 named cells, 10 shared/.test(line))).toBe(true);
  }, 60_000);

  it('--json prints the run\'s result as one document', async () => {
    const run = await cli('ntf', 'run', project, '--ranks', '2..2', '--restarts', '1', '--param', 'binFrames=5', '--json');
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    const doc = JSON.parse(run.out[0]!) as { runId: number; project: string; rank: number; animals: { name: string }[]; sweep: unknown[]; components: unknown[] };
    expect(doc).toMatchObject({ runId: 2, project, rank: 2, animals: [{ name: 'worm-a' }, { name: 'worm-b' }] });
    expect(doc.sweep).toHaveLength(1);
    expect(doc.components).toHaveLength(2);
    expect(run.err.join('\n')).toMatch(/run 2: 100 %/); // progress: stderr
  }, 60_000);
});
