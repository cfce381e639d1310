/**
 * What a Brain-JEPA model's input is, decided from its training subjects only: the crop (frames and
 * sampling rate, data.ts defaultCrop, raised to the fewest time patches the reference masks can
 * sample), the robust scaler, and the brain gradients (the reference's CSV, or the diffusion-map
 * embedding of the training subjects' group connectivity). Shared by pretraining and by the probe,
 * which pretrains inside each fold.
 */
import type { LogLevel } from '../../../shared/api/index.js';
import { ValidationError } from '../../errors.js';
import type { JepaGradientsInfo } from './bundle.js';
import { JEPA_ARCHITECTURES, jepaModelConfig, type JepaArchitectureName, type JepaModelConfig } from './config.js';
import { defaultCrop, fitRobustScaler, JEPA_PATCH_FRAMES, REFERENCE_FRAMES, robustScaledSpread, type JepaNormalisation, type RobustScaler } from './data.js';
import { DEFAULT_GRADIENT_OPTIONS, diffusionMap, groupConnectivity, readGradientCsv } from './gradients.js';
import { maskGrid, type MaskConfig } from './masks.js';
import type { JepaSubject } from './train.js';

/** 'auto': the reference's robust scaling, unless it would blow the signals up (see chooseNormalisation). */
export type NormalisationChoice = JepaNormalisation | 'auto';

/**
 * Above this median per-ROI SD after robust scaling, the series were demeaned by their preprocessing
 * (the IQR of ROI means is then ~0), and robust scaling yields inputs tens of times larger than the
 * unit scale the model's initialisation and positional embedding ([−1, 1]) are made for.
 */
export const ROBUST_SPREAD_LIMIT = 5;

export interface InputParams {
  config: JepaArchitectureName;
  normalisation?: NormalisationChoice;
  crop?: number;
  samplingRate?: number;
  gradientCsv?: string;
}

export interface PreparedInput {
  config: JepaModelConfig;
  samplingRate: number;
  scaler: RobustScaler;
  normalisation: JepaNormalisation;
  gradients: Float64Array;
  gradientsInfo: JepaGradientsInfo;
}

type Log = (message: string, level?: LogLevel) => void;

/** The shortest crop (in frames) whose patch grid the masks can sample (masks.ts refuses smaller ones). */
export function minimumMaskFrames(rois: number, masks: MaskConfig): number {
  for (let patches = 1; patches <= 64; patches++) {
    try {
      maskGrid(rois, patches, masks);
      return patches * JEPA_PATCH_FRAMES;
    } catch {
      // too few patches for these masks: try one more
    }
  }
  throw new ValidationError('crop', `no crop up to 64 patches can be masked with this mask configuration on ${rois} ROIs`);
}

async function gradientsFor(train: readonly JepaSubject[], config: JepaModelConfig, gradientCsv: string | undefined, log: Log): Promise<{ gradients: Float64Array; info: JepaGradientsInfo }> {
  const components = config.gradientDims;
  if (gradientCsv) {
    const csv = await readGradientCsv(gradientCsv);
    if (csv.rois !== config.rois) throw new ValidationError('gradientCsv', `${csv.rois} rows for a cohort of ${config.rois} ROIs`);
    if (csv.components < components) throw new ValidationError('gradientCsv', `${csv.components} components, the model needs ${components}`);
    const gradients = new Float64Array(config.rois * components);
    for (let r = 0; r < config.rois; r++) for (let c = 0; c < components; c++) gradients[r * components + c] = csv.values[r * csv.components + c]!;
    return { gradients, info: { source: 'csv', components, from: gradientCsv } };
  }
  log(`brain gradients: diffusion-map embedding of the group connectivity of ${train.length} training subjects (${components} components)`);
  const conn = groupConnectivity(train);
  const options = { ...DEFAULT_GRADIENT_OPTIONS, components };
  const map = diffusionMap(conn, config.rois, options);
  for (const warning of map.warnings) log(`brain gradients: ${warning}`, 'warn');
  return { gradients: map.gradients, info: { source: 'computed', components, from: train.map((s) => s.id), options: { ...options, groupAverage: 'fisher-z', lambdas: Array.from(map.lambdas) } } };
}

/** The model's input definition from its training subjects (and their TRs in seconds; NaN when unknown). */
export async function prepareJepaInput(train: readonly JepaSubject[], trSeconds: readonly number[], params: InputParams, masks: MaskConfig, log: Log): Promise<PreparedInput> {
  if (train.length < 2) throw new ValidationError('trainingSubjects', `pretraining needs at least 2 subjects, got ${train.length}`);
  if (JEPA_ARCHITECTURES[params.config].patchSize !== JEPA_PATCH_FRAMES) throw new Error(`the ${params.config} patch size is not data.ts's ${JEPA_PATCH_FRAMES}`);
  const rois = train[0]!.regions;
  const crop = defaultCrop(train.map((s) => s.timepoints), trSeconds);
  const samplingRate = params.samplingRate ?? crop.samplingRate;
  // A rate given without a crop: the longest crop whose clip fits the shortest scan at that rate.
  const shortest = Math.min(...train.map((s) => s.timepoints));
  const frames = params.crop ?? (params.samplingRate === undefined ? crop.frames : Math.min(REFERENCE_FRAMES, Math.floor(shortest / samplingRate / JEPA_PATCH_FRAMES) * JEPA_PATCH_FRAMES));
  log(`crop: ${frames} frames, sampling rate ${samplingRate}${params.crop === undefined && params.samplingRate === undefined ? ` (${crop.reasoning})` : ''}`);
  const config = jepaModelConfig(params.config, rois, params.crop ?? Math.max(frames, minimumMaskFrames(rois, masks)));
  if (config.frames !== frames) log(`crop raised to ${config.frames} frames: the reference masks need at least ${config.frames / JEPA_PATCH_FRAMES} time patches`, 'warn');
  const scaler = fitRobustScaler(train.map((s) => ({ data: s.data, regions: s.regions, timepoints: s.timepoints })));
  const normalisation = chooseNormalisation(train, scaler, params.normalisation ?? 'auto', log);
  const { gradients, info } = await gradientsFor(train, config, params.gradientCsv, log);
  return { config, samplingRate, scaler, normalisation, gradients, gradientsInfo: info };
}

/**
 * The reference's robust scaling (ukbiobank_scale.py) when it gives unit-scale inputs; per-sample
 * z-scoring (the reference's downstream normalisation) when the series were demeaned per ROI, as
 * ABIDE's preprocessed ROI signals are: there the median/IQR of ROI means is ~0/~0.01 and robust
 * scaling multiplies the signals by ~55.
 */
export function chooseNormalisation(train: readonly JepaSubject[], scaler: RobustScaler, choice: NormalisationChoice, log: Log): JepaNormalisation {
  if (choice !== 'auto') return choice;
  const spread = robustScaledSpread(train, scaler);
  if (spread.median <= ROBUST_SPREAD_LIMIT) return 'robust';
  log(
    `robust scaling (median/IQR of ROI means) would give per-ROI SDs of ${spread.min.toFixed(0)}–${spread.max.toFixed(0)} (median ${spread.median.toFixed(0)}): the series look demeaned per ROI, so each crop is z-scored instead (the reference's downstream normalisation)`,
    'warn',
  );
  return 'sample-zscore';
}
