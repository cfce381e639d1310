/**
 * One sample's FISBe evaluation, following `evaluate_volume` of Kainmueller-Lab
 * evaluate-instance-segmentation (commit cc34f4d) with the `--app flylight` preset: clDice
 * localisation, greedy one-to-one matching at 14 thresholds, false splits / merges per threshold,
 * GT skeleton coverage, S = ½ avF1 + ½ C, many-to-many FS (clRecall > 0.05) / FM (> 0.1), and the
 * dim and overlapping-neuron subsets.
 */
import type { FisbeInstance, FisbeMetrics, FisbeThresholdRow } from '../../../shared/api/index.js';
import { clDiceMatrix, precisionMatrix, recallMatrix, skeletonOf } from './centerline.js';
import type { LabelInstance, PreparedLabels, Shape3 } from './labels.js';
import { assignGreedy, falseLabels, manyToManyCounts, manyToManyMatches, thresholdMatches, type FalseLabels } from './matching.js';
import { argmax, f32, mean32, mean64, Matrix32, sum32 } from './numeric.js';
import { boundingBox, containsVoxel, subtractSorted, VoxelLabelIndex } from './voxels.js';

/** The evaluator's thresholds, in its order: avF1 averages the first nine. */
export const THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.55, 0.65, 0.75, 0.85, 0.95] as const;

export interface EvaluateOptions {
  /** Partly labelled ground truth: an unmatched prediction is a false positive only when it lies mostly in a GT instance. */
  partly: boolean;
  /** Relabelled ids of dim neurons (the GT's `dim_neurons` attribute, mapped); empty when absent. */
  dimIds: readonly number[];
  /** Many-to-many thresholds on clRecall (flylight: 0.1 for merges, 0.05 for splits). */
  falseMergeThreshold?: number;
  falseSplitThreshold?: number;
  /** Called between steps so long evaluations report progress and can be cancelled. */
  onStep?: (fraction: number, message: string) => void;
}

export interface SampleEvaluation {
  metrics: FisbeMetrics;
  instances: FisbeInstance[];
  precision: Matrix32;
  recall: Matrix32;
  clDice: Matrix32;
  gtSkeletons: Uint32Array[];
  predSkeletons: Uint32Array[];
}

/** Voxels covered by more than one instance of a set (channels overlap). */
function overlapVoxels(instances: readonly LabelInstance[]): Uint32Array {
  return new VoxelLabelIndex(instances).overlapVoxels();
}

export function evaluateSample(gt: PreparedLabels, pred: PreparedLabels, options: EvaluateOptions): SampleEvaluation {
  const step = options.onStep ?? (() => {});
  const shape = gt.shape;
  const numGt = gt.instances.length;
  const numPred = pred.instances.length;
  const gtIndex = new VoxelLabelIndex(gt.instances);
  const predIndex = new VoxelLabelIndex(pred.instances);
  const gtOverlap = gtIndex.overlapVoxels();
  const predOverlap = predIndex.overlapVoxels();
  const overlaps = gtOverlap.length > 0 || predOverlap.length > 0;

  step(0.05, `skeletonizing ${numGt} ground-truth instances`);
  const gtSkeletons = gt.instances.map((instance) => skeletonOf(instance.voxels, shape));
  step(0.35, `skeletonizing ${numPred} predicted instances`);
  const predSkeletons = pred.instances.map((instance) => skeletonOf(instance.voxels, shape));
  step(0.65, 'centreline overlaps');
  const precision = precisionMatrix(predSkeletons, gtIndex, numGt);
  const recall = recallMatrix(gtSkeletons, predIndex, numPred);

  // For false merges the evaluator also scores GT skeletons recomputed without the voxels where GT
  // instances overlap, so a prediction along a crossing does not count as merging both neurons.
  let recallWithoutOverlap: Matrix32 | null = null;
  if (overlaps) {
    const gtWithout = gt.instances.map((instance) => ({ ...instance, voxels: subtractSorted(instance.voxels, gtOverlap) }));
    const predWithout = pred.instances.map((instance) => ({ ...instance, voxels: subtractSorted(instance.voxels, gtOverlap) }));
    const skeletonsWithout = gtWithout.map((instance) => (instance.voxels.length ? skeletonOf(instance.voxels, shape) : null));
    recallWithoutOverlap = recallMatrix(skeletonsWithout, new VoxelLabelIndex(predWithout.filter((i) => i.voxels.length)), numPred);
  }
  const clDice = clDiceMatrix(precision, recall);
  step(0.85, 'matching');

  const numMatches = Math.min(numGt, numPred);
  const rows: FisbeThresholdRow[] = [];
  let at05 = { tp: 0, gtIds: [] as number[], predIds: [] as number[] };
  let labels05: FalseLabels | null = null;
  for (const threshold of THRESHOLDS) {
    const assignment =
      numMatches > 0 && clDice.max() > f32(threshold) ? assignGreedy(clDice, threshold) : { tp: 0, gtIds: [], predIds: [] };
    const errors = falseLabels(assignment, precision, recall, recallWithoutOverlap, threshold);
    const tp = assignment.tp;
    const fp = options.partly ? errors.fs.length : numPred - tp;
    const fn = numGt - tp;
    const prec = tp / Math.max(1, tp + fp);
    const rec = tp / Math.max(1, tp + fn);
    const fscore = prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
    rows.push({ threshold, tp, fp, fn, precision: prec, recall: rec, ap: prec * rec, fscore, falseSplit: errors.fs.length, falseMerge: errors.fmCount });
    if (threshold === 0.5) {
      at05 = assignment;
      labels05 = errors;
    }
  }
  const aps = rows.map((row) => row.ap);
  const fscores = rows.map((row) => row.fscore);
  const avAP19 = mean64(aps.slice(0, 9));
  const avAP59 = mean64(aps.slice(4));
  const avFscore19 = mean64(fscores.slice(0, 9));
  const avFscore59 = mean64(fscores.slice(4));
  const tp05ClDice = at05.gtIds.map((gtId, i) => clDice.get(gtId, at05.predIds[i]!));

  const coverage = gtCoverage(gt.instances, gtSkeletons, pred.instances, precision, recall, shape, gtOverlap.length > 0 && predOverlap.length > 0);
  const fm = manyToMany(recall, gt, pred, gtSkeletons, overlaps, options.falseMergeThreshold ?? 0.1).fm;
  const fs = manyToMany(recall, gt, pred, gtSkeletons, overlaps, options.falseSplitThreshold ?? 0.05).fs;

  const dim = subsetCoverage(options.dimIds, gt, gtSkeletons, pred, predSkeletons, clDice, recall, shape, predOverlap.length > 0, true);
  const overlapIds = [...new Set(gt.instances.filter((i) => i.voxels.some((v) => containsVoxel(gtOverlap, v))).map((i) => i.id))].sort(
    (a, b) => a - b,
  );
  const ovl = subsetCoverage(overlapIds, gt, gtSkeletons, pred, predSkeletons, clDice, recall, shape, predOverlap.length > 0, false);

  const metrics: FisbeMetrics = {
    numGt,
    numPred,
    tp05: at05.tp,
    tp05Rel: numGt > 0 ? at05.tp / numGt : 0,
    tp05ClDice,
    avgTp05ClDice: tp05ClDice.length > 0 ? mean32(tp05ClDice) : 0,
    gtSkelCoverage: coverage.values,
    avgGtSkelCoverage: coverage.mean,
    avgF1CovScore: 0.5 * avFscore19 + 0.5 * coverage.mean,
    falseMerges: fm,
    falseSplits: fs,
    gtDim: dim.count,
    tp05Dim: dim.tp05,
    tp05RelDim: dim.tp05Rel,
    gtCovsDim: dim.coverage.values,
    avgGtCovDim: dim.coverage.mean,
    gtOverlap: ovl.count,
    tp05Overlap: ovl.tp05,
    tp05RelOverlap: ovl.tp05Rel,
    gtCovsOverlap: ovl.coverage.values,
    avgGtCovOverlap: ovl.coverage.mean,
    avAP: avAP59,
    avAP59,
    avAP19,
    avFscore: avFscore19,
    avFscore59,
    avFscore19,
    thresholds: rows,
  };
  step(1, 'done');
  const instances = describeInstances(gt, pred, gtSkeletons, predSkeletons, clDice, coverage.values, at05, labels05!);
  return { metrics, instances, precision, recall, clDice, gtSkeletons, predSkeletons };
}

interface Coverage {
  values: number[];
  mean: number;
}

/**
 * `get_gt_coverage`: each prediction is assigned to the GT row with its largest clPrecision (ties to
 * the lower id, background included); a GT's coverage is the clRecall summed over its predictions —
 * or, when both sides have overlapping instances, the share of its skeleton inside the union of them.
 */
function gtCoverage(
  gtInstances: readonly LabelInstance[],
  gtSkeletons: readonly Uint32Array[],
  predInstances: readonly LabelInstance[],
  precision: Matrix32,
  recall: Matrix32,
  shape: Shape3,
  /** Whether GT instances overlap one another and predicted ones too. */
  bothOverlap: boolean,
): Coverage {
  const assignedGt = Array.from({ length: precision.cols }, (_, col) => argmax(precision.column(col)));
  if (bothOverlap) {
    const values = gtInstances.map((_, index) => {
      const gtId = index + 1;
      const members = predInstances.filter((p) => assignedGt[p.id] === gtId);
      if (members.length === 0) return 0;
      const skeleton = gtSkeletons[index] ?? skeletonOf(gtInstances[index]!.voxels, shape);
      let inside = 0;
      for (const voxel of skeleton) if (members.some((p) => containsVoxel(p.voxels, voxel))) inside++;
      return inside / skeleton.length;
    });
    return { values, mean: values.length ? mean64(values) : Number.NaN };
  }
  const values: number[] = [];
  for (let row = 1; row < recall.rows; row++) {
    const picked: number[] = [];
    for (let col = 0; col < recall.cols; col++) if (assignedGt[col] === row) picked.push(recall.get(row, col));
    values.push(sum32(picked));
  }
  return { values, mean: values.length ? mean32(values) : Number.NaN };
}

function manyToMany(
  recall: Matrix32,
  gt: PreparedLabels,
  pred: PreparedLabels,
  gtSkeletons: readonly Uint32Array[],
  overlaps: boolean,
  threshold: number,
): { fm: number; fs: number } {
  const matches = overlaps
    ? manyToManyMatches(
        { recall, gtVoxels: gt.instances.map((i) => i.voxels), predVoxels: pred.instances.map((i) => i.voxels), gtSkeletons },
        threshold,
      )
    : thresholdMatches(recall, threshold);
  return manyToManyCounts(matches, pred.instances.length);
}

/**
 * `get_gt_coverage_dim` / `get_gt_coverage_overlap`: coverage and TP at 0.5 restricted to some GT
 * instances. As the evaluator does, ids select *channels* (id - 1) of the GT stack, which are
 * relabelled 1…k; clPrecision is recomputed against that subset, clRecall / clDice rows are picked.
 */
function subsetCoverage(
  ids: readonly number[],
  gt: PreparedLabels,
  gtSkeletons: readonly Uint32Array[],
  pred: PreparedLabels,
  predSkeletons: readonly Uint32Array[],
  clDice: Matrix32,
  recall: Matrix32,
  shape: Shape3,
  predOverlaps: boolean,
  requirePredictions: boolean,
): { count: number; tp05: number; tp05Rel: number; coverage: Coverage } {
  const empty = { count: ids.length, tp05: 0, tp05Rel: 0, coverage: { values: [], mean: 0 } };
  if (ids.length === 0 || (requirePredictions && pred.instances.length === 0)) return empty;
  const subset: LabelInstance[] = [];
  const subsetSkeletons: Uint32Array[] = [];
  for (const id of ids) {
    const inChannel = gt.instances.filter((instance) => instance.channel === id - 1);
    for (const instance of inChannel) {
      subset.push({ ...instance, id: subset.length + 1 });
      subsetSkeletons.push(gtSkeletons[instance.id - 1]!);
    }
  }
  const precision = precisionMatrix(predSkeletons, new VoxelLabelIndex(subset), subset.length);
  const rows = [0, ...ids];
  const recallSubset = recall.pickRows(rows);
  const clDiceSubset = clDice.pickRows(rows);
  const bothOverlap = predOverlaps && overlapVoxels(subset).length > 0;
  const coverage = gtCoverage(subset, subsetSkeletons, pred.instances, precision, recallSubset, shape, bothOverlap);
  let fgMax = -Infinity;
  for (let r = 1; r < clDiceSubset.rows; r++) for (let c = 1; c < clDiceSubset.cols; c++) fgMax = Math.max(fgMax, clDiceSubset.get(r, c));
  const tp05 = fgMax > f32(0.5) ? assignGreedy(clDiceSubset, 0.5).tp : 0;
  return { count: ids.length, tp05, tp05Rel: tp05 / ids.length, coverage };
}

/** Per-instance records for the error view: status at threshold 0.5, matches, best clDice, coverage. */
function describeInstances(
  gt: PreparedLabels,
  pred: PreparedLabels,
  gtSkeletons: readonly Uint32Array[],
  predSkeletons: readonly Uint32Array[],
  clDice: Matrix32,
  coverage: readonly number[],
  at05: { gtIds: number[]; predIds: number[] },
  errors: FalseLabels,
): FisbeInstance[] {
  const matchOfGt = new Map(at05.gtIds.map((gtId, i) => [gtId, at05.predIds[i]!]));
  const matchOfPred = new Map(at05.predIds.map((predId, i) => [predId, at05.gtIds[i]!]));
  const mergedGt = new Set(errors.fmGt.flat());
  const mergesOf = new Map(errors.fmPred.map((predId, i) => [predId, errors.fmGt[i]!]));
  const falseSplits = new Set(errors.fs);
  const describe = (side: 'gt' | 'pred', instance: LabelInstance, skeleton: Uint32Array): FisbeInstance => {
    const { min, max } = boundingBox(instance.voxels, gt.shape);
    const others = side === 'gt' ? clDice.cols : clDice.rows;
    let bestId: number | null = null;
    let bestClDice = 0;
    for (let other = 1; other < others; other++) {
      const value = side === 'gt' ? clDice.get(instance.id, other) : clDice.get(other, instance.id);
      if (value > bestClDice) [bestId, bestClDice] = [other, value];
    }
    const matchedId = (side === 'gt' ? matchOfGt : matchOfPred).get(instance.id) ?? null;
    const merged = side === 'pred' ? (mergesOf.get(instance.id) ?? []) : [];
    const status =
      side === 'pred'
        ? merged.length > 0
          ? 'false-merge'
          : matchedId !== null
            ? 'true-positive'
            : falseSplits.has(instance.id)
              ? 'false-split'
              : 'unmatched'
        : matchedId !== null
          ? 'true-positive'
          : mergedGt.has(instance.id)
            ? 'false-merge'
            : 'unmatched';
    return {
      side,
      id: instance.id,
      sourceLabel: instance.sourceLabel,
      sourceChannel: instance.sourceChannel,
      voxels: instance.voxels.length,
      skeletonVoxels: skeleton.length,
      bboxMin: min,
      bboxMax: max,
      status,
      matchedId,
      matchedClDice: matchedId === null ? null : side === 'gt' ? clDice.get(instance.id, matchedId) : clDice.get(matchedId, instance.id),
      bestId,
      bestClDice,
      coverage: side === 'gt' ? (coverage[instance.id - 1] ?? null) : null,
      mergedIds: merged,
    };
  };
  return [
    ...gt.instances.map((instance, i) => describe('gt', instance, gtSkeletons[i]!)),
    ...pred.instances.map((instance, i) => describe('pred', instance, predSkeletons[i]!)),
  ];
}
