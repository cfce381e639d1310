/**
 * Weighted community detection for the NTF functional-connectome pipeline: graph-tool's nested
 * weighted stochastic block model fitted by minimum description length (Dyballa et al., ICLR 2024,
 * after Peixoto; nested.ts, its description length in entropy/), Louvain as the baseline, NMI for
 * scoring, and seeded benchmark graphs.
 */
export type { CommunityResult, LouvainResult, WeightedGraph } from './types.js';
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
export { notebookSettings, type LfrSetting } from './evaluate.js';
