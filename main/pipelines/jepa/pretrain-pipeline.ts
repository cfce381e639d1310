/**
 * The `jepa-pretrain` pipeline: Brain-JEPA self-supervised pretraining on the ROI series of a
 * cohort recording (`cajal jepa pretrain`), trained as train.ts does, as a run that produces a model.
 *
 * Subjects: params.trainingSubjects (subject ids; all of the cohort when absent), so a probe can
 * pretrain inside a cross-validation fold on that fold's training subjects only. A seeded
 * `validationFraction` of them is held out for the validation loss (no test subject is ever seen).
 * The robust scaler and, for any atlas, the brain gradients (diffusion-map embedding of the group
 * connectivity, as BrainSpace; the reference released only its 450-ROI CSV, which
 * params.gradientCsv may name) come from the training subjects only, and are stored with the model.
 *
 * After every `checkpointEvery` epochs the run hands the runner a checkpoint (weights, AdamW moments,
 * target, training state), stored incomplete, so a cancelled run keeps its last one and a new run
 * resumes from it (params.resumeFromModelId) at the stored optimizer step. The final model (no
 * optimiser moments) is stored with the run; results: the loss curve (train/validation per epoch and
 * the loss of every iteration), the LR/WD/EMA schedules of the whole run and the rank monitor.
 *
 * resumeFromModelId may also name a model without training state (`cajal jepa import` of a lab's
 * checkpoint): its weights, architecture, crop length and gradients start a fresh run (step 0, new
 * AdamW moments, this run's subjects and schedules), its scaler fitted on the training subjects
 * when it has none.
 */
import { z } from 'zod';
import { BackendName } from '../../../shared/api/index.js';
import { deriveSeed, randomPermutation, seededRandom } from '../../../shared/random.js';
import { activateBackend } from '../../compute/activate.js';
import { selectBackend } from '../../compute/select.js';
import { ValidationError } from '../../errors.js';
import { CancelledError, type PipelineContext, type PipelineDefinition, type ProducedModel } from '../../jobs/pipeline.js';
import type { ResultItem } from '../../store/index.js';
import { readSeriesInput } from '../fmri/series-input.js';
import { decodeJepaBundle, JEPA_BUNDLE_FORMAT, JEPA_MODEL_PIPELINE, type JepaEpochRecord, type JepaGradientsInfo, type JepaTrainingState } from './bundle.js';
import { jepaModelConfig, JEPA_ARCHITECTURES, type JepaModelConfig } from './config.js';
import { defaultCrop, fitRobustScaler, type JepaNormalisation, type RobustScaler } from './data.js';
import { isScalerFitted } from './import-checkpoint.js';
import { REFERENCE_MASK_CONFIG } from './masks.js';
import { chooseNormalisation, prepareJepaInput } from './prepare.js';
import { JepaOptimParams, REFERENCE_OPTIM_CONFIG, type JepaOptimConfig } from './schedules.js';
import { JepaCancelled, trainJepa, type JepaSubject, type JepaTrainData, type JepaTrainOptions } from './train.js';

export const JEPA_PRETRAIN_PIPELINE = 'jepa-pretrain';

export const JepaPretrainParams = JepaOptimParams.extend({
  config: z.enum(['tiny', 'small', 'base']).default('tiny'),
  /** The reference trains 300 epochs on ~32 k UKB subjects. */
  epochs: z.number().int().min(1).max(10_000).default(300),
  /** Default: the reference's share, 40 of 300 epochs. */
  warmupEpochs: z.number().nonnegative().max(10_000).optional(),
  /** Per-GPU batch of the reference. */
  batchSize: z.number().int().min(1).max(1024).default(16),
  /**
   * The reference accumulates 8 batches (× 4 GPUs × 16 = 512 per step over 32 k subjects); on a
   * cohort of 100 that is more than one epoch per step, so the default here is 1.
   */
  accumulationSteps: z.number().int().min(1).max(64).default(1),
  seed: z.number().int().nonnegative().max(0xffffffff).default(0),
  /**
   * Frames per crop (a multiple of the patch size; the reference's 160). Default (data.ts
   * defaultCrop): the longest multiple of 16 whose clip fits the shortest scan, at most 160.
   */
  crop: z.number().int().positive().max(4096).optional(),
  /**
   * Take every n-th frame (the reference's downsample: 3 for UKB's 0.735 s TR). Default (data.ts
   * defaultCrop): the rate that brings the median TR nearest the reference's 2.2 s; 1 without TRs.
   */
  samplingRate: z.number().int().min(1).max(16).optional(),
  /**
   * 'robust': the reference's pretraining scaling (per-ROI median/IQR of the training subjects'
   * temporal means); 'sample-zscore': one mean/SD per cropped sample (the reference's
   * use_standatdization and its downstream normalisation), for series demeaned by their
   * preprocessing (ABIDE's), where robust scaling divides by a tiny IQR; 'none'; 'auto' (default):
   * robust unless it would blow the signals up, which is logged (prepare.ts chooseNormalisation).
   */
  normalisation: z.enum(['auto', 'robust', 'sample-zscore', 'none']).default('auto'),
  /** Subject ids to pretrain on (default: the whole cohort). */
  trainingSubjects: z.array(z.string().min(1).max(200)).min(2).max(100_000).optional(),
  /** Share of the training subjects held out (seeded) for the validation loss. */
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  /** Subjects whose pooled features the rank monitor reads (held-out ones first). */
  rankSubjects: z.number().int().min(0).max(4096).default(64),
  /** The reference's gradient CSV (R rows of comma-separated components) instead of computing them. */
  gradientCsv: z.string().min(1).max(4096).optional(),
  checkpointEvery: z.number().int().min(1).max(10_000).default(1),
  backend: BackendName.optional(),
  name: z.string().min(1).max(200).default('Brain-JEPA'),
  resumeFromModelId: z.number().int().positive().optional(),
}).strict();
export type JepaPretrainParams = z.infer<typeof JepaPretrainParams>;

/** Seed stream of the validation split (train.ts uses 0–6). */
const SPLIT_STREAM = 100;
/** Share of the progress bar spent reading series and computing gradients. */
const SETUP_SHARE = 0.1;

export function optimConfig(params: JepaPretrainParams): JepaOptimConfig {
  return {
    startLr: params.startLr,
    lr: params.lr,
    finalLr: params.finalLr,
    warmupEpochs: params.warmupEpochs ?? (params.epochs * REFERENCE_OPTIM_CONFIG.warmupEpochs) / REFERENCE_OPTIM_CONFIG.epochs,
    epochs: params.epochs,
    weightDecay: params.weightDecay,
    finalWeightDecay: params.finalWeightDecay,
    ema: params.ema,
    ipeScale: params.ipeScale,
    accumulationSteps: params.accumulationSteps,
  };
}

/** Splits the training subjects into trained-on and held-out ones (seeded, stable order). */
export function splitSubjects(ids: readonly string[], fraction: number, seed: number): { train: string[]; validation: string[] } {
  const held = Math.floor(ids.length * fraction);
  const order = randomPermutation(ids.length, seededRandom(deriveSeed(seed, SPLIT_STREAM)));
  const out = new Set(Array.from(order.subarray(0, held), (i) => ids[i]!));
  return { train: ids.filter((id) => !out.has(id)), validation: ids.filter((id) => out.has(id)) };
}

function epochMessage(r: JepaEpochRecord, epochs: number): string {
  const validation = r.validationLoss === null ? '' : `, validation ${r.validationLoss.toFixed(4)}`;
  const rank = r.effectiveRank === null ? '' : `, rank ${r.effectiveRank.toFixed(1)} (centred ${r.effectiveRankCentred!.toFixed(1)})`;
  return `epoch ${r.epoch}/${epochs}: loss ${r.trainLoss.toFixed(4)}${validation}${rank} (lr ${r.lr.toExponential(2)}, ema ${r.momentum.toFixed(5)}, ${Math.round(r.msPerIteration)} ms/iteration)`;
}

function modelMeta(config: JepaModelConfig, state: JepaTrainingState, backend: string): Record<string, unknown> {
  const last = state.history.at(-1);
  return {
    architecture: config,
    backend,
    metrics: { epochs: state.epoch, optimizerSteps: state.optimizerStep, trainLoss: last?.trainLoss ?? null, validationLoss: last?.validationLoss ?? null, effectiveRank: last?.effectiveRank ?? null },
    // The per-epoch curves, so a view can draw a run that is still going from its latest checkpoint.
    checkpoint: { epoch: state.epoch, iteration: state.iteration, optimizerStep: state.optimizerStep, history: state.history },
    subjects: { train: state.trainSubjects.length, validation: state.validationSubjects.length },
  };
}

const jepaPretrain: PipelineDefinition<JepaPretrainParams> = {
  name: JEPA_PRETRAIN_PIPELINE,
  title: 'Brain-JEPA pretraining',
  description: 'Self-supervised Brain-JEPA pretraining (spatiotemporal masking, brain-gradient positions, EMA target) on the ROI series of a cohort; a checkpoint every epoch, resumable; stores the model with this run.',
  input: 'recording',
  recordingKinds: ['cohort'],
  producesModel: { pipeline: JEPA_MODEL_PIPELINE },
  params: JepaPretrainParams as unknown as z.ZodType<JepaPretrainParams>,
  async run(context) {
    const params = context.params;
    const recording = context.recording!;
    const masks = REFERENCE_MASK_CONFIG;
    let resumeBundle: ReturnType<typeof decodeJepaBundle> | null = null;
    // A model without training state (imported with `cajal jepa import`): its weights start this run.
    let startBundle: ReturnType<typeof decodeJepaBundle> | null = null;
    if (context.resumeFrom) {
      const from = context.resumeFrom;
      if (from.format !== JEPA_BUNDLE_FORMAT) throw new ValidationError('resumeFromModelId', `model #${from.id} is in ${from.format} format, not ${JEPA_BUNDLE_FORMAT}`);
      const decoded = decodeJepaBundle(from.weights, `model #${from.id}`);
      if (decoded.config.training) resumeBundle = decoded;
      else startBundle = decoded;
    }

    const input = await readSeriesInput(recording, context, [0, SETUP_SHARE / 2]);
    const byId = new Map(input.subjects.map((id, i) => [id, { id, data: input.series[i]!.data, regions: input.series[i]!.regionCount, timepoints: input.series[i]!.timepoints } satisfies JepaSubject]));
    const trOf = new Map(input.subjects.map((id, i) => [id, input.series[i]!.trS ?? Number.NaN]));
    const chosen = params.trainingSubjects ?? input.subjects;
    const unknown = chosen.filter((id) => !byId.has(id));
    if (unknown.length) throw new ValidationError('trainingSubjects', `not in the cohort: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`);
    const split = resumeBundle
      ? { train: resumeBundle.config.training!.trainSubjects, validation: resumeBundle.config.training!.validationSubjects }
      : splitSubjects(chosen, params.validationFraction, params.seed);
    const pick = (ids: readonly string[]) => ids.map((id) => {
      const s = byId.get(id);
      if (!s) throw new ValidationError('resumeFromModelId', `the checkpoint's subject ${id} is no longer in the cohort`);
      return s;
    });
    const train = pick(split.train);
    const validation = pick(split.validation);
    const rois = train[0]!.regions;

    let config: JepaModelConfig;
    let samplingRate: number;
    let scaler: RobustScaler;
    let normalisation: JepaNormalisation;
    let gradients: Float64Array;
    let gradientsInfo: JepaGradientsInfo;
    if (resumeBundle) {
      // The checkpoint's input definition stays: the same scaler, normalisation, gradients and crop.
      config = resumeBundle.config.model;
      samplingRate = resumeBundle.config.input.samplingRate;
      normalisation = resumeBundle.config.input.normalisation;
      scaler = { median: Float64Array.from(resumeBundle.config.scaler.median), iqr: Float64Array.from(resumeBundle.config.scaler.iqr) };
      gradients = resumeBundle.gradients;
      gradientsInfo = resumeBundle.config.gradients;
      if (config.rois !== rois) throw new ValidationError('resumeFromModelId', `the checkpoint has ${config.rois} ROIs, the cohort ${rois}`);
      context.log(`resuming from model #${context.resumeFrom!.id} after epoch ${resumeBundle.config.training!.epoch} (optimizer step ${resumeBundle.step})`);
    } else if (startBundle) {
      // Weights only, fresh AdamW at step 0 under this run's schedules. An official checkpoint's
      // 'opt' is not mapped: its state is indexed by position over init_opt's four param groups
      // (fixed emb_h tables leave gaps), its schedules' position (iterations per epoch of a 32 k
      // subject, 4-GPU run) is not saved, and its moments belong to the lab's data scaling. Fine-
      // tuning from pretrained weights with a fresh optimiser is what the reference does downstream.
      const from = `model #${context.resumeFrom!.id}`;
      config = startBundle.config.model;
      if (config.rois !== rois) throw new ValidationError('resumeFromModelId', `${from} has ${config.rois} ROIs, the cohort ${rois}`);
      if (params.crop !== undefined && params.crop !== config.frames) {
        throw new ValidationError('crop', `${from} takes ${config.frames}-frame crops (its positional tables hold ${config.frames / config.patchSize} time patches), not ${params.crop}`);
      }
      gradients = startBundle.gradients;
      gradientsInfo = startBundle.config.gradients;
      const crop = defaultCrop(train.map((s) => s.timepoints), train.map((s) => trOf.get(s.id)!));
      samplingRate = params.samplingRate ?? crop.samplingRate;
      if (isScalerFitted(startBundle.config)) {
        scaler = { median: Float64Array.from(startBundle.config.scaler.median), iqr: Float64Array.from(startBundle.config.scaler.iqr) };
      } else {
        context.log(`${from} carries no data scaler: fitting the robust scaler on the ${train.length} training subjects`);
        scaler = fitRobustScaler(train.map((s) => ({ data: s.data, regions: s.regions, timepoints: s.timepoints })));
      }
      // The run's own normalisation applies: the file's weights are what carries over.
      normalisation = chooseNormalisation(train, scaler, params.normalisation, (message, level) => context.log(message, level));
      context.log(`starting from the weights of ${from} (${config.name}: ${config.embedDim} wide, ${config.depth} blocks, ${config.frames}-frame crops at sampling rate ${samplingRate}); fresh AdamW moments at step 0`);
    } else {
      context.progress(SETUP_SHARE / 2, 'crop, scaler and brain gradients');
      const prepared = await prepareJepaInput(train, train.map((s) => trOf.get(s.id)!), params, masks, (message, level) => context.log(message, level));
      ({ config, samplingRate, scaler, normalisation, gradients, gradientsInfo } = prepared);
    }
    // A scan shorter than the clip repeats its last frame (the reference's clamp in its crop); say so.
    const needed = config.frames * samplingRate;
    const short = [...train, ...validation].filter((s) => s.timepoints < needed);
    if (short.length) context.log(`${short.length} subject(s) have fewer than the ${needed} frames of a ${config.frames}-frame crop at sampling rate ${samplingRate}; their crops repeat the last frame (e.g. ${short[0]!.id}: ${short[0]!.timepoints})`, 'warn');
    context.throwIfCancelled();

    const rankIds = [...validation, ...train].slice(0, params.rankSubjects);
    const data: JepaTrainData = { train, validation, rank: rankIds, scaler, gradients, gradientsInfo };
    const options: JepaTrainOptions = { model: config, masks: resumeBundle?.config.masks ?? startBundle?.config.masks ?? masks, optim: optimConfig(params), batchSize: params.batchSize, seed: params.seed, samplingRate, normalisation };
    const backend = params.backend ?? (await selectBackend()).selected;
    const tf = await activateBackend(backend);
    context.log(`${config.name} (${config.embedDim} wide, ${config.depth} blocks) on ${rois} ROIs × ${config.frames} frames; ${train.length} training, ${validation.length} held-out subjects; batch ${params.batchSize} × ${params.accumulationSteps}; ${backend}`);

    const produced = async (bytes: Uint8Array, state: JepaTrainingState): Promise<ProducedModel> => ({ name: params.name, format: JEPA_BUNDLE_FORMAT, meta: modelMeta(config, state, backend), weights: bytes });
    let result;
    try {
      result = await trainJepa(tf, data, options, params.epochs, {
        signal: { get aborted() { return context.cancelled; } },
        ...(resumeBundle ? { resume: { bytes: context.resumeFrom!.weights, source: `model #${context.resumeFrom!.id}` } } : {}),
        ...(startBundle ? { initialWeights: { bytes: context.resumeFrom!.weights, source: `model #${context.resumeFrom!.id}` } } : {}),
        onIteration: (record, p) => context.progress(SETUP_SHARE + (1 - SETUP_SHARE) * p.fraction, `epoch ${record.epoch}/${p.epochs}, iteration ${record.iteration + 1}: loss ${record.loss.toFixed(4)}`),
        onEpochEnd: async (record, checkpoint) => {
          context.log(epochMessage(record, params.epochs));
          if (record.epoch % params.checkpointEvery === 0 || record.epoch === params.epochs) {
            const { bytes, state } = await checkpoint();
            context.checkpoint(await produced(bytes, state));
          }
          if (context.cancelled) throw new CancelledError();
        },
      });
    } catch (error) {
      if (error instanceof JepaCancelled) throw new CancelledError();
      throw error;
    }
    try {
      const { state, iterations, schedules } = result;
      const history = state.history;
      const curves = schedules.curves();
      const n = curves.lr.length;
      const scheduleArray = new Float64Array(3 * n);
      scheduleArray.set(curves.lr, 0);
      scheduleArray.set(curves.weightDecay, n);
      scheduleArray.set(curves.momentum, 2 * n);
      const results: ResultItem[] = [
        {
          key: 'loss-curve',
          value: {
            epochs: history.map((h) => h.epoch),
            trainLoss: history.map((h) => h.trainLoss),
            ...(validation.length ? { validationLoss: history.map((h) => h.validationLoss) } : {}),
            note: 'smooth-L1 between the predictor output and the layer-normalised target features; the per-iteration losses of this run are the array',
            firstIteration: iterations[0]?.iteration ?? state.iteration,
          },
          array: { data: Float32Array.from(iterations, (r) => r.loss), shape: [iterations.length] },
        },
        {
          key: 'schedules',
          value: { rows: ['lr', 'weightDecay', 'momentum'], ...schedules.lengths, config: schedules.config, note: 'per optimizer step of the whole run: the LR and WD of step k, the EMA momentum applied after it' },
          array: { data: scheduleArray, shape: [3, n] },
        },
        {
          key: 'rank-monitor',
          value: {
            epochs: history.map((h) => h.epoch),
            effectiveRank: history.map((h) => h.effectiveRank),
            effectiveRankCentred: history.map((h) => h.effectiveRankCentred),
            subjects: rankIds.length,
            width: config.embedDim,
            note: 'effective rank (exp entropy of normalised singular values; RankMe) of the target encoder’s mean-pooled features of fixed subjects with centred crops, as they are and centred over the subjects',
          },
        },
        {
          key: 'training',
          value: {
            architecture: config,
            masks: options.masks,
            optim: options.optim,
            batchSize: params.batchSize,
            backend,
            epochs: state.epoch,
            iterations: state.iteration,
            optimizerSteps: state.optimizerStep,
            msPerIteration: history.map((h) => h.msPerIteration),
            trainSubjects: state.trainSubjects,
            validationSubjects: state.validationSubjects,
            gradients: { ...gradientsInfo, from: Array.isArray(gradientsInfo.from) ? `${gradientsInfo.from.length} training subjects` : gradientsInfo.from },
          },
        },
      ];
      return { results, model: await produced(await result.bundle(), state) };
    } finally {
      result.dispose();
    }
  },
};

export default jepaPretrain;
