/**
 * `Slice` and `SplitV` on the tfjs `wasm` backend, copying straight from heap views.
 *
 * Why this exists: tfjs-backend-wasm 4.22's Slice reads its input with `backend.readSync`, which
 * copies the whole input tensor out of the heap before taking the slice, and SplitV calls that
 * Slice once per output. Splitting a transformer's fused QKV projection ([B, T, 3·d] → 3 × [B, T, d])
 * thus copied the input three times over: 6 ms per split for a [32, 12, 64, 32] tensor here, against
 * well under 1 ms for copying only the slice's runs. Strings and non-numeric dtypes go to the stock
 * kernels.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tfjs } from '../types.js';
import type { WasmBackendLike } from './kernels/wasm-heap.js';

interface SliceArgs {
  inputs: { x?: TensorInfo };
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}

/** Copies the block `begin`/`size` of `x` (row-major) into a new tensor, one innermost run at a time. */
function copySlice(tf: Tfjs, backend: WasmBackendLike, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views after the allocation: it may grow the heap and detach earlier ones.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const total = dst.length;
  if (total === 0) return out;
  const rank = x.shape.length;
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(offset, offset + total));
    return out;
  }
  // Walk the outer indices like an odometer; each step copies one contiguous run of the last axis.
  const run = size[rank - 1]!;
  const index = new Array<number>(rank - 1).fill(0);
  let to = 0;
  while (to < total) {
    let from = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) from += (begin[d]! + index[d]!) * strides[d]!;
    dst.set(src.subarray(from, from + run), to);
    to += run;
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < size[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function numeric(x: TensorInfo): boolean {
  return x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool';
}

/** Replaces the wasm `Slice` and `SplitV` kernels (idempotent; strings go to the stock kernels). */
export function registerFastWasmSlice(tf: Tfjs): void {
  const stockSlice = tf.getKernel('Slice', 'wasm');
  const stockSplit = tf.getKernel('SplitV', 'wasm');
  if (!stockSlice || !stockSplit) throw new Error('registerFastWasmSlice: the wasm backend kernels are not registered');
  if ((stockSlice.kernelFunc as { cajal?: boolean }).cajal) return;

  const slice = (({ inputs, backend, attrs }: SliceArgs) => {
    const x = inputs.x!;
    if (!numeric(x)) return stockSlice.kernelFunc({ inputs, backend, attrs } as Parameters<KernelFunc>[0]);
    const [begin, size] = tf.slice_util.parseSliceParams(x as Parameters<Tfjs['slice_util']['parseSliceParams']>[0], attrs.begin as number[], attrs.size as number[]);
    return copySlice(tf, backend, x, begin!, size!);
  }) as unknown as KernelFunc & { cajal?: boolean };
  slice.cajal = true;

  const splitV = (({ inputs, backend, attrs }: SliceArgs) => {
    const x = inputs.x!;
    if (!numeric(x)) return stockSplit.kernelFunc({ inputs, backend, attrs } as Parameters<KernelFunc>[0]);
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as Parameters<Tfjs['backend_util']['prepareSplitSize']>[0], attrs.numOrSizeSplits as number[], axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const piece = copySlice(tf, backend, x, begin.slice(), size);
      begin[axis]! += s;
      return piece;
    });
  }) as unknown as KernelFunc;

  const replace = (stock: KernelConfig, kernelFunc: KernelFunc): void => {
    tf.unregisterKernel(stock.kernelName, 'wasm');
    tf.registerKernel({ ...stock, kernelFunc });
  };
  replace(stockSlice, slice);
  replace(stockSplit, splitV);
}
