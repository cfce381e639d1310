/**
 * The neural detector (per-channel model, window features) trained per fold, as a segment
 * classifier:
 *
 *   training   one per-channel model from the fold's training segments alone (the neural
 *              trainer, main/pipelines/seizure/neural/train.ts, input 'per-channel'; every whole
 *              4 s window of a segment carries its segment's class), seeded per fold and class;
 *   score      the per-channel detector run on the segment alone; score = mean probability of its
 *              whole windows (./segment-score.ts);
 *   2 classes  one model, ictal vs the rest; ictal when the score reaches the threshold that
 *              maximises balanced accuracy over the training segments' scores (training folds only);
 *   3 classes  one model per class, that class vs the rest (one-vs-rest); the class whose model
 *              scores highest.
 * The training budget is small (8 epochs of 25 batches of 64 windows by default) so ten folds × up to three models run in
 * minutes on two cores; the budget is part of the method's protocol line.
 */
import { deriveSeed } from '../../../../shared/random.js';
import type { Tfjs } from '../../../compute/index.js';
import { ICTAL_LABEL, type LabelledSegment } from '../../../io/segments/types.js';
import { detectPerChannelSamples } from '../channel/detect.js';
import { segmentFeatures } from '../neural/segment-features.js';
import { trainOnFeatures, type NeuralTrainOptionsInput, type RecordingFeatures } from '../neural/train.js';
import type { NeuralSeizureModel } from '../neural/model.js';
import { balancedThreshold } from './cross-validation.js';
import type { SegmentMethod } from './evaluate.js';
import { segmentScore } from './segment-score.js';

export interface NeuralMethodOptions {
  tf: Tfjs;
  /** Training options beyond input and seed (defaults: maxEpochs 8, patience 3, stepsPerEpoch 25 of batch 64). */
  training?: Omit<NeuralTrainOptionsInput, 'input' | 'seed' | 'backend'>;
}

/** The same features with the windows of `positive` segments labelled 1 and every other whole window 0. */
function relabel(features: RecordingFeatures, positive: boolean): RecordingFeatures {
  const labels = Int8Array.from(features.labels, (l) => (l < 0 ? -1 : positive ? 1 : 0));
  return { ...features, labels, seizures: positive ? [[0, features.durationS]] : [] };
}

/**
 * Mean window probability of the per-channel model over each segment alone. Segments of the same
 * rate and length go through the detector together as the channels of one recording — each
 * channel is scored alone, so this only batches the model's calls.
 */
export function neuralSegmentScores(neural: NeuralSeizureModel, segments: readonly LabelledSegment[]): number[] {
  const scores = new Array<number>(segments.length);
  const groups = new Map<string, number[]>();
  segments.forEach((segment, i) => {
    const key = `${segment.rateHz}/${segment.samples.length}`;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  for (const members of groups.values()) {
    const first = segments[members[0]!]!;
    const out = detectPerChannelSamples(
      members.map((i) => ({ label: segments[i]!.id, rateHz: first.rateHz, samples: segments[i]!.samples })),
      { kind: 'neural', neural },
    );
    const channels = members.length;
    const seconds = out.channelProbabilities.length / channels;
    const trace = new Float32Array(seconds);
    members.forEach((i, c) => {
      for (let t = 0; t < seconds; t++) trace[t] = out.channelProbabilities[t * channels + c]!;
      scores[i] = segmentScore(trace, 0, first.samples.length / first.rateHz);
    });
  }
  return scores;
}

export function neuralMethod(options: NeuralMethodOptions): SegmentMethod {
  const training = { maxEpochs: 8, patience: 3, stepsPerEpoch: 25, ...options.training };
  const cache = new WeakMap<LabelledSegment, RecordingFeatures>();
  const features = (segment: LabelledSegment): RecordingFeatures => {
    let f = cache.get(segment);
    if (!f) {
      f = segmentFeatures(segment);
      cache.set(segment, f);
    }
    return f;
  };
  const budget = Object.entries(training)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(', ');

  /** Trains the model of `positive` vs the rest on the training items and scores `segments` with it. */
  const trainAndScore = async (train: readonly { segment: LabelledSegment; positive: boolean }[], segments: readonly LabelledSegment[], seed: number): Promise<number[]> => {
    const result = await trainOnFeatures(
      train.map((item) => relabel(features(item.segment), item.positive)),
      { ...training, input: 'per-channel', seed },
      () => {},
      { tf: options.tf },
    );
    try {
      return neuralSegmentScores(result.neural, segments);
    } finally {
      result.neural.model.dispose();
    }
  };

  return {
    id: 'neural',
    title: 'Neural detector (per channel, trained per fold)',
    protocol:
      `per-channel model trained on the training folds only (${budget}, seeded per fold); score = mean window probability over the segment; ` +
      '2 classes: ictal when the score reaches the threshold maximising balanced accuracy on the training segments; 3 classes: one model per class (one-vs-rest), highest score wins',
    async predict(train, test, context) {
      const trainSegments = train.map((item) => item.segment);
      const testSegments = test.map((item) => item.segment);
      const binary = context.classes.length === 2;
      if (binary) {
        const seed = deriveSeed(context.seed, 0x0e0a, context.fold) % 2 ** 31;
        const scores = await trainAndScore(
          train.map((item) => ({ segment: item.segment, positive: item.cls === ICTAL_LABEL })),
          [...trainSegments, ...testSegments],
          seed,
        );
        const threshold = balancedThreshold(scores.slice(0, train.length), train.map((item) => item.cls === ICTAL_LABEL));
        const other = context.classes.find((c) => c !== ICTAL_LABEL)!;
        return scores.slice(train.length).map((s) => (s >= threshold ? ICTAL_LABEL : other));
      }
      const perClass: number[][] = [];
      for (const [k, cls] of context.classes.entries()) {
        const seed = deriveSeed(context.seed, 0x0e0a, context.fold, k + 1) % 2 ** 31;
        perClass.push(await trainAndScore(train.map((item) => ({ segment: item.segment, positive: item.cls === cls })), testSegments, seed));
      }
      return test.map((_, i) => {
        let best = 0;
        for (let k = 1; k < perClass.length; k++) if (perClass[k]![i]! > perClass[best]![i]!) best = k;
        return context.classes[best]!;
      });
    },
  };
}
