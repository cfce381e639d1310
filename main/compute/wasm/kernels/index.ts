/**
 * Gradient kernels the tfjs wasm backend (tfjs-backend-wasm 4.22) lacks, registered for 'wasm':
 *
 * - `UnsortedSegmentSum` — gradient of `tf.gather` (embeddings);
 * - `Conv2DBackpropFilter` — filter gradient of `conv2d` / `conv1d` (im2col + XNNPACK matmul);
 * - `DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` — both gradients
 *   of `depthwiseConv2d` / `separableConv2d`.
 *
 * and replaces one it has but runs slowly:
 *
 * - `Conv2DBackpropInput` — input gradient of `conv2d` (stock: scalar loop, ~2 GFLOP/s; ours:
 *   XNNPACK matmul + col2im, NHWC; anything else is delegated to the stock kernel).
 *
 * (`Erf`, `Prod`, pooling, conv3d and resize gradients all exist on wasm.) Call after
 * tfjs-backend-wasm has been imported (e.g. after `activateBackend('wasm')`). Registering is
 * idempotent: a missing kernel that is already registered for 'wasm' — by an earlier call or by a
 * future tfjs release — is left alone, and the Conv2DBackpropInput replacement happens once.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import type { Tfjs } from '../../types.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig, isFastConv2dBackpropInput } from './conv2d-backprop-input.js';
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
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!isFastConv2dBackpropInput(stock?.kernelFunc)) {
    if (stock) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    const fast = conv2dBackpropInputConfig(tf, stock?.kernelFunc);
    // Keep the stock kernel's setup so its NCHW fallback still works after a backend re-init.
    tf.registerKernel(stock?.setupFunc ? { ...fast, setupFunc: stock.setupFunc } : fast);
  }
}
