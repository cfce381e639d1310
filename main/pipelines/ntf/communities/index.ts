/**
 * Weighted community detection for the NTF functional-connectome pipeline (issue #6, step 4):
 * a weighted stochastic block model fitted by minimum description length (Dyballa et al., ICLR
 * 2024, after Peixoto), Louvain as the baseline, NMI for scoring, and seeded benchmark graphs.
 */
export type { CommunityResult, LouvainResult, SbmResult, WeightedGraph } from './types.js';
export { fitWeightedSbm, sbmDescriptionLength, type SbmOptions } from './sbm.js';
export {
  edgeListFromWeightedGraph,
  fitNestedSbm,
  nodeBlocksAtLevel,
  type EdgeListGraph, type NestedSbmOptions, type NestedSbmResult } from './nested.js';
export { flatDescriptionLength, nestedDescriptionLength, type DlOptions } from './entropy/dl.js';
export { louvain, modularity, type LouvainOptions } from './louvain.js';
export { normalizedMutualInformation } from './nmi.js';
export {
  measureMixing,
  plantedPartition,
  weightedLfr,
  type BenchmarkGraph,
  type PlantedPartitionOptions,
  type WeightedLfrOptions,
} from './benchmarks.js';
export {
  formatLfrTable,
  lfrBenchmark,
  notebookSettings,
  type LfrBenchmarkRow,
  type LfrSetting,
} from './evaluate.js';
