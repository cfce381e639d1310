/**
 * `DepthwiseConv2dNativeBackpropFilter` and `DepthwiseConv2dNativeBackpropInput` for the tfjs wasm
 * backend, which ships without both: they are the two halves of tfjs-core's `DepthwiseConv2dNative`
 * gradient, used by `depthwiseConv2d` and `separableConv2d`.
 *
 * Layout: NHWC only (the op has no dataFormat). `x` `[b, h, w, c]`, `filter` `[fh, fw, c, m]`
 * (channel multiplier m), `dy` `[b, outH, outW, c·m]` with output channel `c·m + k` reading input
 * channel `c`. Strides, dilations, 'same' | 'valid' | numeric | explicit padding and
 * `dimRoundingMode` follow tfjs' own `computeConv2DInfo` (depthwise mode).
 *
 * Method: direct loops over typed-array views of the wasm heap, innermost over the contiguous
 * channel axis. Each output position touches only its own `fh·fw·c·m` weights, so there is no
 * matmul to hand to XNNPACK; the filter gradient accumulates in float64.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tfjs } from '../../types.js';
import {
  convInfoFromAttrs,
  f32,
  input,
  kernelFunc,
  shape4,
  type ConvInfo,
  type KernelArgs,
} from './wasm-heap.js';

const FILTER = 'DepthwiseConv2dNativeBackpropFilter';
const INPUT = 'DepthwiseConv2dNativeBackpropInput';

function shapeAttr(value: unknown, what: string, kernel: string): [number, number, number, number] {
  if (Array.isArray(value) && value.length === 4 && value.every((v) => Number.isInteger(v) && v >= 0)) {
    return value as [number, number, number, number];
  }
  throw new Error(`${kernel}: ${what} must be a rank-4 shape, got ${JSON.stringify(value)}`);
}

function depthwiseInfo(
  tf: Tfjs,
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: KernelArgs['attrs'],
  kernel: string,
): ConvInfo {
  if (attrs['dataFormat'] != null && attrs['dataFormat'] !== 'NHWC') {
    throw new Error(`${kernel}: only NHWC is supported on wasm, got ${String(attrs['dataFormat'])}`);
  }
  if (xShape[3] !== filterShape[2]) {
    throw new Error(`${kernel}: input has ${xShape[3]} channels but the filter expects ${filterShape[2]}`);
  }
  return convInfoFromAttrs(tf, xShape, filterShape, attrs, true, kernel);
}

function checkDy(dy: TensorInfo, info: ConvInfo, kernel: string): void {
  if (dy.dtype !== 'float32') throw new Error(`${kernel}: float32 tensors only`);
  if (dy.shape.join(',') !== info.outShape.join(',')) {
    throw new Error(`${kernel}: dy shape [${dy.shape.join(', ')}] is not the conv output [${info.outShape.join(', ')}]`);
  }
}

/** dW[ky, kx, c, k] = Σ_{b, oy, ox} x[b, iy, ix, c] · dy[b, oy, ox, c·m + k]. */
export function depthwiseFilterGradient(x: Float32Array, dy: Float32Array, info: ConvInfo): Float64Array {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const CM = info.outChannels;
  const M = CM / C;
  const acc = new Float64Array(FH * FW * CM);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ky = 0; ky < FH; ky++) {
        const iy = oy * sh + ky * dh - top;
        if (iy < 0 || iy >= H) continue;
        const xRow = (b * H + iy) * W;
        for (let ox = 0; ox < OW; ox++) {
          const yo = ((b * OH + oy) * OW + ox) * CM;
          for (let kx = 0; kx < FW; kx++) {
            const ix = ox * sw + kx * dw - left;
            if (ix < 0 || ix >= W) continue;
            const xo = (xRow + ix) * C;
            const wo = (ky * FW + kx) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[wo + c] = acc[wo + c]! + x[xo + c]! * dy[yo + c]!;
            } else {
              for (let c = 0; c < C; c++) {
                const xv = x[xo + c]!;
                const j = c * M;
                for (let k = 0; k < M; k++) acc[wo + j + k] = acc[wo + j + k]! + xv * dy[yo + j + k]!;
              }
            }
          }
        }
      }
    }
  }
  return acc;
}

/** dx[b, iy, ix, c] = Σ_{ky, kx, k} dy[b, oy, ox, c·m + k] · w[ky, kx, c, k] over the taps that read it. */
export function depthwiseInputGradient(dy: Float32Array, w: Float32Array, info: ConvInfo, dx: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const CM = info.outChannels;
  const M = CM / C;
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ky = 0; ky < FH; ky++) {
        const iy = oy * sh + ky * dh - top;
        if (iy < 0 || iy >= H) continue;
        const xRow = (b * H + iy) * W;
        for (let ox = 0; ox < OW; ox++) {
          const yo = ((b * OH + oy) * OW + ox) * CM;
          for (let kx = 0; kx < FW; kx++) {
            const ix = ox * sw + kx * dw - left;
            if (ix < 0 || ix >= W) continue;
            const xo = (xRow + ix) * C;
            const wo = (ky * FW + kx) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) dx[xo + c] = dx[xo + c]! + dy[yo + c]! * w[wo + c]!;
            } else {
              for (let c = 0; c < C; c++) {
                const j = c * M;
                let s = 0;
                for (let k = 0; k < M; k++) s += dy[yo + j + k]! * w[wo + j + k]!;
                dx[xo + c] = dx[xo + c]! + s;
              }
            }
          }
        }
      }
    }
  }
}

export function depthwiseBackpropFilterConfig(tf: Tfjs): KernelConfig {
  const body = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const x = input(inputs, 'x', FILTER);
    const dy = input(inputs, 'dy', FILTER);
    const filterShape = shapeAttr(attrs['filterShape'], 'filterShape', FILTER);
    const info = depthwiseInfo(tf, shape4(x.shape, 'x', FILTER), filterShape, attrs, FILTER);
    checkDy(dy, info, FILTER);
    const acc = depthwiseFilterGradient(f32(backend, x, FILTER), f32(backend, dy, FILTER), info);
    const out = backend.makeOutput([...filterShape], 'float32');
    f32(backend, out, FILTER).set(acc);
    return out;
  };
  return { kernelName: FILTER, backendName: 'wasm', kernelFunc: kernelFunc(body) };
}

export function depthwiseBackpropInputConfig(tf: Tfjs): KernelConfig {
  const body = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const dy = input(inputs, 'dy', INPUT);
    const filter = input(inputs, 'filter', INPUT);
    const inputShape = shapeAttr(attrs['inputShape'], 'inputShape', INPUT);
    const info = depthwiseInfo(tf, inputShape, shape4(filter.shape, 'filter', INPUT), attrs, INPUT);
    checkDy(dy, info, INPUT);
    const out = backend.makeOutput([...inputShape], 'float32');
    depthwiseInputGradient(f32(backend, dy, INPUT), f32(backend, filter, INPUT), info, f32(backend, out, INPUT));
    return out;
  };
  return { kernelName: INPUT, backendName: 'wasm', kernelFunc: kernelFunc(body) };
}
