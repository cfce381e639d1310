/**
 * The MDS clustering loop (the reference's KMeans.run), an EM / k-means analogue over stimuli:
 *  - initial clusters: the unit indices shuffled with Python's random.Random(seed) and cut into K
 *    chunks of ceil(N/K) (bit-identical to the reference, python-random.ts), or given labels;
 *  - M-step: each cluster's stimulus optimised for its MDS objective (warm start by default);
 *  - E-step: every neuron moves to the cluster whose stimulus drives its **raw** model response most
 *    (argmax over clusters, first maximum on ties as numpy);
 *  - empty clusters removed; stop when no neuron moves, one cluster is left, or after maxIterations.
 * Cluster ids are stable: a cluster keeps its id for the whole run (the reference renumbers after
 * removals; ids here are what the views and the split history refer to).
 */
import type { Tfjs } from '../../compute/activate.js';
import { layoutOf } from './objective.js';
import { evaluateLosses, optimiseStimuli, responsesTo, type OptimiseOptions } from './optimise.js';
import { PythonRandom } from './python-random.js';
import type { ResponseModel } from './types.js';
import type { MdsIteration } from '../../../shared/api/mds.js';

export interface Cluster {
  id: number;
  /** Indices into the model's outputs. */
  members: number[];
  stimulus: Float32Array | null;
}

/** A clustering of a set of units (all neurons, or a split's subset). */
export interface ClusterSet {
  units: Int32Array;
  clusters: Cluster[];
  /** The next id a new cluster gets. */
  nextId: number;
}

export interface EmContext {
  tf: Tfjs;
  model: ResponseModel;
  /** Steps of each M-step come from here (maxSteps), as do lr, projection, stopper… */
  optimise: OptimiseOptions;
  /** Warm start (false, the default) or fresh noise at every M-step (the reference's reinitialize_stimuli). */
  reinitialize: boolean;
  /** Totals for stepsPerSecond. */
  counters: { steps: number; optimiseMs: number };
  onIteration?(record: MdsIteration): void;
}

/** The reference's shuffle-and-chunk initialisation: K chunks of ceil(N/K) of the shuffled units. */
export function shuffleAndChunk(units: readonly number[], k: number, seed: number): number[][] {
  const shuffled = new PythonRandom(seed).shuffle([...units]);
  const size = Math.ceil(shuffled.length / k);
  return Array.from({ length: k }, (_, c) => shuffled.slice(c * size, (c + 1) * size));
}

export function initialClusters(units: Int32Array, k: number, seed: number): ClusterSet {
  const chunks = shuffleAndChunk(Array.from(units), k, seed);
  return { units, clusters: chunks.map((members, id) => ({ id, members, stimulus: null })), nextId: k };
}

/** Clusters from given labels per unit (known types, a previous run): ids 0… in order of first label value. */
export function clustersFromLabels(units: Int32Array, labels: ArrayLike<number>): ClusterSet {
  const ids = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const clusters = ids.map((label, id) => ({ id, members: Array.from(units).filter((_, i) => labels[i] === label), stimulus: null }));
  return { units, clusters, nextId: ids.length };
}

export function removeEmpty(set: ClusterSet): number {
  const before = set.clusters.length;
  set.clusters = set.clusters.filter((c) => c.members.length > 0);
  return before - set.clusters.length;
}

export function cloneSet(set: ClusterSet): ClusterSet {
  return { units: set.units, nextId: set.nextId, clusters: set.clusters.map((c) => ({ id: c.id, members: [...c.members], stimulus: c.stimulus ? Float32Array.from(c.stimulus) : null })) };
}

/** Labels per unit of `set.units` (cluster ids). */
function labelsOf(set: ClusterSet): Int32Array {
  const of = new Map<number, number>();
  for (const c of set.clusters) for (const m of c.members) of.set(m, c.id);
  return Int32Array.from(set.units, (u) => of.get(u) ?? -1);
}

/** The M-step: every cluster's stimulus optimised (warm, unless `reinitialize`); returns −J per cluster. */
export function optimiseClusters(ctx: EmContext, set: ClusterSet, options: { reinitialize: boolean; maxSteps: number }): number[] {
  if (set.clusters.length === 0) return [];
  const { layout, ids } = layoutOf(set.units, labelsOf(set));
  const slot = new Map(ids.map((id, i) => [id, i]));
  const started = performance.now();
  const result = optimiseStimuli(
    ctx.tf,
    ctx.model,
    layout,
    set.clusters.map((c) => slot.get(c.id)!),
    set.clusters.map((c) => (options.reinitialize ? null : c.stimulus)),
    { ...ctx.optimise, maxSteps: options.maxSteps },
  );
  ctx.counters.steps += result.steps;
  ctx.counters.optimiseMs += performance.now() - started;
  set.clusters.forEach((c, i) => (c.stimulus = result.stimuli[i]!));
  return result.losses;
}

/** Mean −J over clusters at their current stimuli (the reference's evaluate_training_loss). */
export function trainingLoss(ctx: EmContext, set: ClusterSet): { mean: number; perCluster: number[] } {
  const { layout, ids } = layoutOf(set.units, labelsOf(set));
  const slot = new Map(ids.map((id, i) => [id, i]));
  const perCluster = evaluateLosses(ctx.tf, ctx.model, layout, set.clusters.map((c) => slot.get(c.id)!), set.clusters.map((c) => c.stimulus!), ctx.optimise);
  return { mean: mean(perCluster), perCluster };
}

/** The E-step: each unit to the cluster whose stimulus drives its raw response most; empties removed. Returns moved units. */
export function reassign(ctx: EmContext, set: ClusterSet): number {
  const n = ctx.model.nNeurons;
  const r = responsesTo(ctx.tf, ctx.model, set.clusters.map((c) => c.stimulus!));
  const old = new Map<number, number>();
  set.clusters.forEach((c, i) => c.members.forEach((m) => old.set(m, i)));
  const members: number[][] = set.clusters.map(() => []);
  let moved = 0;
  for (const u of set.units) {
    let best = 0;
    for (let k = 1; k < set.clusters.length; k++) if (r[k * n + u]! > r[best * n + u]!) best = k;
    members[best]!.push(u);
    if (old.get(u) !== best) moved++;
  }
  set.clusters.forEach((c, i) => (c.members = members[i]!));
  removeEmpty(set);
  return moved;
}

/** The loop; returns whether any unit moved. */
export function runEm(ctx: EmContext, set: ClusterSet, options: { maxIterations: number; maxSteps: number; phase: MdsIteration['phase'] }): boolean {
  let changed = false;
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    removeEmpty(set);
    if (set.clusters.length <= 1) return changed;
    const clusters = set.clusters.length;
    const losses = optimiseClusters(ctx, set, { reinitialize: ctx.reinitialize, maxSteps: options.maxSteps });
    const moved = reassign(ctx, set);
    changed ||= moved > 0;
    ctx.onIteration?.({ phase: options.phase, iteration, clusters, moved, loss: mean(losses) });
    if (moved === 0) return changed;
  }
  return changed;
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : Number.NaN;
}
