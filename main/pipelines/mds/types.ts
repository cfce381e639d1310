/**
 * The engine types the MDS modules share (issue #21). The clustering loop (em.ts, split.ts) is
 * model-agnostic: it only needs a differentiable `ResponseModel`; the datasets (dataset.ts) turn a
 * spikes recording — real, or written by the simulator — into stimulus frames and binned responses.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { MdsStimulusShape } from '../../../shared/api/mds.js';

export type { MdsStimulusShape };

/**
 * What MDS optimises through: anything with predict(stimulus) → responses and tfjs gradients
 * (the trained ensemble of model/, the reference's TestOnOffModel, a linear–nonlinear bank in tests).
 */
export interface ResponseModel {
  readonly nNeurons: number;
  /** The clip the model reads (frames × height × width × channels). */
  readonly stimulus: MdsStimulusShape;
  /**
   * x [batch, frames, height, width, channels] → [batch, nNeurons]: each neuron's predicted rate
   * (≥ 0, spikes per frame), averaged over the model's response window. Differentiable in x.
   */
  predict(x: tfTypes.Tensor): tfTypes.Tensor2D;
  dispose(): void;
}

/** A block of consecutive frames, [startFrame, endFrame). */
export type FrameRange = readonly [number, number];

/** A repeated stimulus: trials of the same frames, for trial averages and the reliability ceiling. */
export interface MdsProtocol {
  /** 'chirp' | 'moving bars' | 'repeated noise' | 'reversal' … */
  readonly name: string;
  readonly trialStarts: readonly number[];
  readonly lengthFrames: number;
}

/** A recording as the response model and the baselines see it. */
export interface MdsDataset {
  /** 'simulated retina (seed 7)', the recording's file name, … */
  readonly source: string;
  readonly shape: MdsStimulusShape;
  readonly nFrames: number;
  /** Every frame, [nFrames, height, width, channels] row-major. */
  readonly stimulus: Float32Array;
  readonly nNeurons: number;
  /** Spike counts per frame, [nFrames, nNeurons] row-major. */
  readonly responses: Float32Array;
  readonly unitIds: readonly string[];
  readonly cellTypes: readonly (string | null)[];
  /** Frames the model trains on, validates on (early stopping) and is tested on; disjoint. */
  readonly trainRanges: readonly FrameRange[];
  readonly validationRanges: readonly FrameRange[];
  /** The test protocol's trials (repeated, never trained on): held-out correlation and ceiling. */
  readonly test: MdsProtocol;
  /** The repeated protocols whose trial-averaged responses are the baselines' features and the cell view's traces. */
  readonly protocols: readonly MdsProtocol[];
  readonly warnings: readonly string[];
}
