/**
 * The default seizure model from the command line: on a fresh project (`cajal init`, `cajal import`
 * of a one-channel EDF) `cajal seizure detect --detector neural` works without training — the run
 * stores the shipped model in the project once, logs it, and finds the seizure per channel; a
 * model trained afterwards with `cajal seizure train` on a folder of labelled segments
 * (per-channel input, stored as a run) is the one the next detection uses.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { DEFAULT_MODEL_NAME } from '../../main/pipelines/seizure/neural/index.js';
import { Store } from '../../main/store/index.js';
import { syntheticChannel, writeOneChannelEdf } from '../helpers/seizure-channel.js';
import { initProjectWith } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** A labels.csv folder of 5 s single-channel segments at 200 Hz: ictal ones hold the seizure pattern. */
function writeSegmentFolder(folder: string, perClass: number): void {
  mkdirSync(folder, { recursive: true });
  const rows = ['file,label,rate_hz'];
  for (let i = 0; i < perClass; i++) {
    for (const label of ['ictal', 'interictal']) {
      const samples = syntheticChannel(8, 200, label === 'ictal' ? [{ onsetS: 0, durationS: 8 }] : [], 100 + 2 * i + (label === 'ictal' ? 0 : 1));
      const name = `${label}${i}.txt`;
      writeFileSync(join(folder, name), Array.from(samples, (v) => v.toFixed(2)).join('\n'));
      rows.push(`${name},${label},200`);
    }
  }
  writeFileSync(join(folder, 'labels.csv'), `${rows.join('\n')}\n`);
}

describe('cajal seizure detect with the shipped default model, and training on segments', () => {
  const tmp = tempDir('cajal-default-cli-');
  afterAll(() => tmp.cleanup());

  it('a fresh project detects with the default model, stored once; a model trained on segments then takes over', async () => {
    const edf = join(tmp.dir, 'one-channel.edf');
    writeOneChannelEdf(edf, 600, 200, [{ onsetS: 300, durationS: 80 }], 4);
    const project = join(tmp.dir, 'p.cajal');
    const { io, lines, errors } = await initProjectWith(project, [edf]);

    const out = join(tmp.dir, 'events.tsv');
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'neural', '--out', out], io), errors.join('\n')).toBe(0);
    expect(errors.join('\n')).toMatch(/this project had no seizure-neural model: stored the default one shipped with Cajal as model #1/);
    expect(lines.join('\n')).toMatch(/neural detector, run 1, per-channel input on 1 channel\(s\):/);
    const tsv = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((row) => row.split('\t'));
    const seizures = tsv.filter((row) => row[2] === 'sz');
    expect(seizures.length).toBeGreaterThanOrEqual(1);
    expect(seizures.some((row) => Number(row[0]) < 340 && Number(row[0]) + Number(row[1]) > 320)).toBe(true);

    // Again: the same model, not stored twice.
    errors.length = 0;
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'neural'], io)).toBe(0);
    expect(errors.join('\n')).not.toMatch(/stored the default one/);
    let store = Store.open(project, { create: false, readonly: true });
    try {
      const models = store.models.list('seizure-neural');
      expect(models.map((m) => [m.id, m.name, m.runId, m.meta.input, m.meta.shippedDefault])).toEqual([[1, DEFAULT_MODEL_NAME, null, 'per-channel', true]]);
      expect(store.runs.get(2)!.params.modelId).toBe(1);
    } finally {
      store.close();
    }

    // Training on a folder of labelled segments (a positional folder implies per-channel input).
    const segments = join(tmp.dir, 'segments');
    writeSegmentFolder(segments, 6);
    lines.length = 0;
    const trained = await runCli(['seizure', 'train', segments, '--project', project, '--max-epochs', '2', '--backend', 'cpu', '--name', 'from segments'], io);
    expect(trained, [...lines, ...errors].join('\n')).toBe(0);
    expect(lines.join('\n')).toMatch(/stored model #2 in .* \(run 3, "from segments"\)/);
    store = Store.open(project, { create: false, readonly: true });
    try {
      const model = store.models.get(2)!;
      expect(model).toMatchObject({ pipeline: 'seizure-neural', runId: 3, status: 'complete', meta: { input: 'per-channel' } });
      expect((model.meta.run as { params: Record<string, unknown> }).params).toMatchObject({ input: 'per-channel', recordingIds: [], segmentFolders: [segments] });
      expect(model.meta.training).toMatchObject({ collections: { segments: { recordings: 12, seizure: 6, background: 6 } } });
    } finally {
      store.close();
    }
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'neural'], io)).toBe(0);
    store = Store.open(project, { create: false, readonly: true });
    try {
      expect(store.runs.get(4)!.params.modelId).toBe(2);
      expect(store.models.list('seizure-neural')).toHaveLength(2);
    } finally {
      store.close();
    }

    // Without a project: --segments and --out, TF.js files written; segments with standard input refused.
    lines.length = 0;
    const folder = join(tmp.dir, 'model-out');
    expect(await runCli(['seizure', 'train', '--segments', segments, '--out', folder, '--max-epochs', '1', '--backend', 'cpu'], io)).toBe(0);
    expect(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).userDefinedMetadata.cajalSeizureNeural.input).toBe('per-channel');
    errors.length = 0;
    expect(await runCli(['seizure', 'train', '--segments', segments, '--input', 'standard', '--out', join(tmp.dir, 'x')], io)).not.toBe(0);
    expect(errors.join('\n')).toMatch(/labelled segments train the per-channel detector/);
  }, 120_000);
});
