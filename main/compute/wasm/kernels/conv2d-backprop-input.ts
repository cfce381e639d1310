/**
 * A faster `Conv2DBackpropInput` for the tfjs wasm backend. wasm has this kernel (the input half
 * of tfjs-core's `Conv2D` gradient, also `conv2dTranspose`), but as a scalar loop at ~2 GFLOP/s,
 * while the forward conv and our filter gradient run through XNNPACK at 10–25 GFLOP/s; in conv
 * training it became the slowest step. This kernel replaces it for NHWC and delegates anything
 * else (NCHW) to the stock kernel, so nothing that worked before is refused.
 *
 * Layout: `dy` `[b, outH, outW, outC]`, `filter` `[fh, fw, inC, outC]`, result `inputShape`
 * `[b, h, w, inC]`. Strides, 'same' | 'valid' | numeric | explicit padding and `dimRoundingMode`
 * follow tfjs' `computeConv2DInfo`; a `dilations` attribute is honoured when present.
 *
 * Method: the im2col gradient `dCols = dY · Wᵀ` (`[b·outH·outW, outC] · [outC, fh·fw·inC]`) as a
 * plain batch-1 matmul through the wasm backend's own `BatchMatMul` (XNNPACK; `Wᵀ` is materialised
 * once, it is small), then col2im: each column row is added back onto the input pixels it was read
 * from, channel-contiguous. Split over output rows so `dCols` stays within ~16 MB.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { Tfjs } from '../../types.js';
import {
  convInfoFromAttrs,
  f32,
  input,
  kernelFunc,
  release,
  shape4,
  type ConvInfo,
  type KernelArgs,
} from './wasm-heap.js';

const NAME = 'Conv2DBackpropInput';

/** Float32 elements of one `dCols` chunk (16 MiB). */
const COLUMN_BUDGET = 1 << 22;

/** Adds `dCols` rows for output rows `[rowStart, rowEnd)` onto `dx` (col2im, NHWC). */
export function addColumnsToImage(dx: Float32Array, dCols: Float32Array, info: ConvInfo, rowStart: number, rowEnd: number): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const R = FH * FW * C;
  for (let row = rowStart; row < rowEnd; row++) {
    const b = Math.floor(row / OH);
    const oy = row - b * OH;
    for (let ox = 0; ox < OW; ox++) {
      const colRow = ((row - rowStart) * OW + ox) * R;
      for (let ky = 0; ky < FH; ky++) {
        const iy = oy * sh + ky * dh - top;
        if (iy < 0 || iy >= H) continue;
        const xRow = (b * H + iy) * W;
        for (let kx = 0; kx < FW; kx++) {
          const ix = ox * sw + kx * dw - left;
          if (ix < 0 || ix >= W) continue;
          const xo = (xRow + ix) * C;
          const co = colRow + (ky * FW + kx) * C;
          for (let c = 0; c < C; c++) dx[xo + c] = dx[xo + c]! + dCols[co + c]!;
        }
      }
    }
  }
}

function shapeAttr(value: unknown): [number, number, number, number] {
  if (Array.isArray(value) && value.length === 4 && value.every((v) => Number.isInteger(v) && v >= 0)) {
    return value as [number, number, number, number];
  }
  throw new Error(`${NAME}: inputShape must be [b, h, w, inC], got ${JSON.stringify(value)}`);
}

/** Marks our kernel function so a second registration can recognise it. */
const OURS = new WeakSet<KernelFunc>();

export function isFastConv2dBackpropInput(fn: KernelFunc | undefined): boolean {
  return fn !== undefined && OURS.has(fn);
}

export interface Conv2dBackpropInputOptions {
  /** Float32 size of one `dCols` chunk (tests use small values to force splitting). */
  columnBudget?: number;
}

/**
 * The replacement kernel; `fallback` (the stock wasm kernel) handles what it does not (NCHW,
 * non-float32).
 */
export function conv2dBackpropInputConfig(
  tf: Tfjs,
  fallback: KernelFunc | undefined,
  options: Conv2dBackpropInputOptions = {},
): KernelConfig {
  const columnBudget = options.columnBudget ?? COLUMN_BUDGET;
  const body = (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const dy = input(inputs, 'dy', NAME);
    const filter = input(inputs, 'filter', NAME);
    const nhwc = attrs['dataFormat'] == null || attrs['dataFormat'] === 'NHWC';
    if (!nhwc || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      if (!fallback) throw new Error(`${NAME}: only NHWC float32 is supported here, got ${String(attrs['dataFormat'])}`);
      return fallback(args) as TensorInfo;
    }
    const inputShape = shapeAttr(attrs['inputShape']);
    const filterShape = shape4(filter.shape, 'filter', NAME);
    const info = convInfoFromAttrs(tf, inputShape, filterShape, attrs, false, NAME);
    if (info.inChannels !== filterShape[2]) {
      throw new Error(`${NAME}: input has ${info.inChannels} channels but the filter expects ${filterShape[2]}`);
    }
    if (dy.shape.join(',') !== info.outShape.join(',')) {
      throw new Error(`${NAME}: dy shape [${dy.shape.join(', ')}] is not the conv output [${info.outShape.join(', ')}]`);
    }
    const R = info.filterHeight * info.filterWidth * info.inChannels;
    const CO = info.outChannels;
    const OW = info.outWidth;
    const totalRows = info.batchSize * info.outHeight;
    const out = backend.makeOutput([...inputShape], 'float32');
    f32(backend, out, NAME).fill(0);
    if (R === 0 || CO === 0 || totalRows === 0 || OW === 0) return out;
    const matMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as KernelFunc | undefined;
    if (!matMul) throw new Error(`${NAME}: the wasm backend has no BatchMatMul kernel`);

    // Wᵀ [outC, R] from W [R, outC].
    const wT = backend.makeOutput([1, CO, R], 'float32');
    {
      const w = f32(backend, filter, NAME);
      const t = f32(backend, wT, NAME);
      for (let r = 0; r < R; r++) for (let o = 0; o < CO; o++) t[o * R + r] = w[r * CO + o]!;
    }
    const maxRows = Math.max(1, Math.min(totalRows, Math.floor(columnBudget / (R * OW))));
    const rowsPerChunk = Math.ceil(totalRows / Math.ceil(totalRows / maxRows));
    for (let rowStart = 0; rowStart < totalRows; rowStart += rowsPerChunk) {
      const rowEnd = Math.min(totalRows, rowStart + rowsPerChunk);
      const columns = (rowEnd - rowStart) * OW;
      const whole = rowStart === 0 && rowEnd === totalRows;
      const dyChunk: TensorInfo = whole
        ? { dataId: dy.dataId, shape: [1, columns, CO], dtype: 'float32' }
        : backend.makeOutput([1, columns, CO], 'float32');
      if (!whole) {
        f32(backend, dyChunk, NAME).set(f32(backend, dy, NAME).subarray(rowStart * OW * CO, rowEnd * OW * CO));
      }
      const dCols = matMul({
        inputs: { a: dyChunk, b: wT },
        backend,
        attrs: { transposeA: false, transposeB: false },
      }) as TensorInfo;
      if (!whole) release(backend, dyChunk);
      addColumnsToImage(f32(backend, out, NAME), f32(backend, dCols, NAME), info, rowStart, rowEnd);
      release(backend, dCols);
    }
    release(backend, wT);
    return out;
  };
  const fn = kernelFunc(body);
  OURS.add(fn);
  return { kernelName: NAME, backendName: 'wasm', kernelFunc: fn };
}
