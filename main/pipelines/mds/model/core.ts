/**
 * The response model's core: open-retina's `SimpleCoreWrapper` with `convolution_type:
 * custom_separable` (openretina/modules/core/base_core.py, modules/layers/convolutions.py
 * `STSeparableBatchConv3d`), channels last. Each layer:
 *
 *   conv:  a 3-D kernel W[t, h, w, i, o] = temporal[o, i, t] · spatial[o, i, h, w] — rank one in
 *          space × time per channel pair (not two convolutions in sequence: that is open-retina's
 *          `separable` type). temporal = sinW · S + cosW · C over a fixed windowed Fourier basis of
 *          kt/3 sines and cosines (`temporal_basis`, `mask_tf`, log-speed 0); valid in time, valid
 *          in space for layer 0 and zero-padded to keep the size for hidden layers (hidden_padding
 *          [0, 2, 2] for 5-px kernels); no conv bias;
 *   norm:  BatchNorm3d (affine, momentum 0.1, eps 1e-5; batch statistics in training, running ones
 *          otherwise), then a per-channel bias (Bias3DLayer), then ELU.
 *
 * Regulariser: gamma_temporal · Σ_layers (Σ (s·sinW)² + Σ (s·cosW)²) / out_channels with s =
 * linspace(0.1, 0.9, K) (`temporal_smoothing`); the reference's other core terms are 0 in its config.
 *
 * The 3-D convolution runs as one 2-D convolution over time-stacked frames (conv3dValid): the
 * stock wasm backend's Conv3DBackpropInputV2 returns wrong input gradients (tfjs-backend-wasm 4.22;
 * 3× too large on a [2, 12, 6, 6, 2] ⊛ [5, 3, 3, 2, 4] case against cpu), and conv2d has both
 * gradients on wasm through Cajal's kernels (main/compute/wasm) and runs on XNNPACK.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../../compute/activate.js';
import { truncatedNormal, paramSeed, zeros, ones } from '../../../compute/nn/init.js';
import { joinName, type Params } from '../../../compute/nn/params.js';
import type { MdsModelConfig } from './config.js';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;
/** Reference init: randn · 0.01 for sin/cos and spatial weights (ours: truncated at 2σ). */
const INIT_STD = 0.01;

/** The windowed Fourier basis of one temporal kernel: sines and cosines, each [K, kt] row-major. */
export function temporalBasis(length: number, subsampling: number): { k: number; sines: Float32Array; cosines: Float32Array } {
  const k = Math.floor(length / subsampling);
  const sines = new Float32Array(k * length);
  const cosines = new Float32Array(k * length);
  const offset = Math.trunc(length * 0.95);
  for (let t = 0; t < length; t++) {
    const time = t - length;
    const freq = (time * 2 * Math.PI) / length;
    const mask = 1 / (1 + Math.exp(-time - offset));
    for (let j = 0; j < k; j++) {
      sines[j * length + t] = mask * Math.sin(freq * j);
      cosines[j * length + t] = mask * Math.cos(freq * j);
    }
  }
  return { k, sines, cosines };
}

/**
 * conv3d(x, kernel, stride 1, 'valid') for x [B, T, H, W, Ci] and kernel [kt, kh, kw, Ci, Co]: the kt
 * shifted frame windows stacked on the channel axis (index τ·Ci + c), convolved in 2-D with the
 * kernel laid out as [kh, kw, kt·Ci, Co]. Same result as tf.conv3d; gradients only need conv2d's.
 */
export function conv3dValid(tf: Tfjs, x: tfTypes.Tensor5D, kernel: tfTypes.Tensor5D): tfTypes.Tensor5D {
  const [b, t, h, w, ci] = x.shape;
  const [kt, kh, kw, , co] = kernel.shape;
  const tOut = t - kt + 1;
  const windows = kt === 1 ? x : tf.concat(Array.from({ length: kt }, (_, tau) => tf.slice(x, [0, tau, 0, 0, 0], [b, tOut, h, w, ci])), 4);
  const frames = tf.reshape(windows, [b * tOut, h, w, kt * ci]) as tfTypes.Tensor4D;
  const filter = tf.reshape(tf.transpose(kernel, [1, 2, 0, 3, 4]), [kh, kw, kt * ci, co]) as tfTypes.Tensor4D;
  const y = tf.conv2d(frames, filter, 1, 'valid');
  return tf.reshape(y, [b, tOut, y.shape[1], y.shape[2], co]);
}

export interface CoreForwardOptions {
  training?: boolean;
  /** Training only: receives each layer's batch mean and (biased) variance, kept for updateRunningStats. */
  batchStats?: { layer: number; mean: tfTypes.Tensor1D; variance: tfTypes.Tensor1D; count: number }[];
}

export interface Core {
  readonly layers: number;
  readonly outChannels: number;
  /** x [B, T, H, W, C] → [B, T − span, H', W', channels.at(-1)]. */
  apply(x: tfTypes.Tensor5D, options?: CoreForwardOptions): tfTypes.Tensor5D;
  /** The temporal smoothness term (a scalar; 0 when gamma_temporal is 0). */
  regularizer(): tfTypes.Scalar;
  /** running ← (1 − m)·running + m·batch (unbiased variance), as torch's BatchNorm in train mode. */
  updateRunningStats(stats: NonNullable<CoreForwardOptions['batchStats']>): void;
  /** Frees the constant basis tensors (the parameters belong to the collection). */
  dispose(): void;
}

export function layerName(prefix: string, layer: number, part: string): string {
  return joinName(prefix, `layer${layer}`, part);
}

/** Registers `<prefix>.layer{l}.{sin,cos,spatial,bias}` and `.bn.{weight,bias,runningMean,runningVar}`. */
export function createCore(params: Params, prefix: string, config: MdsModelConfig, seed: number): Core {
  const tf: Tfjs = params.tf;
  const layers = config.channels.length - 1;
  const bases = config.temporalKernels.map((kt) => temporalBasis(kt, config.subsampling));
  for (let l = 0; l < layers; l++) {
    const cin = config.channels[l]!;
    const cout = config.channels[l + 1]!;
    const { k } = bases[l]!;
    const ks = config.spatialKernels[l]!;
    const add = (part: string, shape: number[], values: Float32Array, role: 'weight' | 'bias' | 'norm' | 'other', trainable = true) =>
      params.add(layerName(prefix, l, part), shape, values, { role, trainable });
    add('sin', [cout, cin, k], truncatedNormal(cout * cin * k, paramSeed(seed, layerName(prefix, l, 'sin')), INIT_STD), 'weight');
    add('cos', [cout, cin, k], truncatedNormal(cout * cin * k, paramSeed(seed, layerName(prefix, l, 'cos')), INIT_STD), 'weight');
    add('spatial', [cout, cin, ks, ks], truncatedNormal(cout * cin * ks * ks, paramSeed(seed, layerName(prefix, l, 'spatial')), INIT_STD), 'weight');
    if (config.batchNorm) {
      add('bn.weight', [cout], ones(cout), 'norm');
      add('bn.bias', [cout], zeros(cout), 'norm');
      add('bn.runningMean', [cout], zeros(cout), 'other', false);
      add('bn.runningVar', [cout], ones(cout), 'other', false);
    }
    add('bias', [cout], zeros(cout), 'bias');
  }
  const basisTensors = bases.map((b, l) => ({
    sines: tf.keep(tf.tensor2d(b.sines, [b.k, config.temporalKernels[l]!])),
    cosines: tf.keep(tf.tensor2d(b.cosines, [b.k, config.temporalKernels[l]!])),
  }));

  /** The layer's full kernel [kt, ks, ks, cin, cout] from its separable parameters. */
  function kernel(l: number): tfTypes.Tensor5D {
    const cin = config.channels[l]!;
    const cout = config.channels[l + 1]!;
    const kt = config.temporalKernels[l]!;
    const ks = config.spatialKernels[l]!;
    const { k } = bases[l]!;
    const sin = tf.reshape(params.get(layerName(prefix, l, 'sin')), [cout * cin, k]);
    const cos = tf.reshape(params.get(layerName(prefix, l, 'cos')), [cout * cin, k]);
    const temporal = tf.add(tf.matMul(sin, basisTensors[l]!.sines), tf.matMul(cos, basisTensors[l]!.cosines)); // [o·i, kt]
    const t5 = tf.reshape(tf.transpose(tf.reshape(temporal, [cout, cin, kt]), [2, 1, 0]), [kt, 1, 1, cin, cout]);
    const spatial = params.get(layerName(prefix, l, 'spatial')); // [o, i, h, w]
    const s5 = tf.reshape(tf.transpose(spatial, [2, 3, 1, 0]), [1, ks, ks, cin, cout]);
    return tf.mul(t5, s5);
  }

  return {
    layers,
    outChannels: config.channels[layers]!,
    apply(x, options = {}) {
      let y: tfTypes.Tensor5D = x;
      for (let l = 0; l < layers; l++) {
        const ks = config.spatialKernels[l]!;
        if (l > 0 && ks > 1) {
          const p = (ks - 1) / 2;
          y = tf.pad(y, [[0, 0], [0, 0], [p, p], [p, p], [0, 0]]);
        }
        y = conv3dValid(tf, y, kernel(l));
        if (config.batchNorm) {
          let mean: tfTypes.Tensor;
          let variance: tfTypes.Tensor;
          if (options.training) {
            const moments = tf.moments(y, [0, 1, 2, 3]);
            mean = moments.mean;
            variance = moments.variance;
            if (options.batchStats) {
              const count = y.size / y.shape[4]!;
              options.batchStats.push({ layer: l, mean: tf.keep(mean.clone()) as tfTypes.Tensor1D, variance: tf.keep(variance.clone()) as tfTypes.Tensor1D, count });
            }
          } else {
            mean = params.get(layerName(prefix, l, 'bn.runningMean'));
            variance = params.get(layerName(prefix, l, 'bn.runningVar'));
          }
          y = tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, BN_EPS))), params.get(layerName(prefix, l, 'bn.weight'))), params.get(layerName(prefix, l, 'bn.bias'))) as tfTypes.Tensor5D;
        }
        y = tf.elu(tf.add(y, params.get(layerName(prefix, l, 'bias')))) as tfTypes.Tensor5D;
      }
      return y;
    },
    regularizer() {
      return tf.tidy(() => {
        let total: tfTypes.Scalar = tf.scalar(0);
        if (config.gammaTemporal === 0) return total;
        for (let l = 0; l < layers; l++) {
          const { k } = bases[l]!;
          const cout = config.channels[l + 1]!;
          const smoother = tf.linspace(0.1, 0.9, k);
          const term = tf.add(
            tf.sum(tf.square(tf.mul(params.get(layerName(prefix, l, 'sin')), smoother))),
            tf.sum(tf.square(tf.mul(params.get(layerName(prefix, l, 'cos')), smoother))),
          );
          total = tf.add(total, tf.div(term, cout));
        }
        return tf.mul(total, config.gammaTemporal);
      });
    },
    updateRunningStats(stats) {
      tf.tidy(() => {
        for (const { layer, mean, variance, count } of stats) {
          const rm = params.get(layerName(prefix, layer, 'bn.runningMean'));
          const rv = params.get(layerName(prefix, layer, 'bn.runningVar'));
          const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
          rm.assign(tf.add(tf.mul(rm, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
          rv.assign(tf.add(tf.mul(rv, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
        }
      });
      for (const s of stats) {
        s.mean.dispose();
        s.variance.dispose();
      }
    },
    dispose() {
      for (const b of basisTensors) {
        b.sines.dispose();
        b.cosines.dispose();
      }
    },
  };
}
