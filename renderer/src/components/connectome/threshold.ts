/**
 * Which edges are drawn: those with |weight| at or above a value, or the strongest given percent of
 * all edges. Edges are sorted strongest first (edges.ts), so either rule keeps a prefix and the
 * answer is a count. Switching rule keeps the same edges drawn (`convertThreshold`).
 */
import type { EdgeList } from './edges.js';

export type ThresholdMode = 'value' | 'percentile';

export interface Threshold {
  mode: ThresholdMode;
  /** 'value': the smallest |weight| kept; 'percentile': the percent (0…100) of edges kept. */
  value: number;
}

export const DEFAULT_THRESHOLD: Threshold = { mode: 'percentile', value: 10 };

/** How many of the strongest edges the threshold keeps. */
export function keptEdgeCount(list: EdgeList, threshold: Threshold): number {
  if (list.count === 0) return 0;
  if (threshold.mode === 'percentile') {
    const percent = Math.min(100, Math.max(0, threshold.value));
    return Math.round((list.count * percent) / 100);
  }
  // Binary search for the first edge weaker than the cut (|weight| descends along the list).
  let lo = 0;
  let hi = list.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Math.abs(list.weight[mid]!) >= threshold.value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The largest |weight| (0 without edges): the top of the value slider. */
export function maxAbsWeight(list: EdgeList): number {
  return list.count > 0 ? Math.abs(list.weight[0]!) : 0;
}

/** The threshold of the other rule that keeps the same edges as `threshold`. */
export function convertThreshold(list: EdgeList, threshold: Threshold, mode: ThresholdMode): Threshold {
  if (mode === threshold.mode) return threshold;
  const kept = keptEdgeCount(list, threshold);
  if (mode === 'percentile') return { mode, value: list.count > 0 ? (100 * kept) / list.count : DEFAULT_THRESHOLD.value };
  // The weakest kept edge's weight keeps it and everything stronger; nothing kept: above the max.
  const value = kept > 0 ? Math.abs(list.weight[kept - 1]!) : maxAbsWeight(list) * 1.0001 + Number.EPSILON;
  return { mode, value };
}

/** Slider range and step for a rule: percent 0…100, value 0…the strongest |weight|. */
export function thresholdRange(list: EdgeList, mode: ThresholdMode): { min: number; max: number; step: number } {
  if (mode === 'percentile') return { min: 0, max: 100, step: 0.5 };
  const max = maxAbsWeight(list);
  return { min: 0, max, step: max > 0 ? max / 200 : 1 };
}
