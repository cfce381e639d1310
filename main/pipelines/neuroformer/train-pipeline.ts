/**
 * The `neuroformer-train` pipeline: a Neuroformer trained on a `spikes` recording as a run that
 * produces a model (`cajal neuroformer train`). The recording is binned at the model's dt, its span
 * cut into held-out time blocks (split.ts: test blocks never trained on, a validation block for the
 * per-epoch curves), the stimulus turned into per-bin features (reversals for the retina, the cosine
 * drive of a simulated network), and train.ts runs the released optimiser and schedule. A checkpoint
 * after every epoch (cancel keeps the last; params.resumeFromModelId continues from it); the final
 * model stores the split, so generate/connectivity/evaluate use exactly its held-out blocks.
 */
import { z } from 'zod';
import { BackendName } from '../../../shared/api/index.js';
import { deriveSeed, randomPermutation, seededRandom } from '../../../shared/random.js';
import { activateBackend } from '../../compute/activate.js';
import { selectBackend } from '../../compute/select.js';
import { ValidationError } from '../../errors.js';
import { CancelledError, type PipelineDefinition, type ProducedModel } from '../../jobs/pipeline.js';
import { NF_BUNDLE_FORMAT, NF_MODEL_PIPELINE, decodeNfBundle, type NeuroformerBundleConfig, type NfEpochRecord, type NfTrainingState } from './bundle.js';
import { neuroformerPreset } from './config.js';
import { chooseStimulus, readNfRecording } from './data.js';
import { splitTimeBlocks, stimulusFeatureCount, stimulusTokens, windowEnds } from './split.js';
import { NfCancelled, RELEASED_OPTIM, trainNeuroformer } from './train.js';

export const NF_TRAIN_PIPELINE = 'neuroformer-train';

export const NfTrainParams = z
  .object({
    config: z.enum(['tiny', 'paper']).default('tiny'),
    /** The reference trains 250 epochs; a CPU run of the tiny preset a few. */
    epochs: z.number().int().min(1).max(10_000).default(3),
    batchSize: z.number().int().min(1).max(1024).default(32),
    /** Default: the released 1e-4 for `paper`, 1e-3 for `tiny` (a width-32 model learns slowly at 1e-4 in a few epochs). */
    lr: z.number().positive().max(1).optional(),
    weightDecay: z.number().min(0).max(10).default(RELEASED_OPTIM.weightDecay),
    warmupFraction: z.number().min(0).max(1).default(RELEASED_OPTIM.warmupFraction),
    seed: z.number().int().nonnegative().max(0xffffffff).default(0),
    /** Time blocks the span is cut into, and how many are held out for testing / validation. */
    blocks: z.number().int().min(3).max(1000).default(10),
    testBlocks: z.number().int().min(1).max(999).default(2),
    validationBlocks: z.number().int().min(0).max(999).default(1),
    /** Training windows per epoch (a seeded subset; all when absent): bounds an epoch on a CPU. */
    maxTrainWindows: z.number().int().min(1).max(10_000_000).optional(),
    maxValidationWindows: z.number().int().min(1).max(100_000).default(512),
    /**
     * Overrides of the preset's window and block sizes (e.g. a busy simulated network: a shorter
     * previous window whose spikes all fit its block, so no past spike is cut).
     */
    windowPrevS: z.number().positive().max(10).optional(),
    blockSize: z.number().int().min(3).max(4096).optional(),
    blockSizePrev: z.number().int().min(3).max(16384).optional(),
    stimulus: z.enum(['auto', 'none', 'reversals', 'cosine']).default('auto'),
    /** The event set whose times are the stimulus reversals (default: one named like "stimulus"). */
    eventSet: z.string().min(1).max(200).optional(),
    checkpointEvery: z.number().int().min(1).max(10_000).default(1),
    backend: BackendName.optional(),
    name: z.string().min(1).max(200).default('Neuroformer'),
    resumeFromModelId: z.number().int().positive().optional(),
  })
  .strict();
export type NfTrainParams = z.infer<typeof NfTrainParams>;

/** Seed stream of the training-window subset. */
const SUBSET_STREAM = 60;

function epochMessage(r: NfEpochRecord, epochs: number): string {
  const v = r.validationLoss === null ? '' : `, validation ${r.validationLoss.toFixed(4)} (CE id ${r.validationCeId!.toFixed(3)}, dt ${r.validationCeDt!.toFixed(3)}, F1 ${r.validationF1!.toFixed(3)})`;
  const heads = r.trainCeId === undefined || r.trainCeDt === undefined ? '' : ` (CE id ${r.trainCeId.toFixed(3)}, dt ${r.trainCeDt.toFixed(3)})`;
  return `epoch ${r.epoch}/${epochs}: loss ${r.trainLoss.toFixed(4)}${heads}${v} (lr ${r.lr.toExponential(2)}, ${Math.round(r.msPerStep)} ms/step)`;
}

function modelMeta(config: NeuroformerBundleConfig, state: NfTrainingState, backend: string): Record<string, unknown> {
  const last = state.history.at(-1);
  return {
    architecture: config.model,
    preset: config.model.name,
    stimulus: config.stimulus.kind,
    backend,
    metrics: { epochs: state.epoch, optimizerSteps: state.optimizerStep, trainLoss: last?.trainLoss ?? null, validationLoss: last?.validationLoss ?? null, validationF1: last?.validationF1 ?? null },
    checkpoint: { epoch: state.epoch, optimizerStep: state.optimizerStep, history: state.history },
    split: config.data.split,
  };
}

const neuroformerTrain: PipelineDefinition<NfTrainParams> = {
  name: NF_TRAIN_PIPELINE,
  title: 'Neuroformer training',
  description: 'Trains a Neuroformer (Antoniades et al. 2024) on a spike recording: tokenised windows, neural-state history, optional stimulus features; held-out time blocks; a checkpoint every epoch, resumable; stores the model with this run.',
  input: 'recording',
  recordingKinds: ['spikes'],
  producesModel: { pipeline: NF_MODEL_PIPELINE },
  params: NfTrainParams as unknown as z.ZodType<NfTrainParams>,
  async run(context) {
    const params = context.params;
    const recording = context.recording!;
    context.progress(0, 'reading spikes');
    const probe = neuroformerPreset(params.config, { neurons: 1 });
    const data = await readNfRecording(recording, probe.dtS);
    const stimulus = chooseStimulus(data.trains, data.truth, params.stimulus, params.eventSet);
    const features = stimulusFeatureCount(stimulus);
    const tokens = Math.round(probe.windowS / probe.dtS);
    const preset = neuroformerPreset(params.config, { neurons: data.counts.units, stimulus: features ? { features, tokens } : null });
    const config = {
      ...preset,
      ...(params.windowPrevS !== undefined ? { windowPrevS: params.windowPrevS } : {}),
      ...(params.blockSize !== undefined ? { blockSize: params.blockSize } : {}),
      ...(params.blockSizePrev !== undefined ? { blockSizePrev: params.blockSizePrev } : {}),
    };
    let split = splitTimeBlocks(data.originS, data.endS, { blocks: params.blocks, testBlocks: params.testBlocks, validationBlocks: params.validationBlocks, seed: params.seed });
    if (context.resumeFrom) {
      const from = decodeNfBundle(context.resumeFrom.weights, `model #${context.resumeFrom.id}`);
      split = from.config.data.split;
      context.log(`resuming from model #${context.resumeFrom.id} after epoch ${from.config.training?.epoch ?? 0}`);
    }
    let trainEnds = windowEnds(split.train, data.originS, config);
    const validationEnds = windowEnds(split.validation, data.originS, config);
    if (params.maxTrainWindows && trainEnds.length > params.maxTrainWindows) {
      const order = randomPermutation(trainEnds.length, seededRandom(deriveSeed(params.seed, SUBSET_STREAM)));
      const keep = new Set(Array.from(order.subarray(0, params.maxTrainWindows)));
      trainEnds = trainEnds.filter((_, i) => keep.has(i));
    }
    if (trainEnds.length < params.batchSize) throw new ValidationError('blocks', `only ${trainEnds.length} training windows in the training blocks; fewer than a batch of ${params.batchSize}`);
    const bundle: Omit<NeuroformerBundleConfig, 'training'> = {
      kind: 'neuroformer',
      version: 1,
      model: config,
      stimulus,
      data: { originS: data.originS, endS: data.endS, split, unitIds: [...data.trains.unitIds], cellTypes: [...data.trains.cellTypes] },
    };
    const lr = params.lr ?? (params.config === 'paper' ? RELEASED_OPTIM.lr : 1e-3);
    const backend = params.backend ?? (await selectBackend()).selected;
    const tf = await activateBackend(backend);
    const fmt = (blocks: { startS: number; endS: number }[]) => blocks.map((b) => `${b.startS.toFixed(1)}–${b.endS.toFixed(1)} s`).join(', ');
    context.log(`${config.name}: ${config.neurons} neurons, width ${config.embedDim}, ${config.heads} heads; stimulus ${stimulus.kind}; ${trainEnds.length} training windows, ${validationEnds.length} validation windows; test blocks ${fmt(split.test)}; lr ${lr}, batch ${params.batchSize}; ${backend}`);
    context.throwIfCancelled();
    const produced = (bytes: Uint8Array, state: NfTrainingState): ProducedModel => ({ name: params.name, format: NF_BUNDLE_FORMAT, meta: modelMeta({ ...bundle, training: state }, state, backend), weights: bytes });
    let result;
    try {
      result = await trainNeuroformer(
        tf,
        { counts: data.counts, dtS: data.dtS, trainEnds, validationEnds, stimulus: (ends) => stimulusTokens(stimulus, ends.map((e) => e + data.originS), tokens, config.dtS) },
        { model: config, optim: { ...RELEASED_OPTIM, lr, weightDecay: params.weightDecay, warmupFraction: params.warmupFraction }, batchSize: params.batchSize, epochs: params.epochs, seed: params.seed, maxValidationWindows: params.maxValidationWindows, bundle },
        {
          signal: { get aborted() { return context.cancelled; } },
          ...(context.resumeFrom ? { resume: { bytes: context.resumeFrom.weights, source: `model #${context.resumeFrom.id}` } } : {}),
          onStep: (step, loss, fraction) => context.progress(0.05 + 0.95 * fraction, `step ${step}: loss ${loss.toFixed(4)}`),
          onEpochEnd: async (record, checkpoint) => {
            context.log(epochMessage(record, params.epochs));
            if (record.epoch % params.checkpointEvery === 0 || record.epoch === params.epochs) {
              const bytes = await checkpoint();
              const state = decodeNfBundle(bytes, 'checkpoint').config.training!;
              context.checkpoint(produced(bytes, state));
            }
            if (context.cancelled) throw new CancelledError();
          },
        },
      );
    } catch (error) {
      if (error instanceof NfCancelled) throw new CancelledError();
      throw error;
    }
    try {
      const { state, stepLoss, stepLr } = result;
      const h = state.history;
      const steps = new Float64Array(2 * stepLoss.length);
      steps.set(stepLoss, 0);
      steps.set(stepLr, stepLoss.length);
      return {
        results: [
          {
            key: 'loss-curve',
            value: {
              epochs: h.map((r) => r.epoch),
              trainLoss: h.map((r) => r.trainLoss),
              trainCeId: h.map((r) => r.trainCeId ?? null),
              trainCeDt: h.map((r) => r.trainCeDt ?? null),
              validationLoss: h.map((r) => r.validationLoss),
              validationCeId: h.map((r) => r.validationCeId),
              validationCeDt: h.map((r) => r.validationCeDt),
              validationF1: h.map((r) => r.validationF1),
              rows: ['loss', 'lr'],
              note: 'total = 0.45·CE_id + 0.30·CE_dt (released weights); validation on a held-out time block; the array is per optimizer step of this run: loss, then lr',
            },
            array: { data: steps, shape: [2, stepLoss.length] },
          },
          {
            key: 'training',
            value: { architecture: config, stimulus: stimulus.kind, split, trainWindows: trainEnds.length, validationWindows: validationEnds.length, lr, batchSize: params.batchSize, backend, epochs: state.epoch, optimizerSteps: state.optimizerStep, tokens: state.tokens, msPerStep: h.map((r) => r.msPerStep) },
          },
        ],
        model: produced(await result.bundle(), state),
      };
    } finally {
      result.dispose();
    }
  },
};

export default neuroformerTrain;
