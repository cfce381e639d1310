/**
 * Block-size arithmetic of Brain-JEPA's spatiotemporal masking, and the check that a ROI × time-patch
 * grid can be masked at all. The reference (MaskCollator_fmri, Eric-LRL/Brain-JEPA b1dfa93) was
 * written for 450 × 10 only: on other grids its integer arithmetic can give empty target blocks,
 * windows that do not fit, or contexts of no token. Such grids are refused here, before training,
 * with the reason, so that sampling itself never fails.
 */
import { ValidationError } from '../../errors.js';
import type { MaskConfig } from './masks.js';

/** Largest value of shared/random.ts's generators (k / 2³²): the top of every size range. */
export const UNIFORM_MAX = 1 - 2 ** -32;

/** min + r·(max − min), as the reference computes a scale from a U[0,1) draw. */
export function fraction(scale: readonly [number, number], r: number): number {
  return scale[0] + r * (scale[1] - scale[0]);
}

/** int(n · fraction): Python's int() truncates (the reference's int(round(·)) after it is a no-op). */
export function scaledSize(n: number, scale: readonly [number, number], r: number): number {
  return Math.trunc(n * fraction(scale, r));
}

/** What a grid's masks can look like: inclusive [min, max] of each batch-level size. */
export interface MaskGrid {
  readonly rois: number;
  readonly patches: number;
  /** α (cross-ROI) target block: ROIs and time patches. */
  readonly alphaRois: readonly [number, number];
  readonly alphaPatches: readonly [number, number];
  /** Observation (context) block before the targets are cut out of it. */
  readonly observedRois: readonly [number, number];
  readonly observedPatches: readonly [number, number];
  /**
   * Width k of the left and right column sets of the time-crossing (β/γ) targets: columns 0…k−1
   * and patches−k…patches−1. The reference hard-codes {0,1,2} and {7,8,9}; k = 3 is the widest
   * block int(10 · predTScale) can give, and that rule carries to any width.
   */
  readonly sidePatches: number;
  /** Fewest context tokens a sample can be left with (attainable). */
  readonly minContext: number;
}

const SCALES = ['encScale', 'predRScale', 'predTRoiScale', 'predRRoiScale', 'predTScale'] as const;

function positiveInteger(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new ValidationError(field, `must be a positive integer, got ${value}`);
}

function checkConfig(config: MaskConfig): void {
  for (const key of SCALES) {
    const [lo, hi] = config[key];
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && lo <= hi && hi <= 1)) {
      throw new ValidationError(`mask.${key}`, `must be [min, max] with 0 ≤ min ≤ max ≤ 1, got [${lo}, ${hi}]`);
    }
  }
  if (!Number.isSafeInteger(config.minKeep) || config.minKeep < 0) {
    throw new ValidationError('mask.minKeep', `must be a non-negative integer, got ${config.minKeep}`);
  }
}

function range(n: number, scale: readonly [number, number]): [number, number] {
  return [scaledSize(n, scale, 0), scaledSize(n, scale, UNIFORM_MAX)];
}

/**
 * Fewest context columns: over every observation width and start, the columns of its span outside
 * both side sets (a side block can remove all k of its columns).
 */
function minContextPatches(patches: number, observed: readonly [number, number], side: number): number {
  let fewest = Infinity;
  for (let width = observed[0]; width <= observed[1]; width++) {
    for (let start = 0; start < patches - width; start++) {
      let kept = 0;
      for (let t = start; t < start + width; t++) if (t >= side && t < patches - side) kept++;
      fewest = Math.min(fewest, kept);
    }
  }
  return fewest;
}

/** The problem with a grid, or null if every draw gives well-formed masks. */
function gridProblem(rois: number, patches: number, config: MaskConfig): { field: string; problem: string } | null {
  const alphaRois = range(rois, config.predRScale);
  const alphaPatches = range(patches, config.predTRoiScale);
  const observedRois = range(rois, config.encScale);
  const observedPatches = range(patches, config.encScale);
  const side = scaledSize(patches, config.predTScale, UNIFORM_MAX);
  if (alphaRois[0] < 1) {
    return { field: 'rois', problem: `${rois} ROIs give α target blocks of int(${rois}·${config.predRScale[0]}) = 0 ROIs (mask.predRScale)` };
  }
  if (alphaPatches[0] < 1) {
    return {
      field: 'nPatches',
      problem: `${patches} time patches give α target blocks of int(${patches}·${config.predTRoiScale[0]}) = 0 patches (mask.predTRoiScale)`,
    };
  }
  // The reference asserts this: α's window is drawn strictly inside the observation's span.
  if (observedPatches[0] <= alphaPatches[1]) {
    return {
      field: 'nPatches',
      problem: `the α target window (up to ${alphaPatches[1]} patches) must be narrower than the observation (at least ${observedPatches[0]} of ${patches} patches)`,
    };
  }
  if (2 * side > patches) {
    return { field: 'nPatches', problem: `the left and right β/γ column sets (${side} patches each) overlap in ${patches} patches` };
  }
  // The reference's own min_keep test is len(mask) > min_keep on the 2-D grid, i.e. rois > min_keep.
  if (rois <= config.minKeep) return { field: 'rois', problem: `must exceed mask.minKeep = ${config.minKeep}` };
  const contextRois = Math.max(0, observedRois[0] - alphaRois[1]);
  const minContext = contextRois * minContextPatches(patches, observedPatches, side);
  if (minContext <= config.minKeep) {
    return {
      field: contextRois === 0 ? 'rois' : 'nPatches',
      problem: `a ${rois} × ${patches} grid can leave a context of ${minContext} tokens, not more than mask.minKeep = ${config.minKeep}`,
    };
  }
  return null;
}

/**
 * The size ranges of a grid's masks; throws a ValidationError naming the reason when the reference
 * algorithm is undefined there (empty α block, α window not inside the observation, overlapping
 * side sets) or can leave a context of minKeep tokens or fewer.
 */
export function maskGrid(rois: number, patches: number, config: MaskConfig): MaskGrid {
  positiveInteger('rois', rois);
  positiveInteger('nPatches', patches);
  checkConfig(config);
  const problem = gridProblem(rois, patches, config);
  if (problem) {
    let hint = '';
    if (problem.field === 'nPatches') {
      // Name the shortest series that would work, so the user knows what to change.
      for (let p = patches + 1; p <= 4 * patches + 64; p++) {
        if (!gridProblem(rois, p, config)) {
          hint = `; ${p} or more patches work with this mask configuration`;
          break;
        }
      }
    }
    throw new ValidationError(problem.field, problem.problem + hint);
  }
  const observedRois = range(rois, config.encScale);
  const observedPatches = range(patches, config.encScale);
  const alphaRois = range(rois, config.predRScale);
  const side = scaledSize(patches, config.predTScale, UNIFORM_MAX);
  return {
    rois,
    patches,
    alphaRois,
    alphaPatches: range(patches, config.predTRoiScale),
    observedRois,
    observedPatches,
    sidePatches: side,
    minContext: (observedRois[0] - alphaRois[1]) * minContextPatches(patches, observedPatches, side),
  };
}
