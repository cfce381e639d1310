/**
 * `UnsortedSegmentSum` for the tfjs wasm backend, which ships without it. tfjs-core's gradient of
 * `GatherV2` (so of `tf.gather` and every embedding lookup) is an unsorted segment sum of the
 * upstream gradient, so without this kernel no embedding can be trained on wasm.
 *
 * Layout: `x` is `[n, ...inner]` (row-major), `segmentIds` is int32 `[n]`; the output is
 * `[numSegments, ...inner]` with `out[s] = Σ_{i : ids[i] = s} x[i]`. Ids outside `[0, numSegments)`
 * contribute nothing (as on the cpu backend and in TensorFlow); segments without ids are zero.
 * float32 and int32 data keep their dtype. Rank-1 `segmentIds` only (what tfjs' op and the gather
 * gradient pass); other ranks are refused. One pass over `x`, a typed-array row add per id.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { input, kernelFunc, type KernelArgs } from './wasm-heap.js';

const NAME = 'UnsortedSegmentSum';

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = input(inputs, 'x', NAME);
  const segmentIds = input(inputs, 'segmentIds', NAME);
  const numSegments = attrs['numSegments'];
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`${NAME}: numSegments must be a non-negative integer, got ${String(numSegments)}`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`${NAME}: unsupported dtype ${x.dtype}`);
  if (segmentIds.dtype !== 'int32') throw new Error(`${NAME}: segmentIds must be int32, got ${segmentIds.dtype}`);
  if (segmentIds.shape.length !== 1 || x.shape.length < 1 || x.shape[0] !== segmentIds.shape[0]) {
    throw new Error(
      `${NAME}: segmentIds must be rank 1 with x.shape[0] entries; got x [${x.shape.join(', ')}], ` +
        `segmentIds [${segmentIds.shape.join(', ')}]`,
    );
  }
  const rows = x.shape[0]!;
  const innerShape = x.shape.slice(1);
  let inner = 1;
  for (const d of innerShape) inner *= d;

  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  // Views after the allocation: it may have grown (and detached) the heap.
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  const ys = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  ys.fill(0);
  if (inner === 1) {
    for (let i = 0; i < rows; i++) {
      const s = ids[i]!;
      if (s >= 0 && s < numSegments) ys[s] = ys[s]! + xs[i]!;
    }
    return out;
  }
  for (let i = 0; i < rows; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) ys[dst + k] = ys[dst + k]! + xs[src + k]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: kernelFunc(unsortedSegmentSum),
};
