/**
 * The evaluation protocol for Brain-JEPA on a labelled cohort: k-fold cross-validation
 * stratified by site and label (the folds of the connectivity baseline, fmri/folds.ts), and inside
 * every fold an encoder pretrained on that fold's training subjects only. Each fold's pooled
 * features — pretrained and the same architecture at its random initialisation — are probed two
 * ways (the reference's linear-probe head, and L2 logistic regression on standardised features),
 * and the connectivity + logistic-regression baseline is scored on the very same folds. Nothing is
 * tuned on the test folds: every hyper-parameter is fixed before the folds are drawn.
 *
 * The encoders come in through `encodeFold`, so this module only does the bookkeeping and the
 * statistics; the pretraining itself is train.ts.
 */
import { ValidationError } from '../../errors.js';
import type { FoldScore, JepaFeatureSource as FeatureSource, JepaMetrics, JepaMethodReport as MethodReport, JepaProbeKind as ProbeKind, JepaTargetReport as TargetReport } from '../../../shared/api/index.js';
import { fitScaler, scaledRows } from '../fmri/classify.js';
import { stratifiedFolds, strata } from '../fmri/folds.js';
import { decisionFunction, fitLogistic } from '../fmri/logistic.js';
import { accuracy, balancedAccuracy, rocAuc } from '../fmri/metrics.js';
import { linearProbeDirection, logisticDirection } from './importance.js';
import { layerNormRows, probeLogits, REFERENCE_LINEAR_PROBE, trainLinearProbe, type LinearProbeOptions } from './probe.js';

export type ProbeTarget = TargetReport['target'];
type Metrics = JepaMetrics;

export interface EvaluationSubject {
  id: string;
  site: string;
  labels: Record<ProbeTarget, string>;
}

/** One fold of one target: the subjects (indices into the cohort) the encoder may train on, and the held-out ones. */
export interface FoldSpec {
  target: ProbeTarget;
  fold: number;
  train: number[];
  test: number[];
}

/** Pooled features of every subject of the cohort (n × width, row-major) from the fold's two encoders. */
export interface FoldFeatures {
  width: number;
  pretrained: Float64Array;
  random: Float64Array;
  /** The pretrained model's context encoder, when asked for (it trains directly; the EMA target lags it). */
  context?: Float64Array;
  /**
   * Called with each fitted probe's score direction over LN(pooled) (importance.ts) and the fold's
   * held-out subjects, while the fold's encoders are still alive: the ROI-importance maps.
   */
  explain?: (source: FeatureSource, probe: ProbeKind, direction: Float64Array, subjects: readonly number[]) => Promise<void>;
  /** Frees the fold's encoders once the probes (and `explain`) are done with them. */
  dispose?: () => void;
}

export interface EvaluationOptions {
  folds: number;
  /** Fold seed (0: sklearn's unshuffled StratifiedKFold, as the baseline of #18). */
  seed: number;
  /** Inverse L2 strength of the logistic regressions (sklearn's C). */
  C: number;
  linearProbe: LinearProbeOptions;
}

export const DEFAULT_EVALUATION: EvaluationOptions = { folds: 5, seed: 0, C: 1, linearProbe: REFERENCE_LINEAR_PROBE };

/** The folds of each target, as the connectivity baseline draws them (strata site|label). */
export function evaluationFolds(subjects: readonly EvaluationSubject[], target: ProbeTarget, options: Pick<EvaluationOptions, 'folds' | 'seed'>): FoldSpec[] {
  const labels = subjects.map((s) => s.labels[target]);
  const testFold = stratifiedFolds(strata(labels, subjects.map((s) => s.site)), options.folds, options.seed);
  return Array.from({ length: options.folds }, (_, fold) => {
    const train: number[] = [];
    const test: number[] = [];
    testFold.forEach((f, i) => (f === fold ? test : train).push(i));
    return { target, fold, train, test };
  });
}

/** Scores of one probe on one fold's held-out subjects; y ∈ {−1, +1} (+1: classes[1]). */
function scoreFold(fold: FoldSpec, y: Int8Array, scores: Float64Array): FoldScore {
  const truth = Int8Array.from(fold.test, (i) => y[i]!);
  const predicted = Int8Array.from(scores, (s) => (s > 0 ? 1 : -1));
  return {
    fold: fold.fold,
    trainCount: fold.train.length,
    testCount: fold.test.length,
    accuracy: accuracy(truth, predicted),
    balancedAccuracy: balancedAccuracy(truth, predicted),
    auroc: rocAuc(truth, scores),
  };
}

/** Logistic regression on standardised features: decision scores of the fold's test subjects. */
export function logisticScores(features: Float64Array, width: number, y: Int8Array, fold: FoldSpec, C: number): Float64Array {
  return logisticFit(features, width, y, fold, C).scores;
}

/** The same, with the score's direction over the unstandardised features (importance.ts). */
export function logisticFit(features: Float64Array, width: number, y: Int8Array, fold: FoldSpec, C: number): { scores: Float64Array; direction: Float64Array } {
  const scaler = fitScaler(features, width, fold.train);
  const model = fitLogistic(scaledRows(features, width, fold.train, scaler), fold.train.length, width, Int8Array.from(fold.train, (i) => y[i]!), C);
  return { scores: decisionFunction(model, scaledRows(features, width, fold.test, scaler), fold.test.length, width), direction: logisticDirection(model.weights, scaler.scale) };
}

/** The reference's linear-probe head (frozen fc_norm, BN, Linear by LARS): logit(classes[1]) − logit(classes[0]) of the test subjects. */
export function linearProbeScores(pooled: Float64Array, width: number, y: Int8Array, fold: FoldSpec, options: LinearProbeOptions): Float64Array {
  return linearProbeFit(pooled, width, y, fold, options).scores;
}

/** The same, with the score's direction over LN(pooled) (importance.ts). */
export function linearProbeFit(pooled: Float64Array, width: number, y: Int8Array, fold: FoldSpec, options: LinearProbeOptions): { scores: Float64Array; direction: Float64Array } {
  const n = y.length;
  const normed = layerNormRows(pooled, n, width);
  const classIndex = Int32Array.from(y, (v) => (v > 0 ? 1 : 0));
  const probe = trainLinearProbe(normed, width, classIndex, 2, fold.train, options);
  const logits = probeLogits(probe, normed, width, fold.test);
  return { scores: Float64Array.from(fold.test, (_, k) => logits[k * 2 + 1]! - logits[k * 2]!), direction: linearProbeDirection(probe) };
}

function summarise(features: FeatureSource, probe: ProbeKind, folds: FoldScore[]): MethodReport {
  const keys = ['accuracy', 'balancedAccuracy', 'auroc'] as const;
  const mean = {} as Metrics;
  const sd = {} as Metrics;
  for (const key of keys) {
    const values = folds.map((f) => f[key]);
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    mean[key] = m;
    // Sample standard deviation across folds (ddof = 1), the usual "mean ± sd" of a CV table.
    sd[key] = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1)) : 0;
  }
  return { features, probe, folds, mean, sd };
}

export interface EvaluationProgress {
  (done: number, total: number, message: string): void;
}

/**
 * Runs the protocol for each target. `encodeFold` pretrains on `fold.train` (and builds the same
 * architecture at random init) and returns the pooled features of every subject; `baseline` is the
 * connectivity feature matrix (n × baselineWidth) of #18's classifier.
 */
export async function evaluateJepa(
  subjects: readonly EvaluationSubject[],
  targets: readonly ProbeTarget[],
  encodeFold: (fold: FoldSpec) => Promise<FoldFeatures>,
  baseline: { features: Float64Array; width: number },
  options: EvaluationOptions = DEFAULT_EVALUATION,
  progress?: EvaluationProgress,
): Promise<TargetReport[]> {
  const n = subjects.length;
  if (baseline.features.length !== n * baseline.width) {
    throw new ValidationError('baseline', `${n} subjects × ${baseline.width} features need ${n * baseline.width} values, got ${baseline.features.length}`);
  }
  const reports: TargetReport[] = [];
  const total = targets.length * options.folds;
  let done = 0;
  for (const target of targets) {
    const labels = subjects.map((s) => s.labels[target]);
    const classes = [...new Set(labels)].sort();
    if (classes.length !== 2) throw new ValidationError(`labels.${target}`, `needs exactly two classes, found ${classes.length} (${classes.join(', ')})`);
    const y = Int8Array.from(labels, (l) => (l === classes[1] ? 1 : -1));
    const scores = new Map<string, FoldScore[]>();
    const add = (source: FeatureSource, probe: ProbeKind, score: FoldScore) => {
      const key = `${source}/${probe}`;
      scores.set(key, [...(scores.get(key) ?? []), score]);
    };
    for (const fold of evaluationFolds(subjects, target, options)) {
      for (const [rows, what] of [[fold.train, 'training'], [fold.test, 'test']] as const) {
        if (new Set(rows.map((i) => y[i])).size < 2) throw new ValidationError(`labels.${target}`, `fold ${fold.fold}'s ${what} set holds one class only; use fewer folds`);
      }
      progress?.(done, total, `${target}: fold ${fold.fold + 1} of ${options.folds}, pretraining on ${fold.train.length} subjects`);
      const encoded = await encodeFold(fold);
      try {
        const sources: [FeatureSource, Float64Array][] = [['pretrained', encoded.pretrained], ['random-init', encoded.random]];
        if (encoded.context) sources.splice(1, 0, ['pretrained-context', encoded.context]);
        for (const [source, pooled] of sources) {
          if (pooled.length !== n * encoded.width) throw new ValidationError('features', `${source}: ${pooled.length} values for ${n} subjects × ${encoded.width}`);
          const probe = linearProbeFit(pooled, encoded.width, y, fold, options.linearProbe);
          add(source, 'linear-probe', scoreFold(fold, y, probe.scores));
          // Logistic regression reads the same LN(pooled) as the probe, so both directions are over it.
          const logistic = logisticFit(layerNormRows(pooled, n, encoded.width), encoded.width, y, fold, options.C);
          add(source, 'logistic-regression', scoreFold(fold, y, logistic.scores));
          await encoded.explain?.(source, 'linear-probe', probe.direction, fold.test);
          await encoded.explain?.(source, 'logistic-regression', logistic.direction, fold.test);
        }
      } finally {
        encoded.dispose?.();
      }
      add('connectivity', 'logistic-regression', scoreFold(fold, y, logisticScores(baseline.features, baseline.width, y, fold, options.C)));
      done++;
    }
    const methods = [...scores].map(([key, folds]) => {
      const [source, probe] = key.split('/') as [FeatureSource, ProbeKind];
      return summarise(source, probe, folds);
    });
    reports.push({ target, classes, subjectCount: n, methods });
  }
  progress?.(total, total, 'evaluation done');
  return reports;
}

/**
 * Subject identification between two halves of each scan (a label-free check of the features):
 * subject i counts as identified when its first-half features correlate best with its own
 * second-half features among all subjects' (Pearson over the feature vector, each feature centred over
 * the subjects of its half), and the same the
 * other way round; the accuracy averages both directions. Chance is 1/n.
 */
export function subjectIdentification(first: Float64Array, second: Float64Array, n: number, width: number): number {
  if (first.length !== n * width || second.length !== n * width) throw new ValidationError('features', `two halves of ${n} × ${width} expected`);
  const centred = (raw: Float64Array) => {
    // Each feature centred over the subjects first (as connectome fingerprinting z-scores edges over
    // subjects): mean-pooled features share a large offset that would make every pair look alike.
    const columnMean = new Float64Array(width);
    for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) columnMean[j] = columnMean[j]! + raw[i * width + j]! / n;
    const x = Float64Array.from(raw, (v, k) => v - columnMean[k % width]!);
    const out = new Float64Array(x.length);
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let j = 0; j < width; j++) mean += x[i * width + j]!;
      mean /= width;
      let norm = 0;
      for (let j = 0; j < width; j++) norm += (out[i * width + j] = x[i * width + j]! - mean) ** 2;
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let j = 0; j < width; j++) out[i * width + j] = out[i * width + j]! * inv;
    }
    return out;
  };
  const a = centred(first);
  const b = centred(second);
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += a[i * width + j]! * b[k * width + j]!;
      r[i * n + k] = s;
    }
  }
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let bestRow = 0;
    let bestColumn = 0;
    for (let k = 1; k < n; k++) {
      if (r[i * n + k]! > r[i * n + bestRow]!) bestRow = k;
      if (r[k * n + i]! > r[bestColumn * n + i]!) bestColumn = k;
    }
    hits += (bestRow === i ? 1 : 0) + (bestColumn === i ? 1 : 0);
  }
  return hits / (2 * n);
}
