/**
 * One whole MDS clustering through a ResponseModel, model-agnostic (the reference's
 * run_kmeans_example.py order): initial clusters → EM loop → split rounds → a final warm
 * re-optimisation (100 steps) → the final loss, the MDS with their SVD components, the response
 * and known-type confusions, and the on-the-fly self-assignment. The pipelines (cluster-pipeline.ts)
 * and the toy CLI call it; it never touches the store.
 */
import type { MdsClustering, MdsIteration, MdsSplit } from '../../../shared/api/mds.js';
import { seededRandom, deriveSeed } from '../../../shared/random.js';
import type { Tfjs } from '../../compute/activate.js';
import { argmaxAssignment, knownTypeConfusion, responseConfusion } from './confusion.js';
import { clustersFromLabels, initialClusters, mean, optimiseClusters, runEm, trainingLoss, type EmContext } from './em.js';
import { DEFAULT_TEMPERATURE, type ResponseNormalisation } from './objective.js';
import { responsesTo, type StopperKind } from './optimise.js';
import { NO_PROJECTION, type Projection } from './project.js';
import { runSplits, SPLIT_DEFAULTS } from './split.js';
import { firstComponent } from './svd.js';
import type { ResponseModel } from './types.js';

export interface ClusterOptions {
  clusters: number;
  seed: number;
  temperature: number;
  lr: number;
  /** Optimiser steps per M-step (the reference example: 50). */
  steps: number;
  /** The final warm re-optimisation's steps (the reference example: 100). */
  finalSteps: number;
  maxIterations: number;
  split: boolean;
  /** Sub-clusters a split tries (the reference example: the initial K). */
  subclusters: number;
  splitStepsToEstimate: number;
  splitMaxRounds: number;
  projection: Projection;
  smoothness: number;
  stopper: StopperKind;
  emaPatience: number;
  pixelPatience: number;
  reinitialize: boolean;
  normalisation?: ResponseNormalisation;
  /** Start from these labels per neuron instead of shuffle-and-chunk. */
  initialLabels?: ArrayLike<number>;
}

export const CLUSTER_DEFAULTS: ClusterOptions = {
  clusters: 8,
  seed: 42,
  temperature: DEFAULT_TEMPERATURE,
  lr: 100,
  steps: 50,
  finalSteps: 100,
  maxIterations: 10,
  split: true,
  subclusters: 5,
  splitStepsToEstimate: SPLIT_DEFAULTS.stepsToEstimate,
  splitMaxRounds: SPLIT_DEFAULTS.maxRounds,
  projection: NO_PROJECTION,
  smoothness: 0,
  stopper: 'ema',
  emaPatience: 100,
  pixelPatience: 50,
  reinitialize: false,
};

/** What a clustering computes: MdsClustering without the run's identity and the baselines. */
export type ClusteringCore = Omit<MdsClustering, 'runId' | 'recordingId' | 'modelId' | 'status' | 'baselines' | 'unitIds' | 'cellTypes'>;

export interface ClusterHooks {
  checkCancelled?: () => void;
  onIteration?: (record: MdsIteration) => void;
  onSplit?: (split: MdsSplit) => void;
  /** Coarse progress in [0, 1] with a label. */
  onProgress?: (fraction: number, message: string) => void;
}

export function clusterNeurons(tf: Tfjs, model: ResponseModel, cellTypes: readonly (string | null)[], options: ClusterOptions, hooks: ClusterHooks = {}): ClusteringCore {
  const started = performance.now();
  const n = model.nNeurons;
  if (cellTypes.length !== n) throw new RangeError(`clusterNeurons: ${cellTypes.length} cell types for ${n} neurons`);
  const units = Int32Array.from({ length: n }, (_, i) => i);
  const set = options.initialLabels ? clustersFromLabels(units, options.initialLabels) : initialClusters(units, Math.min(options.clusters, n), options.seed);
  const initial = set.clusters.length;
  const trajectory: MdsIteration[] = [];
  const ctx: EmContext = {
    tf,
    model,
    optimise: {
      lr: options.lr,
      maxSteps: options.steps,
      temperature: options.temperature,
      smoothness: options.smoothness,
      projection: options.projection,
      stopper: options.stopper,
      emaPatience: options.emaPatience,
      pixelPatience: options.pixelPatience,
      normalisation: options.normalisation,
      random: seededRandom(deriveSeed(options.seed, 1)),
      checkCancelled: hooks.checkCancelled,
    },
    reinitialize: options.reinitialize,
    counters: { steps: 0, optimiseMs: 0 },
    onIteration: (record) => {
      if (record.phase !== 'split') {
        trajectory.push(record);
        hooks.onProgress?.(Math.min(0.5, (record.iteration + 1) / options.maxIterations / 2), `EM iteration ${record.iteration}: ${record.clusters} clusters, ${record.moved} moved, loss ${record.loss.toFixed(4)}`);
      }
      hooks.onIteration?.(record);
    },
  };
  hooks.onProgress?.(0, `${initial} initial clusters of ${n} neurons`);
  runEm(ctx, set, { maxIterations: options.maxIterations, maxSteps: options.steps, phase: 'em' });
  const splits = options.split
    ? runSplits(ctx, set, { ...SPLIT_DEFAULTS, subclusters: options.subclusters, stepsToEstimate: options.splitStepsToEstimate, maxRounds: options.splitMaxRounds, seed: options.seed }, (s) => {
        hooks.onSplit?.(s);
        hooks.onProgress?.(0.7, `split of cluster ${s.clusterId}: ${s.accepted ? `accepted (${s.subclusters} sub-clusters)` : 'rejected'}`);
      })
    : [];
  hooks.onProgress?.(0.85, 'final re-optimisation');
  const finalLosses = optimiseClusters(ctx, set, { reinitialize: false, maxSteps: options.finalSteps });
  const final = trainingLoss(ctx, set);
  trajectory.push({ phase: 'final', iteration: 0, clusters: set.clusters.length, moved: 0, loss: mean(finalLosses) });
  const k = set.clusters.length;
  const assignment = new Int32Array(n);
  set.clusters.forEach((c, i) => c.members.forEach((m) => (assignment[m] = i)));
  const stimuli = set.clusters.map((c) => c.stimulus!);
  const responses = responsesTo(tf, model, stimuli);
  const shape = model.stimulus;
  const pixels = shape.height * shape.width * shape.channels;
  const temporal = new Float32Array(k * shape.frames);
  const spatial = new Float32Array(k * pixels);
  const variance = new Float32Array(k);
  stimuli.forEach((x, i) => {
    const c = firstComponent(x, shape.frames, shape.height, shape.width, shape.channels);
    temporal.set(c.temporal, i * shape.frames);
    spatial.set(c.spatial, i * pixels);
    variance[i] = c.varianceExplained;
  });
  const known = knownTypeConfusion(assignment, k, cellTypes);
  const self = argmaxAssignment(responses, k, n);
  const selfAgree = self.reduce((s, a, i) => s + (a === assignment[i] ? 1 : 0), 0) / n;
  const mds = new Float32Array(k * stimuli[0]!.length);
  stimuli.forEach((x, i) => mds.set(x, i * x.length));
  const seconds = (performance.now() - started) / 1000;
  return {
    initialClusters: initial,
    temperature: options.temperature,
    seed: options.seed,
    clusters: set.clusters.map((c, i) => ({ clusterId: c.id, members: [...c.members].sort((a, b) => a - b), majorityType: known?.majority[i] ?? null, loss: final.perCluster[i]! })),
    assignment,
    stimulus: shape,
    mds,
    temporalComponent: temporal,
    spatialComponent: spatial,
    componentVariance: variance,
    responses,
    responseConfusion: responseConfusion(responses, k, n, assignment),
    knownTypes: known ? { types: known.types, counts: known.counts, ari: known.ari } : null,
    selfAssignmentAccuracy: selfAgree,
    trajectory,
    splits,
    finalLoss: final.mean,
    seconds,
    stepsPerSecond: ctx.counters.optimiseMs > 0 ? ctx.counters.steps / (ctx.counters.optimiseMs / 1000) : 0,
    notes: [
      `${initial} initial clusters by ${options.initialLabels ? 'given labels' : `Python random.Random(${options.seed}).shuffle and chunks of ⌈N/K⌉ (as the reference)`}; EM up to ${options.maxIterations} iterations of ${options.steps} SGD steps (lr ${options.lr}, τ ${options.temperature}, ${options.reinitialize ? 'fresh' : 'warm'} starts, stopper ${options.stopper})`,
      options.split ? `split step: ${options.subclusters} sub-clusters, ${options.splitStepsToEstimate} steps from scratch to compare losses; no merge step (the reference's SplitMerge is unfinished)` : 'split step off',
      `final warm re-optimisation of ${options.finalSteps} steps; loss = mean over clusters of −J_k (bound −log K = ${(-Math.log(k)).toFixed(4)})`,
      options.projection.norm !== null || options.projection.channelRanges ? `projection after every step: L2 norm ${options.projection.norm?.toFixed(3) ?? 'free'}, channel ranges ${options.projection.channelRanges ? options.projection.channelRanges.map((r) => `[${r[0].toFixed(2)}, ${r[1].toFixed(2)}]`).join(' ') : 'none'}` : 'no projection (norm and range free)',
    ],
  };
}
