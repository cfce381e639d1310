/**
 * MDS cell clustering (issue #21): Most Discriminative Stimuli (Burg, Zenkel et al., ICLR 2024;
 * ecker-lab/most-discriminative-stimuli) — NOT multidimensional scaling. Three runs work on a `spikes`
 * recording (real, or written by `cajal mds simulate`):
 *  - `mds-fit-model`: a differentiable response model (space-time separable conv core + Gaussian
 *    readout, an ensemble of seeds) trained with a Poisson loss on the recording's responses; a model
 *    row whose quality is held-out correlation per neuron beside the reliability ceiling;
 *  - `mds-cluster`: the EM loop between stimulus optimisation through that model and cluster
 *    reassignment, with the split step; MDS per cluster, confusion matrices, ARI and baselines;
 *  - `mds-assign`: on-the-fly assignment of cells by their argmax response to each cluster's MDS.
 * Arrays are typed (structured clone over IPC, binary frames on the bridge).
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { RunStatus } from './domain.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();

export const MdsRunKind = z.enum(['fit-model', 'cluster', 'assign']);
export type MdsRunKind = z.infer<typeof MdsRunKind>;

/** A stimulus clip's shape: `frames` at `frameRateHz`, each height × width × channels (channels last). */
export const MdsStimulusShape = z.object({
  frames: z.number().int().positive(),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  channels: z.number().int().positive(),
  frameRateHz: z.number().positive(),
  /** Channel names for display ('green', 'uv'; 'contrast' for a full-field sequence). */
  channelNames: z.array(z.string()),
});
export type MdsStimulusShape = z.infer<typeof MdsStimulusShape>;

export const MdsRunSummary = z.object({
  runId: Id,
  kind: MdsRunKind,
  recordingId: Id.nullable(),
  status: RunStatus,
  createdAt: z.string(),
  /** fit-model: the model it produced; cluster: the model used; assign: the clustering's model. */
  modelId: Id.nullable(),
  /** assign: the cluster run it reads. */
  clusteringRunId: Id.nullable(),
  /** One line for lists: "5 → 2 clusters, ARI 1.00", "r = 0.62 of ceiling 0.80", … */
  headline: z.string().nullable(),
});
export type MdsRunSummary = z.infer<typeof MdsRunSummary>;

/** A fit-model run (result key "fit"). */
export const MdsModelFit = z.object({
  runId: Id,
  recordingId: Id,
  status: RunStatus,
  modelId: Id.nullable(),
  stimulus: MdsStimulusShape,
  /** Ensemble members' seeds (the reference averages an ensemble of seeds). */
  seeds: z.array(z.number().int()),
  epochs: z.array(z.number().int().positive()),
  /** Poisson negative log-likelihood per frame per neuron, mean over the ensemble. */
  trainLoss: z.array(z.number()),
  validationLoss: z.array(z.number().nullable()),
  /** Mean over neurons of the validation correlation, per epoch. */
  validationCorr: z.array(z.number().nullable()),
  unitIds: z.array(z.string()),
  cellTypes: z.array(z.string().nullable()),
  /** Per neuron: Pearson r of the ensemble's prediction with the trial-averaged held-out (test) response. */
  heldOutCorr: typedArray('float64'),
  /** Per neuron: the reliability ceiling, split-half r of held-out trials, Spearman–Brown corrected. */
  ceiling: typedArray('float64'),
  meanHeldOutCorr: z.number(),
  meanCeiling: z.number(),
  /**
   * Controls on the same held-out trials (every deep model beside a simple baseline and its own
   * random initialisation): per neuron, held-out r of the per-neuron linear-filter baseline (ridge on
   * the stimulus history; null when the run did not fit it) and of the same ensemble untrained.
   * Runs stored before these were kept give null.
   */
  linearCorr: typedArray('float64').nullable(),
  randomInitCorr: typedArray('float64').nullable(),
  /** Means over neurons (NaN-skipping) of the two controls; null where the control is missing or undefined. */
  meanLinearCorr: z.number().nullable(),
  meanRandomInitCorr: z.number().nullable(),
  /** Test trials the held-out numbers come from, and what they were ("repeated noise", "reversals"). */
  testTrials: z.number().int().nonnegative(),
  testDescription: z.string(),
  seconds: z.number(),
  notes: z.array(z.string()),
});
export type MdsModelFit = z.infer<typeof MdsModelFit>;

export const MdsCluster = z.object({
  /** Stable id through the run (a split's local cluster 0 keeps its parent's id, new ones get new ids). */
  clusterId: z.number().int().nonnegative(),
  /** Neuron indices (into unitIds). */
  members: z.array(z.number().int().nonnegative()),
  /** The most common known type among the members (null without known types). */
  majorityType: z.string().nullable(),
  /** −J_k at the final stimulus (lower is better; bounded below by −log K). */
  loss: z.number(),
});
export type MdsCluster = z.infer<typeof MdsCluster>;

export const MdsIteration = z.object({
  /** 'em' for the main loop, 'split' for a split attempt's inner passes, 'final' for the last re-optimisation. */
  phase: z.enum(['em', 'split', 'final']),
  iteration: z.number().int().nonnegative(),
  clusters: z.number().int().nonnegative(),
  moved: z.number().int().nonnegative(),
  /** Mean over clusters of −J_k. */
  loss: z.number(),
});
export type MdsIteration = z.infer<typeof MdsIteration>;

export const MdsSplit = z.object({
  clusterId: z.number().int().nonnegative(),
  /** Sub-clusters the local clustering found (≤ 1 = collapsed, rejected without trying). */
  subclusters: z.number().int().nonnegative(),
  lossBefore: z.number(),
  lossAfter: z.number().nullable(),
  accepted: z.boolean(),
  /** New cluster ids created when accepted. */
  newClusterIds: z.array(z.number().int().nonnegative()),
});
export type MdsSplit = z.infer<typeof MdsSplit>;

export const MdsBaseline = z.object({
  /** 'k-means' | 'sparse-pca + gmm (bic)' | … */
  method: z.string(),
  clusters: z.number().int().nonnegative(),
  /** Against the known types; null without them. */
  ari: z.number().nullable(),
  /** Per neuron label. */
  labels: typedArray('int32'),
  notes: z.string().nullable(),
});
export type MdsBaseline = z.infer<typeof MdsBaseline>;

/** A cluster run (result key "clustering"). */
export const MdsClustering = z.object({
  runId: Id,
  /** Null for the toy on/off run (no project recording). */
  recordingId: Id.nullable(),
  modelId: Id.nullable(),
  status: RunStatus,
  unitIds: z.array(z.string()),
  cellTypes: z.array(z.string().nullable()),
  initialClusters: z.number().int().positive(),
  temperature: z.number(),
  seed: z.number().int(),
  clusters: z.array(MdsCluster),
  /** Per neuron, the index into `clusters`. */
  assignment: typedArray('int32'),
  stimulus: MdsStimulusShape,
  /** Each cluster's MDS, [clusters, frames, height, width, channels] row-major. */
  mds: typedArray('float32'),
  /**
   * First SVD component of each MDS as frames × (height·width·channels): temporal [clusters, frames]
   * and spatial [clusters, height·width·channels] (spatial scaled to [−1, 1], sign fixed so the centre
   * is positive, as the reference's mei_analysis), and the fraction of variance it explains.
   */
  temporalComponent: typedArray('float32'),
  spatialComponent: typedArray('float32'),
  componentVariance: typedArray('float32'),
  /** The model's raw response of every neuron to every MDS, [clusters, neurons]. */
  responses: typedArray('float32'),
  /**
   * Cluster × MDS response confusion, [clusters (MDS), clusters (neurons)]: the mean raw response of
   * cluster j's neurons to MDS i, each column divided by its diagonal (the reference's 'column_diag').
   */
  responseConfusion: typedArray('float32'),
  /** Known-type confusion (when the recording has cell types): counts [clusters, types] and ARI. */
  knownTypes: z
    .object({
      types: z.array(z.string()),
      counts: typedArray('int32'),
      ari: z.number(),
    })
    .nullable(),
  /** On-the-fly assignment of the clustered cells by argmax model response to the MDS (fraction agreeing). */
  selfAssignmentAccuracy: z.number(),
  trajectory: z.array(MdsIteration),
  splits: z.array(MdsSplit),
  finalLoss: z.number(),
  baselines: z.array(MdsBaseline),
  seconds: z.number(),
  /** Stimulus optimisation steps per second (all K stimuli updated once = one step). */
  stepsPerSecond: z.number(),
  notes: z.array(z.string()),
});
export type MdsClustering = z.infer<typeof MdsClustering>;

/** One protocol's trial-averaged responses of a cell beside its cluster's (spikes per second). */
export const MdsProtocolResponse = z.object({
  /** 'chirp' | 'moving bars' | 'reversal' | … */
  protocol: z.string(),
  binS: z.number().positive(),
  trials: z.number().int().nonnegative(),
  cell: typedArray('float32'),
  clusterMean: typedArray('float32'),
  clusterSd: typedArray('float32'),
  /** The stimulus of the protocol at the same bins, for a strip under the plot (first channel, centre pixel). */
  stimulus: typedArray('float32'),
});
export type MdsProtocolResponse = z.infer<typeof MdsProtocolResponse>;

export const MdsCellResponses = z.object({
  runId: Id,
  neuron: z.number().int().nonnegative(),
  unitId: z.string(),
  cellType: z.string().nullable(),
  clusterIndex: z.number().int().nonnegative(),
  protocols: z.array(MdsProtocolResponse),
});
export type MdsCellResponses = z.infer<typeof MdsCellResponses>;

/** An assign run (result key "assignment"). */
export const MdsAssignment = z.object({
  runId: Id,
  clusteringRunId: Id,
  /**
   * 'simulated-new-cells': new cells drawn from the simulator's planted types were shown each MDS and
   * their Poisson responses recorded; 'model-held-out': the model's responses of cells left out of the
   * clustering; 'model-all': every clustered cell (the reference's compute_pred_conf_mtx_raw).
   */
  method: z.enum(['simulated-new-cells', 'model-held-out', 'model-all']),
  cells: z.number().int().nonnegative(),
  clusters: z.number().int().positive(),
  /** Per cell: the cluster index assigned by argmax response. */
  assigned: typedArray('int32'),
  /** Per cell: the reference cluster (clustering's, or for new simulated cells the cluster whose majority type is theirs; −1 if none). */
  reference: typedArray('int32'),
  accuracy: z.number(),
  /** [reference cluster, assigned cluster] counts. */
  confusion: typedArray('int32'),
  /** With known types: ARI of the assigned clusters against them. */
  ari: z.number().nullable(),
  seconds: z.number(),
  notes: z.array(z.string()),
});
export type MdsAssignment = z.infer<typeof MdsAssignment>;

export const mdsCalls = {
  'mds.runs': { params: z.object({ recordingId: Id.optional() }).strict(), result: z.array(MdsRunSummary) },
  'mds.fit': { params: z.object({ runId: Id }).strict(), result: MdsModelFit },
  'mds.clustering': { params: z.object({ runId: Id }).strict(), result: MdsClustering },
  'mds.cellResponses': {
    params: z.object({ runId: Id, neuron: z.number().int().nonnegative() }).strict(),
    result: MdsCellResponses,
  },
  'mds.assignment': { params: z.object({ runId: Id }).strict(), result: MdsAssignment },
} as const;

export const mdsApi = domainApi('mds', mdsCalls);
