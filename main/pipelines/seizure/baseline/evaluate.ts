/**
 * Segment classification under stratified K-fold cross-validation: every method of an evaluation
 * sees the same folds (./cross-validation.ts), learns from the training folds only and predicts
 * the test fold; predictions pooled over the folds give the metrics.
 *
 * A method whose scope is 'ictal-vs-rest' (a detector: it knows seizure or not) predicts 'ictal'
 * or NON_ICTAL; on a 3-class task its truth is collapsed the same way, so its accuracy there is
 * the 2-class accuracy of ictal vs the rest (flagged in the result and the table).
 */
import type { SegmentCollection } from '../../../io/segments/types.js';
import { classificationMetrics, stratifiedFolds, type ClassificationMetrics } from './cross-validation.js';
import { taskClasses, taskItems, type SegmentTask, type TaskItem } from './tasks.js';
import { ICTAL_LABEL } from '../../../io/segments/types.js';

/** What an ictal-vs-rest method calls every segment it does not call ictal. */
export const NON_ICTAL = 'non-ictal';

export interface FoldContext {
  task: SegmentTask;
  /** The task's classes, sorted. */
  classes: readonly string[];
  fold: number;
  folds: number;
  seed: number;
  signal?: AbortSignal;
}

export interface SegmentMethod {
  id: string;
  title: string;
  /** How it learns and decides, in a sentence (printed under the tables). */
  protocol: string;
  /** 'classes' (default): predicts the task's classes; 'ictal-vs-rest': predicts 'ictal' or NON_ICTAL. */
  scope?: 'classes' | 'ictal-vs-rest';
  /** The predicted class of every test item, in order, learnt from `train` alone. */
  predict(train: readonly TaskItem[], test: readonly TaskItem[], context: FoldContext): Promise<string[]>;
}

export interface MethodResult {
  method: string;
  title: string;
  /** True when the task has more than two classes and the method was scored as ictal vs the rest. */
  collapsed: boolean;
  metrics: ClassificationMetrics;
  /** Accuracy of each test fold, for the spread. */
  foldAccuracy: number[];
  /** Wall-clock seconds, all folds. */
  seconds: number;
  /** CPU seconds of this process (user + system), all folds: the fairer figure on a shared machine. */
  cpuSeconds: number;
}

export interface TaskResult {
  task: string;
  title: string;
  classes: string[];
  /** Segments per class. */
  counts: Record<string, number>;
  folds: number;
  seed: number;
  methods: MethodResult[];
}

export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export interface EvaluateOptions {
  folds?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: { task: string; method: string; fold: number; folds: number }) => void;
}

export async function evaluateTask(task: SegmentTask, collection: SegmentCollection, methods: readonly SegmentMethod[], options: EvaluateOptions = {}): Promise<TaskResult> {
  const folds = options.folds ?? 10;
  const seed = options.seed ?? 1;
  const items = taskItems(task, collection);
  const classes = taskClasses(task);
  const truth = items.map((item) => item.cls);
  const fold = stratifiedFolds(truth, folds, seed);
  const counts: Record<string, number> = {};
  for (const c of classes) counts[c] = truth.filter((t) => t === c).length;
  const results: MethodResult[] = [];
  for (const method of methods) {
    const binary = method.scope === 'ictal-vs-rest';
    const collapsed = binary && !(classes.length === 2 && classes.includes(ICTAL_LABEL));
    const methodClasses = binary ? [ICTAL_LABEL, NON_ICTAL] : classes;
    const methodTruth = binary ? truth.map((t) => (t === ICTAL_LABEL ? ICTAL_LABEL : NON_ICTAL)) : truth;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const predicted: string[] = new Array(items.length);
    const foldAccuracy: number[] = [];
    for (let f = 0; f < folds; f++) {
      if (options.signal?.aborted) throw new Error('segment evaluation cancelled');
      options.onProgress?.({ task: task.id, method: method.id, fold: f, folds });
      const trainIdx: number[] = [];
      const testIdx: number[] = [];
      fold.forEach((k, i) => (k === f ? testIdx : trainIdx).push(i));
      const out = await method.predict(
        trainIdx.map((i) => items[i]!),
        testIdx.map((i) => items[i]!),
        { task, classes, fold: f, folds, seed, signal: options.signal },
      );
      if (out.length !== testIdx.length) throw new Error(`method ${method.id} returned ${out.length} predictions for ${testIdx.length} test segments`);
      let correct = 0;
      testIdx.forEach((i, j) => {
        predicted[i] = out[j]!;
        if (out[j] === methodTruth[i]) correct++;
      });
      foldAccuracy.push(correct / testIdx.length);
    }
    results.push({
      method: method.id,
      title: method.title,
      collapsed,
      metrics: classificationMetrics(methodClasses, methodTruth, predicted),
      foldAccuracy,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: cpuSecondsSince(cpuStarted),
    });
  }
  return { task: task.id, title: task.title, classes, counts, folds, seed, methods: results };
}
