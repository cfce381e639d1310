/**
 * The neural seizure detector on small synthetic data: feature frames, model shapes for any channel
 * count, labels, the shared hysteresis, deterministic training, TF.js round trips (folder, bundle,
 * project store) giving identical predictions, annotation sources, progress and cancellation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { FileAccessError, FormatError, ValidationError } from '../../main/errors.js';
import { writeEdfFile } from '../../main/io/edf/index.js';
import { CancelledError } from '../../main/jobs/pipeline.js';
import { seededRandom } from '../../shared/random.js';
import { ClassicalDetector, DEFAULT_CLASSICAL_PARAMS } from '../../main/pipelines/seizure/classical.js';
import {
  buildModel,
  detectNeural,
  exportModel,
  FEATURE_COUNT,
  FeatureExtractor,
  hysteresisEvents,
  importModel,
  untrainedConfig,
  inputWidth,
  loadNeuralModel,
  modelFromBundle,
  modelToBundle,
  recordingSeizures,
  saveNeuralModel,
  trainNeural,
  windowLabel,
  type NeuralModelConfig,
  type TrainingRecording,
  type TrainProgress,
  type TrainResult,
} from '../../main/pipelines/seizure/neural/index.js';
import { Store } from '../../main/store/index.js';
import { writeSeizureEdf } from '../helpers/seizure-edf.js';
import { tempDir } from '../helpers/tmp.js';

const config = (lagsS: number[]): NeuralModelConfig => untrainedConfig(lagsS, 3);

const weightsOf = (model: tfTypes.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('neural seizure detector', () => {
  const tmp = tempDir('cajal-neural-');
  let tf: Tfjs;
  let recordings: TrainingRecording[];
  let trained: TrainResult;
  const small = { maxEpochs: 3, stepsPerEpoch: 8, seed: 5 };

  beforeAll(async () => {
    tf = await activateBackend('wasm');
    recordings = [
      { file: join(tmp.dir, 'a.edf'), seizures: [[100, 140]] },
      { file: join(tmp.dir, 'b.edf'), seizures: [[60, 110]] },
    ];
    writeSeizureEdf(recordings[0]!.file, 240, [{ onsetS: 100, durationS: 40 }]);
    writeSeizureEdf(recordings[1]!.file, 240, [{ onsetS: 60, durationS: 50 }]);
    trained = await trainNeural(recordings, small, () => {}, { tf });
  });
  afterAll(() => tmp.cleanup());

  it('extracts one frame of FEATURE_COUNT values per channel per second, zero before the first window fills', () => {
    const extractor = new FeatureExtractor(3);
    const frame = new Float32Array(3 * FEATURE_COUNT);
    let state = 1;
    const noise = () => Float64Array.from({ length: 256 }, () => ((state = (state * 16807) % 2147483647) / 2147483647 - 0.5) * 50);
    for (let s = 0; s < 3; s++) extractor.pushSecond([noise(), noise(), noise()], frame);
    expect(extractor.ready).toBe(false);
    expect(Array.from(frame).every((v) => v === 0)).toBe(true);
    for (let s = 0; s < 30; s++) extractor.pushSecond([noise(), noise(), noise()], frame);
    expect(Array.from(frame).every(Number.isFinite)).toBe(true);
    expect(Array.from(frame).some((v) => v !== 0)).toBe(true);
    // Ten times the amplitude: power and line length features jump by log2(100) and log2(10).
    const loud = () => noise().map((v) => v * 10);
    for (let s = 0; s < 4; s++) extractor.pushSecond([loud(), loud(), loud()], frame);
    expect(frame[8]).toBeGreaterThan(5.5);
    expect(frame[9]).toBeGreaterThan(2.8);
  });

  it('gives one probability per window for any channel count, with channel-shared weights', () => {
    const neural = buildModel(tf, config([0, 2]));
    const width = inputWidth(neural.config);
    expect(width).toBe(2 * FEATURE_COUNT);
    for (const channels of [1, 8, 19]) {
      const out = tf.tidy(() => (neural.model.predict(tf.randomNormal([5, channels, width], 0, 1, 'float32', 1)) as tfTypes.Tensor).arraySync()) as number[][];
      expect(out).toHaveLength(5);
      for (const [p] of out) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1);
      }
    }
    // Channel order does not matter (max and mean pooling).
    const x = tf.randomNormal([2, 6, width], 0, 1, 'float32', 2);
    const reversed = tf.reverse(x, 1);
    const a = (neural.model.predict(x) as tfTypes.Tensor).dataSync();
    const b = (neural.model.predict(reversed) as tfTypes.Tensor).dataSync();
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 6));
    // Same seed, same initial weights; another seed, others.
    expect(weightsOf(buildModel(tf, config([0, 2])).model)).toEqual(weightsOf(neural.model));
    expect(weightsOf(buildModel(tf, { ...config([0, 2]), seed: 4 }).model)).not.toEqual(weightsOf(neural.model));
  });

  it('labels windows wholly inside a seizure 1, touching none 0, straddling −1', () => {
    const seizures = [[100, 140]] as const;
    expect(windowLabel(50, seizures)).toBe(0);
    expect(windowLabel(96, seizures)).toBe(0); // [93, 97)
    expect(windowLabel(100, seizures)).toBe(-1); // [97, 101)
    expect(windowLabel(103, seizures)).toBe(1); // [100, 104)
    expect(windowLabel(139, seizures)).toBe(1); // [136, 140)
    expect(windowLabel(140, seizures)).toBe(-1);
    expect(windowLabel(143, seizures)).toBe(0);
  });

  it('turns a probability trace into events with exactly the classical hysteresis', () => {
    const random = seededRandom(9);
    const p = Array.from({ length: 400 }, (_, i) => (i > 100 && i < 160) || (i > 300 && i < 308) ? 0.6 + 0.4 * random() : 0.3 * random());
    const votes = p.map((v) => [v, v / 2, 0.9]);
    const classical = new ClassicalDetector(['Fp1', 'F3', 'C3'], 256, DEFAULT_CLASSICAL_PARAMS);
    p.forEach((v, i) => {
      classical.probabilities.push(v);
      classical.votes.push(votes[i]!);
    });
    const events = hysteresisEvents(['Fp1', 'F3', 'C3'], p, votes);
    expect(events).toEqual(classical.events());
    expect(events.map((e) => e.onsetS)).toEqual([98, 298]);
    expect(events[0]!.channels).toEqual(['Fp1', 'C3']);
  });

  it('trains deterministically: the same data, options and seed give the same weights', async () => {
    const again = await trainNeural(recordings, small, () => {}, { tf });
    expect(weightsOf(again.neural.model)).toEqual(weightsOf(trained.neural.model));
    expect(again.history).toEqual(trained.history);
    expect(Buffer.from(await modelToBundle(again.neural)).equals(Buffer.from(await modelToBundle(trained.neural)))).toBe(true);
    const other = await trainNeural(recordings, { ...small, seed: 6 }, () => {}, { tf });
    expect(weightsOf(other.neural.model)).not.toEqual(weightsOf(trained.neural.model));
    expect(trained.windows.train.seizure).toBeGreaterThan(0);
    expect(trained.windows.validation.background).toBeGreaterThan(0);
    expect(trained.bestEpoch).toBeGreaterThanOrEqual(1);
  });

  it('round-trips weights through TF.js files, a byte bundle and the project store with identical predictions', async () => {
    const reference = detectNeural(recordings[0]!.file, trained.neural);
    expect(reference.probabilities).toHaveLength(240);
    expect(reference.electrodes).toHaveLength(19);

    const folder = join(tmp.dir, 'exported');
    const written = await exportModel(trained.neural, folder);
    expect(written.map((p) => p.slice(folder.length + 1))).toEqual(['model.json', 'group1-shard1of1.bin']);
    const modelJson = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { format: string; weightsManifest: { paths: string[] }[]; userDefinedMetadata: Record<string, unknown> };
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0]!.paths).toEqual(['group1-shard1of1.bin']);
    expect(modelJson.userDefinedMetadata).toHaveProperty('cajalSeizureNeural');
    const imported = await importModel(tf, folder);
    expect(imported.config).toEqual(trained.neural.config);
    expect(detectNeural(recordings[0]!.file, imported).probabilities).toEqual(reference.probabilities);

    const bundled = await modelFromBundle(tf, await modelToBundle(trained.neural));
    expect(detectNeural(recordings[0]!.file, bundled).probabilities).toEqual(reference.probabilities);

    const store = Store.open(join(tmp.dir, 'models.cajal'));
    try {
      const id = await saveNeuralModel(store, trained.neural, 'unit test model');
      const listed = store.models.list('seizure-neural');
      expect(listed.map((m) => [m.id, m.name, m.format])).toEqual([[id, 'unit test model', 'tfjs-layers']]);
      const loaded = await loadNeuralModel(tf, store, id);
      expect(detectNeural(recordings[0]!.file, loaded).probabilities).toEqual(reference.probabilities);
      await expect(loadNeuralModel(tf, store, id + 1)).rejects.toThrow(/model #\d+ not found/);
    } finally {
      store.close();
    }
  });

  it('refuses model folders that are missing, foreign or inconsistent, saying why', async () => {
    await expect(importModel(tf, join(tmp.dir, 'nowhere'))).rejects.toBeInstanceOf(FileAccessError);
    const folder = join(tmp.dir, 'foreign');
    await exportModel(trained.neural, folder);
    const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ ...json, userDefinedMetadata: {} }));
    await expect(importModel(tf, folder)).rejects.toThrow(ValidationError);
    await expect(importModel(tf, folder)).rejects.toThrow(/not trained for Cajal's seizure features/);
    writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
    writeFileSync(join(folder, 'group1-shard1of1.bin'), Buffer.alloc(12));
    await expect(importModel(tf, folder)).rejects.toThrow(FormatError);
    writeFileSync(join(folder, 'model.json'), '{ not json');
    await expect(importModel(tf, join(folder, 'model.json'))).rejects.toThrow(/not JSON/);
  });

  it('reads training seizures from an events TSV beside the file, else from EDF+ annotations', () => {
    const edf = join(tmp.dir, 'annotated.edf');
    writeEdfFile(edf, {
      variant: 'edf+C',
      dataRecordDurationS: 1,
      recordCount: 100,
      signals: ['C3', 'C4', 'P3', 'P4'].map((e) => ({ label: `EEG ${e}`, physicalDimension: 'uV', physicalMin: -500, physicalMax: 500, samplesPerRecord: 64, values: () => new Float64Array(64) })),
      annotations: [
        { onsetS: 10, durationS: 20, text: 'Seizure onset left temporal' },
        { onsetS: 40, durationS: 0, text: 'sz' },
        { onsetS: 50, durationS: 5, text: 'SZ_foc' },
        { onsetS: 60, durationS: 5, text: 'eyes open' },
      ],
    });
    const fromEdf = recordingSeizures(edf);
    expect(fromEdf.seizures).toEqual([
      [10, 30],
      [50, 55],
    ]);
    expect(fromEdf.source).toBe('EDF+ annotations');
    expect(fromEdf.warnings).toEqual([expect.stringMatching(/"sz" at 40 s has no duration/)]);
    writeFileSync(join(tmp.dir, 'annotated_events.tsv'), 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n70\t12.5\tsz_foc_ia\tn/a\tn/a\tn/a\t100\n');
    const fromTsv = recordingSeizures(edf);
    expect(fromTsv.seizures).toEqual([[70, 82.5]]);
    expect(fromTsv.source).toMatch(/annotated_events\.tsv$/);
  });

  it('reports progress per chunk and epoch, and stops on cancellation', async () => {
    const seen: TrainProgress[] = [];
    await trainNeural(recordings.slice(0, 1), { ...small, maxEpochs: 2 }, (p) => seen.push(p), { tf });
    expect(seen.filter((p) => p.phase === 'features').map((p) => (p.phase === 'features' ? p.doneS : 0))).toEqual([60, 120, 180, 240]);
    expect(seen.filter((p) => p.phase === 'training').map((p) => (p.phase === 'training' ? p.epoch : 0))).toEqual([1, 2]);

    const chunks: number[] = [];
    detectNeural(recordings[0]!.file, trained.neural, {}, { onProgress: (doneS) => chunks.push(doneS) });
    expect(chunks).toEqual([60, 120, 180, 240]);

    const controller = new AbortController();
    expect(() =>
      detectNeural(recordings[0]!.file, trained.neural, {}, { signal: controller.signal, onProgress: (doneS) => doneS >= 120 && controller.abort() }),
    ).toThrow(CancelledError);
    const aborted = new AbortController();
    aborted.abort();
    await expect(trainNeural(recordings, small, () => {}, { tf, signal: aborted.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses training data without seizure windows and bad options', async () => {
    await expect(trainNeural([{ file: recordings[0]!.file, seizures: [] }], small, () => {}, { tf })).rejects.toThrow(/no seizure window/);
    await expect(trainNeural(recordings, { ...small, batchSize: 1 }, () => {}, { tf })).rejects.toThrow(ValidationError);
  });
});
