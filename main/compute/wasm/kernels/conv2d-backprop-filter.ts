/**
 * `Conv2DBackpropFilter` for the tfjs wasm backend, which ships without it: it is the filter half of
 * tfjs-core's `Conv2D` gradient (and of `conv1d`, which runs as a conv2d), so without it no
 * convolution filter can be trained on wasm.
 *
 * Layout: NHWC only (`x` `[b, h, w, inC]`, `dy` `[b, outH, outW, outC]`, result `filterShape`
 * `[fh, fw, inC, outC]`); NCHW is refused with an error. Strides, 'same' | 'valid' | numeric |
 * explicit padding and `dimRoundingMode` follow tfjs' own `computeConv2DInfo`; a `dilations`
 * attribute is honoured when present (tfjs' gradient only ever passes 1).
 *
 * Method: dW viewed as `[fh·fw·inC, outC]` equals `colsᵀ · dY` where `colsᵀ` is the transposed
 * im2col matrix `[fh·fw·inC, b·outH·outW]`. We build `colsᵀ` directly (so no transposed matmul is
 * needed) and multiply it with `dY` `[b·outH·outW, outC]` through the wasm backend's own
 * `BatchMatMul` kernel with a plain, non-transposed, batch-1 product: the only form it runs through
 * XNNPACK (~20× faster than its transposed or batched path). Large problems are split over output
 * rows so `colsᵀ` stays within ~16 MB, and the partial products are summed.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { Tfjs } from '../../types.js';
import {
  convInfoFromAttrs,
  f32,
  input,
  kernelFunc,
  pair,
  release,
  requireNhwc,
  shape4,
  type KernelArgs,
} from './wasm-heap.js';

const NAME = 'Conv2DBackpropFilter';

/** Float32 elements of one `colsᵀ` chunk (16 MiB). */
const COLUMN_BUDGET = 1 << 22;

/** Geometry of one im2col fill, all in elements. */
export interface Im2colGeometry {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Writes the transposed im2col matrix for output rows `[rowStart, rowEnd)` (a row is one
 * `(batch, outY)` pair) into `cols`, laid out `[fh·fw·inC, (rowEnd − rowStart)·outW]`: row
 * `(ky·fw + kx)·inC + c`, column `(row − rowStart)·outW + outX`. Padding positions get 0.
 */
export function fillTransposedIm2col(
  cols: Float32Array,
  x: Float32Array,
  g: Im2colGeometry,
  rowStart: number,
  rowEnd: number,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const sw = g.strideWidth;
  const columns = (rowEnd - rowStart) * OW;
  // Output rows are taken in blocks so that, for each channel, the writes run contiguously over
  // ~1 KiB (one block) while the block's input rows stay in cache for the channel-strided reads.
  const block = Math.max(1, Math.ceil(256 / OW));
  for (let ky = 0; ky < g.filterHeight; ky++) {
    for (let kx = 0; kx < g.filterWidth; kx++) {
      const firstRow = (ky * g.filterWidth + kx) * C;
      const xOffset = kx * g.dilationWidth - g.padLeft;
      // Output columns whose input column lies inside the image: [owLo, owHi).
      const owLo = Math.min(OW, Math.max(0, Math.ceil(-xOffset / sw)));
      const owHi = Math.max(owLo, Math.min(OW, Math.floor((W - 1 - xOffset) / sw) + 1));
      const inside = owHi - owLo;
      for (let blockStart = rowStart; blockStart < rowEnd; blockStart += block) {
        const blockEnd = Math.min(rowEnd, blockStart + block);
        for (let c = 0; c < C; c++) {
          const rowBase = (firstRow + c) * columns - rowStart * OW;
          for (let row = blockStart; row < blockEnd; row++) {
            const b = Math.floor(row / OH);
            const oy = row - b * OH;
            const iy = oy * g.strideHeight + ky * g.dilationHeight - g.padTop;
            const start = rowBase + row * OW;
            if (iy < 0 || iy >= H) {
              cols.fill(0, start, start + OW);
              continue;
            }
            if (owLo > 0) cols.fill(0, start, start + owLo);
            if (owHi < OW) cols.fill(0, start + owHi, start + OW);
            let xi = ((b * H + iy) * W + owLo * sw + xOffset) * C + c;
            const xStep = sw * C;
            let o = start + owLo;
            const end = o + inside;
            for (; o < end; o++, xi += xStep) cols[o] = x[xi]!;
          }
        }
      }
    }
  }
}

function filterShapeAttr(value: unknown): [number, number, number, number] {
  if (Array.isArray(value) && value.length === 4 && value.every((v) => Number.isInteger(v) && v >= 0)) {
    return value as [number, number, number, number];
  }
  throw new Error(`${NAME}: filterShape must be [fh, fw, inC, outC], got ${JSON.stringify(value)}`);
}

/** Tuning for tests: `columnBudget` is the float32 size of one `colsᵀ` chunk. */
export interface Conv2dBackpropFilterOptions {
  columnBudget?: number;
}

export function conv2dBackpropFilterConfig(tf: Tfjs, options: Conv2dBackpropFilterOptions = {}): KernelConfig {
  const columnBudget = options.columnBudget ?? COLUMN_BUDGET;
  const body = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const x = input(inputs, 'x', NAME);
    const dy = input(inputs, 'dy', NAME);
    requireNhwc(attrs['dataFormat'], NAME);
    const filterShape = filterShapeAttr(attrs['filterShape']);
    const info = convInfoFromAttrs(tf, shape4(x.shape, 'x', NAME), filterShape, attrs, false, NAME);
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error(`${NAME}: float32 tensors only`);
    if (dy.shape.join(',') !== info.outShape.join(',')) {
      throw new Error(`${NAME}: dy shape [${dy.shape.join(', ')}] is not the conv output [${info.outShape.join(', ')}]`);
    }
    const geometry: Im2colGeometry = {
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      inChannels: info.inChannels,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      filterHeight: info.filterHeight,
      filterWidth: info.filterWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      dilationHeight: info.dilationHeight,
      dilationWidth: info.dilationWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
    };
    const R = info.filterHeight * info.filterWidth * info.inChannels;
    const CO = info.outChannels;
    const OW = info.outWidth;
    const totalRows = info.batchSize * info.outHeight;
    if (R === 0 || CO === 0 || totalRows === 0 || OW === 0) {
      const out = backend.makeOutput([...filterShape], 'float32');
      (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
      return out;
    }
    const matMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as KernelFunc | undefined;
    if (!matMul) throw new Error(`${NAME}: the wasm backend has no BatchMatMul kernel`);

    const maxRows = Math.max(1, Math.min(totalRows, Math.floor(columnBudget / (R * OW))));
    const rowsPerChunk = Math.ceil(totalRows / Math.ceil(totalRows / maxRows)); // even chunks
    let result: TensorInfo | null = null;
    for (let rowStart = 0; rowStart < totalRows; rowStart += rowsPerChunk) {
      const rowEnd = Math.min(totalRows, rowStart + rowsPerChunk);
      const columns = (rowEnd - rowStart) * OW;
      const whole = rowStart === 0 && rowEnd === totalRows;
      const cols = backend.makeOutput([1, R, columns], 'float32');
      const dyChunk: TensorInfo = whole
        ? { dataId: dy.dataId, shape: [1, columns, CO], dtype: 'float32' }
        : backend.makeOutput([1, columns, CO], 'float32');
      if (!whole) {
        f32(backend, dyChunk, NAME).set(f32(backend, dy, NAME).subarray(rowStart * OW * CO, rowEnd * OW * CO));
      }
      fillTransposedIm2col(f32(backend, cols, NAME), f32(backend, x, NAME), geometry, rowStart, rowEnd);
      const product = matMul({
        inputs: { a: cols, b: dyChunk },
        backend,
        attrs: { transposeA: false, transposeB: false },
      }) as TensorInfo;
      release(backend, cols);
      if (!whole) release(backend, dyChunk);
      if (result === null) {
        result = product;
      } else {
        const acc = f32(backend, result, NAME);
        const part = f32(backend, product, NAME);
        for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + part[i]!;
        release(backend, product);
      }
    }
    // The product is [1, R, outC] in memory, which is filterShape row-major.
    return { dataId: result!.dataId, shape: [...filterShape], dtype: 'float32' };
  };
  return { kernelName: NAME, backendName: 'wasm', kernelFunc: kernelFunc(body) };
}
