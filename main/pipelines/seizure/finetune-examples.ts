/**
 * The clinician's triage decisions as training examples for fine-tuning the neural detector.
 *
 * A recording's reviewed examples are time spans [start, end) s:
 * - accepted: events the reviewer accepted (with the bounds they settled on) — seizure;
 * - rejected: events the reviewer rejected — not seizure (a hard negative: the detector fired there);
 * - unreviewed: events nobody decided on — unknown, neither trained on nor used as background.
 * Spans of the same class from several detection runs are merged; where a rejected span overlaps
 * an accepted one the accepted one wins for the overlap (a confirmed seizure is never taught as
 * background).
 *
 * Per-second labels (the window ending at second t covers [t − 3, t + 1) s, as train.ts labels):
 * 1 for a window wholly inside an accepted span; 0 for a window that overlaps a rejected span and no
 * accepted one; −1 (left out) for windows straddling an accepted span's edge, touching an unreviewed
 * or held-out span, or lying within REPLAY_MARGIN_S of an accepted span (pre- and post-ictal
 * seconds, whose label is a guess). The remaining background seconds are the replay pool: a seeded
 * sample of them (as many as the rejected windows times `replayRatio`, at least `replayMin`) is
 * labelled 0, so the model keeps seeing ordinary background beside the hard negatives and does not
 * drift towards calling everything unusual a non-seizure (or forget what background looks like).
 *
 * Per-channel models (input 'per-channel') use the same labels on the recording's channels pooled
 * as in training (multiple-instance): an accepted span says "some channel seizes", so the pooled
 * window probability must be high; a rejected span says "no channel seizes", so every channel is a
 * negative through the pooled output (max pooling cannot be low unless every channel is).
 */
import { z } from 'zod';
import { seededRandom } from '../../../shared/random.js';
import { FEATURE_WINDOW_S } from './neural/features.js';
import { FIRST_READY_SECOND } from './neural/windows.js';

export type Span = [number, number];

const SpanSchema = z.tuple([z.number().nonnegative(), z.number().nonnegative()]).refine(([s, e]) => e > s, { message: 'a span must end after it starts' });

export const ReviewedRecording = z
  .object({
    accepted: z.array(SpanSchema).default([]),
    rejected: z.array(SpanSchema).default([]),
    unreviewed: z.array(SpanSchema).default([]),
  })
  .strict();
export type ReviewedRecording = z.infer<typeof ReviewedRecording>;

/** Seconds around an accepted span left out of the replay pool (pre-/post-ictal, ambiguous). */
export const REPLAY_MARGIN_S = 30;

export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.map(([s, e]) => [s, e] as Span).sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** `spans` with the parts covered by `minus` removed (pieces shorter than 1 s dropped). */
export function subtractSpans(spans: readonly Span[], minus: readonly Span[]): Span[] {
  let pieces = mergeSpans(spans);
  for (const [ms, me] of mergeSpans(minus)) {
    pieces = pieces.flatMap(([s, e]): Span[] => {
      if (me <= s || ms >= e) return [[s, e]];
      const out: Span[] = [];
      if (ms > s) out.push([s, ms]);
      if (me < e) out.push([me, e]);
      return out;
    });
  }
  return pieces.filter(([s, e]) => e - s >= 1);
}

/** Merged, conflict-free examples: accepted wins over rejected; unreviewed only where nothing was decided. */
export function normaliseReviewed(reviewed: ReviewedRecording): ReviewedRecording {
  const accepted = mergeSpans(reviewed.accepted);
  const rejected = subtractSpans(reviewed.rejected, accepted);
  const unreviewed = subtractSpans(reviewed.unreviewed, [...accepted, ...rejected]);
  return { accepted, rejected, unreviewed };
}

export interface HeldOutSplit {
  train: ReviewedRecording;
  heldOut: { accepted: Span[]; rejected: Span[] };
}

/**
 * Holds out a seeded part of each class's decisions for an honest after-check: round(n × fraction),
 * at least one, but only from a class with ≥ 3 decisions (so at least two stay to learn from).
 */
export function holdOutDecisions(reviewed: ReviewedRecording, fraction: number, seed: number): HeldOutSplit {
  const random = seededRandom(seed);
  const split = (spans: readonly Span[]) => {
    const order = spans.map((span, i) => ({ span, key: random(), i }));
    const count = fraction > 0 && spans.length >= 3 ? Math.max(1, Math.round(spans.length * fraction)) : 0;
    const held = new Set([...order].sort((a, b) => a.key - b.key).slice(0, count).map((o) => o.i));
    return { keep: spans.filter((_, i) => !held.has(i)), held: spans.filter((_, i) => held.has(i)) };
  };
  const accepted = split(reviewed.accepted);
  const rejected = split(reviewed.rejected);
  return {
    train: { accepted: accepted.keep, rejected: rejected.keep, unreviewed: reviewed.unreviewed },
    heldOut: { accepted: accepted.held, rejected: rejected.held },
  };
}

function overlapS(start: number, end: number, spans: readonly Span[]): number {
  let total = 0;
  for (const [s, e] of spans) total += Math.max(0, Math.min(end, e) - Math.max(start, s));
  return total;
}

export interface ExampleLabels {
  /** Per second: 1 seizure, 0 not seizure (rejected or replayed background), −1 left out. */
  labels: Int8Array;
  counts: { seizure: number; rejected: number; replay: number };
}

/**
 * Per-second labels of a recording of `totalS` seconds from its training examples; `exclude` are
 * spans never to train on (held-out decisions). See the module comment for the rules.
 */
export function exampleLabels(totalS: number, examples: ReviewedRecording, exclude: readonly Span[], options: { replayRatio: number; replayMin: number; seed: number }): ExampleLabels {
  const labels = new Int8Array(totalS).fill(-1);
  const margin = examples.accepted.map(([s, e]): Span => [Math.max(0, s - REPLAY_MARGIN_S), e + REPLAY_MARGIN_S]);
  const unknown = [...examples.unreviewed, ...exclude];
  const pool: number[] = [];
  let seizure = 0;
  let rejected = 0;
  for (let t = FIRST_READY_SECOND; t < totalS; t++) {
    const start = t + 1 - FEATURE_WINDOW_S;
    const end = t + 1;
    const inAccepted = overlapS(start, end, examples.accepted);
    if (overlapS(start, end, unknown) > 0) continue;
    if (inAccepted >= FEATURE_WINDOW_S - 1e-9) {
      labels[t] = 1;
      seizure++;
    } else if (inAccepted > 0) {
      continue;
    } else if (overlapS(start, end, examples.rejected) > 0) {
      labels[t] = 0;
      rejected++;
    } else if (overlapS(start, end, margin) === 0) {
      pool.push(t);
    }
  }
  // A seeded partial shuffle: the first `want` seconds of the pool become replayed background.
  const random = seededRandom(options.seed);
  const want = Math.min(pool.length, Math.max(options.replayMin, Math.round(rejected * options.replayRatio)));
  for (let i = 0; i < want; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    labels[pool[i]!] = 0;
  }
  return { labels, counts: { seizure, rejected, replay: want } };
}
