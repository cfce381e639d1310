/**
 * Brain-JEPA's spatiotemporal masking (issue #19): per sample one context (the "observation" block)
 * and one target list (the α cross-ROI block, then the right and left time-crossing β/γ blocks), as
 * `MaskCollator_fmri.__call__` in Eric-LRL/Brain-JEPA (src/masks/spatialtemporal_multiblock.py,
 * b1dfa93) with configs/ukb_vitb_ep300.yaml's `mask:` block. Tokens are ROI-major: k = roi·nPatches + t.
 *
 * The algorithm is the reference's step for step; only the random streams differ (torch's cannot be
 * reproduced): block sizes come from a generator seeded by the iteration alone, as the reference's
 * `torch.Generator().manual_seed(itr)` (so they do not depend on the run's seed), and positions from
 * the caller's generator, the reference's global RNG. test/fixtures/reference/jepa_masks_numpy.py
 * transcribes the reference in numpy and records its draws; the unit test replays them here.
 *
 * Quirks of the reference kept on purpose:
 * - Every context list is cut to the batch's shortest, every target list likewise (collation to one
 *   tensor). Contexts list ascending tokens, so the cut drops the highest ROIs; targets lose their
 *   tail, the left β/γ block first. Mean sizes on 450 × 10, B = 16: context ≈ 822, target ≈ 864.
 * - A target list may hold a token twice: the β pool is a subset of the α ROIs, so a β/γ column
 *   inside α's window repeats α tokens (the reference trains on both copies). Context and target
 *   never share a token.
 * - When exactly one ROI lies outside the observation, the reference holds it as a 0-d tensor and
 *   replaces, rather than unites, it with the non-α ROIs when forming the γ pool.
 */
import { deriveSeed, randomInt, randomPermutation, seededRandom, type Random } from '../../../shared/random.js';
import { ValidationError } from '../../errors.js';
import { fraction, maskGrid, scaledSize } from './masks-grid.js';

export { maskGrid, type MaskGrid } from './masks-grid.js';

/** The reference yaml's `mask:` block; every scale is a [min, max] fraction drawn uniformly. */
export interface MaskConfig {
  /** Observation (context) block: fraction of ROIs and of time patches (one draw each). */
  encScale: [number, number];
  /** α block: fraction of ROIs… */
  predRScale: [number, number];
  /** …and of time patches. */
  predTRoiScale: [number, number];
  /** β/γ blocks: fraction of each ROI pool… */
  predRRoiScale: [number, number];
  /** …and of time patches (columns taken from the side sets). */
  predTScale: [number, number];
  /** Every sample's context must keep more tokens than this (checked on the grid, see maskGrid). */
  minKeep: number;
}

export const REFERENCE_MASK_CONFIG: MaskConfig = {
  encScale: [0.84, 1],
  predRScale: [0.45, 0.6],
  predTRoiScale: [0.2, 0.6],
  predRRoiScale: [0.15, 0.3],
  predTScale: [0, 0.4],
  minKeep: 4,
};

/** Per sample; all context lists have one length, all target lists one length (batch-min cut). */
export interface BatchMasks {
  context: Int32Array[];
  target: Int32Array[];
}

/** The random choices of the algorithm, asked for in the reference's order; injectable for tests. */
export interface MaskDraws {
  /** U[0, 1) for a block size: `torch.rand(1, generator=g)`. */
  sizeUniform(): number;
  /** k distinct values of 0…n−1: `torch.randperm(n)[:k]`. */
  subset(n: number, k: number): ArrayLike<number>;
  /** Uniform integer in [0, n): `torch.randint(0, n, (1,))`. */
  integer(n: number): number;
}

/** Seed of the block-size stream, mixed with the iteration (distinct from any run seed's streams). */
const SIZE_STREAM = 0x6d61736b;
const POSITION_STREAM = 0x706f73;

/** A position generator for (run seed, iteration), for callers that want masks a pure function of both. */
export function maskRandom(seed: number, iteration: number): Random {
  return seededRandom(deriveSeed(seed, POSITION_STREAM, iteration));
}

/** Masks for one batch: sizes from `iteration` (the reference's collator counter, 0 first), positions from `rng`. */
export function sampleMasks(rois: number, nPatches: number, batch: number, config: MaskConfig, rng: Random, iteration: number): BatchMasks {
  if (!Number.isSafeInteger(iteration) || iteration < 0) {
    throw new ValidationError('iteration', `must be a non-negative integer, got ${iteration}`);
  }
  const sizes = seededRandom(deriveSeed(SIZE_STREAM, iteration));
  return sampleMasksWith(rois, nPatches, batch, config, {
    sizeUniform: sizes,
    subset: (n, k) => randomPermutation(n, rng).subarray(0, k),
    integer: (n) => randomInt(rng, n),
  });
}

/** The algorithm with its randomness injected. */
export function sampleMasksWith(rois: number, nPatches: number, batch: number, config: MaskConfig, draws: MaskDraws): BatchMasks {
  const grid = maskGrid(rois, nPatches, config);
  if (!Number.isSafeInteger(batch) || batch < 1) throw new ValidationError('batch', `must be a positive integer, got ${batch}`);
  // Sizes shared by the batch: α first, then the observation.
  const alphaRois = scaledSize(rois, config.predRScale, draws.sizeUniform());
  const alphaPatches = scaledSize(nPatches, config.predTRoiScale, draws.sizeUniform());
  const observedRois = scaledSize(rois, config.encScale, draws.sizeUniform());
  const observedPatches = scaledSize(nPatches, config.encScale, draws.sizeUniform());
  const sizes = { alphaRois, alphaPatches, observedRois, observedPatches, side: grid.sidePatches };
  const context: Int32Array[] = [];
  const target: Int32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const sample = sampleOne(rois, nPatches, config, sizes, draws);
    context.push(sample.context);
    target.push(sample.target);
  }
  const contextLength = Math.min(...context.map((c) => c.length));
  const targetLength = Math.min(...target.map((t) => t.length));
  return { context: context.map((c) => c.slice(0, contextLength)), target: target.map((t) => t.slice(0, targetLength)) };
}

interface BatchSizes {
  alphaRois: number;
  alphaPatches: number;
  observedRois: number;
  observedPatches: number;
  side: number;
}

function membership(n: number, members: ArrayLike<number>): Uint8Array {
  const flags = new Uint8Array(n);
  for (let i = 0; i < members.length; i++) flags[members[i]!] = 1;
  return flags;
}

/** Tokens of rows × columns in ascending k (the reference's nonzero() of the flattened grid). */
function blockTokens(rows: Uint8Array, columns: readonly number[], nPatches: number): Int32Array {
  const sorted = [...columns].sort((a, b) => a - b);
  let count = 0;
  for (let r = 0; r < rows.length; r++) count += rows[r]!;
  const tokens = new Int32Array(count * sorted.length);
  let n = 0;
  for (let r = 0; r < rows.length; r++) if (rows[r]) for (const t of sorted) tokens[n++] = r * nPatches + t;
  return tokens;
}

function concat(parts: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function sampleOne(
  rois: number,
  nPatches: number,
  config: MaskConfig,
  sizes: BatchSizes,
  draws: MaskDraws,
): { context: Int32Array; target: Int32Array } {
  // Observation: any observedRois ROIs (not contiguous) × columns [start, start + observedPatches).
  // randint's upper bound is exclusive, so the span never reaches the last column.
  const observed = membership(rois, draws.subset(rois, sizes.observedRois));
  const start = draws.integer(nPatches - sizes.observedPatches);
  // α: alphaRois ROIs drawn from all, on a window inside the observation's span.
  const inAlpha = membership(rois, draws.subset(rois, sizes.alphaRois));
  const alphaStart = start + draws.integer(sizes.observedPatches - sizes.alphaPatches);
  const alphaColumns = Array.from({ length: sizes.alphaPatches }, (_, i) => alphaStart + i);
  // β pool: observed α ROIs; γ pool: the rest (ascending, as the reference's nonzero/unique give them).
  const loneOutside = rois - sizes.observedRois === 1;
  const beta: number[] = [];
  const gamma: number[] = [];
  for (let r = 0; r < rois; r++) {
    const inGamma = loneOutside ? !inAlpha[r] : !(observed[r] && inAlpha[r]);
    (inGamma ? gamma : beta).push(r);
  }
  const contextColumns = new Uint8Array(nPatches);
  contextColumns.fill(1, start, start + sizes.observedPatches);
  const parts = [blockTokens(inAlpha, alphaColumns, nPatches)];
  for (const side of ['right', 'left'] as const) {
    const roiFraction = fraction(config.predRRoiScale, draws.sizeUniform());
    const width = scaledSize(nPatches, config.predTScale, draws.sizeUniform());
    const rows = new Uint8Array(rois);
    const fromBeta = draws.subset(beta.length, Math.trunc(beta.length * roiFraction));
    const fromGamma = draws.subset(gamma.length, Math.trunc(gamma.length * roiFraction));
    for (let i = 0; i < fromBeta.length; i++) rows[beta[fromBeta[i]!]!] = 1;
    for (let i = 0; i < fromGamma.length; i++) rows[gamma[fromGamma[i]!]!] = 1;
    const offset = side === 'right' ? nPatches - sizes.side : 0;
    const columns = Array.from(draws.subset(sizes.side, width), (c) => c + offset);
    parts.push(blockTokens(rows, columns, nPatches));
    // The chosen columns leave the observation for every ROI.
    for (const c of columns) contextColumns[c] = 0;
  }
  // Context: observed, non-α ROIs on the columns still kept.
  const contextRows = new Uint8Array(rois);
  for (let r = 0; r < rois; r++) contextRows[r] = observed[r]! & (1 - inAlpha[r]!);
  const kept: number[] = [];
  for (let t = 0; t < nPatches; t++) if (contextColumns[t]) kept.push(t);
  return { context: blockTokens(contextRows, kept, nPatches), target: concat(parts) };
}
