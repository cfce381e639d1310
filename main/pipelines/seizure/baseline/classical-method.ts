/**
 * The classical detector (per channel, main/pipelines/seizure/channel/detect.ts) as a segment
 * classifier. It needs no training but judges line length against the channel's own background
 * (25th percentile of the last 300 s), which a 5–24 s segment alone does not have. Protocol:
 *
 *   background  the fold's training segments that are not ictal, in a seeded order (one shuffle
 *               per fold), resampled to 256 Hz and joined until they last ≥ backgroundS (300 s by
 *               default, the detector's own background length), cut to whole seconds;
 *   score       run the detector on background + segment, and average its probability over the
 *               windows wholly inside the segment (./segment-score.ts);
 *   threshold   the cut maximising balanced accuracy over training segments' scores — up to
 *               thresholdSegments (30) ictal and as many non-ictal training segments drawn with the
 *               fold's seed, each scored the same way with itself left out of its background (a
 *               run costs 300 s of detection; scoring all ~270 training segments of every fold
 *               would take minutes) — so nothing of the test fold is seen;
 *   decision    score ≥ threshold → ictal. The detector knows only "ictal or not": on 3-class
 *               tasks it is scored as ictal vs the rest (scope 'ictal-vs-rest').
 */
import type { LabelledSegment } from '../../../io/segments/types.js';
import { ICTAL_LABEL } from '../../../io/segments/types.js';
import { deriveSeed, seededRandom, shuffleInPlace } from '../../../../shared/random.js';
import { detectPerChannelSamples } from '../channel/detect.js';
import { WINDOW_RATE_HZ } from '../channel/feature-set.js';
import { resampleToRate } from '../channel/resample.js';
import { balancedThreshold } from './cross-validation.js';
import { NON_ICTAL, type SegmentMethod } from './evaluate.js';
import { segmentScore } from './segment-score.js';
import type { TaskItem } from './tasks.js';

export interface ClassicalMethodOptions {
  /** Seconds of background before each segment (default 300). */
  backgroundS?: number;
  /** Training segments per side (ictal, non-ictal) scored to choose the threshold (default 30). */
  thresholdSegments?: number;
}

export function classicalMethod(options: ClassicalMethodOptions = {}): SegmentMethod {
  const backgroundS = options.backgroundS ?? 300;
  const thresholdSegments = options.thresholdSegments ?? 30;
  const at256 = new WeakMap<LabelledSegment, Float64Array>();
  const resampled = (segment: LabelledSegment): Float64Array => {
    let x = at256.get(segment);
    if (!x) {
      x = segment.rateHz === WINDOW_RATE_HZ ? Float64Array.from(segment.samples) : resampleToRate(segment.samples, segment.rateHz, WINDOW_RATE_HZ);
      at256.set(segment, x);
    }
    return x;
  };

  /** background (whole seconds) + the segment, scored. */
  const score = (background: readonly LabelledSegment[], segment: LabelledSegment): number => {
    const parts: Float64Array[] = [];
    let length = 0;
    for (const s of background) {
      if (s === segment) continue;
      const x = resampled(s);
      parts.push(x);
      length += x.length;
      if (length >= backgroundS * WINDOW_RATE_HZ) break;
    }
    const startS = Math.floor(length / WINDOW_RATE_HZ);
    const own = resampled(segment);
    const joined = new Float64Array(startS * WINDOW_RATE_HZ + own.length);
    let at = 0;
    for (const x of parts) {
      const take = Math.min(x.length, startS * WINDOW_RATE_HZ - at);
      joined.set(x.subarray(0, take), at);
      at += take;
    }
    joined.set(own, startS * WINDOW_RATE_HZ);
    const out = detectPerChannelSamples([{ label: segment.id, rateHz: WINDOW_RATE_HZ, samples: joined }], { kind: 'classical' });
    return segmentScore(out.channelProbabilities, startS, own.length / WINDOW_RATE_HZ);
  };

  return {
    id: 'classical',
    title: 'Classical detector (per channel, untrained)',
    scope: 'ictal-vs-rest',
    protocol:
      `no training; each segment is scored after ${backgroundS} s of the training folds' non-ictal segments (its background), ` +
      `score = mean probability of the windows inside the segment; ictal when the score reaches the threshold that maximises balanced accuracy on ≤ ${thresholdSegments} ictal and ≤ ${thresholdSegments} non-ictal training segments (scored the same way)`,
    async predict(train: readonly TaskItem[], test: readonly TaskItem[], context) {
      const background = train.filter((item) => item.cls !== ICTAL_LABEL).map((item) => item.segment);
      shuffleInPlace(background, seededRandom(deriveSeed(context.seed, 0x5eed, context.fold)));
      const available = background.reduce((s, seg) => s + seg.samples.length / seg.rateHz, 0);
      if (available < backgroundS) {
        // Small collections (tests): the background is what the training folds have.
        if (background.length < 2) throw new RangeError(`classical method: fold ${context.fold} has ${background.length} non-ictal training segment(s); the background needs at least 2`);
      }
      const random = seededRandom(deriveSeed(context.seed, 0x7e57, context.fold));
      const side = (ictal: boolean): TaskItem[] => {
        const items = train.filter((item) => (item.cls === ICTAL_LABEL) === ictal);
        shuffleInPlace(items, random);
        return items.slice(0, thresholdSegments);
      };
      const sample = [...side(true), ...side(false)];
      const threshold = balancedThreshold(
        sample.map((item) => score(background, item.segment)),
        sample.map((item) => item.cls === ICTAL_LABEL),
      );
      return test.map((item) => (score(background, item.segment) >= threshold ? ICTAL_LABEL : NON_ICTAL));
    },
  };
}
