/**
 * Neuron morphologies (SWC): what the morphology viewer asks of the engine. Geometry travels as
 * typed arrays (structured clone over IPC, binary frames on the bridge; see fisbe.ts for why not
 * JSON arrays).
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();

/** SWC structure types (NeuroMorpho.Org): 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite; others custom. */
export const SWC_TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'soma', 2: 'axon', 3: 'basal dendrite', 4: 'apical dendrite' };

export const MorphologySummary = z.object({
  recordingId: Id,
  name: z.string(),
  source: z.string(),
  nodeCount: z.number().int().nonnegative(),
  treeCount: z.number().int().nonnegative(),
  /** µm per file unit (1 unless the user set one, e.g. 0.008 for hemibrain's 8 nm voxels). */
  scaleUmPerUnit: z.number().positive(),
});
export type MorphologySummary = z.infer<typeof MorphologySummary>;

/** One section: an unbranched run of nodes between a root/bifurcation and a bifurcation/tip (NeuroM's definition). */
export const MorphologySection = z.object({
  id: z.number().int().nonnegative(),
  type: z.number().int(),
  /** Parent section id, −1 at a neurite's first section. */
  parent: z.number().int(),
  /** Indices of its nodes in the node arrays, in order from the parent side. */
  nodeStart: z.number().int().nonnegative(),
  nodeCount: z.number().int().positive(),
  lengthUm: z.number(),
  branchOrder: z.number().int().nonnegative(),
  /** Path distance from the neurite's root (its first point, as NeuroM measures it) to the section's end, µm. */
  pathDistanceUm: z.number(),
  strahlerOrder: z.number().int().nonnegative(),
});
export type MorphologySection = z.infer<typeof MorphologySection>;

export const MorphologyNeuron = MorphologySummary.extend({
  /** x, y, z per node, in µm (scale applied). */
  positions: typedArray('float32'),
  /** Radius per node, µm. */
  radii: typedArray('float32'),
  /** SWC type per node. */
  types: typedArray('int32'),
  /** The parent node's index (−1 for roots). */
  parents: typedArray('int32'),
  /**
   * Node indices ordered section by section (a section's nodes are
   * sectionNodes[nodeStart … nodeStart + nodeCount − 1], the first being the shared branch point).
   */
  sectionNodes: typedArray('int32'),
  sections: z.array(MorphologySection),
  /** The morphometrics table (per neurite type and for all neurites), as `cajal morph stats` prints it. */
  metrics: z.record(z.string(), z.record(z.string(), z.number())),
  warnings: z.array(z.string()),
}).superRefine((neuron, ctx) => {
  // Per-node arrays agree on the node count (ranges and parents are checked by renderer/src/morphology/decode.ts).
  if (neuron.positions.length % 3 !== 0) {
    ctx.addIssue({ code: 'custom', path: ['positions'], message: `${neuron.positions.length} coordinates is not x, y, z per node` });
    return;
  }
  const n = neuron.positions.length / 3;
  for (const field of ['radii', 'types', 'parents'] as const) {
    if (neuron[field].length !== n) ctx.addIssue({ code: 'custom', path: [field], message: `${neuron[field].length} ${field} for ${n} nodes` });
  }
});
export type MorphologyNeuron = z.infer<typeof MorphologyNeuron>;

export const morphologyCalls = {
  'morphology.list': { params: z.object({}).strict(), result: z.array(MorphologySummary) },
  'morphology.neuron': { params: z.object({ recordingId: Id }).strict(), result: MorphologyNeuron },
  /** µm per file unit, stored with the recording (e.g. 0.008 for hemibrain's 8 nm voxels); null resets to 1. */
  'morphology.setScale': {
    params: z.object({ recordingId: Id, umPerUnit: z.number().positive().max(1e6).nullable() }).strict(),
    result: MorphologySummary,
  },
} as const;

export const morphologyApi = domainApi('morphology', morphologyCalls);
