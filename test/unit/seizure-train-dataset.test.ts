/**
 * Training the per-channel detector on a labelled-segment dataset stored in the project
 * (`cajal seizure train --segment-dataset`): the run reads the stored samples (the folder is gone by
 * then), records the dataset ids in its params, and produces a model; an unknown dataset is named.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { Store } from '../../main/store/index.js';
import { seededRandom } from '../../shared/random.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

/** 10 s at 256 Hz: ictal = 4 Hz spike-and-wave of ~300 µV over noise, interictal = ~30 µV noise. */
function segment(ictal: boolean, random: () => number): string {
  return Array.from({ length: 2560 }, (_, i) => {
    const t = i / 256;
    const noise = 30 * (random() + random() + random() - 1.5);
    const phase = (4 * t) % 1;
    const rhythm = ictal ? 150 * Math.sin(2 * Math.PI * 4 * t) + (phase < 0.1 ? -300 * Math.sin((Math.PI * phase) / 0.1) : 0) : 0;
    return (noise + rhythm).toFixed(2);
  }).join('\n');
}

describe('cajal seizure train --segment-dataset', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const project = join(tmp.dir, 'p.cajal');
  const folder = join(tmp.dir, 'lab');

  it('trains a per-channel model from the stored samples of a dataset, and names an unknown one', async () => {
    mkdirSync(folder);
    const random = seededRandom(3);
    const rows = ['file,label,rate_hz,group'];
    for (let i = 0; i < 12; i++) {
      for (const label of ['ictal', 'interictal']) {
        writeFileSync(join(folder, `${label}${i}.txt`), segment(label === 'ictal', random));
        rows.push(`${label}${i}.txt,${label},256,p${i % 3}`);
      }
    }
    writeFileSync(join(folder, 'labels.csv'), rows.join('\n') + '\n');
    const init = await cli('init', project);
    expect(init.err).toEqual([]);
    expect((await cli('seizure', 'segments', 'import', project, folder)).code).toBe(0);
    // The run must read the project's copy: the folder no longer exists.
    rmSync(folder, { recursive: true });

    const trained = await cli('seizure', 'train', '--segment-dataset', 'lab', '--project', project, '--max-epochs', '2', '--seed', '1', '--json');
    expect(trained.err.join('\n')).not.toMatch(/error/i);
    expect(trained.code).toBe(0);
    const result = JSON.parse(trained.out.join('\n')) as { runId: number; status: string; model: { id: number; status: string } | null };
    expect(result.status).toBe('succeeded');
    expect(result.model?.status).toBe('complete');
    const store = Store.open(project);
    try {
      const run = store.runs.get(result.runId)!;
      expect(run.params).toMatchObject({ input: 'per-channel', segmentDatasetIds: [1], recordingIds: [] });
      expect(store.runs.logs(result.runId).map((l) => l.message).join('\n')).toMatch(/dataset #1 lab/);
      const model = store.models.get(result.model!.id)!;
      expect(model.meta).toMatchObject({ input: 'per-channel' });
    } finally {
      store.close();
    }

    const unknown = await cli('seizure', 'train', '--segment-dataset', 'nope', '--project', project);
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toMatch(/--segment-dataset: no segment dataset "nope" in .*p\.cajal/);
    const standard = await cli('seizure', 'train', '--segment-dataset', '1', '--input', 'standard', '--project', project);
    expect(standard.err.join('\n')).toMatch(/segment datasets train the per-channel detector/);
  }, 300_000);
});
