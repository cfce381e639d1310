/**
 * Convolution blocks, channels last: conv → norm → activation with 'same' padding, stride and
 * dilation, optionally depthwise-separable (a depthwise k×k conv then a pointwise 1×1 conv, as
 * MobileNet/Xception). The norm is a LayerNorm over channels at each position (ConvNeXt style; no
 * running statistics, so training and inference agree). Without a norm the bias add and a ReLU
 * are fused into the conv kernel. 1-D blocks run as 2-D ones of height 1.
 *
 * Note: the weight gradient of conv2d (Conv2DBackpropFilter) is missing on the stock wasm backend.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { ValidationError } from '../../errors.js';
import { activate, type Activation } from './activations.js';
import { heNormal, paramSeed, zeros } from './init.js';
import { createLayerNorm, type LayerNorm } from './norm.js';
import { joinName, type ForwardOptions, type Params } from './params.js';

export interface ConvBlockConfig {
  inChannels: number;
  outChannels: number;
  /** Kernel size; a number is square for 2-D. */
  kernelSize: number | [number, number];
  /** Default 1. tfjs cannot combine a stride > 1 with a dilation > 1. */
  stride?: number | [number, number];
  /** Default 1. */
  dilation?: number | [number, number];
  /** Depthwise k×k then pointwise 1×1; default false. */
  separable?: boolean;
  /** Default 'layer'. */
  norm?: 'layer' | 'none';
  /** Default 'gelu'. */
  activation?: Activation;
  /** Conv bias; default only when there is no norm (a norm's shift makes it redundant). */
  bias?: boolean;
  seed: number;
}

export interface ConvBlock2d {
  readonly name: string;
  /** x [B, H, W, inChannels] → [B, ⌈H/stride⌉, ⌈W/stride⌉, outChannels]. */
  apply(x: tfTypes.Tensor4D, options?: ForwardOptions): tfTypes.Tensor4D;
}

export interface ConvBlock1d {
  readonly name: string;
  /** x [B, T, inChannels] → [B, ⌈T/stride⌉, outChannels]. */
  apply(x: tfTypes.Tensor3D, options?: ForwardOptions): tfTypes.Tensor3D;
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

function blockFor(params: Params, name: string, config: ConvBlockConfig, kernel: [number, number], stride: [number, number], dilation: [number, number]): ConvBlock2d {
  const { inChannels, outChannels } = config;
  const [kh, kw] = kernel;
  if (kernel.some((k) => !Number.isInteger(k) || k < 1)) throw new ValidationError(joinName(name, 'kernelSize'), 'must be positive integers');
  if (stride.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    throw new ValidationError(joinName(name, 'stride'), 'a stride > 1 cannot be combined with a dilation > 1');
  }
  const normKind = config.norm ?? 'layer';
  const activation = config.activation ?? 'gelu';
  const useBias = config.bias ?? normKind === 'none';
  const tf = params.tf;

  let depthwiseName: string | null = null;
  let kernelName: string;
  if (config.separable) {
    depthwiseName = joinName(name, 'depthwise.weight');
    params.add(depthwiseName, [kh, kw, inChannels, 1], heNormal(kh * kw * inChannels, kh * kw, paramSeed(config.seed, depthwiseName)), { role: 'weight' });
    kernelName = joinName(name, 'pointwise.weight');
    params.add(kernelName, [1, 1, inChannels, outChannels], heNormal(inChannels * outChannels, inChannels, paramSeed(config.seed, kernelName)), { role: 'weight' });
  } else {
    kernelName = joinName(name, 'conv.weight');
    params.add(kernelName, [kh, kw, inChannels, outChannels], heNormal(kh * kw * inChannels * outChannels, kh * kw * inChannels, paramSeed(config.seed, kernelName)), {
      role: 'weight',
    });
  }
  const biasName = useBias ? joinName(name, config.separable ? 'pointwise.bias' : 'conv.bias') : null;
  if (biasName) params.add(biasName, [outChannels], zeros(outChannels), { role: 'bias' });
  const norm: LayerNorm | null = normKind === 'layer' ? createLayerNorm(params, joinName(name, 'norm'), { dim: outChannels }) : null;
  const fusedActivation = !norm && (activation === 'relu' || activation === 'linear') ? activation : null;

  return {
    name,
    apply(x, options = {}) {
      const p = options.params ?? params;
      let input = x;
      let convStride = stride;
      if (depthwiseName) {
        input = tf.depthwiseConv2d(x, p.get(depthwiseName) as tfTypes.Tensor4D, stride, 'same', 'NHWC', dilation);
        convStride = [1, 1];
      }
      const filter = p.get(kernelName) as tfTypes.Tensor4D;
      const bias = biasName ? p.get(biasName) : undefined;
      const convDilation: [number, number] = depthwiseName ? [1, 1] : dilation;
      let y = tf.fused.conv2d({
        x: input,
        filter,
        strides: convStride,
        pad: 'same',
        dilations: convDilation,
        bias,
        activation: fusedActivation ?? 'linear',
      });
      if (norm) y = norm.apply(y, options);
      return fusedActivation ? y : activate(tf, y, activation);
    },
  };
}

/** Registers `<name>.conv.*` (or `.depthwise`/`.pointwise`) and `<name>.norm.*`. */
export function createConvBlock2d(params: Params, name: string, config: ConvBlockConfig): ConvBlock2d {
  return blockFor(params, name, config, pair(config.kernelSize), pair(config.stride ?? 1), pair(config.dilation ?? 1));
}

/** A 1-D block over [B, T, C]: kernels [1, k, …] applied to [B, 1, T, C]. */
export function createConvBlock1d(params: Params, name: string, config: ConvBlockConfig): ConvBlock1d {
  const k = typeof config.kernelSize === 'number' ? config.kernelSize : config.kernelSize[1];
  const s = typeof config.stride === 'object' ? config.stride[1] : (config.stride ?? 1);
  const d = typeof config.dilation === 'object' ? config.dilation[1] : (config.dilation ?? 1);
  const block = blockFor(params, name, config, [1, k], [1, s], [1, d]);
  const tf = params.tf;
  return {
    name,
    apply(x, options = {}) {
      const [batch, length, channels] = x.shape;
      const y = block.apply(tf.reshape(x, [batch, 1, length, channels]), options);
      return tf.reshape(y, [batch, y.shape[2], y.shape[3]]);
    },
  };
}
