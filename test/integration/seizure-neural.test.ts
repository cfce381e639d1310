/**
 * The neural seizure detector trained on synthetic 19-channel recordings (three of 10 minutes with
 * one or two seizures each) and tested on an unseen one, scored with SzCORE's event scoring; the
 * same model on the real Ombao recording (8 channels at 100 Hz, never seen in training: printed,
 * not asserted); and the `seizure train` / `seizure eval` CLI functions end to end.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../main/cli/commands.js';
import { runCli } from '../../main/cli/main.js';
import { seizureEval, seizureTrain } from '../../main/domains/seizure/cli-neural.js';
import { Engine } from '../../main/engine/index.js';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { ValidationError } from '../../main/errors.js';
import { detectNeural, recordingSeizures, trainNeural, type TrainResult } from '../../main/pipelines/seizure/neural/index.js';
import { scoreEvents, type TimeEvent } from '../../main/pipelines/seizure/scoring/index.js';
import { Store } from '../../main/store/index.js';
import { dataFile, hasSharedData } from '../helpers/data.js';
import { writeSeizureEdf, type SyntheticSeizure } from '../helpers/seizure-edf.js';
import { tempDir } from '../helpers/tmp.js';

const TRAIN: SyntheticSeizure[][] = [
  [{ onsetS: 120, durationS: 60 }],
  [
    { onsetS: 200, durationS: 45 },
    { onsetS: 450, durationS: 80 },
  ],
  [{ onsetS: 300, durationS: 70 }],
];
const UNSEEN: SyntheticSeizure[] = [
  { onsetS: 150, durationS: 50 },
  { onsetS: 420, durationS: 90 },
];
const asEvents = (seizures: SyntheticSeizure[]): TimeEvent[] => seizures.map((s) => [s.onsetS, s.onsetS + s.durationS]);

describe('neural seizure detector, trained on synthetic recordings', () => {
  const tmp = tempDir('cajal-neural-int-');
  let tf: Tfjs;
  let files: string[];
  let unseen: string;
  let trained: TrainResult;

  beforeAll(async () => {
    tf = await activateBackend('wasm');
    files = TRAIN.map((seizures, i) => {
      const file = join(tmp.dir, `train${i + 1}.edf`);
      writeSeizureEdf(file, 600, seizures);
      return file;
    });
    unseen = join(tmp.dir, 'unseen.edf');
    writeSeizureEdf(unseen, 600, UNSEEN);
    const started = performance.now();
    trained = await trainNeural(
      files.map((file, i) => ({ file, seizures: asEvents(TRAIN[i]!) })),
      { seed: 1 },
      () => {},
      { tf },
    );
    console.log(`neural training: ${((performance.now() - started) / 1000).toFixed(1)} s on ${trained.backend}, best epoch ${trained.bestEpoch} of ${trained.history.length}, windows ${JSON.stringify(trained.windows)}`);
  });
  afterAll(() => tmp.cleanup());

  it('detects both seizures of an unseen synthetic recording within SzCORE tolerance, with no false alarm', () => {
    const { events, probabilities, electrodes } = detectNeural(unseen, trained.neural, { requireAllChannels: true });
    expect(electrodes).toHaveLength(19);
    expect(probabilities).toHaveLength(600);
    const score = scoreEvents(asEvents(UNSEEN), events.map((e): TimeEvent => [e.onsetS, e.onsetS + e.durationS]), 600);
    events.forEach((e) => console.log(`neural, unseen synthetic: event ${e.onsetS}–${e.onsetS + e.durationS} s, confidence ${e.confidence.toFixed(2)}, channels ${e.channels.join(' ')}`));
    console.log(`neural, unseen synthetic: sensitivity ${score.sensitivity}, precision ${score.precision}, F1 ${score.f1}, FP/24h ${score.fpRate}`);
    expect(score.tp).toBe(2);
    expect(score.fp).toBe(0);
    events.forEach((e, i) => {
      expect(Math.abs(e.onsetS - UNSEEN[i]!.onsetS)).toBeLessThan(30);
      expect(e.onsetS + e.durationS).toBeLessThan(UNSEEN[i]!.onsetS + UNSEEN[i]!.durationS + 60);
    });
  });

  it.skipIf(!hasSharedData())('runs on the real Ombao recording (8 channels, 100 Hz) with the synthetic-only model and prints its SzCORE scores', () => {
    const file = dataFile('eeg', 'derived', 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf');
    const { seizures } = recordingSeizures(file);
    const { events, probabilities, electrodes } = detectNeural(file, trained.neural);
    expect(electrodes).toHaveLength(8);
    expect(probabilities).toHaveLength(326);
    const score = scoreEvents(seizures, events.map((e): TimeEvent => [e.onsetS, e.onsetS + e.durationS]), 326);
    console.log(
      `neural on Ombao (trained on synthetic only): reference ${seizures.map(([s, e]) => `${s}–${e}`).join(', ')} s; detected ${events.map((e) => `${e.onsetS}–${e.onsetS + e.durationS}`).join(', ') || 'nothing'} s; ` +
        `TP ${score.tp}, FP ${score.fp}, sensitivity ${score.sensitivity}, precision ${score.precision}, F1 ${score.f1}`,
    );
  });

  it('cajal seizure train writes TF.js files and a project model; seizure eval scores it and runs leave-one-recording-out', async () => {
    // The CLI reads seizures from <name>_events.tsv beside each EDF.
    [...files, unseen].forEach((file, i) => {
      const seizures = i < files.length ? TRAIN[i]! : UNSEEN;
      const rows = seizures.map((s) => `${s.onsetS}\t${s.durationS}\tsz\tn/a\tn/a\tn/a\t600`).join('\n');
      writeFileSync(file.replace(/\.edf$/, '_events.tsv'), `onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n${rows}\n`);
    });
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(`ERR ${line}`) };
    const project = join(tmp.dir, 'neural.cajal');
    Store.open(project).close();
    const out = join(tmp.dir, 'model');
    expect(await seizureTrain(files, { out, project, name: 'synthetic', backend: 'wasm', maxEpochs: 15 }, cliContext(io))).toBe(0);
    expect(lines.join('\n')).toMatch(/wrote .*model\.json/);
    expect(lines.join('\n')).toMatch(/stored model #1 in/);
    const store = Store.open(project, { create: false });
    expect(store.models.list('seizure-neural').map((m) => m.name)).toEqual(['synthetic']);
    // Training is a run of the project: the files were imported (#1–#3) and the model is the run's.
    expect(store.models.get(1)!.runId).toBe(store.runs.list().find((run) => run.pipeline === 'seizure-neural-train')!.id);
    store.close();
    const unseenId = files.length + 1;

    // `cajal seizure detect` runs both detectors as project runs (the neural one with the stored
    // model, recorded in its params) and writes one SzCORE TSV each.
    lines.length = 0;
    expect(await runCli(['import', project, unseen], io)).toBe(0);
    const hypothesis = join(tmp.dir, 'unseen-hyp.tsv');
    const detected = await runCli(['seizure', 'detect', project, String(unseenId), '--out', hypothesis], io);
    expect(detected, lines.filter((line) => line.startsWith('ERR')).join('\n')).toBe(0);
    for (const detector of ['classical', 'neural']) {
      const tsv = readFileSync(join(tmp.dir, `unseen-hyp.${detector}.tsv`), 'utf8');
      expect(tsv.trim().split('\n').filter((row) => row.includes('\tsz\t'))).toHaveLength(UNSEEN.length);
    }
    const engine = await Engine.open({ projectPath: project, create: false });
    const neuralRun = engine.store.runs.list().find((run) => run.pipeline === 'seizure-neural')!;
    expect(neuralRun.params.modelId).toBe(1);
    expect(engine.services.seizure.runs(unseenId).map((run) => run.pipeline).sort()).toEqual(['seizure-classical', 'seizure-neural']);
    await engine.close();

    // Without files, training uses the project's recordings and their seizure annotations.
    lines.length = 0;
    expect(await runCli(['seizure', 'train', '--project', project, '--name', 'from the project', '--max-epochs', '5'], io)).toBe(0);
    expect(lines.join('\n')).toMatch(new RegExp(`#${unseenId} .*unseen.*: 2 seizures \\(.*_events\\.tsv\\)$`, 'm'));
    expect(lines.join('\n')).toMatch(/stored model #2 in/);

    lines.length = 0;
    expect(await seizureEval([unseen], { model: out, backend: 'wasm' }, io)).toBe(0);
    const scored = lines.join('\n');
    console.log(scored);
    expect(scored).toMatch(/total\s+2\s+2\s+2\s+0\s+1\.00\s+1\.00\s+1\.00\s+0\.0/);

    lines.length = 0;
    expect(await seizureEval(files, { backend: 'wasm', maxEpochs: 15 }, io)).toBe(0);
    const loro = lines.join('\n');
    console.log(loro);
    expect(loro).toMatch(/^total\s+4\s/m);

    await expect(seizureTrain(files, { backend: 'wasm' }, cliContext(io))).rejects.toBeInstanceOf(ValidationError);
    await expect(seizureEval([files[0]!], { backend: 'wasm' }, io)).rejects.toThrow(/at least two recordings/);
  });
});
