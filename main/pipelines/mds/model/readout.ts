/**
 * The response model's readout: open-retina's `GaussianMaskReadout` (Höfling et al. 2024;
 * openretina/modules/readout/factorized_gaussian.py), channels last. Per neuron n:
 *
 *   mask_n(h, w) ∝ exp(−½ ‖g(h, w) − 6·μ_n‖² / exp(4·logvar_n))   (normalised to sum 1)
 *   rate_n       = softplus(scale_n · Σ_c f[c, n] · Σ_hw mask_n(h, w) · core[h, w, c] + bias_n)
 *
 * with the reference's grid g (linspace(−H/m, H/m, H) × linspace(−W/m, W/m, W), m = max(H, W)),
 * mean scale 6 and variance scale 4, the exponent clamped at 20 and the log-variance at ±20.
 * `positive`: feature weights are clamped at 0 (the reference clamps them before every forward; we
 * project after every optimiser step and at load, the same weights at every forward).
 * Regulariser: maskL1 · (Σ exp(4·logvar) + Σ (6·μ)²) + featureL1 · Σ |f| (sums, readout_reg_avg false).
 *
 * Centring for MDS (the reference's `Center(target_mean=[0, 0])`): μ = 0 puts every neuron's
 * receptive field at the canvas centre, so the optimised stimuli are position-invariant.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../../compute/activate.js';
import { joinName, type Params } from '../../../compute/nn/params.js';
import { seededRandom } from '../../../../shared/random.js';
import { paramSeed } from '../../../compute/nn/init.js';
import type { MdsModelConfig } from './config.js';

export interface Readout {
  readonly neurons: number;
  /** core [B, T, H, W, C] → rates [B, T, neurons] (spikes per frame, > 0). */
  apply(core: tfTypes.Tensor5D): tfTypes.Tensor3D;
  regularizer(): tfTypes.Scalar;
  /** Clamps the feature weights at 0 (positive readout). */
  projectPositive(): void;
  /** Sets every mask mean to 0 (receptive fields at the centre). */
  centre(): void;
  dispose(): void;
}

/** The reference's mask grid, [H·W, 2] row-major: (linspace over H, linspace over W). */
export function maskGrid(height: number, width: number): Float32Array {
  const m = Math.max(height, width);
  const lin = (n: number, r: number) => Array.from({ length: n }, (_, i) => (n === 1 ? -r : -r + (2 * r * i) / (n - 1)));
  const gh = lin(height, height / m);
  const gw = lin(width, width / m);
  const out = new Float32Array(height * width * 2);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      out[(i * width + j) * 2] = gh[i]!;
      out[(i * width + j) * 2 + 1] = gw[j]!;
    }
  }
  return out;
}

/** Inverse softplus, for a bias that starts each neuron at its mean rate. */
export function softplusInverse(rate: number): number {
  const r = Math.max(rate, 1e-4);
  return r > 20 ? r : Math.log(Math.expm1(r));
}

export interface ReadoutInit {
  /** Each neuron's mean spikes per frame (the reference copies mean activity into the bias; we invert the softplus). */
  meanRate?: Float32Array;
}

/** Registers `<prefix>.{maskMean,maskLogVar,features,scale,bias}`. */
export function createReadout(
  params: Params,
  prefix: string,
  config: MdsModelConfig,
  input: { height: number; width: number; channels: number },
  neurons: number,
  seed: number,
  init: ReadoutInit = {},
): Readout {
  const tf: Tfjs = params.tf;
  const { height, width, channels } = input;
  const name = (part: string) => joinName(prefix, part);
  const normal = (n: number, mean: number, std: number, stream: string) => {
    const random = seededRandom(paramSeed(seed, name(stream)));
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let u = random();
      while (u <= 0) u = random();
      out[i] = mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    }
    return out;
  };
  params.add(name('maskMean'), [neurons, 2], new Float32Array(neurons * 2), { role: 'other' });
  params.add(name('maskLogVar'), [neurons], new Float32Array(neurons), { role: 'other' });
  const features = normal(channels * neurons, 1 / channels, 0.01, 'features').map((v) => Math.max(0, v));
  params.add(name('features'), [channels, neurons], features, { role: 'weight' });
  params.add(name('scale'), [neurons], normal(neurons, 1, 0.01, 'scale'), { role: 'other' });
  const bias = new Float32Array(neurons);
  if (init.meanRate) for (let n = 0; n < neurons; n++) bias[n] = softplusInverse(init.meanRate[n]!);
  params.add(name('bias'), [neurons], bias, { role: 'bias' });
  const grid = tf.keep(tf.tensor3d(maskGrid(height, width), [height * width, 1, 2]));

  /** [H·W, neurons] masks, each column summing to 1. */
  function masks(): tfTypes.Tensor2D {
    const variance = tf.exp(tf.clipByValue(tf.mul(params.get(name('maskLogVar')), config.gaussianVarScale), -20, 20)); // [n]
    const mean = tf.mul(params.get(name('maskMean')), config.gaussianMeanScale); // [n, 2]
    const d = tf.div(tf.sum(tf.square(tf.sub(grid, mean)), 2), tf.add(variance, 1e-8)); // [HW, n]
    const pdf = tf.exp(tf.mul(tf.minimum(d, 20), -0.5));
    return tf.div(pdf, tf.sum(pdf, 0, true));
  }

  return {
    neurons,
    apply(core) {
      const [b, t, h, w, c] = core.shape;
      // One matmul: [BT, H·W·C] · W with W[(hw, c), n] = mask_n(hw) · f[c, n] · scale_n (the mask,
      // feature and scale products folded into the weights; a reduction over the BT axis on wasm is
      // a transpose plus a reduce, a matmul's gradient is not).
      const weights = tf.reshape(
        tf.mul(tf.mul(tf.reshape(masks(), [h * w, 1, neurons]), tf.reshape(params.get(name('features')), [1, c, neurons])), params.get(name('scale'))),
        [h * w * c, neurons],
      );
      const rate = tf.softplus(tf.add(tf.matMul(tf.reshape(core, [b * t, h * w * c]), weights), params.get(name('bias'))));
      return tf.reshape(rate, [b, t, neurons]);
    },
    regularizer() {
      return tf.tidy(() => {
        const mask = tf.add(
          tf.sum(tf.exp(tf.mul(params.get(name('maskLogVar')), config.gaussianVarScale))),
          tf.sum(tf.square(tf.mul(params.get(name('maskMean')), config.gaussianMeanScale))),
        );
        return tf.add(tf.mul(mask, config.maskL1), tf.mul(tf.sum(tf.abs(params.get(name('features')))), config.featureL1));
      });
    },
    projectPositive() {
      const f = params.get(name('features'));
      tf.tidy(() => f.assign(tf.relu(f)));
    },
    centre() {
      const m = params.get(name('maskMean'));
      tf.tidy(() => m.assign(tf.zerosLike(m)));
    },
    dispose() {
      grid.dispose();
    },
  };
}
