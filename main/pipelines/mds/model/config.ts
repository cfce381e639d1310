/**
 * Hyper-parameters of the MDS response model: the open-retina `core_readout` lineage
 * (open-retina configs/model/base_core_readout.yaml, hoefling_2024_core_readout_low_res.yaml):
 * a core of space-time separable 3-D convolutions (`custom_separable`: per channel pair, a temporal
 * kernel spanned by a windowed Fourier basis times a spatial kernel), BatchNorm, a bias and ELU per
 * layer; a Gaussian-mask readout per neuron with positive feature weights and a softplus rate.
 *
 * The reference's kernel sizes (temporal 21/11 frames at 30 Hz, spatial 11/5 px on 18×16) are for
 * its canvas; `defaultModelConfig` scales them to the recording's clip so a model trains in minutes
 * on two CPU cores (see README "MDS" for measured times).
 */
import { z } from 'zod';
import { ValidationError } from '../../../errors.js';
import type { MdsStimulusShape } from '../types.js';

export const MdsModelConfig = z
  .object({
    /** Input channels (the recording's), then each layer's output channels (reference: [C, 16, 16]). */
    channels: z.array(z.number().int().positive()).min(2).max(4),
    /** Temporal kernel (frames) per layer; reference [21, 11]. */
    temporalKernels: z.array(z.number().int().min(3)),
    /** Spatial kernel (px, square) per layer; reference [11, 5]. */
    spatialKernels: z.array(z.number().int().positive()),
    /** Fourier basis subsampling (the reference's `subsampling_factor`, 3): kt / 3 sines and cosines. */
    subsampling: z.number().int().positive().default(3),
    /** BatchNorm3d after each conv (reference: yes). */
    batchNorm: z.boolean().default(true),
    /** Temporal smoothness weight on the sin/cos weights (reference `gamma_temporal` 40). */
    gammaTemporal: z.number().min(0).default(40),
    /** Readout: mean scale 6, variance scale 4, L1 on mask and features 1 (reference). */
    gaussianMeanScale: z.number().positive().default(6),
    gaussianVarScale: z.number().positive().default(4),
    maskL1: z.number().min(0).default(1),
    featureL1: z.number().min(0).default(1),
    /**
     * Output frames each prediction averages (ResponseModel.predict): the clip is the core's
     * receptive span plus this window, as the reference's SliceMeanReducer averages 10 output frames.
     */
    responseWindow: z.number().int().positive().default(10),
  })
  .strict();
export type MdsModelConfig = z.infer<typeof MdsModelConfig>;

/** Input shape the model was built for (channels last). */
export interface ModelInputShape {
  height: number;
  width: number;
  channels: number;
}

/** Frames the core eats before its first output: Σ (kt − 1). */
export function temporalSpan(config: MdsModelConfig): number {
  return config.temporalKernels.reduce((s, k) => s + k - 1, 0);
}

/** Spatial size of the core's output: layer 0 is 'valid', hidden layers pad to keep size. */
export function coreOutputSize(config: MdsModelConfig, input: ModelInputShape): { height: number; width: number } {
  const k0 = config.spatialKernels[0]!;
  return { height: input.height - k0 + 1, width: input.width - k0 + 1 };
}

/** Checks the config against an input shape; throws a ValidationError naming the field. */
export function checkModelConfig(config: MdsModelConfig, input: ModelInputShape): void {
  const layers = config.channels.length - 1;
  if (config.channels[0] !== input.channels) throw new ValidationError('channels', `the first entry (${config.channels[0]}) must be the stimulus's ${input.channels} channels`);
  if (config.temporalKernels.length !== layers) throw new ValidationError('temporalKernels', `${config.temporalKernels.length} kernels for ${layers} layers`);
  if (config.spatialKernels.length !== layers) throw new ValidationError('spatialKernels', `${config.spatialKernels.length} kernels for ${layers} layers`);
  config.temporalKernels.forEach((k, i) => {
    if (k < config.subsampling) throw new ValidationError(`temporalKernels.${i}`, `${k} is shorter than the basis subsampling ${config.subsampling}`);
  });
  config.spatialKernels.forEach((k, i) => {
    if (i > 0 && k % 2 === 0) throw new ValidationError(`spatialKernels.${i}`, `hidden layers pad to keep their size: the kernel must be odd, not ${k}`);
  });
  const out = coreOutputSize(config, input);
  if (out.height < 1 || out.width < 1) throw new ValidationError('spatialKernels.0', `${config.spatialKernels[0]} px is larger than the ${input.height}×${input.width} canvas`);
}

/**
 * Channels of each core layer: the reference's 16 (open-retina base_core_readout hidden_channels
 * [16, 16]). Fewer is not only less capacity: with a positive readout every neuron is a positive mix
 * of core channels, and the simulated retina's 8 types (ON/OFF × kinetics × green/UV) each need
 * their own. With 8 channels the fitted core gave the OFF-UV cells a green-dark response as strong
 * as their UV-dark one (README "MDS"), so MDS could not tell the OFF green and UV types apart.
 */
export const DEFAULT_HIDDEN_CHANNELS = 16;

function odd(n: number): number {
  const k = Math.max(1, Math.round(n));
  return k % 2 === 1 ? k : k - 1;
}

/**
 * The reference's two-layer core scaled to a recording: temporal kernels of 0.7 s and 0.37 s
 * (21 and 11 frames at 30 Hz) capped to keep a step cheap, the first spatial kernel covering about
 * 2/3 of the canvas (11 of 16–18 px; 1 on a full-field canvas), the second 5 px (1 when the core's
 * output is a single pixel), and the reference's 16 channels per layer (DEFAULT_HIDDEN_CHANNELS).
 */
export function defaultModelConfig(shape: MdsStimulusShape, overrides: Partial<MdsModelConfig> = {}): MdsModelConfig {
  const fps = shape.frameRateHz;
  const kt0 = Math.min(30, Math.max(6, Math.round(0.7 * fps)));
  const kt1 = Math.min(15, Math.max(3, Math.round(0.37 * fps)));
  const minSide = Math.min(shape.height, shape.width);
  const ks0 = minSide <= 2 ? 1 : odd((2 / 3) * minSide);
  const outSide = minSide - ks0 + 1;
  const ks1 = outSide >= 5 ? 5 : outSide >= 3 ? 3 : 1;
  return MdsModelConfig.parse({
    channels: [shape.channels, DEFAULT_HIDDEN_CHANNELS, DEFAULT_HIDDEN_CHANNELS],
    temporalKernels: [kt0, kt1],
    spatialKernels: [ks0, ks1],
    responseWindow: Math.max(1, Math.round(fps / 3)),
    ...overrides,
  });
}
