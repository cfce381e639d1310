/**
 * Pipelines declare the kinds of recording they read; the runner refuses any other with a sentence
 * before a run exists (a wrong click used to leave a failed run ending in a parser error).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingKind } from '../../shared/api/index.js';
import { Engine } from '../../main/engine/index.js';
import { writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

const SWC = '# a soma and a forked neurite\n1 1 0 0 0 1 -1\n2 3 0 5 0 0.5 1\n3 3 0 10 0 0.4 2\n4 3 3 14 0 0.3 3\n5 3 -3 14 0 0.3 3\n';

describe('recording kinds', () => {
  const tmp = tempDir('cajal-kinds-');
  let engine: Engine;
  let eegId: number;
  let swcId: number;

  beforeAll(async () => {
    engine = await Engine.open({ projectPath: join(tmp.dir, 'kinds.cajal'), maxConcurrent: 1 });
    const swc = join(tmp.dir, 'fork.swc');
    writeFileSync(swc, SWC);
    const { imported } = await engine.importRecordings([writeSineEdf(join(tmp.dir, 'sine.edf'), { channels: 4, sampleRateHz: 128, durationS: 30 }), swc]);
    [eegId, swcId] = imported.map((r) => r.id) as [number, number];
    expect(imported.map(recordingKind)).toEqual(['eeg', 'morphology']);
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it('every pipeline says which kinds it reads', () => {
    const kinds = Object.fromEntries(engine.registry.list().map((p) => [p.name, p.recordingKinds]));
    expect(kinds).toMatchObject({
      rms: ['eeg'],
      'seizure-classical': ['eeg'],
      'seizure-neural': ['eeg'],
      'seizure-neural-train': ['eeg'],
      ntf: ['calcium'],
      'morphology-metrics': ['morphology'],
      'fisbe-eval': [],
    });
  });

  it('refuses a recording of another kind before the run exists, in a sentence', () => {
    expect(() => engine.runner.start('seizure-classical', swcId, {})).toThrow(
      'recordingId: "Detect seizures (classical)" works on EEG recordings; recording 2 (fork.swc) is a morphology recording',
    );
    expect(() => engine.runner.start('morphology-metrics', eegId, {})).toThrow(/works on morphology recordings; recording 1 \(sine\.edf\) is an EEG recording/);
    expect(() => engine.runner.start('ntf', null, { recordingIds: [eegId] })).toThrow(/works on calcium imaging recordings; recording 1 \(sine\.edf\) is an EEG recording/);
    expect(engine.store.runs.list()).toEqual([]);
  });

  it('runs a pipeline on the kind it reads', async () => {
    const run = engine.runner.start('morphology-metrics', swcId, {});
    await engine.runner.idle();
    expect(engine.store.runs.get(run.id)!.status).toBe('succeeded');
  });
});
