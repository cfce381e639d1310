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
 * The 3-D convolution is computed exactly, in two 2-D convolutions (separableConv3d): each channel
 * pair's spatial kernel into cin·cout intermediate channels, then each pair's temporal kernel summed
 * into cout. Not tf.conv3d: the stock wasm backend's Conv3DBackpropInputV2 returns wrong input
 * gradients (tfjs-backend-wasm 4.22; 3× too large on a [2, 12, 6, 6, 2] ⊛ [5, 3, 3, 2, 4] case
 * against cpu), while conv2d has both gradients on wasm through Cajal's kernels (main/compute/wasm)
 * and runs on XNNPACK; and one conv2d over time-stacked frames (conv3dValid, kept as the
 * reference in tests) spends most of a step slicing and concatenating.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../../compute/activate.js';
import { truncatedNormal, paramSeed, zeros, ones } from '../../../compute/nn/init.js';
import { joinName, type Params } from '../../../compute/nn/params.js';
import { columnSum, withCustomGrad } from '../../../compute/nn/grad.js';
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

/**
 * conv3d(x, W, 'valid') with W[t, h, w, i, o] = temporal[o, i, t] · spatial[o, i, h, w], for x
 * [B, T, H, W, Ci]: out = Σ_i temporal_oi ⊛_t (spatial_oi ⊛_hw x_i), as a spatial conv2d into
 * Ci·Co channels (block-diagonal kernel [kh, kw, Ci, Ci·Co]) and a temporal conv2d over
 * [B, T, H'·W', Ci·Co] (kernel [kt, 1, Ci·Co, Co], block-diagonal in o).
 */
export function separableConv3d(tf: Tfjs, x: tfTypes.Tensor5D, temporal: tfTypes.Tensor3D, spatial: tfTypes.Tensor4D): tfTypes.Tensor5D {
  const [b, t, h, w, ci] = x.shape;
  const [co, , kt] = temporal.shape;
  const [, , kh, kw] = spatial.shape;
  const eyeIn = tf.reshape(tf.eye(ci), [1, 1, ci, ci, 1]);
  const spatialKernel = tf.reshape(tf.mul(tf.reshape(tf.transpose(spatial, [2, 3, 1, 0]), [kh, kw, 1, ci, co]), eyeIn), [kh, kw, ci, ci * co]) as tfTypes.Tensor4D;
  const s = tf.conv2d(tf.reshape(x, [b * t, h, w, ci]) as tfTypes.Tensor4D, spatialKernel, 1, 'valid');
  const [, h2, w2] = s.shape;
  const eyeOut = tf.reshape(tf.eye(co), [1, 1, 1, co, co]);
  const temporalKernel = tf.reshape(tf.mul(tf.reshape(tf.transpose(temporal, [2, 1, 0]), [kt, 1, ci, 1, co]), eyeOut), [kt, 1, ci * co, co]) as tfTypes.Tensor4D;
  const y = tf.conv2d(tf.reshape(s, [b, t, h2 * w2, ci * co]) as tfTypes.Tensor4D, temporalKernel, 1, 'valid');
  return tf.reshape(y, [b, t - kt + 1, h2, w2, co]);
}

/**
 * Training-mode BatchNorm over the rows of x [N, C] plus the layer's bias: γ·x̂ + β + bias with
 * x̂ = (x − μ)/√(σ² + eps) (biased σ², as torch normalises), as one op with its hand-written
 * gradient (dβ = dbias = Σdy, dγ = Σ dy·x̂, dx = γ/(N·√(σ²+eps)) · (N·dy − Σdy − x̂·Σ dy·x̂)) whose
 * column sums are matmuls (columnSum): the generic chain's gradient reduces over the leading axis,
 * which wasm runs as a transpose plus a reduce. `onStats` receives μ and σ² (for running stats).
 */
export function batchNormTrain(
  tf: Tfjs,
  x: tfTypes.Tensor2D,
  gamma: tfTypes.Tensor1D,
  beta: tfTypes.Tensor1D,
  bias: tfTypes.Tensor1D,
  onStats?: (mean: tfTypes.Tensor1D, variance: tfTypes.Tensor1D) => void,
): tfTypes.Tensor2D {
  const n = x.shape[0];
  return withCustomGrad(tf, [x, gamma, beta, bias], ([xi, g, b, c], save) => {
    const mean = tf.div(columnSum(tf, xi as tfTypes.Tensor2D), n) as tfTypes.Tensor1D;
    const centred = tf.sub(xi!, mean);
    const variance = tf.div(columnSum(tf, tf.square(centred) as tfTypes.Tensor2D), n) as tfTypes.Tensor1D;
    onStats?.(mean, variance);
    const invStd = tf.rsqrt(tf.add(variance, BN_EPS));
    const xhat = tf.mul(centred, invStd);
    save([xhat, invStd, g!]);
    return {
      value: tf.add(tf.mul(xhat, g!), tf.add(b!, c!)),
      gradFunc: (dy, [xh, inv, gm]) => {
        const dy2 = dy as tfTypes.Tensor2D;
        const sumDy = columnSum(tf, dy2);
        const sumDyXhat = columnSum(tf, tf.mul(dy2, xh!) as tfTypes.Tensor2D);
        const dx = tf.mul(tf.div(tf.mul(gm!, inv!), n), tf.sub(tf.sub(tf.mul(dy2, n), sumDy), tf.mul(xh!, sumDyXhat)));
        return [dx, sumDyXhat, sumDy, sumDy];
      },
    };
  }) as tfTypes.Tensor2D;
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

  /** The layer's temporal kernels [cout, cin, kt] from its Fourier weights. */
  function temporalKernel(l: number): tfTypes.Tensor3D {
    const cin = config.channels[l]!;
    const cout = config.channels[l + 1]!;
    const kt = config.temporalKernels[l]!;
    const { k } = bases[l]!;
    const sin = tf.reshape(params.get(layerName(prefix, l, 'sin')), [cout * cin, k]);
    const cos = tf.reshape(params.get(layerName(prefix, l, 'cos')), [cout * cin, k]);
    return tf.reshape(tf.add(tf.matMul(sin, basisTensors[l]!.sines), tf.matMul(cos, basisTensors[l]!.cosines)), [cout, cin, kt]);
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
        y = separableConv3d(tf, y, temporalKernel(l), params.get(layerName(prefix, l, 'spatial')) as tfTypes.Tensor4D);
        const bias = params.get(layerName(prefix, l, 'bias')) as tfTypes.Tensor1D;
        if (config.batchNorm) {
          const gamma = params.get(layerName(prefix, l, 'bn.weight')) as tfTypes.Tensor1D;
          const beta = params.get(layerName(prefix, l, 'bn.bias')) as tfTypes.Tensor1D;
          if (options.training) {
            const shape = y.shape;
            const flat = tf.reshape(y, [-1, shape[4]]) as tfTypes.Tensor2D;
            const normed = batchNormTrain(tf, flat, gamma, beta, bias, (mean, variance) => {
              options.batchStats?.push({ layer: l, mean: tf.keep(mean.clone()), variance: tf.keep(variance.clone()), count: flat.shape[0] });
            });
            y = tf.reshape(normed, shape) as tfTypes.Tensor5D;
          } else {
            // Inference: one scale and shift per channel, a = γ/√(running var + eps), c = β + bias − a·running mean.
            const a = tf.div(gamma, tf.sqrt(tf.add(params.get(layerName(prefix, l, 'bn.runningVar')), BN_EPS)));
            const c = tf.sub(tf.add(beta, bias), tf.mul(a, params.get(layerName(prefix, l, 'bn.runningMean'))));
            y = tf.add(tf.mul(y, a), c) as tfTypes.Tensor5D;
          }
        } else {
          y = tf.add(y, bias) as tfTypes.Tensor5D;
        }
        y = tf.elu(y) as tfTypes.Tensor5D;
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
