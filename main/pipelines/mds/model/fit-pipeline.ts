/**
 * The `mds-fit-model` pipeline (`cajal mds fit-model <project> <recording-id>`): the MDS response
 * model — an ensemble of space-time separable conv cores with Gaussian readouts (open-retina's
 * core_readout lineage; config.ts, core.ts, readout.ts) — trained with a Poisson loss on a spikes
 * recording's responses (the simulated retina's stimulus file, or the stimulus derived from the
 * stimulus changes: main/pipelines/mds/dataset.ts). Produces a model (`mds-response-model`, what
 * mds-cluster uses) and the result "fit" (MdsModelFit): loss curves, per-neuron held-out r of the
 * ensemble on the repeated test trials beside the split-half reliability ceiling, and in the notes
 * the random-initialisation control. A checkpoint after each member (cancel keeps the members done).
 */
import { z } from 'zod';
import { BackendName, type MdsModelFit } from '../../../../shared/api/index.js';
import { activateBackend } from '../../../compute/activate.js';
import { selectBackend } from '../../../compute/select.js';
import type { ParamSnapshot } from '../../../compute/nn/params.js';
import { CancelledError, type PipelineDefinition, type ProducedModel } from '../../../jobs/pipeline.js';
import { buildMdsDataset } from '../dataset.js';
import { MDS_MODEL_FORMAT, MDS_MODEL_PIPELINE, type MdsModelBundleConfig } from './bundle.js';
import { DEFAULT_HIDDEN_CHANNELS } from './config.js';
import { fitResponseModel, type FitResult } from './fit.js';
import { encodeResponseModel } from './load.js';
import { finiteMean } from './quality.js';
import { DEFAULT_TRAIN, TrainingCancelled } from './train.js';

export const MDS_FIT_PIPELINE = 'mds-fit-model';

export const MdsFitParams = z
  .object({
    /** Ensemble members, each a different seed (the reference averages an ensemble of seeds). */
    members: z.number().int().min(1).max(10).default(3),
    seed: z.number().int().nonnegative().max(0x7fffffff).default(0),
    /** Epochs at most per member (early stopping on the validation correlation usually ends sooner). */
    epochs: z.number().int().min(1).max(1000).default(20),
    /** Epochs without a better validation correlation before stopping (reference 10; 5 bounds a CPU run). */
    patience: z.number().int().min(1).max(1000).default(DEFAULT_TRAIN.patience),
    lr: z.number().positive().max(1).default(DEFAULT_TRAIN.lr),
    weightDecay: z.number().min(0).max(10).default(DEFAULT_TRAIN.weightDecay),
    batchSize: z.number().int().min(1).max(512).default(DEFAULT_TRAIN.batchSize),
    /** Output frames per training clip (reference train_chunk_size 50). */
    clipFrames: z.number().int().min(1).max(1000).default(DEFAULT_TRAIN.clipFrames),
    /** Optimiser steps per epoch at most (a seeded subset of clips); all clips when absent. */
    maxStepsPerEpoch: z.number().int().min(1).max(1_000_000).optional(),
    /** Channels of each of the two core layers (the reference's 16; config.ts says why not fewer). */
    hiddenChannels: z.number().int().min(1).max(64).default(DEFAULT_HIDDEN_CHANNELS),
    /** Also fit the per-neuron linear-filter baseline (ridge; its held-out r goes in the notes and "fit.linearCorr"). */
    linearBaseline: z.boolean().default(true),
    /** Frame rate of a stimulus derived from stimulus changes (recordings without a stimulus file). */
    frameRateHz: z.number().positive().max(1000).optional(),
    backend: BackendName.optional(),
    name: z.string().min(1).max(200).default('MDS response model'),
  })
  .strict();
export type MdsFitParams = z.infer<typeof MdsFitParams>;

function modelMeta(config: MdsModelBundleConfig, fit: Pick<FitResult, 'heldOutCorr' | 'ceiling'> | null, backend: string, membersDone: number): Record<string, unknown> {
  return {
    architecture: config.model,
    stimulus: config.stimulus,
    seeds: config.seeds,
    membersDone,
    backend,
    metrics: fit ? { meanHeldOutCorr: finiteMean(fit.heldOutCorr), meanCeiling: finiteMean(fit.ceiling) } : {},
  };
}

const nullable = (values: Float64Array): (number | null)[] => Array.from(values, (v) => (Number.isFinite(v) ? v : null));

const mdsFitModel: PipelineDefinition<MdsFitParams> = {
  name: MDS_FIT_PIPELINE,
  title: 'MDS response model',
  description:
    'Trains the differentiable response model MDS clustering optimises through: an ensemble of space-time separable convolutional cores with Gaussian readouts (open-retina core_readout), Poisson loss, AdamW, early stopping; reports held-out correlation per neuron beside the reliability ceiling.',
  input: 'recording',
  recordingKinds: ['spikes'],
  producesModel: { pipeline: MDS_MODEL_PIPELINE },
  params: MdsFitParams as unknown as z.ZodType<MdsFitParams>,
  async run(context) {
    const params = context.params;
    const recording = context.recording!;
    context.progress(0, 'building the dataset');
    const dataset = await buildMdsDataset({ path: recording.sourcePath }, params.frameRateHz ? { frameRateHz: params.frameRateHz } : {});
    for (const w of dataset.warnings) context.log(w, 'warn');
    const backend = params.backend ?? (await selectBackend()).selected;
    const tf = await activateBackend(backend);
    context.log(
      `${dataset.source}: ${dataset.nNeurons} neurons, ${dataset.nFrames} frames of ${dataset.shape.height}×${dataset.shape.width}×${dataset.shape.channels} at ${dataset.shape.frameRateHz} Hz; test "${dataset.test.name}" ${dataset.test.trialStarts.length} trials; ${params.members} members, ${backend}`,
    );
    context.throwIfCancelled();
    const totalEpochs = params.members * params.epochs;
    let epochsDone = 0;
    let member = 0;
    const produced = (config: MdsModelBundleConfig, weights: ParamSnapshot, fit: FitResult | null, done: number): ProducedModel => ({
      name: params.name,
      format: MDS_MODEL_FORMAT,
      meta: modelMeta(config, fit, backend, done),
      weights: encodeResponseModel(tf, config, weights),
    });
    let fit: FitResult;
    try {
      fit = fitResponseModel(
        tf,
        dataset,
        {
          seed: params.seed,
          members: params.members,
          maxEpochs: params.epochs,
          patience: params.patience,
          lr: params.lr,
          weightDecay: params.weightDecay,
          batchSize: params.batchSize,
          clipFrames: params.clipFrames,
          ...(params.maxStepsPerEpoch ? { maxStepsPerEpoch: params.maxStepsPerEpoch } : {}),
          model: { channels: [dataset.shape.channels, params.hiddenChannels, params.hiddenChannels] },
          recordingId: recording.id,
          linearBaseline: params.linearBaseline,
        },
        {
          cancelled: () => context.cancelled,
          onStep: (step, loss) => context.progress(Math.min(0.95, (epochsDone + 0.5) / totalEpochs), `member ${member + 1}/${params.members}, step ${step}: loss ${loss.toFixed(4)}`),
          onEpoch: (r) => {
            epochsDone++;
            context.log(`member ${member + 1}/${params.members} epoch ${r.epoch}: train ${r.trainLoss.toFixed(4)}, validation ${r.validationLoss?.toFixed(4) ?? '—'} (r ${r.validationCorr?.toFixed(3) ?? '—'}), lr ${r.lr.toExponential(1)}, ${r.seconds.toFixed(1)} s`);
          },
          onMember: (i, result, config) => {
            context.log(`member ${i + 1} (seed ${result.seed}): best epoch ${result.bestEpoch} of ${result.history.length}, ${result.steps} steps`);
            // Whatever epochs early stopping skipped count as done for the progress bar.
            epochsDone = (i + 1) * params.epochs;
            member = i + 1;
            context.checkpoint(produced({ ...config, seeds: config.seeds.slice(0, i + 1) }, result.partial, null, i + 1));
          },
        },
      );
    } catch (error) {
      if (error instanceof TrainingCancelled) throw new CancelledError();
      throw error;
    }
    const meanHeldOutCorr = finiteMean(fit.heldOutCorr);
    const meanCeiling = finiteMean(fit.ceiling);
    const randomInit = finiteMean(fit.randomInitCorr);
    context.log(`held-out r ${meanHeldOutCorr.toFixed(3)} (ceiling ${meanCeiling.toFixed(3)}; random init ${randomInit.toFixed(3)}${fit.linear ? `; linear filter ${finiteMean(fit.linear.heldOutCorr).toFixed(3)}` : ''}) over ${fit.testTrials} test trials; ${fit.seconds.toFixed(0)} s`);
    // The controls (linearCorr, randomInitCorr) are the arrays stored below; mds.fit reads them back.
    const value: Omit<MdsModelFit, 'runId' | 'status' | 'modelId' | 'heldOutCorr' | 'ceiling' | 'linearCorr' | 'randomInitCorr' | 'meanLinearCorr' | 'meanRandomInitCorr'> & { heldOutCorr: (number | null)[]; ceiling: (number | null)[] } = {
      recordingId: recording.id,
      stimulus: fit.bundle.stimulus,
      seeds: fit.bundle.seeds,
      epochs: fit.curves.epochs,
      trainLoss: fit.curves.trainLoss,
      validationLoss: fit.curves.validationLoss,
      validationCorr: fit.curves.validationCorr,
      unitIds: fit.bundle.unitIds,
      cellTypes: fit.bundle.cellTypes,
      heldOutCorr: nullable(fit.heldOutCorr),
      ceiling: nullable(fit.ceiling),
      meanHeldOutCorr,
      meanCeiling,
      testTrials: fit.testTrials,
      testDescription: dataset.test.name,
      seconds: fit.seconds,
      notes: [
        `random-initialisation control (same ensemble, untrained): mean held-out r ${Number.isFinite(randomInit) ? randomInit.toFixed(3) : 'undefined (constant prediction)'}`,
        ...(fit.linear
          ? [`linear-filter baseline (per-neuron ridge regression on ${fit.linear.lags} frames of ${fit.linear.features / fit.linear.lags} pooled pixel values, λ by validation): mean held-out r ${finiteMean(fit.linear.heldOutCorr).toFixed(3)} (${fit.linear.seconds.toFixed(0)} s)`]
          : []),
        `the ceiling is the split-half reliability of the ${fit.testTrials}-trial average (Spearman–Brown); a noise-free prediction's expected r with that average is its square root (mean √ceiling ${finiteMean(Array.from(fit.ceiling, (c) => (c > 0 ? Math.sqrt(c) : Number.NaN))).toFixed(3)})`,
        `architecture: ${fit.bundle.model.channels.slice(1).join('/')} channels, temporal kernels ${fit.bundle.model.temporalKernels.join('/')} frames, spatial ${fit.bundle.model.spatialKernels.join('/')} px, BatchNorm ${fit.bundle.model.batchNorm ? 'on' : 'off'}; clip ${fit.bundle.stimulus.frames} frames (response window ${fit.bundle.model.responseWindow})`,
        ...fit.members.map((m, i) => `member ${i + 1} (seed ${m.seed}): best epoch ${m.bestEpoch} of ${m.history.length}`),
        ...dataset.warnings,
      ],
    };
    return {
      results: [
        { key: 'fit', value },
        { key: 'fit.randomInitCorr', value: null, array: { data: fit.randomInitCorr, shape: [fit.randomInitCorr.length] } },
        ...(fit.linear ? [{ key: 'fit.linearCorr', value: { lags: fit.linear.lags, features: fit.linear.features, lambda: fit.linear.lambda }, array: { data: fit.linear.heldOutCorr, shape: [fit.linear.heldOutCorr.length] } }] : []),
      ],
      model: produced(fit.bundle, fit.weights, fit, fit.members.length),
    };
  },
};

export default mdsFitModel;
