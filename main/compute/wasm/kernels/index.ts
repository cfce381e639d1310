/**
 * Gradient kernels the tfjs wasm backend (tfjs-backend-wasm 4.22) lacks, registered for 'wasm':
 *
 * - `UnsortedSegmentSum` — gradient of `tf.gather` (embeddings);
 * - `Conv2DBackpropFilter` — filter gradient of `conv2d` / `conv1d` (im2col + XNNPACK matmul);
 * - `DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` — both gradients
 *   of `depthwiseConv2d` / `separableConv2d`.
 *
 * (`Conv2DBackpropInput` and `Erf` do exist on wasm.) Call after tfjs-backend-wasm has been
 * imported (e.g. after `activateBackend('wasm')`). Registering is idempotent: a kernel that is
 * already registered for 'wasm' — by an earlier call or by a future tfjs release — is left alone.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import type { Tfjs } from '../../activate.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** The kernel names this module provides for 'wasm'. */
export const WASM_GRADIENT_KERNELS = [
  'UnsortedSegmentSum',
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

export function registerWasmGradientKernels(tf: Tfjs): void {
  if (tf.findBackendFactory('wasm') == null) {
    throw new Error('registerWasmGradientKernels: the wasm backend is not registered (import @tensorflow/tfjs-backend-wasm first)');
  }
  const configs: KernelConfig[] = [
    unsortedSegmentSumConfig,
    conv2dBackpropFilterConfig(tf),
    depthwiseBackpropFilterConfig(tf),
    depthwiseBackpropInputConfig(tf),
  ];
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, 'wasm') == null) tf.registerKernel(config);
  }
}
