/**
 * The shipped default model (assets/seizure/default, trained by scripts/train-seizure-default.ts)
 * on a task, zero-shot, for reference. It was trained on most of these very segments, so it is
 * scored only on the segments its card lists as held out of its training
 * (card.trainingData.heldOut.ids, per collection), at its own operating point (card.parameters.threshold, else 0.5): score = mean
 * window probability over the segment (./segment-score.ts), ictal when score ≥ threshold. It is a
 * detector, so a 3-class task is scored as ictal vs the rest. No folds: one held-out set.
 */
import type { SegmentCollection } from '../../../io/segments/types.js';
import { ICTAL_LABEL } from '../../../io/segments/types.js';
import type { NeuralSeizureModel } from '../neural/model.js';
import { classificationMetrics } from './cross-validation.js';
import { cpuSecondsSince, NON_ICTAL, type MethodResult } from './evaluate.js';
import { neuralSegmentScores } from './neural-method.js';
import { taskClasses, taskItems, type SegmentTask } from './tasks.js';

export interface ModelCardHeldOut {
  /** Held-out segment ids per collection name ('bonn', 'delhi'). */
  ids: Record<string, string[]>;
  threshold: number;
}

/** The held-out ids and operating threshold from a model card (card.json); refuses a card without them. */
export function cardHeldOut(card: Record<string, unknown>, source: string): ModelCardHeldOut {
  const trainingData = card.trainingData as { heldOut?: { ids?: unknown } } | undefined;
  const ids = trainingData?.heldOut?.ids;
  if (typeof ids !== 'object' || ids === null || Array.isArray(ids) || !Object.values(ids).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
    throw new RangeError(`${source}: the model card has no trainingData.heldOut.ids (lists of held-out segment ids per collection)`);
  }
  const parameters = card.parameters as { threshold?: unknown } | undefined;
  const threshold = typeof parameters?.threshold === 'number' ? parameters.threshold : 0.5;
  return { ids: ids as Record<string, string[]>, threshold };
}

export function evaluateZeroShot(task: SegmentTask, collection: SegmentCollection, neural: NeuralSeizureModel, heldOut: ModelCardHeldOut): MethodResult {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const held = new Set(heldOut.ids[task.format] ?? []);
  const items = taskItems(task, collection).filter((item) => held.has(item.segment.id));
  if (items.length === 0) throw new RangeError(`zero-shot ${task.id}: none of the model's held-out ${task.format} segments is in ${collection.source}`);
  const truth = items.map((item) => (item.cls === ICTAL_LABEL ? ICTAL_LABEL : NON_ICTAL));
  const predicted = neuralSegmentScores(neural, items.map((item) => item.segment)).map((score) => (score >= heldOut.threshold ? ICTAL_LABEL : NON_ICTAL));
  const metrics = classificationMetrics([ICTAL_LABEL, NON_ICTAL], truth, predicted);
  return {
    method: 'default-model',
    title: `Shipped default model, zero-shot (its ${items.length} held-out segments only)`,
    collapsed: taskClasses(task).length > 2,
    metrics,
    foldAccuracy: [metrics.accuracy],
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsSince(cpuStarted),
  };
}
