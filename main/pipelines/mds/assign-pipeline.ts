/**
 * The `mds-assign` pipeline: on-the-fly assignment of cells by their argmax response to each
 * cluster's MDS (the paper's fast type assignment; the reference's compute_pred_conf_mtx_raw).
 *  - 'simulated-new-cells' (when the recording is a simulated retina, loadSimulation): new cells are
 *    drawn from each planted type, shown every MDS (Poisson spikes of the generating LN model, not
 *    the response model) with each MDS centred on the cell's RF, and assigned to the MDS with the most spikes in the model's response
 *    window (summed over `repeats` presentations). A cell is right when its cluster's majority type
 *    is the cell's type; its reference cluster is the largest cluster of its type's majority (−1 if
 *    no cluster has that majority).
 *  - 'model-all': every clustered cell by the response model's responses to the MDS (stored with the
 *    clustering) against its cluster.
 * 'auto' picks the first that applies. The MDS come from the clustering's MDS set (mds-set.ts).
 */
import { z } from 'zod';
import type { MdsAssignment } from '../../../shared/api/mds.js';
import { deriveSeed } from '../../../shared/random.js';
import { ValidationError } from '../../errors.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { adjustedRandIndex } from './ari.js';
import { argmaxAssignment, assignmentConfusion } from './confusion.js';
import { decodeMdsSet, MDS_SET_PIPELINE, type MdsSet } from './mds-set.js';
import { drawNewCells, loadSimulation, respondToStimulus, type SimulatedRetina } from './simulate/index.js';
import { assignmentItem } from './stored.js';

export const MDS_ASSIGN_PIPELINE = 'mds-assign';

export const MdsAssignParams = z
  .object({
    clusteringRunId: z.number().int().positive(),
    /** The clustering's MDS set (resolved from clusteringRunId by the CLI and the view; checked here). */
    modelId: z.number().int().positive().optional(),
    method: z.enum(['auto', 'simulated-new-cells', 'model-all']).default('auto'),
    /** New simulated cells per planted type. */
    cellsPerType: z.number().int().min(1).max(1000).default(20),
    /** Presentations of each MDS to each new cell (Poisson spike counts summed). */
    repeats: z.number().int().min(1).max(1000).default(10),
    seed: z.number().int().nonnegative().max(2 ** 31).default(1),
  })
  .strict();
export type MdsAssignParams = z.infer<typeof MdsAssignParams>;

export type AssignmentCore = Omit<MdsAssignment, 'runId' | 'seconds'>;

/** Every clustered cell by the model's responses to the MDS. */
export function assignModelAll(set: MdsSet): AssignmentCore {
  const k = set.clusterIds.length;
  const n = set.unitIds.length;
  const assigned = argmaxAssignment(set.responses, k, n);
  const reference = Int32Array.from(set.assignment);
  const { confusion, accuracy } = assignmentConfusion(reference, assigned, k);
  const typed = set.cellTypes.map((t, i) => [t, i] as const).filter(([t]) => t !== null);
  return {
    clusteringRunId: set.clusteringRunId,
    method: 'model-all',
    cells: n,
    clusters: k,
    assigned,
    reference,
    accuracy,
    confusion,
    ari: typed.length ? adjustedRandIndex(typed.map(([, i]) => assigned[i]!), typed.map(([t]) => t!)) : null,
    notes: ['every clustered cell assigned by argmax of the response model’s prediction to each MDS, against its cluster (the reference’s compute_pred_conf_mtx_raw)'],
  };
}

/** New cells of the planted types, shown each MDS through the generating model (Poisson spikes). */
export function assignSimulatedNewCells(set: MdsSet, sim: SimulatedRetina, options: { cellsPerType: number; repeats: number; seed: number }): AssignmentCore {
  const s = set.stimulus;
  if (s.height !== sim.shape.height || s.width !== sim.shape.width || s.channels !== sim.shape.channels) {
    throw new ValidationError('clusteringRunId', `the MDS are ${s.height}×${s.width}×${s.channels}, the simulation's canvas ${sim.shape.height}×${sim.shape.width}×${sim.shape.channels}`);
  }
  const cells = drawNewCells(sim, options.cellsPerType, options.seed);
  const k = set.clusterIds.length;
  const clip = s.frames * s.height * s.width * s.channels;
  const window = Math.min(set.responseWindow, s.frames);
  const counts = new Float32Array(k * cells.length);
  cells.forEach((cell, c) => {
    for (let m = 0; m < k; m++) {
      // MDS are optimised for RF-centred model neurons: shown to a cell, each is centred on its RF.
      const shown = centreOn(set.mds.subarray(m * clip, (m + 1) * clip), s, cell.x, cell.y);
      for (let r = 0; r < options.repeats; r++) {
        const spikes = respondToStimulus(sim, [cell], shown, { seed: deriveSeed(options.seed, m, r, c) });
        for (let f = s.frames - window; f < s.frames; f++) counts[m * cells.length + c]! += spikes[f]!;
      }
    }
  });
  const assigned = argmaxAssignment(counts, k, cells.length);
  const typeNames = cells.map((c) => sim.types[c.typeIndex]!.name);
  const sizes = set.clusterIds.map((_, i) => set.assignment.filter((a) => a === i).length);
  const referenceOf = new Map<string, number>();
  set.majorityTypes.forEach((t, i) => {
    if (t === null) return;
    const prev = referenceOf.get(t);
    if (prev === undefined || sizes[i]! > sizes[prev]!) referenceOf.set(t, i);
  });
  const reference = Int32Array.from(typeNames, (t) => referenceOf.get(t) ?? -1);
  const { confusion } = assignmentConfusion(reference, assigned, k);
  const right = typeNames.reduce((sum, t, i) => sum + (set.majorityTypes[assigned[i]!] === t ? 1 : 0), 0);
  const uncovered = [...new Set(typeNames)].filter((t) => !referenceOf.has(t));
  return {
    clusteringRunId: set.clusteringRunId,
    method: 'simulated-new-cells',
    cells: cells.length,
    clusters: k,
    assigned,
    reference,
    accuracy: right / cells.length,
    confusion,
    ari: adjustedRandIndex(Array.from(assigned), typeNames),
    notes: [
      `${options.cellsPerType} new cells per planted type (${cells.length}), drawn with new positions and jitter, shown each MDS centred on the cell's receptive field (grey around) ${options.repeats}× through the generating LN model; Poisson spikes in the last ${window} frames summed; assigned to the MDS with the most spikes`,
      'accuracy: the assigned cluster’s majority type is the cell’s type; reference cluster = the largest cluster with that majority',
      ...(uncovered.length ? [`types no cluster has as majority (always wrong): ${uncovered.join(', ')}`] : []),
    ],
  };
}

/**
 * The clip shifted so its centre lands on the RF centre (x, y) (pixels; the simulator's convention:
 * 0 = the first pixel's centre), grey (0, the simulator's mean level) where it comes from outside.
 */
export function centreOn(clip: Float32Array, s: { frames: number; height: number; width: number; channels: number }, x: number, y: number): Float32Array {
  const dx = Math.round(x - (s.width - 1) / 2);
  const dy = Math.round(y - (s.height - 1) / 2);
  const out = new Float32Array(clip.length);
  const frame = s.height * s.width * s.channels;
  for (let f = 0; f < s.frames; f++) {
    for (let row = 0; row < s.height; row++) {
      const from = row - dy;
      if (from < 0 || from >= s.height) continue;
      for (let col = 0; col < s.width; col++) {
        const fromCol = col - dx;
        if (fromCol < 0 || fromCol >= s.width) continue;
        for (let ch = 0; ch < s.channels; ch++) out[f * frame + (row * s.width + col) * s.channels + ch] = clip[f * frame + (from * s.width + fromCol) * s.channels + ch]!;
      }
    }
  }
  return out;
}

const mdsAssign: PipelineDefinition<MdsAssignParams> = {
  name: MDS_ASSIGN_PIPELINE,
  title: 'MDS on-the-fly assignment',
  description: "Assigns cells to the clusters of an MDS clustering by their argmax response to each cluster's MDS: new cells of a simulated retina's planted types (Poisson spikes of the generating model), or every clustered cell through the response model; accuracy, confusion and ARI.",
  input: 'recording',
  recordingKinds: ['spikes'],
  usesModel: MDS_SET_PIPELINE,
  params: MdsAssignParams as unknown as z.ZodType<MdsAssignParams>,
  async run(context) {
    const started = performance.now();
    const params = context.params;
    const stored = context.model!;
    const set = decodeMdsSet(stored.weights, `model #${stored.id}`);
    if (set.clusteringRunId !== params.clusteringRunId) {
      throw new ValidationError('modelId', `model #${stored.id} holds the MDS of cluster run ${set.clusteringRunId}, not ${params.clusteringRunId} (name the clustering's MDS set as modelId; cajal mds assign does)`);
    }
    let method = params.method;
    const sim = method === 'model-all' ? null : loadSimulation(context.recording!.sourcePath);
    if (method === 'simulated-new-cells' && !sim) throw new ValidationError('method', `recording ${context.recording!.id} is not a simulated retina (no simulation.json beside it)`);
    if (method === 'auto') method = sim ? 'simulated-new-cells' : 'model-all';
    context.progress(0.1, method);
    const core = method === 'simulated-new-cells' ? assignSimulatedNewCells(set, sim!, params) : assignModelAll(set);
    context.log(`${core.method}: ${core.cells} cells → ${core.clusters} clusters, accuracy ${core.accuracy.toFixed(3)}${core.ari === null ? '' : `, ARI ${core.ari.toFixed(3)}`}`);
    return [assignmentItem({ ...core, seconds: (performance.now() - started) / 1000 })];
  },
};

export default mdsAssign;
