/**
 * Brain-JEPA's pretraining schedules, as the reference computes them (Eric-LRL/Brain-JEPA b1dfa93:
 * `src/helper.py` init_opt, `src/utils/schedulers.py`, `src/train.py`):
 *
 * - learning rate (WarmupCosineSchedule): linear warm-up start_lr → ref_lr over
 *   `int(warmup·ipe/accumulation)` optimizer steps, then a half cosine ref_lr → final_lr over the rest
 *   of `T_max = int(ipe_scale·epochs·ipe/accumulation)`;
 * - weight decay (CosineWDSchedule): a half cosine from weight_decay (0.04) to final_weight_decay
 *   (0.4) over the same T_max: it *increases*, clamped at the final value;
 * - EMA momentum of the target encoder: linear ema[0] → ema[1] over `ipe·epochs·ipe_scale`
 *   **iterations**, but the generator is advanced only after an optimizer step, i.e. once every
 *   `accumulation` iterations. With accumulation 8 the momentum therefore ends near
 *   0.996 + 0.004/8 = 0.9965, not 1.0 (the paper says 0.996 → 1.0). We reproduce that: it is what
 *   the released weights were trained with.
 *
 * Step counting, as the reference: both schedulers count optimizer steps. train.py calls
 * `scheduler.step()` once before the first iteration and then once after each optimizer step, so the
 * k-th optimizer step (0-based) runs with the schedulers' internal `_step = k + 1`; the momentum
 * generator yields i = 0, 1, … and its k-th value is used for the EMA update right after the k-th
 * optimizer step. Everything here is a pure function of the optimizer step k, so a resumed run
 * computes the same values from its stored step (the reference's resume instead advances every
 * scheduler `start_epoch·ipe` times, i.e. per iteration, which jumps the schedules ahead by a factor
 * of `accumulation`; we do not reproduce that bug).
 */
import { z } from 'zod';

/** The `optimization:` block of configs/ukb_vitb_ep300.yaml plus meta.accumulation_steps. */
export interface JepaOptimConfig {
  /** Warm-up start (yaml start_lr). */
  startLr: number;
  /** Peak learning rate reached at the end of warm-up (yaml lr; init_opt's ref_lr). */
  lr: number;
  /** Floor of the cosine (yaml final_lr). */
  finalLr: number;
  /** Warm-up length in epochs (yaml warmup); may be fractional. */
  warmupEpochs: number;
  epochs: number;
  /** Weight decay at step 0 (yaml weight_decay). */
  weightDecay: number;
  /** Weight decay at the end (yaml final_weight_decay). */
  finalWeightDecay: number;
  /** EMA momentum start and configured end (yaml ema). */
  ema: [number, number];
  /** Stretches every schedule's length (yaml ipe_scale; 1.0 in the config, 1.25 init_opt's default). */
  ipeScale: number;
  /** Iterations whose gradients are summed per optimizer step (yaml meta.accumulation_steps). */
  accumulationSteps: number;
}

/** The reference configuration (configs/ukb_vitb_ep300.yaml). */
export const REFERENCE_OPTIM_CONFIG: Readonly<JepaOptimConfig> = Object.freeze({
  startLr: 5e-5,
  lr: 1e-3,
  finalLr: 1e-6,
  warmupEpochs: 40,
  epochs: 300,
  weightDecay: 0.04,
  finalWeightDecay: 0.4,
  ema: [0.996, 1.0] as [number, number],
  ipeScale: 1.0,
  accumulationSteps: 8,
});

/** zod schema of the same, for pipeline params. */
export const JepaOptimParams = z
  .object({
    startLr: z.number().nonnegative().max(1).default(REFERENCE_OPTIM_CONFIG.startLr),
    lr: z.number().positive().max(1).default(REFERENCE_OPTIM_CONFIG.lr),
    finalLr: z.number().nonnegative().max(1).default(REFERENCE_OPTIM_CONFIG.finalLr),
    weightDecay: z.number().nonnegative().max(10).default(REFERENCE_OPTIM_CONFIG.weightDecay),
    finalWeightDecay: z.number().nonnegative().max(10).default(REFERENCE_OPTIM_CONFIG.finalWeightDecay),
    ema: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).default([...REFERENCE_OPTIM_CONFIG.ema]),
    ipeScale: z.number().positive().max(100).default(REFERENCE_OPTIM_CONFIG.ipeScale),
  })
  .strict();

/** The lengths init_opt and train.py derive from the config and the iterations per epoch (ipe). */
export interface ScheduleLengths {
  iterationsPerEpoch: number;
  /** int(warmup·ipe/accumulation): optimizer steps of warm-up. */
  warmupSteps: number;
  /** int(ipe_scale·epochs·ipe/accumulation): the cosine's full length in optimizer steps (LR and WD). */
  tMax: number;
  /** ipe·epochs·ipe_scale: the momentum ramp's length, in iterations (a float, as in train.py). */
  momentumLength: number;
  /** Optimizer steps a full run takes: floor(epochs·ipe/accumulation) (accumulation counted over the whole run). */
  totalSteps: number;
}

export function scheduleLengths(config: JepaOptimConfig, iterationsPerEpoch: number): ScheduleLengths {
  const ipe = iterationsPerEpoch;
  const a = config.accumulationSteps;
  return {
    iterationsPerEpoch: ipe,
    // Python int() truncates toward zero; every operand is non-negative here.
    warmupSteps: Math.trunc((config.warmupEpochs * ipe) / a),
    tMax: Math.trunc((config.ipeScale * config.epochs * ipe) / a),
    momentumLength: ipe * config.epochs * config.ipeScale,
    totalSteps: Math.floor((config.epochs * ipe) / a),
  };
}

/**
 * WarmupCosineSchedule.step() after its internal counter reached `schedulerStep` (1-based).
 * Warm-up while `schedulerStep < warmupSteps` (strict, as the reference), then the cosine over
 * `tMax − warmupSteps`, floored at final_lr (max(1, ·) guards divide by zero as the reference does).
 */
export function warmupCosineLr(schedulerStep: number, config: Pick<JepaOptimConfig, 'startLr' | 'lr' | 'finalLr'>, lengths: Pick<ScheduleLengths, 'warmupSteps' | 'tMax'>): number {
  const { startLr, lr: refLr, finalLr } = config;
  const { warmupSteps } = lengths;
  const cosineLength = lengths.tMax - warmupSteps;
  if (schedulerStep < warmupSteps) {
    const progress = schedulerStep / Math.max(1, warmupSteps);
    return startLr + progress * (refLr - startLr);
  }
  const progress = (schedulerStep - warmupSteps) / Math.max(1, cosineLength);
  return Math.max(finalLr, finalLr + (refLr - finalLr) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * CosineWDSchedule.step() after its counter reached `schedulerStep` (1-based): a half cosine from
 * weightDecay to finalWeightDecay over tMax, clamped at the final value on the side it moves to.
 * The reference divides by T_max unguarded (a run shorter than one optimizer step divides by zero);
 * we take max(1, tMax).
 */
export function cosineWeightDecay(schedulerStep: number, config: Pick<JepaOptimConfig, 'weightDecay' | 'finalWeightDecay'>, lengths: Pick<ScheduleLengths, 'tMax'>): number {
  const { weightDecay: refWd, finalWeightDecay: finalWd } = config;
  const progress = schedulerStep / Math.max(1, lengths.tMax);
  const wd = finalWd + (refWd - finalWd) * 0.5 * (1 + Math.cos(Math.PI * progress));
  return finalWd <= refWd ? Math.max(finalWd, wd) : Math.min(finalWd, wd);
}

/**
 * The i-th value (0-based) of train.py's momentum_scheduler generator:
 * ema0 + i·(ema1 − ema0)/(ipe·epochs·ipe_scale). The generator has int(length)+1 values; past its end
 * the reference would raise StopIteration — we hold the last value instead.
 */
export function emaMomentum(i: number, config: Pick<JepaOptimConfig, 'ema'>, lengths: Pick<ScheduleLengths, 'momentumLength'>): number {
  const [m0, m1] = config.ema;
  const last = Math.trunc(lengths.momentumLength);
  const index = Math.min(i, last);
  return m0 + (index * (m1 - m0)) / lengths.momentumLength;
}

/** What optimizer step k (0-based) runs with. */
export interface StepSchedule {
  /** Learning rate of the AdamW update of step k (scheduler `_step = k + 1`). */
  lr: number;
  /** Weight decay of that update (decayed parameter groups only). */
  weightDecay: number;
  /** EMA momentum of the target update right after step k (generator value k). */
  momentum: number;
}

/** The schedules of a run, as functions of the optimizer step. */
export class JepaSchedules {
  readonly lengths: ScheduleLengths;

  constructor(
    readonly config: JepaOptimConfig,
    iterationsPerEpoch: number,
  ) {
    if (!(iterationsPerEpoch >= 1)) throw new RangeError(`iterations per epoch must be at least 1 (got ${iterationsPerEpoch})`);
    if (!(config.accumulationSteps >= 1 && Number.isInteger(config.accumulationSteps))) throw new RangeError(`accumulation steps must be a positive integer (got ${config.accumulationSteps})`);
    this.lengths = scheduleLengths(config, iterationsPerEpoch);
  }

  at(optimizerStep: number): StepSchedule {
    return {
      lr: warmupCosineLr(optimizerStep + 1, this.config, this.lengths),
      weightDecay: cosineWeightDecay(optimizerStep + 1, this.config, this.lengths),
      momentum: emaMomentum(optimizerStep, this.config, this.lengths),
    };
  }

  /** Every step of a full run: the curves the training view draws. */
  curves(): { step: Int32Array; lr: Float64Array; weightDecay: Float64Array; momentum: Float64Array } {
    const n = this.lengths.totalSteps;
    const out = { step: new Int32Array(n), lr: new Float64Array(n), weightDecay: new Float64Array(n), momentum: new Float64Array(n) };
    for (let k = 0; k < n; k++) {
      const s = this.at(k);
      out.step[k] = k;
      out.lr[k] = s.lr;
      out.weightDecay[k] = s.weightDecay;
      out.momentum[k] = s.momentum;
    }
    return out;
  }
}
