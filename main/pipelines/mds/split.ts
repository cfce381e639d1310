/**
 * The split step (the reference's KMeans.run_split_cluster / split_cluster_if_loss_improves): the
 * number of clusters is chosen by the MDS objective itself, which is normalised by log K so a
 * redundant cluster lowers it. Over all clusters, repeatedly until no split is accepted:
 *  (a) re-optimise every stimulus from scratch for `stepsToEstimate` (20) steps; loss L_prev;
 *  (b) cluster that cluster's neurons alone into `subclusters` (shuffle-and-chunk init, ≤ 50
 *      iterations, 1 optimiser step per iteration, the contrast restricted to those neurons);
 *      collapsing to ≤ 1 sub-cluster rejects the split;
 *  (c) insert the sub-clusters (local cluster 0 keeps the parent's id, the others get new ids),
 *      re-optimise from scratch, reassign every neuron, re-optimise from scratch again; loss L_new;
 *  (d) accept when L_new < L_prev, else restore the state before (a).
 * As in the reference, a rejection by collapse keeps the stimuli re-optimised in (a).
 * Seeds: the reference's local clustering draws from an unseeded random.Random() (its
 * use_new_seed option gives seed + 1); here the local shuffle uses seed + 1 + attempt, so a run is
 * reproducible. There is no merge step: the reference's SplitMerge class is unfinished (undefined
 * names, TODOs) and its working path splits only.
 */
import type { MdsSplit } from '../../../shared/api/mds.js';
import { cloneSet, initialClusters, optimiseClusters, reassign, runEm, trainingLoss, type ClusterSet, type EmContext } from './em.js';

export interface SplitOptions {
  subclusters: number;
  stepsToEstimate: number;
  localMaxIterations: number;
  localSteps: number;
  /** Rounds over all clusters (each round tries every cluster once). */
  maxRounds: number;
  seed: number;
}

export const SPLIT_DEFAULTS: Omit<SplitOptions, 'subclusters' | 'seed'> = { stepsToEstimate: 20, localMaxIterations: 50, localSteps: 1, maxRounds: 10 };

/** Tries to split each cluster; mutates `set`; returns the split history. */
export function runSplits(ctx: EmContext, set: ClusterSet, options: SplitOptions, onSplit?: (split: MdsSplit) => void): MdsSplit[] {
  const history: MdsSplit[] = [];
  let attempt = 0;
  for (let round = 0; round < options.maxRounds; round++) {
    let changed = false;
    for (const id of set.clusters.map((c) => c.id)) {
      if (!set.clusters.some((c) => c.id === id)) continue;
      const split = trySplit(ctx, set, id, options, attempt++);
      history.push(split);
      onSplit?.(split);
      changed ||= split.accepted;
    }
    if (!changed) break;
  }
  return history;
}

export function trySplit(ctx: EmContext, set: ClusterSet, clusterId: number, options: SplitOptions, attempt: number): MdsSplit {
  const saved = cloneSet(set);
  optimiseClusters(ctx, set, { reinitialize: true, maxSteps: options.stepsToEstimate });
  const lossBefore = trainingLoss(ctx, set).mean;
  const parent = set.clusters.find((c) => c.id === clusterId)!;
  const local = initialClusters(Int32Array.from(parent.members), Math.min(options.subclusters, parent.members.length), options.seed + 1 + attempt);
  runEm(ctx, local, { maxIterations: options.localMaxIterations, maxSteps: options.localSteps, phase: 'split' });
  local.clusters = local.clusters.filter((c) => c.members.length > 0);
  if (local.clusters.length <= 1) return { clusterId, subclusters: local.clusters.length, lossBefore, lossAfter: null, accepted: false, newClusterIds: [] };
  const newClusterIds: number[] = [];
  const inserted = local.clusters.map((c, i) => {
    const id = i === 0 ? clusterId : set.nextId++;
    if (i > 0) newClusterIds.push(id);
    return { id, members: c.members, stimulus: c.stimulus };
  });
  set.clusters = [...set.clusters.filter((c) => c.id !== clusterId), ...inserted].sort((a, b) => a.id - b.id);
  optimiseClusters(ctx, set, { reinitialize: true, maxSteps: options.stepsToEstimate });
  reassign(ctx, set);
  optimiseClusters(ctx, set, { reinitialize: true, maxSteps: options.stepsToEstimate });
  const lossAfter = trainingLoss(ctx, set).mean;
  const accepted = lossAfter < lossBefore;
  if (!accepted) {
    set.clusters = saved.clusters;
    set.nextId = saved.nextId;
  }
  return { clusterId, subclusters: local.clusters.length, lossBefore, lossAfter, accepted, newClusterIds: accepted ? newClusterIds.filter((id) => set.clusters.some((c) => c.id === id)) : [] };
}
