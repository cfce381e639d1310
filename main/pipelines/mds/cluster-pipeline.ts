/**
 * The `mds-cluster` pipeline: MDS clustering (cluster.ts) of a spikes recording's neurons through
 * its trained response model (`usesModel`: the centred ensemble of mds-fit-model), with the
 * baselines (k-means, sparse PCA + GMM by BIC; baselines.ts) on the same recording's responses.
 * And `mds-cluster-toy` (mds-cluster-toy.ts), the reference's TestOnOffModel toy run without a
 * recording or model. Both write the result "clustering" (shared/api/mds.ts MdsClustering; stored.ts).
 *
 * Defaults: the reference example's optimiser (SGD lr 100, 50 steps per M-step, τ 1.6, warm starts,
 * EMA stopper, 100 final steps, split with 20 estimation steps). clusters 8: the simulated retina
 * plants 8 types and the real retina has 2 (ON/OFF parasol); empty clusters vanish in the E-step
 * and the split step adds clusters the objective asks for, so K is a starting point above the
 * expected count. The projection (after every step) comes from the model's training stimulus:
 * L2 norm = the mean norm of a mean-subtracted training clip, each channel clipped to the training
 * range (x = channel mean + δ, offset-model.ts).
 */
import { z } from 'zod';
import { BackendName } from '../../../shared/api/index.js';
import type { MdsClustering } from '../../../shared/api/mds.js';
import { activateBackend, type Tfjs } from '../../compute/activate.js';
import { selectBackend } from '../../compute/select.js';
import { ValidationError } from '../../errors.js';
import type { PipelineContext, PipelineDefinition } from '../../jobs/pipeline.js';
import { runBaselines } from './baselines.js';
import { clusterNeurons, CLUSTER_DEFAULTS, type ClusterHooks, type ClusterOptions } from './cluster.js';
import { buildMdsDataset } from './dataset.js';
import { MDS_MODEL_PIPELINE, responseModelFromBundle, type EnsembleModel } from './model/load.js';
import { addChannelMean, offsetModel } from './offset-model.js';
import { NO_PROJECTION, type Projection } from './project.js';
import { encodeMdsSet, MDS_SET_FORMAT, MDS_SET_PIPELINE } from './mds-set.js';
import { clusteringItems } from './stored.js';
import type { MdsDataset } from './types.js';
import type { ResponseNormalisation } from './objective.js';
import { seededRandom, deriveSeed } from '../../../shared/random.js';

export const MDS_CLUSTER_PIPELINE = 'mds-cluster';

/** The optimisation and loop params both cluster pipelines share. */
export const ClusterLoopParams = {
  clusters: z.number().int().min(2).max(200).default(CLUSTER_DEFAULTS.clusters),
  seed: z.number().int().nonnegative().max(2 ** 31).default(CLUSTER_DEFAULTS.seed),
  temperature: z.number().positive().max(100).default(CLUSTER_DEFAULTS.temperature),
  lr: z.number().positive().max(1e6).default(CLUSTER_DEFAULTS.lr),
  steps: z.number().int().min(1).max(5000).default(CLUSTER_DEFAULTS.steps),
  finalSteps: z.number().int().min(0).max(5000).default(CLUSTER_DEFAULTS.finalSteps),
  maxIterations: z.number().int().min(1).max(1000).default(CLUSTER_DEFAULTS.maxIterations),
  split: z.boolean().default(true),
  /** Sub-clusters a split tries (default: the initial clusters, as the reference example). */
  subclusters: z.number().int().min(2).max(50).optional(),
  splitStepsToEstimate: z.number().int().min(1).max(1000).default(CLUSTER_DEFAULTS.splitStepsToEstimate),
  splitMaxRounds: z.number().int().min(1).max(100).default(CLUSTER_DEFAULTS.splitMaxRounds),
  smoothness: z.number().min(0).max(1e6).default(0),
  stopper: z.enum(['ema', 'pixel', 'none']).default('ema'),
  reinitialize: z.boolean().default(false),
  backend: BackendName.optional(),
};

export const MdsClusterParams = z
  .object({
    modelId: z.number().int().positive().optional(),
    ...ClusterLoopParams,
    /** L2 norm of each MDS (deviation from grey); default the model's training clip norm; 0 = free. */
    norm: z.number().min(0).max(1e9).optional(),
    /** Clip each channel to the training stimulus's range (default true). */
    clip: z.boolean().default(true),
    baselines: z.boolean().default(true),
    /**
     * Normalised responses in the objective (the reference's subt_pred/div_pred, norm_unit_act_imgs):
     * 'none' (the reference example's default) or 'std': subtract each neuron's mean predicted
     * response to training clips and divide by its SD (clipped below at 0.1).
     */
    normalise: z.enum(['none', 'std']).default('none'),
    /** Training clips the 'std' statistics are computed over. */
    normaliseClips: z.number().int().min(2).max(10_000).default(128),
  })
  .strict();
export type MdsClusterParams = z.infer<typeof MdsClusterParams>;

export function loopOptions(params: z.infer<z.ZodObject<typeof ClusterLoopParams>>, projection: Projection): ClusterOptions {
  return {
    ...CLUSTER_DEFAULTS,
    clusters: params.clusters,
    seed: params.seed,
    temperature: params.temperature,
    lr: params.lr,
    steps: params.steps,
    finalSteps: params.finalSteps,
    maxIterations: params.maxIterations,
    split: params.split,
    subclusters: params.subclusters ?? params.clusters,
    splitStepsToEstimate: params.splitStepsToEstimate,
    splitMaxRounds: params.splitMaxRounds,
    smoothness: params.smoothness,
    stopper: params.stopper,
    reinitialize: params.reinitialize,
    projection,
  };
}

export async function pipelineTf(backend: BackendName | undefined): Promise<Tfjs> {
  return activateBackend((backend ?? (await selectBackend()).selected) as Parameters<typeof activateBackend>[0]);
}

export function contextHooks(context: PipelineContext<unknown>, span: [number, number] = [0, 1]): ClusterHooks {
  return {
    checkCancelled: () => context.throwIfCancelled(),
    onProgress: (fraction, message) => context.progress(span[0] + fraction * (span[1] - span[0]), message),
    onIteration: (r) => r.phase !== 'split' && context.log(`${r.phase} iteration ${r.iteration}: ${r.clusters} clusters, ${r.moved} moved, mean loss ${r.loss.toFixed(5)}`),
    onSplit: (s) => context.log(`split of cluster ${s.clusterId}: ${s.subclusters} sub-clusters, loss ${s.lossBefore.toFixed(5)} → ${s.lossAfter === null ? 'collapsed' : s.lossAfter.toFixed(5)}, ${s.accepted ? 'accepted' : 'rejected'}`),
  };
}

/** The projection from the model's training stimulus statistics (see the module comment). */
export function modelProjection(model: EnsembleModel, params: Pick<MdsClusterParams, 'norm' | 'clip'>): Projection {
  const stats = model.config.stimulusStats;
  const norm = params.norm === undefined ? (stats.clipNorm > 0 ? stats.clipNorm : null) : params.norm > 0 ? params.norm : null;
  const channelRanges = params.clip ? stats.min.map((lo, c) => [lo - stats.mean[c]!, stats.max[c]! - stats.mean[c]!] as const) : null;
  return norm === null && !channelRanges ? NO_PROJECTION : { norm, channelRanges };
}

/**
 * Mean and SD of each neuron's predicted response (raw model, raw stimulus units) to `clips` clips
 * drawn from the training frames: the 'std' normalisation of the objective.
 */
export function predictedResponseStats(tf: Tfjs, model: EnsembleModel, dataset: MdsDataset, clips: number, seed: number): ResponseNormalisation {
  const s = model.stimulus;
  const frameSize = s.height * s.width * s.channels;
  if (dataset.shape.height !== s.height || dataset.shape.width !== s.width || dataset.shape.channels !== s.channels) {
    throw new ValidationError('normalise', `the recording's stimulus is ${dataset.shape.height}×${dataset.shape.width}×${dataset.shape.channels}, the model reads ${s.height}×${s.width}×${s.channels}`);
  }
  const starts: number[] = [];
  for (const [a, b] of dataset.trainRanges) for (let f = a; f + s.frames <= b; f++) starts.push(f);
  if (starts.length === 0) throw new ValidationError('normalise', `no training range holds a ${s.frames}-frame clip`);
  const random = seededRandom(deriveSeed(seed, 7));
  const picks = Array.from({ length: clips }, () => starts[Math.floor(random() * starts.length)]!);
  const n = model.nNeurons;
  const sum = new Float64Array(n);
  const sq = new Float64Array(n);
  const batch = 16;
  for (let i = 0; i < picks.length; i += batch) {
    const part = picks.slice(i, i + batch);
    const x = new Float32Array(part.length * s.frames * frameSize);
    part.forEach((start, j) => x.set(dataset.stimulus.subarray(start * frameSize, (start + s.frames) * frameSize), j * s.frames * frameSize));
    const r = tf.tidy(() => model.predict(tf.tensor5d(x, [part.length, s.frames, s.height, s.width, s.channels])).dataSync() as Float32Array);
    for (let j = 0; j < part.length; j++) {
      for (let u = 0; u < n; u++) {
        const v = r[j * n + u]!;
        sum[u]! += v;
        sq[u]! += v * v;
      }
    }
  }
  const k = picks.length;
  const subtract = Array.from(sum, (v) => v / k);
  const divide = Array.from(sq, (v, u) => Math.sqrt(Math.max(0, v / k - subtract[u]! ** 2)));
  return { subtract, divide };
}

const mdsCluster: PipelineDefinition<MdsClusterParams> = {
  name: MDS_CLUSTER_PIPELINE,
  title: 'MDS clustering',
  description: 'Most Discriminative Stimuli (Burg, Zenkel et al. 2024): EM between stimulus optimisation through the trained response model and reassignment of each cell to the MDS it responds to most, with the split step; MDS per cluster, confusions, ARI against known types, and k-means / sparse-PCA + GMM baselines.',
  input: 'recording',
  recordingKinds: ['spikes'],
  usesModel: MDS_MODEL_PIPELINE,
  // The MDS set (mds-set.ts): what mds-assign reads, since its worker cannot read this run's results.
  producesModel: { pipeline: MDS_SET_PIPELINE },
  params: MdsClusterParams as unknown as z.ZodType<MdsClusterParams>,
  async run(context) {
    const params = context.params;
    const recording = context.recording!;
    const stored = context.model!;
    const tf = await pipelineTf(params.backend);
    const model = responseModelFromBundle(tf, stored.weights, `model #${stored.id}`);
    const stats = model.config.stimulusStats;
    const centred = offsetModel(tf, model, stats.mean);
    try {
      if (model.config.recordingId !== null && model.config.recordingId !== recording.id) {
        context.log(`model #${stored.id} was trained on recording ${model.config.recordingId}, clustering recording ${recording.id}'s neurons through it`, 'warn');
      }
      const projection = modelProjection(model, params);
      const needDataset = params.baselines || params.normalise === 'std';
      let dataset: MdsDataset | null = null;
      let datasetError: string | null = null;
      if (needDataset) {
        try {
          dataset = await buildMdsDataset({ path: recording.sourcePath });
          if (dataset.nNeurons !== model.nNeurons) throw new ValidationError('recordingId', `recording ${recording.id} has ${dataset.nNeurons} neurons, the model ${model.nNeurons}`);
        } catch (error) {
          if (params.normalise === 'std') throw error;
          datasetError = (error as Error).message;
          dataset = null;
        }
      }
      const options = loopOptions(params, projection);
      if (params.normalise === 'std') {
        options.normalisation = predictedResponseStats(tf, model, dataset!, params.normaliseClips, params.seed);
        context.log(`objective on z-scored responses: mean and SD of each neuron's predicted response to ${params.normaliseClips} training clips`);
      }
      const core = clusterNeurons(tf, centred, model.config.cellTypes, options, contextHooks(context, [0, 0.9]));
      const notes = [...core.notes, `model #${stored.id}: a centred ensemble of ${model.config.seeds.length} (readout means 0); MDS stored in stimulus units (channel mean + δ), SVD components of δ`];
      if (params.normalise === 'std') notes.push(`objective on normalised responses: (f − mean) / SD of each neuron's predicted response to ${params.normaliseClips} training clips; reassignment on raw responses`);
      let baselines: MdsClustering['baselines'] = [];
      if (params.baselines) {
        context.progress(0.92, 'baselines');
        try {
          if (!dataset) throw new Error(datasetError ?? 'no dataset');
          baselines = runBaselines(dataset, { seed: params.seed });
          for (const b of baselines) context.log(`baseline ${b.method}: ${b.clusters} clusters${b.ari === null ? '' : `, ARI ${b.ari.toFixed(3)}`}`);
        } catch (error) {
          notes.push(`baselines not computed: ${(error as Error).message}`);
          context.log(`baselines not computed: ${(error as Error).message}`, 'warn');
        }
      }
      const k = core.clusters.length;
      const clipSize = core.mds.length / Math.max(1, k);
      const mds = new Float32Array(core.mds.length);
      for (let i = 0; i < k; i++) mds.set(addChannelMean(core.mds.subarray(i * clipSize, (i + 1) * clipSize), stats.mean), i * clipSize);
      context.log(`${core.initialClusters} → ${k} clusters${core.knownTypes ? `, ARI ${core.knownTypes.ari.toFixed(3)} against the known types` : ''}, final loss ${core.finalLoss.toFixed(5)}, ${core.stepsPerSecond.toFixed(1)} steps/s`);
      const results = clusteringItems({ ...core, mds, modelId: stored.id, unitIds: model.config.unitIds, cellTypes: model.config.cellTypes, baselines, notes });
      const weights = encodeMdsSet({
        clusteringRunId: context.runId,
        responseModelId: stored.id,
        stimulus: core.stimulus,
        clusterIds: core.clusters.map((c) => c.clusterId),
        majorityTypes: core.clusters.map((c) => c.majorityType),
        assignment: Array.from(core.assignment),
        unitIds: [...model.config.unitIds],
        cellTypes: [...model.config.cellTypes],
        responseWindow: model.config.model.responseWindow,
        mds,
        responses: core.responses,
      });
      return {
        results,
        model: {
          name: `MDS of run ${context.runId} (${k} clusters)`,
          format: MDS_SET_FORMAT,
          meta: { metrics: { clusters: k, ari: core.knownTypes?.ari ?? null, finalLoss: core.finalLoss }, clusteringRunId: context.runId, responseModelId: stored.id },
          weights,
        },
      };
    } finally {
      centred.dispose();
      model.dispose();
    }
  },
};

export default mdsCluster;
