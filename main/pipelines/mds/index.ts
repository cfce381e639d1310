/**
 * MDS cell-type clustering (issue #21): Most Discriminative Stimuli (Burg, Zenkel et al., ICLR 2024;
 * ecker-lab/most-discriminative-stimuli) — not multidimensional scaling.
 *
 *   objective.ts   the contrastive objective J_k (normalised responses, log K offset, τ) + Laplace smoothness
 *   project.ts     fixed L2 norm, then per-channel clip, after every step
 *   stoppers.ts    EMA-loss and pixel-change stoppers
 *   optimise.ts    batched SGD on all K stimuli through a ResponseModel
 *   em.ts          shuffle-and-chunk init (Python's random, python-random.ts), M-step, raw-argmax E-step
 *   split.ts       the split step, accepted when the objective improves
 *   cluster.ts     one whole clustering; svd.ts, confusion.ts, ari.ts its summaries
 *   toy-model.ts   the reference's TestOnOffModel
 *   cluster-pipeline.ts, cluster-toy-pipeline.ts, assign-pipeline.ts   the runs (stored.ts, mds-set.ts)
 *   dataset.ts, baselines.ts, simulate/ (mds-data); model/ (mds-model: the response model and mds-fit-model)
 *
 * There is no merge step: the reference's only merge (clustering/split_merge.py, SplitMerge) is
 * unfinished — it imports objectives that do not exist and uses undefined names — and its working
 * path (KMeans.run_split_cluster) only splits; clusters only disappear when they empty in the E-step.
 */
export { adjustedRandIndex } from './ari.js';
export { clusterNeurons, CLUSTER_DEFAULTS, type ClusterOptions, type ClusteringCore } from './cluster.js';
export { objectiveValue, contrastiveLoss, laplaceLoss, DEFAULT_TEMPERATURE, CLIP_DIV_PRED_MIN } from './objective.js';
export { optimiseStimuli, responsesTo } from './optimise.js';
export { createToyOnOffModel } from './toy-model.js';
export { MDS_CLUSTER_PIPELINE } from './cluster-pipeline.js';
export { MDS_CLUSTER_TOY_PIPELINE } from './cluster-toy-pipeline.js';
export { MDS_ASSIGN_PIPELINE } from './assign-pipeline.js';
export { MDS_SET_PIPELINE } from './mds-set.js';
export type { ResponseModel, MdsDataset, MdsProtocol } from './types.js';
