/**
 * FISBe instance-segmentation evaluation: the metrics of one evaluated sample (the official
 * evaluator's `--app flylight` table), each instance's match, and the geometry the 3D error view
 * draws. Geometry and slices are typed arrays (structured clone over IPC, binary frames on the
 * bridge): a JSON number array of a 686 × 685 slice would be five times larger and slower to parse.
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();

/** One threshold row of the confusion table (`confusion_matrix.th_0_5`, …). */
export const FisbeThresholdRow = z.object({
  threshold: z.number(),
  tp: z.number().int(),
  fp: z.number().int(),
  fn: z.number().int(),
  precision: z.number(),
  recall: z.number(),
  ap: z.number(),
  fscore: z.number(),
  falseSplit: z.number().int(),
  falseMerge: z.number().int(),
});
export type FisbeThresholdRow = z.infer<typeof FisbeThresholdRow>;

/** How an instance came out of the matching at clDice threshold 0.5 (the view's colour code). */
export const FisbeInstanceStatus = z.enum(['true-positive', 'false-split', 'false-merge', 'unmatched']);
export type FisbeInstanceStatus = z.infer<typeof FisbeInstanceStatus>;

export const FisbeInstance = z.object({
  side: z.enum(['gt', 'pred']),
  /** Id after the evaluator's sequential relabelling (1…N), as in its tables. */
  id: Id,
  /** The label value in the file (pred) or the channel + value (gt), to find it in other tools. */
  sourceLabel: z.number().int(),
  sourceChannel: z.number().int().nonnegative(),
  voxels: z.number().int().nonnegative(),
  skeletonVoxels: z.number().int().nonnegative(),
  /** Inclusive bounding box, [z, y, x]. */
  bboxMin: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  bboxMax: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  status: FisbeInstanceStatus,
  /** The instance on the other side matched one-to-one at threshold 0.5, with its clDice. */
  matchedId: Id.nullable(),
  matchedClDice: z.number().nullable(),
  /** The other side's instance with the highest clDice, whether matched or not. */
  bestId: Id.nullable(),
  bestClDice: z.number(),
  /** GT only: skeleton coverage C_i by the predictions assigned to it. */
  coverage: z.number().nullable(),
  /** Pred: the GT instances this prediction merges (clRecall > 0.5 on several). */
  mergedIds: z.array(Id),
});
export type FisbeInstance = z.infer<typeof FisbeInstance>;

/** The evaluator's `general` table plus the threshold rows; names as in its TOML output. */
export const FisbeMetrics = z.object({
  numGt: z.number().int(),
  numPred: z.number().int(),
  tp05: z.number().int(),
  tp05Rel: z.number(),
  tp05ClDice: z.array(z.number()),
  avgTp05ClDice: z.number(),
  gtSkelCoverage: z.array(z.number()),
  avgGtSkelCoverage: z.number(),
  /** S = 0.5 · avF1 + 0.5 · C. */
  avgF1CovScore: z.number(),
  falseMerges: z.number().int(),
  falseSplits: z.number().int(),
  gtDim: z.number().int(),
  tp05Dim: z.number().int(),
  tp05RelDim: z.number(),
  gtCovsDim: z.array(z.number()),
  avgGtCovDim: z.number(),
  gtOverlap: z.number().int(),
  tp05Overlap: z.number().int(),
  tp05RelOverlap: z.number(),
  gtCovsOverlap: z.array(z.number()),
  avgGtCovOverlap: z.number(),
  avAP: z.number(),
  avAP59: z.number(),
  avAP19: z.number(),
  avFscore: z.number(),
  avFscore59: z.number(),
  avFscore19: z.number(),
  thresholds: z.array(FisbeThresholdRow),
});
export type FisbeMetrics = z.infer<typeof FisbeMetrics>;

export const FisbeRunSummary = z.object({
  runId: Id,
  createdAt: z.string(),
  gtPath: z.string(),
  predPath: z.string(),
  partly: z.boolean(),
  score: z.number(),
});
export type FisbeRunSummary = z.infer<typeof FisbeRunSummary>;

export const FisbeSample = z.object({
  runId: Id,
  gtPath: z.string(),
  predPath: z.string(),
  partly: z.boolean(),
  /** Spatial extent after the evaluator's centre crop, [z, y, x]. */
  shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  metrics: FisbeMetrics,
  instances: z.array(FisbeInstance),
});
export type FisbeSample = z.infer<typeof FisbeSample>;

/** Geometry of one instance, in voxel coordinates (x, y, z order for three.js). */
export const FisbeInstanceGeometry = z
  .object({
    side: z.enum(['gt', 'pred']),
    id: Id,
    /** x, y, z triples: the skeleton voxels the metric is computed on. */
    skeleton: typedArray('uint16'),
    /** Isosurface of the instance mask: x, y, z vertex triples… */
    surfacePositions: typedArray('float32'),
    /** …and triangle vertex indices (checked against the vertex count by renderer/src/fisbe/decode.ts). */
    surfaceIndices: typedArray('uint32'),
  })
  .superRefine((g, ctx) => {
    const whole = (field: 'skeleton' | 'surfacePositions' | 'surfaceIndices', what: string) => {
      if (g[field].length % 3 !== 0) ctx.addIssue({ code: 'custom', path: [field], message: `${g[field].length} values are not ${what}` });
    };
    whole('skeleton', 'x, y, z triples');
    whole('surfacePositions', 'x, y, z triples');
    whole('surfaceIndices', 'whole triangles');
  });
export type FisbeInstanceGeometry = z.infer<typeof FisbeInstanceGeometry>;

export const FisbeAxis = z.enum(['z', 'y', 'x']);
export type FisbeAxis = z.infer<typeof FisbeAxis>;

/**
 * One orthogonal slice through both label volumes: relabelled ids, row-major (`height` rows of
 * `width`). Overlapping GT instances show the highest id.
 */
export const FisbeSlice = z
  .object({
    axis: FisbeAxis,
    index: z.number().int().nonnegative(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    gt: typedArray('uint16'),
    pred: typedArray('uint16'),
  })
  .superRefine((slice, ctx) => {
    const expected = slice.width * slice.height;
    for (const side of ['gt', 'pred'] as const) {
      if (slice[side].length !== expected) {
        ctx.addIssue({ code: 'custom', path: [side], message: `${slice[side].length} labels, expected ${slice.height} × ${slice.width} = ${expected}` });
      }
    }
  });
export type FisbeSlice = z.infer<typeof FisbeSlice>;

export const fisbeCalls = {
  'fisbe.runs': { params: z.object({}).strict(), result: z.array(FisbeRunSummary) },
  'fisbe.sample': { params: z.object({ runId: Id }).strict(), result: FisbeSample },
  'fisbe.geometry': {
    params: z.object({ runId: Id, side: z.enum(['gt', 'pred']), id: Id }).strict(),
    result: FisbeInstanceGeometry,
  },
  'fisbe.slice': {
    // Voxel coordinates travel as Uint16 (see FisbeInstanceGeometry): no volume has a slice past 65535.
    params: z.object({ runId: Id, axis: FisbeAxis, index: z.number().int().nonnegative().max(65_535) }).strict(),
    result: FisbeSlice,
  },
} as const;

export const fisbeApi = domainApi('fisbe', fisbeCalls);
