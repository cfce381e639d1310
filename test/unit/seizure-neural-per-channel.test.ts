/**
 * Per-channel training of the neural seizure detector on window features: labelled segments
 * (channels = 1) from two synthetic collections at other rates than 256 Hz and a multi-channel EDF
 * recording with a seizure on one channel (multiple-instance), a separable problem it must learn;
 * held-out parts by segment, never by window; determinism; round trips through the bundle; refusals.
 */
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { ValidationError } from '../../main/errors.js';
import { writeEdfFile } from '../../main/io/edf/index.js';
import type { LabelledSegment } from '../../main/io/segments/types.js';
import { WINDOW_FEATURE_COUNT, WINDOW_FEATURE_VERSION } from '../../main/pipelines/seizure/channel/feature-set.js';
import {
  labelledScores,
  modelFromBundle,
  modelToBundle,
  recordingFeatures,
  recordingWindowFeatures,
  scoreWindows,
  segmentFeatures,
  trainOnFeatures,
  type RecordingFeatures,
  type TrainResult,
} from '../../main/pipelines/seizure/neural/index.js';
import { seededRandom } from '../../shared/random.js';
import { writeSeizureEdf } from '../helpers/seizure-edf.js';
import { tempDir } from '../helpers/tmp.js';

const weightsOf = (model: tfTypes.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

/**
 * A synthetic segment: background is broadband noise of ~20 µV; a seizure adds a 5 Hz rhythm of
 * ~150 µV with spiky harmonics (the features' rhythmicity, amplitude and band shares separate them).
 */
function syntheticSegment(id: string, ictal: boolean, rateHz: number, durationS: number, seed: number): LabelledSegment {
  const random = seededRandom(seed);
  const n = Math.round(rateHz * durationS);
  const samples = new Float32Array(n);
  let smooth = 0;
  const phase = random() * 2 * Math.PI;
  for (let i = 0; i < n; i++) {
    smooth = 0.8 * smooth + 0.2 * (random() - 0.5) * 120;
    const t = i / rateHz;
    const rhythm = ictal ? 150 * Math.sin(2 * Math.PI * 5 * t + phase) + 60 * Math.sin(2 * Math.PI * 10 * t + 2 * phase) : 0;
    samples[i] = smooth + rhythm;
  }
  return { id, file: `/synthetic/${id}.txt`, label: ictal ? 'ictal' : 'interictal', group: ictal ? 'E' : 'C', rateHz, samples };
}

function collection(name: string, rateHz: number, durationS: number, perClass: number, seed: number): RecordingFeatures[] {
  const features: RecordingFeatures[] = [];
  for (let i = 0; i < perClass; i++) {
    features.push(segmentFeatures(syntheticSegment(`${name}/ictal${i}`, true, rateHz, durationS, seed + 2 * i), name));
    features.push(segmentFeatures(syntheticSegment(`${name}/bg${i}`, false, rateHz, durationS, seed + 2 * i + 1), name));
  }
  return features;
}

describe('per-channel neural training on labelled segments and recordings', () => {
  const tmp = tempDir('cajal-neural-pc-');
  let tf: Tfjs;
  let train: RecordingFeatures[];
  let trained: TrainResult;
  const options = { input: 'per-channel' as const, maxEpochs: 4, stepsPerEpoch: 12, seed: 3, batchSize: 32 };

  beforeAll(async () => {
    tf = await activateBackend('wasm');
    train = [...collection('bonn-like', 173.61, 23.6, 10, 100), ...collection('delhi-like', 200, 5.12, 10, 500)];
    trained = await trainOnFeatures(train, options, () => {}, { tf });
  });
  afterAll(() => tmp.cleanup());

  it('turns a segment into one channel of window features, every whole window labelled by its class', () => {
    const bonn = segmentFeatures(syntheticSegment('E/S001', true, 173.61, 23.6, 1), 'bonn');
    expect(bonn.span.channels).toBe(1);
    expect(bonn.totalS).toBe(23);
    expect(bonn.span.frames.length).toBe(23 * WINDOW_FEATURE_COUNT);
    expect(Array.from(bonn.labels)).toEqual([-1, -1, -1, ...new Array<number>(20).fill(1)]);
    expect(bonn.seizures).toEqual([[0, 4097 / 173.61]]);
    expect(bonn.collection).toBe('bonn');
    const delhi = segmentFeatures(syntheticSegment('interictal/1', false, 200, 5.12, 2));
    expect(Array.from(delhi.labels)).toEqual([-1, -1, -1, 0, 0]);
    expect(delhi.seizures).toEqual([]);
    // Shorter than one window: its single frame, labelled.
    const short = segmentFeatures(syntheticSegment('ictal/short', true, 200, 2.5, 3));
    expect(short.span).toMatchObject({ firstS: 3, channels: 1 });
    expect(Array.from(short.labels)).toEqual([-1, -1, -1, 1]);
  });

  it('learns a separable problem: held-out synthetic segments of both collections classified', async () => {
    expect(trained.neural.config).toMatchObject({ input: 'per-channel', featureVersion: WINDOW_FEATURE_VERSION, lagsS: [0] });
    expect(trained.neural.config.featureNames).toHaveLength(WINDOW_FEATURE_COUNT);
    expect(trained.neural.config.training).toMatchObject({ collections: { 'bonn-like': { recordings: 20, seizure: 10, background: 10 }, 'delhi-like': { recordings: 20 } } });
    const unseen = [...collection('bonn-like', 173.61, 23.6, 6, 9000), ...collection('delhi-like', 200, 5.12, 6, 9500)];
    const scores = labelledScores(scoreWindows(trained.neural, unseen));
    expect(scores.segments.n).toBe(24);
    expect(scores.segments.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(scores.windows.sensitivity).toBeGreaterThanOrEqual(0.9);
    expect(scores.windows.specificity).toBeGreaterThanOrEqual(0.9);
    // An untrained model does not: the test can fail.
    const untrained = await trainOnFeatures(train, { ...options, maxEpochs: 1, stepsPerEpoch: 1, learningRate: 1e-6 }, () => {}, { tf });
    expect(labelledScores(scoreWindows(untrained.neural, unseen)).segments.accuracy).toBeLessThan(0.9);
    untrained.neural.model.dispose();
  });

  it('holds out whole segments, never single windows, drawn per collection and class', () => {
    const { validation, train: used } = trained.windows;
    // Bonn-like segments give 20 windows, Delhi-like 2: a held-out part made of whole segments of
    // both collections (2 + 2 per class at a fifth of 10) has 2·20 + 2·2 windows per class.
    expect(validation).toEqual({ seizure: 44, background: 44 });
    expect(used).toEqual({ seizure: 8 * 20 + 8 * 2, background: 8 * 20 + 8 * 2 });
  });

  it('trains deterministically and round-trips through the bundle with identical predictions', async () => {
    const again = await trainOnFeatures(train, options, () => {}, { tf });
    expect(weightsOf(again.neural.model)).toEqual(weightsOf(trained.neural.model));
    expect(again.history).toEqual(trained.history);
    const other = await trainOnFeatures(train, { ...options, seed: 4 }, () => {}, { tf });
    expect(weightsOf(other.neural.model)).not.toEqual(weightsOf(trained.neural.model));
    const bundle = await modelToBundle(trained.neural);
    expect(Buffer.from(await modelToBundle(again.neural)).equals(Buffer.from(bundle))).toBe(true);
    const loaded = await modelFromBundle(tf, bundle);
    expect(loaded.config).toEqual(trained.neural.config);
    const probe = train.slice(0, 6);
    expect(scoreWindows(loaded, probe).map((s) => Array.from(s.probabilities))).toEqual(scoreWindows(trained.neural, probe).map((s) => Array.from(s.probabilities)));
    for (const m of [again, other]) m.neural.model.dispose();
  });

  it('trains on a multi-channel recording with a seizure in one channel (pooled over channels) beside segments', async () => {
    const file = join(tmp.dir, 'focal.edf');
    const durationS = 120;
    const focal = syntheticSegment('focal', true, 200, durationS, 77).samples;
    const quiet = (seed: number) => syntheticSegment(`q${seed}`, false, 200, durationS, seed).samples;
    const channels = [quiet(1), quiet(2), quiet(3)];
    // The seizure: 50–90 s on the third channel only.
    const third = Float32Array.from(channels[2]!, (v, i) => (i >= 50 * 200 && i < 90 * 200 ? focal[i]! : v));
    writeEdfFile(file, {
      variant: 'edf+C',
      dataRecordDurationS: 1,
      recordCount: durationS,
      signals: [channels[0]!, channels[1]!, third].map((data, c) => ({
        label: `EEG T${c + 3}`,
        physicalDimension: 'uV',
        physicalMin: -1000,
        physicalMax: 1000,
        samplesPerRecord: 200,
        values: (record: number) => Float64Array.from(data.subarray(record * 200, (record + 1) * 200)),
      })),
      annotations: [{ onsetS: 50, durationS: 40, text: 'seizure' }],
    });
    const recording = recordingWindowFeatures({ file, seizures: [[50, 90]], collection: 'recordings' });
    expect(recording.span.channels).toBe(3);
    expect(recording.electrodes).toEqual(['EEG T3', 'EEG T4', 'EEG T5']);
    expect(recording.labels[60]).toBe(1);
    expect(recording.labels[51]).toBe(-1);
    expect(recording.labels[20]).toBe(0);
    const result = await trainOnFeatures([...train, recording], options, () => {}, { tf });
    const [scored] = scoreWindows(result.neural, [recording]);
    const inside = Array.from(scored!.probabilities).filter((_, i) => scored!.labels[i] === 1);
    const outside = Array.from(scored!.probabilities).filter((_, i) => scored!.labels[i] === 0);
    expect(Math.min(...inside)).toBeGreaterThan(0.5);
    expect(Math.max(...outside)).toBeLessThan(0.5);
    result.neural.model.dispose();
  });

  it('refuses features of the other input, and a checkpoint of the other input', async () => {
    const edf = join(tmp.dir, 'standard.edf');
    writeSeizureEdf(edf, 120, [{ onsetS: 40, durationS: 30 }]);
    const standard = recordingFeatures({ file: edf, seizures: [[40, 70]] });
    await expect(trainOnFeatures([standard], options, () => {}, { tf })).rejects.toThrow(ValidationError);
    await expect(trainOnFeatures([standard], options, () => {}, { tf })).rejects.toThrow(/do not fit per-channel input \(14 features/);
    await expect(trainOnFeatures(train, { ...options, input: 'standard' }, () => {}, { tf })).rejects.toThrow(/do not fit standard input/);
    await expect(trainOnFeatures([standard], { maxEpochs: 1, stepsPerEpoch: 1 }, () => {}, { tf, resume: { neural: trained.neural, history: trained.history } })).rejects.toThrow(
      /takes per-channel input, not standard/,
    );
  });
});
