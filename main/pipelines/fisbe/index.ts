/**
 * The `fisbe-eval` pipeline: evaluates one predicted instance segmentation against FISBe ground
 * truth with the official evaluator's FlyLight metrics and stores the metric tables, the per-instance
 * matches, the clDice matrices and the instances' voxels and skeletons (what the 3D error view draws).
 */
import { z } from 'zod';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import type { ResultItem } from '../../store/index.js';
import { evaluateSample } from './evaluate.js';
import { toEvaluatorTables } from './report.js';
import { loadSample } from './sample.js';
import type { PreparedLabels } from './labels.js';

export const FisbeParams = z
  .object({
    gtPath: z.string().min(1).max(4096),
    predPath: z.string().min(1).max(4096),
    /** Dataset of the ground truth in its zarr / HDF5 file (FISBe: one instance per channel). */
    gtDataset: z.string().min(1).max(1000).default('volumes/gt_instances'),
    /** Dataset of the prediction (the FISBe baselines write `volumes/gmm_label_cleaned`). */
    predDataset: z.string().min(1).max(1000).default('volumes/gmm_label_cleaned'),
    /** Partly labelled ground truth (FISBe's "partly" split): see README. */
    partly: z.boolean().default(false),
    /** FlyLight preset: predicted labels of ≤ 800 voxels are removed before matching. */
    removeSmallComponents: z.number().int().min(0).max(1e9).default(800),
  })
  .strict();
export type FisbeParams = z.infer<typeof FisbeParams>;

/** Result keys, shared with the engine's FISBe service that reads them back. */
export const FISBE_RESULT = {
  sample: 'sample',
  metrics: 'metrics',
  instances: 'instances',
  clDice: 'matrix.cldice',
  precision: 'matrix.clprecision',
  recall: 'matrix.clrecall',
  voxels: (side: 'gt' | 'pred') => `voxels.${side}`,
  skeletons: (side: 'gt' | 'pred') => `skeletons.${side}`,
} as const;

/** Instances' sorted voxel lists concatenated (an array result), with the per-instance lengths as its value. */
function concatenated(key: string, lists: readonly Uint32Array[]): ResultItem {
  const total = lists.reduce((n, list) => n + list.length, 0);
  const data = new Uint32Array(total);
  let at = 0;
  for (const list of lists) {
    data.set(list, at);
    at += list.length;
  }
  return { key, value: { lengths: lists.map((list) => list.length) }, array: { data, shape: [total] } };
}

const voxelsOf = (labels: PreparedLabels) => labels.instances.map((instance) => instance.voxels);

const fisbeEval: PipelineDefinition<FisbeParams> = {
  name: 'fisbe-eval',
  title: 'FISBe segmentation metrics',
  description:
    'Scores a 3D instance segmentation of neurons against FISBe ground truth with the benchmark’s clDice metrics (S, avF1, coverage, false splits and merges), identical to the official evaluator.',
  input: 'none',
  recordingKinds: [],
  params: FisbeParams,
  async run(context) {
    const params = context.params;
    const sample = await loadSample(
      params,
      (fraction, message) => context.progress(0.4 * fraction, message),
      () => context.throwIfCancelled(),
    );
    for (const warning of sample.warnings) context.log(warning, 'warn');
    context.log(`${sample.gt.instances.length} ground-truth and ${sample.pred.instances.length} predicted instances in ${sample.shape.join('×')} voxels`);
    const evaluation = evaluateSample(sample.gt, sample.pred, {
      partly: params.partly,
      dimIds: sample.dimIds,
      onStep: (fraction, message) => {
        context.throwIfCancelled();
        context.progress(0.4 + 0.6 * fraction, message);
      },
    });
    const { metrics } = evaluation;
    context.log(`S ${metrics.avgF1CovScore.toFixed(4)}, avF1 ${metrics.avFscore19.toFixed(4)}, C ${metrics.avgGtSkelCoverage.toFixed(4)}`);
    const matrix = (key: string, m: { data: Float32Array; rows: number; cols: number }): ResultItem => ({
      key,
      value: null,
      array: { data: m.data, shape: [m.rows, m.cols] },
    });
    return [
      {
        key: FISBE_RESULT.sample,
        value: {
          gtPath: params.gtPath,
          predPath: params.predPath,
          gtDataset: params.gtDataset,
          predDataset: params.predDataset,
          partly: params.partly,
          shape: sample.shape,
          gtShape: sample.gtInfo.shape,
          predShape: sample.predInfo.shape,
          dimIds: sample.dimIds,
        },
      },
      { key: FISBE_RESULT.metrics, value: { metrics, evaluator: toEvaluatorTables(metrics) } },
      { key: FISBE_RESULT.instances, value: evaluation.instances },
      matrix(FISBE_RESULT.clDice, evaluation.clDice),
      matrix(FISBE_RESULT.precision, evaluation.precision),
      matrix(FISBE_RESULT.recall, evaluation.recall),
      concatenated(FISBE_RESULT.voxels('gt'), voxelsOf(sample.gt)),
      concatenated(FISBE_RESULT.voxels('pred'), voxelsOf(sample.pred)),
      concatenated(FISBE_RESULT.skeletons('gt'), evaluation.gtSkeletons),
      concatenated(FISBE_RESULT.skeletons('pred'), evaluation.predSkeletons),
    ];
  },
};

export default fisbeEval;
