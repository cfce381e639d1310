/**
 * Functional connectome NTF (Dyballa et al., ICLR 2024): what a run stored, as the component panel
 * and the connectome view read it. Affinity matrices travel as Float32Arrays (structured clone over
 * IPC, binary frames on the bridge; see fisbe.ts for why not JSON arrays).
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();

export const NtfRunSummary = z.object({
  runId: Id,
  createdAt: z.string(),
  /** Animal names (recording file stems), in tensor order. */
  animals: z.array(z.string()),
  neuronCount: z.number().int().nonnegative(),
  rank: z.number().int().positive(),
  componentCount: z.number().int().nonnegative(),
});
export type NtfRunSummary = z.infer<typeof NtfRunSummary>;

/** One neuron of the tensor (matched across animals by label when there are several). */
export const NtfNeuron = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  /** Position (x, y, z) in the first animal's file units, null when no file gave one. */
  position: z.tuple([z.number(), z.number(), z.number()]).nullable(),
});
export type NtfNeuron = z.infer<typeof NtfNeuron>;

export const NtfAnimal = z.object({
  recordingId: Id.nullable(),
  name: z.string(),
  source: z.string(),
  frameRateHz: z.number().nullable(),
});
export type NtfAnimal = z.infer<typeof NtfAnimal>;

/** A labelled interval of the experiment (stimulus on, drug…), in time bins of the tensor. */
export const NtfEpoch = z.object({ label: z.string(), startBin: z.number().int(), endBin: z.number().int() });
export type NtfEpoch = z.infer<typeof NtfEpoch>;

/** One rank of the sweep: the fit of every restart and how alike the restarts' factors are. */
export const NtfSweepRow = z.object({
  rank: z.number().int().positive(),
  /** Normalised reconstruction error ‖X − X̂‖ / ‖X‖ of each restart, best first. */
  errors: z.array(z.number()),
  /** Mean factor match score of the other restarts to the best one (1 = identical factors). */
  similarity: z.number(),
  iterations: z.array(z.number().int()),
  durationMs: z.number(),
});
export type NtfSweepRow = z.infer<typeof NtfSweepRow>;

export const NtfCommunities = z.object({
  method: z.enum(['sbm', 'louvain']),
  /** Community of each neuron (index into `neurons`). */
  blocks: z.array(z.number().int().nonnegative()),
  count: z.number().int().nonnegative(),
  /** SBM: description length in nats; Louvain: modularity. */
  score: z.number(),
  /** SBM only: whether the degree-corrected variant won. */
  degreeCorrected: z.boolean().nullable(),
  /**
   * Nested SBM only (runs since issue #23): the hierarchy, finest first — levels[0] labels the
   * neurons, levels[l] labels the blocks of level l − 1; the last level has one block.
   */
  levels: z.array(z.array(z.number().int().nonnegative())).optional(),
  /** Nested SBM only: the level `blocks` and `count` show (the finest with fewer blocks than neurons). */
  level: z.number().int().nonnegative().optional(),
});
export type NtfCommunities = z.infer<typeof NtfCommunities>;

export const NtfComponent = z.object({
  index: z.number().int().nonnegative(),
  /** Weight λ of the component (the factors below are unit-norm). */
  weight: z.number(),
  /** Time factor, one value per time bin. */
  timeCourse: z.array(z.number()),
  /** Animal factor, one value per animal. */
  animalWeights: z.array(z.number()),
  communities: NtfCommunities,
  baseline: NtfCommunities,
});
export type NtfComponent = z.infer<typeof NtfComponent>;

export const NtfResult = z.object({
  runId: Id,
  createdAt: z.string(),
  animals: z.array(NtfAnimal),
  neurons: z.array(NtfNeuron),
  /** Seconds per time bin of the tensor (null when no frame rate was known: bins are frames). */
  binDurationS: z.number().nullable(),
  binCount: z.number().int().nonnegative(),
  epochs: z.array(NtfEpoch),
  sweep: z.array(NtfSweepRow),
  suggestedRank: z.number().int().positive(),
  /** Why that rank: one sentence per criterion, for the user to check. */
  rankReasoning: z.array(z.string()),
  /** The rank whose factors are shown (the suggestion unless the run fixed one). */
  rank: z.number().int().positive(),
  components: z.array(NtfComponent),
  /** Wall time per stage in ms: preprocess, affinity, sweep, communities. */
  timingsMs: z.record(z.string(), z.number()),
  params: z.record(z.string(), z.unknown()),
});
export type NtfResult = z.infer<typeof NtfResult>;

/** A component's affinity pattern as a symmetric neuron × neuron matrix (zero diagonal). */
export const NtfAffinity = z
  .object({
    runId: Id,
    component: z.number().int().nonnegative(),
    neuronCount: z.number().int().nonnegative(),
    /** neuronCount², row-major. */
    matrix: typedArray('float32'),
    /** Neuron indices ordered by SBM community, then by weighted degree within it. */
    order: z.array(z.number().int().nonnegative()),
  })
  .superRefine((affinity, ctx) => {
    const n = affinity.neuronCount;
    if (affinity.matrix.length !== n * n) {
      ctx.addIssue({ code: 'custom', path: ['matrix'], message: `${affinity.matrix.length} values, expected ${n} × ${n} = ${n * n}` });
    }
  });
export type NtfAffinity = z.infer<typeof NtfAffinity>;

export const ntfCalls = {
  'ntf.runs': { params: z.object({}).strict(), result: z.array(NtfRunSummary) },
  'ntf.result': { params: z.object({ runId: Id }).strict(), result: NtfResult },
  'ntf.affinity': {
    params: z.object({ runId: Id, component: z.number().int().nonnegative().max(1000) }).strict(),
    result: NtfAffinity,
  },
} as const;

export const ntfApi = domainApi('ntf', ntfCalls);
