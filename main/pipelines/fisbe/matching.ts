/**
 * Matching of ground-truth and predicted instances (`match.py`): greedy one-to-one assignment on
 * clDice, the error labels per threshold, and the many-to-many "consuming" matching behind the
 * false split / false merge counts.
 */
import { argmax, f32, type Matrix32 } from './numeric.js';
import { containsVoxel } from './voxels.js';

export interface Assignment {
  tp: number;
  /** Matched pairs, 1-based ids, in the order they were assigned (descending clDice). */
  gtIds: number[];
  predIds: number[];
}

/**
 * Greedy one-to-one matching: all pairs with clDice > threshold, by clDice descending, ties by gt id
 * then pred id (numpy lexsort), each instance used once. The comparison is float32 against the
 * float32-rounded threshold, as numpy compares a float32 matrix with a Python float.
 */
export function assignGreedy(loc: Matrix32, threshold: number): Assignment {
  const th = f32(threshold);
  const pairs: { gt: number; pred: number; loc: number }[] = [];
  for (let gt = 1; gt < loc.rows; gt++) {
    for (let pred = 1; pred < loc.cols; pred++) {
      const value = loc.get(gt, pred);
      if (value > th) pairs.push({ gt, pred, loc: value });
    }
  }
  pairs.sort((a, b) => b.loc - a.loc || a.gt - b.gt || a.pred - b.pred);
  const usedGt = new Set<number>();
  const usedPred = new Set<number>();
  const result: Assignment = { tp: 0, gtIds: [], predIds: [] };
  for (const pair of pairs) {
    if (usedGt.has(pair.gt) || usedPred.has(pair.pred)) continue;
    usedGt.add(pair.gt);
    usedPred.add(pair.pred);
    result.gtIds.push(pair.gt);
    result.predIds.push(pair.pred);
  }
  result.tp = result.gtIds.length;
  return result;
}

export interface FalseLabels {
  /** Unassigned predictions (false positives). */
  fp: number[];
  /** Unassigned predictions whose skeleton lies mostly in a GT instance (argmax of clPrecision is not background). */
  fs: number[];
  /** Unassigned predictions whose skeleton lies mostly in background. */
  fpOnlyBackground: number[];
  /** Unassigned GT instances. */
  fn: number[];
  /** Predictions covering several GT skeletons (clRecall > threshold), with the GT ids they merge. */
  fmPred: number[];
  fmGt: number[][];
  fmCount: number;
}

/** `get_false_labels` for one threshold. */
export function falseLabels(
  assignment: Assignment,
  precision: Matrix32,
  recall: Matrix32,
  recallWithoutOverlap: Matrix32 | null,
  threshold: number,
): FalseLabels {
  const numGt = precision.rows - 1;
  const numPred = precision.cols - 1;
  const matchedPred = new Set(assignment.predIds);
  const matchedGt = new Set(assignment.gtIds);
  const fp: number[] = [];
  const fs: number[] = [];
  const fpOnlyBackground: number[] = [];
  for (let pred = 1; pred <= numPred; pred++) {
    if (matchedPred.has(pred)) continue;
    fp.push(pred);
    if (argmax(precision.column(pred)) > 0) fs.push(pred);
    else fpOnlyBackground.push(pred);
  }
  const fn: number[] = [];
  for (let gt = 1; gt <= numGt; gt++) if (!matchedGt.has(gt)) fn.push(gt);

  const th = f32(threshold);
  const fmPred: number[] = [];
  const fmGt: number[][] = [];
  let fmCount = 0;
  for (let pred = 1; pred <= numPred; pred++) {
    const merged: number[] = [];
    for (let gt = 1; gt <= numGt; gt++) {
      const covers = recall.get(gt, pred) > th && (!recallWithoutOverlap || recallWithoutOverlap.get(gt, pred) > th);
      if (covers) merged.push(gt);
    }
    if (merged.length > 1) {
      fmCount += merged.length - 1;
      fmPred.push(pred);
      fmGt.push(merged);
    }
  }
  return { fp, fs, fpOnlyBackground, fn, fmPred, fmGt, fmCount };
}

/**
 * The evaluator's LazyHeap: a binary min-heap of (priority, insertion counter, version, key) where
 * re-pushing a key supersedes its older entries and `invalidate` retires the current one.
 */
class LazyHeap {
  private readonly heap: { priority: number; order: number; version: number; key: number }[] = [];
  private readonly versions = new Map<number, number>();
  private counter = 0;

  push(key: number, priority: number): void {
    const version = (this.versions.get(key) ?? 0) + 1;
    this.versions.set(key, version);
    this.heap.push({ priority, order: this.counter++, version, key });
    this.siftUp(this.heap.length - 1);
  }

  invalidate(key: number): void {
    if (this.versions.has(key)) this.versions.set(key, -1);
  }

  /** The next live key, or undefined when none is left. */
  pop(): number | undefined {
    while (this.heap.length > 0) {
      const top = this.removeTop();
      if (this.versions.get(top.key) === top.version) {
        this.versions.delete(top.key);
        return top.key;
      }
    }
    return undefined;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.priority < y.priority || (x.priority === y.priority && x.order < y.order);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent]!, this.heap[i]!];
      i = parent;
    }
  }

  private removeTop() {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.heap.length && this.less(left, smallest)) smallest = left;
        if (right < this.heap.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        [this.heap[i], this.heap[smallest]] = [this.heap[smallest]!, this.heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

export interface ManyToManyInput {
  /** clRecall (gt × pred, float32). */
  recall: Matrix32;
  /** Sorted voxels of each GT / pred instance, by id - 1. */
  gtVoxels: readonly Uint32Array[];
  predVoxels: readonly Uint32Array[];
  /** Sorted skeleton voxels of each GT instance, by id - 1. */
  gtSkeletons: readonly Uint32Array[];
}

/**
 * `greedy_many_to_many_matching`: pairs are taken by clRecall descending; taking (g, p) removes p's
 * voxels from g's still-available skeleton and g's voxels from p's available mask, and every other
 * pair of g or p is re-scored and re-queued or dropped. The evaluator's documented quirk is kept:
 * pairs of g are re-scored on g's *remaining* skeleton against the whole of the other prediction,
 * pairs of p on the *whole* skeleton of the other GT against p's remaining mask.
 * Returns, per GT id, the predictions matched to it; null when no pair exceeds the threshold.
 */
export function manyToManyMatches(input: ManyToManyInput, threshold: number): Map<number, number[]> | null {
  const { recall, gtVoxels, predVoxels, gtSkeletons } = input;
  const th = f32(threshold);
  const cols = recall.cols;
  const key = (gt: number, pred: number) => gt * cols + pred;
  const heap = new LazyHeap();
  let any = false;
  for (let gt = 1; gt < recall.rows; gt++) {
    for (let pred = 1; pred < cols; pred++) {
      const value = recall.get(gt, pred);
      if (value > th) {
        heap.push(key(gt, pred), -value);
        any = true;
      }
    }
  }
  if (!any) return null;

  // Available skeleton voxels per GT (a flag per skeleton voxel) and voxels taken from each pred.
  const gtAvailable = new Map<number, Uint8Array>();
  const predConsumedBy = new Map<number, number[]>();
  for (let gt = 1; gt < recall.rows; gt++) gtAvailable.set(gt, new Uint8Array(gtSkeletons[gt - 1]!.length).fill(1));
  const predAvailableHas = (pred: number, voxel: number) =>
    containsVoxel(predVoxels[pred - 1]!, voxel) &&
    !(predConsumedBy.get(pred) ?? []).some((gt) => containsVoxel(gtVoxels[gt - 1]!, voxel));

  const matches = new Map<number, number[]>();
  for (;;) {
    const next = heap.pop();
    if (next === undefined) break;
    const gt = Math.floor(next / cols);
    const pred = next % cols;
    matches.set(gt, [...(matches.get(gt) ?? []), pred]);

    const skeleton = gtSkeletons[gt - 1]!;
    const available = gtAvailable.get(gt)!;
    const predMask = predVoxels[pred - 1]!;
    for (let i = 0; i < skeleton.length; i++) if (available[i] && containsVoxel(predMask, skeleton[i]!)) available[i] = 0;
    predConsumedBy.set(pred, [...(predConsumedBy.get(pred) ?? []), gt]);

    const gtDenominator = skeleton.length || 1;
    for (let other = 1; other < cols; other++) {
      if (!(recall.get(gt, other) > th)) continue;
      const otherMask = predVoxels[other - 1]!;
      let inter = 0;
      for (let i = 0; i < skeleton.length; i++) if (available[i] && containsVoxel(otherMask, skeleton[i]!)) inter++;
      const score = inter / gtDenominator;
      if (score > threshold) heap.push(key(gt, other), -score);
      else heap.invalidate(key(gt, other));
    }
    for (let other = 1; other < recall.rows; other++) {
      if (!(recall.get(other, pred) > th)) continue;
      const otherSkeleton = gtSkeletons[other - 1]!;
      let inter = 0;
      for (const voxel of otherSkeleton) if (predAvailableHas(pred, voxel)) inter++;
      const score = inter / (otherSkeleton.length || 1);
      if (score > threshold) heap.push(key(other, pred), -score);
      else heap.invalidate(key(other, pred));
    }
  }
  return matches;
}

/** `compute_m2m_stats`: false splits = extra predictions per GT, false merges = extra GTs per prediction. */
export function manyToManyCounts(matches: Map<number, number[]> | null, numPred: number): { fm: number; fs: number } {
  if (!matches) return { fm: 0, fs: 0 };
  let fs = 0;
  const perPred = new Array<number>(numPred + 1).fill(0);
  for (const preds of matches.values()) {
    fs += Math.max(0, preds.length - 1);
    for (const pred of preds) perPred[pred]!++;
  }
  const fm = numPred > 0 ? perPred.reduce((sum, count) => sum + Math.max(0, count - 1), 0) : 0;
  return { fm, fs };
}

/** Without overlapping instances the evaluator matches many-to-many by thresholding clRecall alone. */
export function thresholdMatches(recall: Matrix32, threshold: number): Map<number, number[]> {
  const th = f32(threshold);
  const matches = new Map<number, number[]>();
  for (let gt = 1; gt < recall.rows; gt++) {
    for (let pred = 1; pred < recall.cols; pred++) {
      if (recall.get(gt, pred) > th) matches.set(gt, [...(matches.get(gt) ?? []), pred]);
    }
  }
  return matches;
}
