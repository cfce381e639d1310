/**
 * Held-out time blocks and the stimulus as a feature vector per bin, for the Neuroformer runs.
 *
 * Split: the recording's span is cut into `blocks` contiguous, equal time blocks; a seeded choice of
 * them is the test set, another the validation set, the rest is trained on. A sample (window end T)
 * belongs to a block only when its whole context — previous window and current window,
 * [T − window − windowPrev, T) — lies inside that block, so no training sample sees a held-out
 * spike, not even as its past. The reference instead splits *windows* at random (datasets.py,
 * r_split 0.8): a test window's previous window is then mostly made of training windows' spikes and
 * its neighbours 50 ms away are trained on, which leaks the very activity being predicted (and the
 * slow state around it) into training. Held-out blocks are the honest version.
 *
 * Stimulus: a function of time giving a few features per bin (the model's stimulus tokens are the
 * features at the centres of the current window's bins):
 *   reversals  (retina reversing gratings, event times = `stimulus changes`): with s the time since
 *              the last reversal and p = ±1 the grating's phase (parity of the reversal count),
 *              [e^(−s/50 ms), e^(−s/200 ms), p·e^(−s/50 ms), p·e^(−s/200 ms)] — a transient after
 *              each reversal, signed by which of the two phases the grating switched to (ON and OFF
 *              cells answer alternate reversals);
 *   cosine     (simulated network, period P): [cos 2πt/P, sin 2πt/P], the simulator's drive.
 */
import { deriveSeed, randomPermutation, seededRandom } from '../../../shared/random.js';
import { ValidationError } from '../../errors.js';
import { lowerBound } from '../spikes/bin.js';

export type StimulusSpec = { kind: 'reversals'; eventSet: string; times: number[] } | { kind: 'cosine'; periodS: number } | { kind: 'none' };

/** Features per bin of a stimulus spec (0 for none). */
export function stimulusFeatureCount(spec: StimulusSpec): number {
  return spec.kind === 'reversals' ? 4 : spec.kind === 'cosine' ? 2 : 0;
}

/** Writes the features at time t into out[offset…]. */
export function stimulusFeaturesAt(spec: StimulusSpec, tS: number, out: Float32Array, offset: number): void {
  if (spec.kind === 'cosine') {
    const phase = (2 * Math.PI * tS) / spec.periodS;
    out[offset] = Math.cos(phase);
    out[offset + 1] = Math.sin(phase);
  } else if (spec.kind === 'reversals') {
    const i = lowerBound(spec.times, tS + 1e-12) - 1;
    if (i < 0) {
      out.fill(0, offset, offset + 4);
      return;
    }
    const s = tS - spec.times[i]!;
    const p = i % 2 === 0 ? 1 : -1;
    const fast = Math.exp(-s / 0.05);
    const slow = Math.exp(-s / 0.2);
    out[offset] = fast;
    out[offset + 1] = slow;
    out[offset + 2] = p * fast;
    out[offset + 3] = p * slow;
  }
}

/**
 * The stimulus tokens of windows ending at `ends` (seconds on the recording's clock): `tokens`
 * bins of width dtS ending at each window end, features at the bin centres → [B, tokens, F].
 */
export function stimulusTokens(spec: StimulusSpec, ends: ArrayLike<number>, tokens: number, dtS: number): Float32Array | undefined {
  const f = stimulusFeatureCount(spec);
  if (f === 0) return undefined;
  const out = new Float32Array(ends.length * tokens * f);
  for (let b = 0; b < ends.length; b++) {
    for (let k = 0; k < tokens; k++) {
      const t = ends[b]! - (tokens - k - 0.5) * dtS;
      stimulusFeaturesAt(spec, t, out, (b * tokens + k) * f);
    }
  }
  return out;
}

export interface TimeBlock {
  index: number;
  startS: number;
  endS: number;
}

export interface BlockSplit {
  blocks: TimeBlock[];
  train: TimeBlock[];
  validation: TimeBlock[];
  test: TimeBlock[];
}

export interface SplitOptions {
  blocks: number;
  testBlocks: number;
  validationBlocks: number;
  seed: number;
}

export const SPLIT_DEFAULTS: SplitOptions = { blocks: 10, testBlocks: 2, validationBlocks: 1, seed: 0 };

/** Seed stream of the block choice (train.ts uses 0–3). */
const SPLIT_STREAM = 50;

export function splitTimeBlocks(startS: number, endS: number, options: SplitOptions = SPLIT_DEFAULTS): BlockSplit {
  const { blocks: k, testBlocks, validationBlocks } = options;
  if (!(Number.isInteger(k) && k >= 2)) throw new ValidationError('blocks', `expected an integer ≥ 2, got ${k}`);
  if (!(Number.isInteger(testBlocks) && testBlocks >= 1 && Number.isInteger(validationBlocks) && validationBlocks >= 0 && testBlocks + validationBlocks < k)) {
    throw new ValidationError('testBlocks', `${testBlocks} test + ${validationBlocks} validation blocks leave none of ${k} to train on`);
  }
  if (!(endS > startS)) throw new ValidationError('endS', `the span ${startS}…${endS} s is empty`);
  const width = (endS - startS) / k;
  const blocks = Array.from({ length: k }, (_, i) => ({ index: i, startS: startS + i * width, endS: i === k - 1 ? endS : startS + (i + 1) * width }));
  const order = randomPermutation(k, seededRandom(deriveSeed(options.seed, SPLIT_STREAM)));
  const test = new Set(Array.from(order.subarray(0, testBlocks)));
  const validation = new Set(Array.from(order.subarray(testBlocks, testBlocks + validationBlocks)));
  return {
    blocks,
    test: blocks.filter((b) => test.has(b.index)),
    validation: blocks.filter((b) => validation.has(b.index)),
    train: blocks.filter((b) => !test.has(b.index) && !validation.has(b.index)),
  };
}

/**
 * Window end-times whose whole context [T − windowS − windowPrevS, T) lies in one of the blocks, on
 * the grid of `strideS` (non-overlapping current windows by default), in time order. Times are
 * relative to `originS` (bin 0's start of the count matrix) and rounded to the dt grid.
 */
export function windowEnds(blocks: readonly TimeBlock[], originS: number, config: { windowS: number; windowPrevS: number; dtS: number }, strideS = config.windowS): number[] {
  const out: number[] = [];
  const context = config.windowS + config.windowPrevS;
  const eps = 1e-9;
  for (const b of blocks) {
    const first = Math.ceil((b.startS - originS + context - eps) / strideS);
    for (let i = first; ; i++) {
      const end = Math.round((i * strideS) / config.dtS) * config.dtS;
      if (end + originS > b.endS + eps) break;
      if (end - context + originS < b.startS - eps) continue;
      out.push(Number(end.toFixed(6)));
    }
  }
  return out;
}
