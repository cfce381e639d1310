/**
 * Building a surrogate long recording from the labelled segments of one collection.
 *
 * How it is made (all choices seeded; the same segments, options and seed give the same samples):
 *  - Background is a run of interictal segments, seizures are runs of ictal segments, one after the
 *    other at the collection's own rate (no resampling). A seizure's wanted length is drawn
 *    uniformly from `seizureDurationS` (20–120 s) and filled with the nearest whole number of ictal
 *    segments (≥ 1: Bonn 23.6 s segments give 1–5, New Delhi 5.12 s ones 4–26). The background
 *    before the first seizure and between seizures is drawn log-uniformly from `gapS` (5–60 min),
 *    then filled with whole background segments (so a gap is up to one segment longer). A seizure is
 *    placed only if `tailS` of background still fits after it; the last piece is cut at the end.
 *  - Repeats: a few minutes of segments make hours of surrogate, so segments repeat. Each class is
 *    a shuffled deck: every segment is used once before any is used again, never twice in a row
 *    across a reshuffle. The first use of a segment is as recorded; a repeated use is sign-inverted
 *    with probability ½ (`flipPolarity`). Inverting a referential derivation is swapping its two
 *    electrodes: it does not change the class, and the detectors' features (line length, band
 *    power, spectral peaks) are unchanged by sign; it only keeps repeats from being literal copies
 *    on screen. Time reversal is NOT used: it keeps spectra but turns the sharp-rise / slow-decay
 *    of ictal spikes and the evolution of a seizure backwards, which no brain produces.
 *  - Joins: consecutive pieces overlap by `fadeS` (0.5 s) and are cross-faded, so no join is a step
 *    (a step adds one huge |Δx| to the line length and a broadband click). The fade is equal-power
 *    for each segment's fluctuation around its mean (cos/sin weights: two unrelated signals keep
 *    their variance through the fade, a linear fade would dip it by half at the middle) and linear
 *    for the means (so differing DC offsets, ±40 µV in Bonn, glide instead of overshooting).
 *  - Seizure events run from the middle of the fade into the first ictal piece to the middle of the
 *    fade out of the last one, rounded to 0.01 s (the SzCORE TSV's precision; < 2 samples).
 */
import { ValidationError } from '../../../errors.js';
import { deriveSeed, seededRandom, type Random } from '../../../../shared/random.js';
import { ICTAL_LABEL, type LabelledSegment, type SegmentCollection } from '../../../io/segments/types.js';
import { SegmentDeck } from './deck.js';
import { edfRecordLayout } from './record-layout.js';
import type { JoinKind, SurrogateJoin, SurrogateOptions, SurrogatePiece, SurrogateRecording, SurrogateRole, SurrogateSeizure } from './types.js';

export const DEFAULT_SURROGATE_OPTIONS = {
  backgroundLabels: ['interictal'],
  seizureLabel: ICTAL_LABEL,
  seizureDurationS: [20, 120] as const,
  gapS: [300, 3600] as const,
  tailS: 60,
  fadeS: 0.5,
  flipPolarity: true,
};

/** Streams of the seed, one per kind of choice, so that changing one kind leaves the others alone. */
const STREAM = { background: 1, seizure: 2, timing: 3, polarity: 4 } as const;

type ResolvedOptions = SurrogateRecording['options'];

function checkRange(field: string, range: readonly [number, number], min: number): void {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo < min || hi < lo) {
    throw new ValidationError(field, `must be [low, high] with ${min} ≤ low ≤ high, not [${lo}, ${hi}]`);
  }
}

function resolveOptions(options: SurrogateOptions, rateHz: number): ResolvedOptions {
  const resolved: ResolvedOptions = {
    durationS: options.durationS,
    seed: options.seed,
    backgroundLabels: [...(options.backgroundLabels ?? DEFAULT_SURROGATE_OPTIONS.backgroundLabels)],
    seizureLabel: options.seizureLabel ?? DEFAULT_SURROGATE_OPTIONS.seizureLabel,
    seizureDurationS: options.seizureDurationS ?? DEFAULT_SURROGATE_OPTIONS.seizureDurationS,
    gapS: options.gapS ?? DEFAULT_SURROGATE_OPTIONS.gapS,
    tailS: options.tailS ?? DEFAULT_SURROGATE_OPTIONS.tailS,
    fadeS: options.fadeS ?? DEFAULT_SURROGATE_OPTIONS.fadeS,
    flipPolarity: options.flipPolarity ?? DEFAULT_SURROGATE_OPTIONS.flipPolarity,
    lengthQuantumSamples: options.lengthQuantumSamples ?? edfRecordLayout(rateHz).samplesPerRecord,
  };
  if (!(resolved.durationS > 0) || !Number.isFinite(resolved.durationS)) throw new ValidationError('durationS', `must be a positive number of seconds, not ${resolved.durationS}`);
  if (!Number.isInteger(resolved.seed)) throw new ValidationError('seed', `must be a whole number, not ${resolved.seed}`);
  checkRange('seizureDurationS', resolved.seizureDurationS, 0);
  checkRange('gapS', resolved.gapS, 1e-3);
  if (!(resolved.tailS >= 0)) throw new ValidationError('tailS', `must be ≥ 0 seconds, not ${resolved.tailS}`);
  if (!(resolved.fadeS >= 0) || !Number.isFinite(resolved.fadeS)) throw new ValidationError('fadeS', `must be ≥ 0 seconds, not ${resolved.fadeS}`);
  if (!Number.isInteger(resolved.lengthQuantumSamples) || resolved.lengthQuantumSamples < 1) {
    throw new ValidationError('lengthQuantumSamples', `must be a whole number ≥ 1, not ${resolved.lengthQuantumSamples}`);
  }
  if (resolved.backgroundLabels.includes(resolved.seizureLabel)) throw new ValidationError('backgroundLabels', `"${resolved.seizureLabel}" is the seizure label; it cannot also be background`);
  return resolved;
}

interface Material {
  background: LabelledSegment[];
  seizure: LabelledSegment[];
  rateHz: number;
}

/** The segments of each role, checked: present, one rate, long enough for two fades. */
function selectMaterial(collection: SegmentCollection, options: SurrogateOptions): Material {
  const backgroundLabels = options.backgroundLabels ?? DEFAULT_SURROGATE_OPTIONS.backgroundLabels;
  const seizureLabel = options.seizureLabel ?? DEFAULT_SURROGATE_OPTIONS.seizureLabel;
  const background = collection.segments.filter((s) => backgroundLabels.includes(s.label));
  const seizure = collection.segments.filter((s) => s.label === seizureLabel);
  const where = `${collection.source} (labels: ${collection.labels.join(', ') || 'none'})`;
  if (background.length === 0) throw new ValidationError('backgroundLabels', `no segment labelled ${backgroundLabels.map((l) => `"${l}"`).join(' or ')} in ${where}`);
  if (seizure.length === 0) throw new ValidationError('seizureLabel', `no segment labelled "${seizureLabel}" in ${where}`);
  const rateHz = background[0]!.rateHz;
  const fadeSamples = Math.round((options.fadeS ?? DEFAULT_SURROGATE_OPTIONS.fadeS) * rateHz);
  for (const segment of [...background, ...seizure]) {
    if (segment.rateHz !== rateHz) {
      throw new ValidationError('segments', `${segment.file}: sampled at ${segment.rateHz} Hz but ${background[0]!.file} at ${rateHz} Hz; a surrogate is made at one rate, without resampling`);
    }
    if (segment.samples.length < 2 * fadeSamples + 1) {
      throw new ValidationError('fadeS', `${segment.file}: ${segment.samples.length} samples is too short for a ${fadeSamples}-sample fade at each end`);
    }
    for (let i = 0; i < segment.samples.length; i++) {
      if (!Number.isFinite(segment.samples[i]!)) throw new ValidationError('segments', `${segment.file}: sample ${i} is not a finite number`);
    }
  }
  return { background, seizure, rateHz };
}

const logUniform = (random: Random, [lo, hi]: readonly [number, number]) => lo * Math.exp(random() * Math.log(hi / lo));
/** Seconds in `samples`: exact whole seconds when they are whole EDF records (17361 / 173.61 is not exactly 100 in floating point). */
function durationOf(samples: number, rateHz: number): number {
  const layout = edfRecordLayout(rateHz);
  return samples % layout.samplesPerRecord === 0 ? (samples / layout.samplesPerRecord) * layout.recordDurationS : samples / rateHz;
}

const round2 = (seconds: number) => Math.round(seconds * 100) / 100;

function joinKind(from: SurrogateRole, to: SurrogateRole): JoinKind {
  return `${from}→${to}`;
}

/** Builds the surrogate of `collection` (see the module comment). */
export function buildSurrogate(collection: SegmentCollection, options: SurrogateOptions): SurrogateRecording {
  const material = selectMaterial(collection, options);
  const { rateHz } = material;
  const opts = resolveOptions(options, rateHz);
  const fade = Math.round(opts.fadeS * rateHz);
  const quantum = opts.lengthQuantumSamples;
  const total = Math.max(1, Math.ceil(Math.round(opts.durationS * rateHz) / quantum)) * quantum;

  const backgroundDeck = new SegmentDeck(material.background.length, seededRandom(deriveSeed(opts.seed, STREAM.background)));
  const seizureDeck = new SegmentDeck(material.seizure.length, seededRandom(deriveSeed(opts.seed, STREAM.seizure)));
  const timing = seededRandom(deriveSeed(opts.seed, STREAM.timing));
  const polarity = seededRandom(deriveSeed(opts.seed, STREAM.polarity));
  const uses = new Map<string, number>();

  const pieces: SurrogatePiece[] = [];
  const pieceSegments: LabelledSegment[] = [];
  let cursor = 0; // one past the last sample of the last piece
  const place = (segment: LabelledSegment, pass: number, role: SurrogateRole, seizure?: number) => {
    const start = pieces.length === 0 ? 0 : cursor - fade;
    const use = uses.get(segment.id) ?? 0;
    uses.set(segment.id, use + 1);
    const flip = opts.flipPolarity && pass > 0 && polarity() < 0.5;
    pieces.push({
      segmentId: segment.id,
      group: segment.group,
      label: segment.label,
      role,
      ...(seizure === undefined ? {} : { seizure }),
      startSample: start,
      lengthSamples: Math.min(segment.samples.length, total - start),
      polarity: flip ? -1 : 1,
      use,
    });
    pieceSegments.push(segment);
    cursor = start + segment.samples.length;
  };

  const meanIctalStep = material.seizure.reduce((n, s) => n + s.samples.length - fade, 0) / material.seizure.length;
  // For the fit test: the longest a run of ictal pieces can be, whichever segments are drawn.
  const maxIctalStep = material.seizure.reduce((n, s) => Math.max(n, s.samples.length - fade), 0);
  const seizureSegments: number[] = [];
  let nextSeizureAt = Math.round(logUniform(timing, opts.gapS) * rateHz);
  while (cursor < total) {
    // A seizure always follows background, so it has a join (its onset) before it.
    if (cursor >= nextSeizureAt && pieces.length > 0) {
      const wanted = opts.seizureDurationS[0] + timing() * (opts.seizureDurationS[1] - opts.seizureDurationS[0]);
      const count = Math.max(1, Math.round((wanted * rateHz) / meanIctalStep));
      // Strictly inside, so background always follows (the join out is the seizure's offset).
      const fits = cursor + count * maxIctalStep + opts.tailS * rateHz < total;
      if (fits) {
        const index = seizureSegments.length;
        seizureSegments.push(pieces.length);
        for (let k = 0; k < count; k++) {
          const { index: i, pass } = seizureDeck.draw();
          place(material.seizure[i]!, pass, 'seizure', index);
        }
        nextSeizureAt = cursor + Math.round(logUniform(timing, opts.gapS) * rateHz);
        continue;
      }
      nextSeizureAt = Number.POSITIVE_INFINITY;
    }
    const { index, pass } = backgroundDeck.draw();
    place(material.background[index]!, pass, 'background');
  }

  const samples = render(pieces, pieceSegments, fade, total);
  const joins: SurrogateJoin[] = [];
  for (let k = 0; k + 1 < pieces.length; k++) {
    const next = pieces[k + 1]!;
    joins.push({
      piece: k,
      kind: joinKind(pieces[k]!.role, next.role),
      fromSegment: pieces[k]!.segmentId,
      toSegment: next.segmentId,
      fadeStartSample: next.startSample,
      fadeSamples: fade,
      centreSample: next.startSample + fade / 2,
    });
  }
  const seizures: SurrogateSeizure[] = seizureSegments.map((first, index) => {
    let last = first;
    while (pieces[last + 1]?.seizure === index) last++;
    const onsetSample = joins[first - 1]!.centreSample;
    const offsetSample = joins[last]!.centreSample;
    return {
      onsetS: round2(onsetSample / rateHz),
      offsetS: round2(offsetSample / rateHz),
      onsetSample,
      offsetSample,
      segmentIds: pieces.slice(first, last + 1).map((p) => p.segmentId),
    };
  });
  return {
    rateHz,
    samples,
    durationS: durationOf(total, rateHz),
    seizures,
    events: seizures.map((s) => [s.onsetS, s.offsetS] as const),
    pieces,
    joins,
    options: opts,
    source: { format: collection.format, folder: collection.source, backgroundSegments: material.background.length, seizureSegments: material.seizure.length },
  };
}

/**
 * Lays the pieces into `total` samples with the cross-fades of the module comment: inside a fade
 * each piece contributes `w_mean · μ + w_fluct · (x − μ)`, with w_mean = t or 1 − t and
 * w_fluct = sin(πt/2) or cos(πt/2), t going from 0 to 1 across the fade.
 */
function render(pieces: readonly SurrogatePiece[], segments: readonly LabelledSegment[], fade: number, total: number): Float32Array {
  const out = new Float64Array(total);
  pieces.forEach((piece, k) => {
    const x = segments[k]!.samples;
    const sign = piece.polarity;
    let sum = 0;
    for (let j = 0; j < x.length; j++) sum += x[j]!;
    const mean = (sign * sum) / x.length;
    const fadesIn = k > 0;
    const fadesOut = k + 1 < pieces.length;
    const fadeOutFrom = x.length - fade;
    for (let j = 0; j < piece.lengthSamples; j++) {
      const deviation = sign * x[j]! - mean;
      let wMean = 1;
      let wFluct = 1;
      if (fadesIn && j < fade) {
        const t = (j + 0.5) / fade;
        wMean = t;
        wFluct = Math.sin((Math.PI / 2) * t);
      } else if (fadesOut && j >= fadeOutFrom) {
        const t = (j - fadeOutFrom + 0.5) / fade;
        wMean = 1 - t;
        wFluct = Math.cos((Math.PI / 2) * t);
      }
      const i = piece.startSample + j;
      out[i] = out[i]! + wMean * mean + wFluct * deviation;
    }
  });
  return Float32Array.from(out);
}
