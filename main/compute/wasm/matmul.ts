/**
 * Fast transposed and batched matmuls on the tfjs `wasm` backend.
 *
 * Why this exists: tfjs-backend-wasm 4.22 sends a matmul to XNNPACK (~22 GFLOP/s here) only when
 * it is a single plain product: `fused_batch_mat_mul` in batch_mat_mul_impl.cc takes `xnn_matmul`
 * iff `!transpose_a && !transpose_b && a_shape[0] == 1 && b_shape[0] == 1` (shapes after the JS
 * kernels fold the batch dims into one). Every other case (A^T B, A B^T, any batch > 1) runs a
 * scalar blocked triple loop at ~1.5 GFLOP/s. Backward passes are all transposed matmuls
 * (dX = dY W^T, dW = X^T dY) and attention is batched, so training on wasm was ~15× slower
 * than it needed to be. The same holds for `_FusedMatMul` (dense layers, `tf.fused.matMul`).
 *
 * What this does: it replaces the wasm `BatchMatMul` and `_FusedMatMul` kernels by ones that
 * bring every case onto the XNNPACK path and call the original kernels' C++ entry points:
 * - transposes are made physical by a tiled copy on the heap (O(size) against the O(M·K·N)
 *   product); a 2-D product whose transposed operands are the large ones (weight gradients
 *   Xᵀ·dY, K = batch × time) is computed as (op(B)ᵀ·op(A)ᵀ)ᵀ, which copies the small ones;
 * - when B is shared by the whole batch (B has batch 1, A does not broadcast), the batch is
 *   folded into the rows of A: one [batch·M, K] × [K, N] product, one weight packing;
 * - otherwise the product loops over the output batch, handing XNNPACK zero-copy views of the
 *   heap: for each slice a tensor id is registered on the C++ side at the slice's address and
 *   released right after (never freed: the memory belongs to the parent tensor). Broadcasting
 *   follows numpy rules over the batch dims (tfjs's own kernels only handle "one side is 1").
 *
 * XNNPACK operator caching: the C++ side caches the packed weights (B) per (B id, bias id,
 * activation) until that id is disposed. A B that is a real tensor keeps that cache (weights of
 * a layer are packed once), a B that is a temporary (transposed copy) or a slice view gets a
 * fresh id that is disposed after the call, so its packed copy is freed with it; the packing is
 * O(K·N) per call, small against the O(M·K·N) product.
 */
import type { Tfjs } from '../types.js';

type DataType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

/** The parts of a tfjs TensorInfo the kernels read. */
interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: DataType;
}

/** Per-tensor record of the wasm backend (its `dataIdMap` values). */
interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/** The emscripten module of tfjs-backend-wasm, as far as it is used here. */
interface WasmModule {
  HEAPU8: Uint8Array;
  cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

/** Internals of tfjs-backend-wasm's BackendWasm that this module relies on (4.22). */
interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo | undefined | null>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}
type KernelFunc = (args: KernelArgs) => TensorInfo | TensorInfo[];
interface KernelConfig {
  kernelName: string;
  backendName: string;
  kernelFunc: KernelFunc;
  setupFunc?: (backend: unknown) => void;
  disposeFunc?: (backend: unknown) => void;
}

/** Values of `cc/fusable_activations.h` (same as tfjs-backend-wasm's `FusableActivation`). */
const ACTIVATION: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  prelu: 3,
  leakyrelu: 4,
  sigmoid: 5,
  elu: 6,
};

/** The C++ entry `_FusedMatMul` (the stock BatchMatMul entry is the same with linear, no bias). */
type FusedMatMulFn = (
  aId: number,
  aShape: Uint8Array,
  aShapeLength: number,
  bId: number,
  bShape: Uint8Array,
  bShapeLength: number,
  transposeA: boolean,
  transposeB: boolean,
  activation: number,
  biasId: number,
  preluId: number,
  leakyreluAlpha: number,
  outId: number,
) => void;

const fusedByModule = new WeakMap<WasmModule, FusedMatMulFn>();

function fusedMatMulOf(wasm: WasmModule): FusedMatMulFn {
  let fn = fusedByModule.get(wasm);
  if (!fn) {
    const numbers = (n: number): string[] => Array.from({ length: n }, () => 'number');
    fn = wasm.cwrap('_FusedMatMul', null, [
      'number', 'array', 'number', 'number', 'array', 'number', ...numbers(7),
    ]) as FusedMatMulFn;
    fusedByModule.set(wasm, fn);
  }
  return fn;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Numpy broadcast of two batch shapes; throws like tfjs on a mismatch. */
function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`Operands could not be broadcast together with shapes ${a} and ${b}.`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For each flat index of `outDims`, the flat index into `dims` (right-aligned, size-1 dims repeat). */
function broadcastIndex(dims: readonly number[], outDims: readonly number[]): Int32Array {
  const total = product(outDims);
  const index = new Int32Array(total);
  const offset = outDims.length - dims.length;
  const strides: number[] = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = dims[i] === 1 ? 0 : s;
    s *= dims[i]!;
  }
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let src = 0;
    for (let i = outDims.length - 1; i >= 0; i--) {
      const d = outDims[i]!;
      const coord = rest % d;
      rest = (rest - coord) / d;
      const j = i - offset;
      if (j >= 0) src += coord * strides[j]!;
    }
    index[flat] = src;
  }
  return index;
}

/**
 * A tensor id registered on the C++ side for `size` floats at `byteOffset`, owned by another
 * tensor. Released with `releaseView`, which drops the C++ record (and any XNNPACK operator
 * cached on it) without freeing the memory.
 */
function registerView(backend: WasmBackend, byteOffset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, byteOffset);
  return id;
}

function releaseView(backend: WasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

function dataOf(backend: WasmBackend, info: TensorInfo): WasmTensorData {
  const data = backend.dataIdMap.get(info.dataId);
  if (!data) throw new Error('matmul: input tensor is not on the wasm backend');
  return data;
}

/**
 * dst = src transposed in its last two axes, [batch, rows, cols] → [batch, cols, rows], over heap
 * views. Written here because the wasm `Transpose` kernel is a strided scalar loop: 10 ms for a
 * [2048, 512] float32 matrix on this machine, against 2.8 ms for this 8×8-tiled copy — and every
 * weight gradient of a backward pass goes through a transpose.
 */
export function transposeLast2Into(src: Float32Array, dst: Float32Array, batch: number, rows: number, cols: number): void {
  const TILE = 8; // measured: 8 beats 16, 32 and 64 (the column writes of a tile stay in L1)
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, cols);
        for (let i = i0; i < i1; i++) {
          let from = base + i * cols + j0;
          let to = base + j0 * rows + i;
          for (let j = j0; j < j1; j++) {
            dst[to] = src[from++]!;
            to += rows;
          }
        }
      }
    }
  }
}

function heapF32(backend: WasmBackend, data: WasmTensorData, size: number): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, size);
}

/** [batch, rows, cols] → a new tensor [batch, cols, rows] (or `outShape`, the same size). */
function transposeLast2(
  backend: WasmBackend,
  x: TensorInfo,
  batch: number,
  rows: number,
  cols: number,
  outShape: number[] = [batch, cols, rows],
): TensorInfo {
  const out = backend.makeOutput(outShape, 'float32');
  // Views after the allocation: it may grow the heap and detach older ones.
  const size = batch * rows * cols;
  transposeLast2Into(heapF32(backend, dataOf(backend, x), size), heapF32(backend, dataOf(backend, out), size), batch, rows, cols);
  return out;
}

interface Epilogue {
  activation: number;
  biasId: number;
  preluId: number;
  leakyreluAlpha: number;
}

const LINEAR: Epilogue = { activation: 0, biasId: 0, preluId: 0, leakyreluAlpha: 0 };

/** XNNPACK products out[M, N] = a[M, K] × b[K, N] (+ epilogue) on C++ tensor ids, for one shape. */
function xnnProducts(backend: WasmBackend, m: number, k: number, n: number, epilogue: Epilogue): (aId: number, bId: number, outId: number) => void {
  const fn = fusedMatMulOf(backend.wasm);
  const aShape = shapeBytes([1, m, k]);
  const bShape = shapeBytes([1, k, n]);
  const { activation, biasId, preluId, leakyreluAlpha } = epilogue;
  return (aId, bId, outId) =>
    fn(aId, aShape, 3, bId, bShape, 3, false, false, activation, biasId, preluId, leakyreluAlpha, outId);
}

interface MatMulPlan {
  m: number;
  k: number;
  n: number;
  batchA: number[];
  batchB: number[];
  batchOut: number[];
}

function plan(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const ka = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (ka !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${ka}) and (${kb}) of Tensors with shapes ${a.shape} and ` +
        `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  return { m, k: ka, n, batchA, batchB, batchOut: broadcastShapes(batchA, batchB) };
}

/**
 * Elements copied by transposes for C = op(A)·op(B) computed directly (transposing the transposed
 * operands) versus as C = (op(B)ᵀ·op(A)ᵀ)ᵀ (transposing the other operands and the result).
 * Weight gradients Xᵀ·dY have a long K (batch × time) and small M, N, where the swap copies a
 * third of the elements or less.
 */
function swapIsCheaper(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): boolean {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0);
  const swapped = (transposeA ? 0 : m * k) + (transposeB ? 0 : k * n) + m * n;
  return swapped < direct;
}

/** C[M, N] = (op(B)ᵀ·op(A)ᵀ)ᵀ for 2-D operands: one plain XNNPACK product [N, K]·[K, M], then a transpose. */
function swappedMatMul(backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, p: MatMulPlan): TensorInfo {
  const { m, k, n } = p;
  const temps: TensorInfo[] = [];
  try {
    // op(B)ᵀ as a row-major [N, K]: B itself when transposeB, else B transposed.
    let left = b;
    if (!transposeB) {
      left = transposeLast2(backend, b, 1, k, n);
      temps.push(left);
    }
    // op(A)ᵀ as a row-major [K, M]: A itself when transposeA, else A transposed.
    let right = a;
    if (!transposeA) {
      right = transposeLast2(backend, a, 1, m, k);
      temps.push(right);
    }
    const swapped = backend.makeOutput([n, m], 'float32');
    temps.push(swapped);
    xnnProducts(backend, n, k, m, LINEAR)(dataOf(backend, left).id, dataOf(backend, right).id, dataOf(backend, swapped).id);
    return transposeLast2(backend, swapped, 1, n, m, [...p.batchOut, m, n]);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/**
 * The whole product on the fast path. `a` and `b` are the kernel inputs; the result is a new
 * tensor of shape [...batchOut, M, N].
 */
function fastMatMul(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  p: MatMulPlan,
  epilogue: Epilogue,
): TensorInfo {
  const { m, k, n } = p;
  const nA = product(p.batchA);
  const nB = product(p.batchB);
  const nOut = product(p.batchOut);
  if (nA === 1 && nB === 1 && epilogue === LINEAR && swapIsCheaper(m, k, n, transposeA, transposeB)) {
    counts.swapped++;
    return swappedMatMul(backend, a, b, transposeA, transposeB, p);
  }
  const temps: TensorInfo[] = [];
  try {
    // Row-major [nA, M, K] and [nB, K, N], transposing physically where needed.
    let a3 = a;
    if (transposeA) {
      a3 = transposeLast2(backend, a, nA, k, m);
      temps.push(a3);
    }
    let b3 = b;
    if (transposeB) {
      b3 = transposeLast2(backend, b, nB, n, k);
      temps.push(b3);
    }
    const out = backend.makeOutput([...p.batchOut, m, n], 'float32');
    const aData = dataOf(backend, a3);
    const bData = dataOf(backend, b3);
    const outData = dataOf(backend, out);

    if (nB === 1 && nA === nOut) {
      counts.folded++;
      // B shared by the whole batch: fold the batch into the rows of A, one product.
      xnnProducts(backend, nA * m, k, n, epilogue)(aData.id, bData.id, outData.id);
      return out;
    }

    counts.sliced++;
    const product1 = xnnProducts(backend, m, k, n, epilogue);
    const aIndex = broadcastIndex(p.batchA, p.batchOut);
    const bIndex = broadcastIndex(p.batchB, p.batchOut);
    const aBytes = m * k * 4;
    const bBytes = k * n * 4;
    const outBytes = m * n * 4;
    // One view per distinct B slice at a time; a B shared by all slices keeps one id (packed once).
    let bViewId = 0;
    let bViewSlice = -1;
    try {
      for (let i = 0; i < nOut; i++) {
        const ai = aIndex[i]!;
        const bi = bIndex[i]!;
        if (bi !== bViewSlice) {
          if (bViewId) releaseView(backend, bViewId);
          bViewId = nB === 1 ? 0 : registerView(backend, bData.memoryOffset + bi * bBytes, k * n);
          bViewSlice = bi;
        }
        const aId = nA === 1 ? aData.id : registerView(backend, aData.memoryOffset + ai * aBytes, m * k);
        const outId = registerView(backend, outData.memoryOffset + i * outBytes, m * n);
        try {
          product1(aId, bViewId || bData.id, outId);
        } finally {
          if (aId !== aData.id) releaseView(backend, aId);
          releaseView(backend, outId);
        }
      }
    } finally {
      if (bViewId) releaseView(backend, bViewId);
    }
    return out;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** True where the stock kernel already takes XNNPACK or where this module does not apply. */
function stockIsFine(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, p: MatMulPlan): boolean {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return true; // the stock kernel reports it
  if (p.m === 0 || p.n === 0 || p.k === 0) return true;
  return !transposeA && !transposeB && product(p.batchA) === 1 && product(p.batchB) === 1;
}

/** How many matmuls each path took since load (for tests and diagnostics). */
export interface MatMulPathCounts {
  /** Handed to the stock kernel because it already takes XNNPACK (or cannot be helped). */
  stock: number;
  /** One XNNPACK product, batch folded into rows where B is shared. */
  folded: number;
  /** One XNNPACK product per output batch slice. */
  sliced: number;
  /** A 2-D product computed as (op(B)ᵀ·op(A)ᵀ)ᵀ, which copies fewer elements. */
  swapped: number;
}
const counts: MatMulPathCounts = { stock: 0, folded: 0, sliced: 0, swapped: 0 };

/** A snapshot of the path counters. */
export function matMulPathCounts(): MatMulPathCounts {
  return { ...counts };
}

const MARK = Symbol.for('cajal.fastWasmMatMul');
type Marked = KernelConfig & { [MARK]?: KernelConfig };

function kernelRegistry(tf: Tfjs): {
  get(name: string, backend: string): KernelConfig | undefined;
  register(config: KernelConfig): void;
  unregister(name: string, backend: string): void;
} {
  return {
    get: (name, backend) => tf.getKernel(name, backend) as unknown as KernelConfig | undefined,
    register: (config) => tf.registerKernel(config as unknown as Parameters<Tfjs['registerKernel']>[0]),
    unregister: (name, backend) => tf.unregisterKernel(name, backend),
  };
}

/**
 * Replaces the wasm `BatchMatMul` and `_FusedMatMul` kernels with the fast-path versions.
 * Idempotent. Call after `@tensorflow/tfjs-backend-wasm` is imported (e.g. after
 * `activateBackend('wasm')`); works whether or not the backend is already initialised.
 * The stock kernels stay reachable as the `original` of each override (used for the cases
 * XNNPACK already covers, and for non-float32 inputs, where they throw their usual error).
 */
export function registerFastWasmMatMul(tf: Tfjs): void {
  const registry = kernelRegistry(tf);
  const stockBatch = registry.get('BatchMatMul', 'wasm') as Marked | undefined;
  const stockFused = registry.get('_FusedMatMul', 'wasm') as Marked | undefined;
  if (!stockBatch || !stockFused) {
    throw new Error('registerFastWasmMatMul: the wasm backend kernels are not registered (import @tensorflow/tfjs-backend-wasm first)');
  }

  if (!stockBatch[MARK]) {
    const original = stockBatch;
    const batchMatMul: KernelFunc = (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const transposeA = Boolean(args.attrs?.transposeA);
      const transposeB = Boolean(args.attrs?.transposeB);
      const p = plan(a, b, transposeA, transposeB);
      if (stockIsFine(a, b, transposeA, transposeB, p)) {
        counts.stock++;
        return original.kernelFunc(args);
      }
      return fastMatMul(args.backend as WasmBackend, a, b, transposeA, transposeB, p, LINEAR);
    };
    const config: Marked = {
      kernelName: 'BatchMatMul',
      backendName: 'wasm',
      kernelFunc: batchMatMul,
      ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
      ...(original.disposeFunc ? { disposeFunc: original.disposeFunc } : {}),
      [MARK]: original,
    };
    registry.unregister('BatchMatMul', 'wasm');
    registry.register(config);
  }

  if (!stockFused[MARK]) {
    const original = stockFused;
    const fusedMatMul: KernelFunc = (args) => {
      const { a, b, bias, preluActivationWeights } = args.inputs as {
        a: TensorInfo;
        b: TensorInfo;
        bias?: TensorInfo | null;
        preluActivationWeights?: TensorInfo | null;
      };
      const transposeA = Boolean(args.attrs?.transposeA);
      const transposeB = Boolean(args.attrs?.transposeB);
      const activation = ACTIVATION[String(args.attrs?.activation ?? 'linear')];
      const p = plan(a, b, transposeA, transposeB);
      if (
        stockIsFine(a, b, transposeA, transposeB, p) ||
        activation === undefined ||
        // XNNPACK reads N bias values; the stock slow path also broadcasts other sizes.
        (bias && (bias.shape.length !== 1 || bias.shape[0] !== p.n)) ||
        // Per-channel PReLU weights are applied per slice; other layouts stay with the stock kernel.
        (preluActivationWeights && product(preluActivationWeights.shape) !== p.n)
      ) {
        counts.stock++;
        return original.kernelFunc(args);
      }
      const backend = args.backend as WasmBackend;
      const epilogue: Epilogue = {
        activation,
        biasId: bias ? dataOf(backend, bias).id : 0,
        preluId: preluActivationWeights ? dataOf(backend, preluActivationWeights).id : 0,
        leakyreluAlpha: Number(args.attrs?.leakyreluAlpha ?? 0) || 0,
      };
      return fastMatMul(backend, a, b, transposeA, transposeB, p, epilogue);
    };
    const config: Marked = {
      kernelName: '_FusedMatMul',
      backendName: 'wasm',
      kernelFunc: fusedMatMul,
      ...(original.setupFunc ? { setupFunc: original.setupFunc } : {}),
      ...(original.disposeFunc ? { disposeFunc: original.disposeFunc } : {}),
      [MARK]: original,
    };
    registry.unregister('_FusedMatMul', 'wasm');
    registry.register(config);
  }
}

/** Puts the stock kernels back (for benchmarks and tests comparing both). */
export function unregisterFastWasmMatMul(tf: Tfjs): void {
  const registry = kernelRegistry(tf);
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const current = registry.get(name, 'wasm') as Marked | undefined;
    const original = current?.[MARK];
    if (!original) continue;
    registry.unregister(name, 'wasm');
    registry.register(original);
  }
}
