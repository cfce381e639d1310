/**
 * `cajal seizure segments import|list|delete` on a temporary project: a labels.csv folder made
 * here, the layout told or named, --json documents, a malformed folder refused with the project
 * unchanged, and (when ../shared/data is present) the real Bonn and New Delhi collections.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { Store } from '../../main/store/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('cajal seizure segments', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const project = join(tmp.dir, 'p.cajal');
  const folder = join(tmp.dir, 'my-lab');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.txt'), Array.from({ length: 400 }, (_, i) => i % 17).join('\n'));
  writeFileSync(join(folder, 'b.txt'), Array.from({ length: 200 }, (_, i) => -(i % 5)).join('\n'));
  writeFileSync(join(folder, 'c.txt'), Array.from({ length: 200 }, () => 3).join('\n'));
  writeFileSync(join(folder, 'labels.csv'), 'file,label,rate_hz,group\na.txt,ictal,200,p1\nb.txt,interictal,200,p1\nc.txt,interictal,100,p2\n');

  it('imports a labels.csv folder under its folder name and lists it', async () => {
    expect((await cli('init', project)).code).toBe(0);
    const imported = await cli('seizure', 'segments', 'import', project, folder);
    expect(imported.err).toEqual([]);
    expect(imported.code).toBe(0);
    expect(imported.out[0]).toBe(`imported segment dataset #1 "my-lab" (labels-csv) from ${folder}`);
    expect(imported.out[1]).toMatch(/^3 segments, .*100 Hz, 200 Hz: ictal 1, interictal 2$/);
    const listed = await cli('seizure', 'segments', 'list', project);
    expect(listed.code).toBe(0);
    expect(listed.out.join('\n')).toMatch(/1\s+my-lab\s+labels-csv\s+3\s+ictal 1, interictal 2/);
    const store = Store.open(project);
    try {
      const dataset = store.segments.get(1)!;
      expect(dataset.collection.segments.map((s) => [s.id, s.label, s.group, s.rateHz, s.samples.length])).toEqual([
        ['a.txt', 'ictal', 'p1', 200, 400],
        ['b.txt', 'interictal', 'p1', 200, 200],
        ['c.txt', 'interictal', 'p2', 100, 200],
      ]);
    } finally {
      store.close();
    }
  });

  it('prints one JSON document with --json, and refuses a name in use', async () => {
    const imported = await cli('seizure', 'segments', 'import', project, folder, '--format', 'labels-csv', '--name', 'again', '--json');
    expect(imported.code).toBe(0);
    const doc = JSON.parse(imported.out.join('\n')) as { id: number; name: string; counts: Record<string, number>; segmentCount: number };
    expect(doc).toMatchObject({ id: 2, name: 'again', counts: { ictal: 1, interictal: 2 }, segmentCount: 3 });
    const listed = JSON.parse((await cli('seizure', 'segments', 'list', project, '--json')).out.join('\n')) as { datasets: { name: string }[] };
    expect(listed.datasets.map((d) => d.name)).toEqual(['my-lab', 'again']);
    const twice = await cli('seizure', 'segments', 'import', project, folder, '--name', 'again');
    expect(twice.code).toBe(1);
    expect(twice.err.join('\n')).toMatch(/a segment dataset named "again" exists \(#2\)/);
  });

  it('refuses a malformed folder naming the file and line, and leaves the project unchanged', async () => {
    const bad = join(tmp.dir, 'bad');
    mkdirSync(join(bad, 'E_S'), { recursive: true });
    writeFileSync(join(bad, 'E_S', 'S001.txt'), Array.from({ length: 4097 }, (_, i) => (i === 9 ? 'x' : '1')).join('\n'));
    const result = await cli('seizure', 'segments', 'import', project, bad);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toContain(`${join(bad, 'E_S', 'S001.txt')}: line 10: expected one integer sample, found "x"`);
    const none = await cli('seizure', 'segments', 'import', project, tmp.dir, '--name', 'x');
    expect(none.err.join('\n')).toMatch(/not a labelled-segments folder; accepted layouts: labels.csv/);
    const wrongFormat = await cli('seizure', 'segments', 'import', project, folder, '--format', 'csv');
    expect(wrongFormat.err.join('\n')).toMatch(/--format: expected one of bonn, delhi, labels-csv, got "csv"/);
    const listed = JSON.parse((await cli('seizure', 'segments', 'list', project, '--json')).out.join('\n')) as { datasets: unknown[] };
    expect(listed.datasets).toHaveLength(2);
  });

  it('deletes a dataset by id', async () => {
    const deleted = await cli('seizure', 'segments', 'delete', project, '2');
    expect(deleted.code).toBe(0);
    expect(deleted.out[0]).toMatch(/deleted segment dataset #2 "again" \(3 segments/);
    expect((await cli('seizure', 'segments', 'delete', project, '2')).err.join('\n')).toMatch(/segment dataset #2 not found/);
    expect((await cli('seizure', 'segments', 'delete', project, 'x')).err.join('\n')).toMatch(/expected a segment dataset id/);
    expect((await cli('seizure', 'segments', 'frobnicate', project)).err.join('\n')).toMatch(/expected import, list or delete/);
  });

  it('documents the commands in cajal seizure --help', async () => {
    const help = await cli('seizure', 'segments', '--help');
    expect(help.out.join('\n')).toMatch(/cajal seizure segments import <project> <folder> \[--format bonn\|delhi\|labels-csv\] \[--name N\]/);
  });
});

if (!hasSharedData()) console.warn(`cli-seizure-segments (real collections) skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('cajal seizure segments on the real collections', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const project = join(tmp.dir, 'real.cajal');

  it('imports Bonn (300 segments) and New Delhi (150) and lists their counts per label', async () => {
    expect((await cli('init', project)).code).toBe(0);
    expect((await cli('seizure', 'segments', 'import', project, dataFile('eeg', 'bonn_andrzejak2001'), '--name', 'bonn')).code).toBe(0);
    expect((await cli('seizure', 'segments', 'import', project, dataFile('eeg', 'delhi_swami2016'), '--format', 'delhi')).code).toBe(0);
    const { datasets } = JSON.parse((await cli('seizure', 'segments', 'list', project, '--json')).out.join('\n')) as {
      datasets: { name: string; format: string; counts: Record<string, number>; segmentCount: number; ratesHz: number[] }[];
    };
    expect(datasets.map(({ name, format, counts, segmentCount, ratesHz }) => ({ name, format, counts, segmentCount, ratesHz }))).toEqual([
      { name: 'bonn', format: 'bonn', counts: { healthy: 120, ictal: 60, interictal: 120 }, segmentCount: 300, ratesHz: [173.61] },
      { name: 'delhi_swami2016', format: 'delhi', counts: { ictal: 50, interictal: 50, preictal: 50 }, segmentCount: 150, ratesHz: [200] },
    ]);
  });
});
