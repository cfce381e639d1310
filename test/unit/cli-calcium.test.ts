/** `cajal calcium rate`: the frame rate stored with an imported recording, reset, and refused values. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { Store } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('cajal calcium rate', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const project = join(tmp.dir, 'p.cajal');
  const matrix = join(tmp.dir, 'cells.csv');

  it('stores a rate for a CSV that states none, shows it in the recording, and resets it', async () => {
    writeFileSync(matrix, '0,1,2,3,4,5\n5,4,3,2,1,0\n');
    expect((await cli('init', project)).code).toBe(0);
    expect((await cli('import', project, matrix)).code).toBe(0);
    const set = await cli('calcium', 'rate', project, '1', '4.8');
    expect(set.code).toBe(0);
    expect(set.out.join('\n')).toMatch(/4\.8 Hz \(set by user\)/);
    const rateOf = () => {
      const store = Store.open(project);
      try {
        return store.recordings.get(1)!.metadata.sampleRateHz;
      } finally {
        store.close();
      }
    };
    expect(rateOf()).toBe(4.8);
    const reset = await cli('calcium', 'rate', project, '1', 'reset');
    expect(reset.out.join('\n')).toMatch(/frame rate unknown \(from the file\)/);
    expect(rateOf()).toBe(0);
  });

  it('refuses a rate that is not a positive number', async () => {
    const bad = await cli('calcium', 'rate', project, '1', '0');
    expect(bad.code).not.toBe(0);
    expect(bad.err.join('\n')).toMatch(/positive number/);
  });
});
