/**
 * Fused optimiser kernels for the backends whose tensors live in CPU memory (`wasm`, `cpu`):
 * - `CajalGlobalNorm`: the L2 norm over many gradients and the clip factor of clip_grad_norm_;
 * - `CajalAdamW`: the AdamW update of a group of parameters (new weights, m and v);
 * - `CajalLerp`: a ← a + w·(b − a) over pairs of tensors (EMA of weights).
 *
 * Why: written with tfjs ops, AdamW is 13 elementwise kernels per parameter, the clip norm one
 * concatenated copy of every gradient and the EMA 3 kernels per parameter. On wasm each kernel is
 * a call through the engine (≈ 10 µs of bookkeeping, more than the arithmetic for a bias), and the
 * ops of one tidy keep every intermediate alive until it closes: for a 32 M-parameter model the
 * update held ≈ 10 parameter-sized temporaries, 1.3 GB of wasm's 4 GB heap (issue #19). Here one
 * call updates a whole group in one pass over plain typed arrays in float64 arithmetic (rounded to
 * float32 once when stored), and its outputs are the only allocation.
 *
 * Outputs are always new tensors, never the inputs written in place: the wasm matmul kernel caches
 * XNNPACK's packed copy of a weight per tensor id, so a weight changed under the same id would be
 * multiplied with stale values.
 * Other backends (webgpu, tfjs-node) keep the op path in optim.ts; `fusedKernelsFor` says which.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { DataType, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tfjs } from '../types.js';

export const ADAMW_KERNEL = 'CajalAdamW';
export const GLOBAL_NORM_KERNEL = 'CajalGlobalNorm';
export const LERP_KERNEL = 'CajalLerp';

/** The storage of one backend as these kernels see it: float32 arrays in and out. */
interface Storage {
  /** Allocates outputs; every `read` must come after the last allocation (wasm's heap may move). */
  alloc(shape: number[]): TensorInfo;
  read(info: TensorInfo): Float32Array;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}
interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  data: { get(dataId: object): { values?: unknown } | undefined };
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function storageOf(backendName: 'wasm' | 'cpu', backend: unknown, kernel: string): Storage {
  const check = (info: TensorInfo): void => {
    if (info.dtype !== 'float32') throw new Error(`${kernel}: expected float32 tensors, got ${info.dtype}`);
  };
  if (backendName === 'wasm') {
    const b = backend as WasmBackendLike;
    return {
      alloc: (shape) => b.makeOutput(shape, 'float32'),
      read: (info) => {
        check(info);
        return b.typedArrayFromHeap(info) as Float32Array;
      },
    };
  }
  const b = backend as CpuBackendLike;
  return {
    alloc: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(size(shape))),
    read: (info) => {
      check(info);
      const values = b.data.get(info.dataId)?.values;
      if (!(values instanceof Float32Array)) throw new Error(`${kernel}: a tensor without float32 values on the cpu backend`);
      return values;
    },
  };
}

function inputOf(inputs: NamedTensorInfoMap, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`${kernel}: missing input '${name}'`);
  return t;
}

function sameSize(a: TensorInfo, b: TensorInfo, kernel: string, what: string): void {
  if (size(a.shape) !== size(b.shape)) throw new Error(`${kernel}: ${what} has shape [${b.shape}], expected [${a.shape}]`);
}

/**
 * Inputs g0…g(n−1); attrs { count, clipNorm } (clipNorm ≤ 0: no clipping). Outputs [norm, factor]:
 * the global L2 norm (float64 sum of squares) and min(1, clipNorm / (norm + 1e-6)), as
 * torch.nn.utils.clip_grad_norm_ (factor 1 when clipNorm ≤ 0).
 */
function globalNorm(storage: Storage, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo[] {
  const count = Number(attrs.count);
  const clipNorm = Number(attrs.clipNorm);
  const grads = Array.from({ length: count }, (_, i) => inputOf(inputs, `g${i}`, GLOBAL_NORM_KERNEL));
  const normOut = storage.alloc([]);
  const factorOut = storage.alloc([]);
  let sum = 0;
  for (const info of grads) {
    const g = storage.read(info);
    // Four partial sums: independent additions pipeline better than one chain.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const n = g.length;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const a = g[i]!;
      const b = g[i + 1]!;
      const c = g[i + 2]!;
      const d = g[i + 3]!;
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    for (; i < n; i++) s0 += g[i]! * g[i]!;
    sum += s0 + s1 + s2 + s3;
  }
  const norm = Math.sqrt(sum);
  storage.read(normOut)[0] = norm;
  storage.read(factorOut)[0] = clipNorm > 0 ? Math.min(1, clipNorm / (norm + 1e-6)) : 1;
  return [normOut, factorOut];
}

/**
 * Inputs p_i, g_i, m_i, v_i (i < count) and optionally `scale` (a scalar multiplying every
 * gradient: the clip factor); attrs { count, beta1, beta2, stepSize, epsHat, decay: number[] }
 * with decay[i] = 1 − lr·wd for a decayed parameter, 1 otherwise. Outputs [p′_0…, m′_0…, v′_0…]:
 *   g ← scale·g; m′ = β₁m + (1 − β₁)g; v′ = β₂v + (1 − β₂)g²; p′ = decay·p − stepSize·m′/(√v′ + epsHat),
 * which is torch.optim.AdamW with the bias corrections folded into stepSize and epsHat (optim.ts).
 */
function adamw(storage: Storage, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo[] {
  const count = Number(attrs.count);
  const beta1 = Number(attrs.beta1);
  const beta2 = Number(attrs.beta2);
  const stepSize = Number(attrs.stepSize);
  const epsHat = Number(attrs.epsHat);
  const decays = attrs.decay as number[];
  const k = ADAMW_KERNEL;
  const p = Array.from({ length: count }, (_, i) => inputOf(inputs, `p${i}`, k));
  const g = Array.from({ length: count }, (_, i) => inputOf(inputs, `g${i}`, k));
  const m = Array.from({ length: count }, (_, i) => inputOf(inputs, `m${i}`, k));
  const v = Array.from({ length: count }, (_, i) => inputOf(inputs, `v${i}`, k));
  for (let i = 0; i < count; i++) {
    sameSize(p[i]!, g[i]!, k, `gradient ${i}`);
    sameSize(p[i]!, m[i]!, k, `first moment ${i}`);
    sameSize(p[i]!, v[i]!, k, `second moment ${i}`);
  }
  const scaleInfo = inputs.scale ?? null;
  const outP = p.map((t) => storage.alloc([...t.shape]));
  const outM = p.map((t) => storage.alloc([...t.shape]));
  const outV = p.map((t) => storage.alloc([...t.shape]));
  const scale = scaleInfo ? storage.read(scaleInfo)[0]! : 1;
  const c1 = (1 - beta1) * scale;
  const c2 = (1 - beta2) * scale * scale;
  for (let i = 0; i < count; i++) {
    const pi = storage.read(p[i]!);
    const gi = storage.read(g[i]!);
    const mi = storage.read(m[i]!);
    const vi = storage.read(v[i]!);
    const po = storage.read(outP[i]!);
    const mo = storage.read(outM[i]!);
    const vo = storage.read(outV[i]!);
    // The decay is a float32 multiply, as torch's param.mul_(1 − lr·wd) and a separate tf.mul of
    // the weights by that factor (train.ts's scheduled decay): the same bits either way.
    const decay = Math.fround(decays[i]!);
    const n = pi.length;
    for (let j = 0; j < n; j++) {
      const gj = gi[j]!;
      const mj = beta1 * mi[j]! + c1 * gj;
      const vj = beta2 * vi[j]! + c2 * gj * gj;
      mo[j] = mj;
      vo[j] = vj;
      po[j] = Math.fround(decay * pi[j]!) - (stepSize * mj) / (Math.sqrt(vj) + epsHat);
    }
  }
  return [...outP, ...outM, ...outV];
}

/** Inputs a_i, b_i (i < count); attrs { count, weight }. Outputs a_i + weight·(b_i − a_i). */
function lerp(storage: Storage, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo[] {
  const count = Number(attrs.count);
  const w = Number(attrs.weight);
  const a = Array.from({ length: count }, (_, i) => inputOf(inputs, `a${i}`, LERP_KERNEL));
  const b = Array.from({ length: count }, (_, i) => inputOf(inputs, `b${i}`, LERP_KERNEL));
  a.forEach((t, i) => sameSize(t, b[i]!, LERP_KERNEL, `b${i}`));
  const out = a.map((t) => storage.alloc([...t.shape]));
  for (let i = 0; i < count; i++) {
    const ai = storage.read(a[i]!);
    const bi = storage.read(b[i]!);
    const o = storage.read(out[i]!);
    for (let j = 0; j < ai.length; j++) o[j] = ai[j]! + w * (bi[j]! - ai[j]!);
  }
  return out;
}

const BODIES: Record<string, (storage: Storage, inputs: NamedTensorInfoMap, attrs: NamedAttrMap) => TensorInfo[]> = {
  [ADAMW_KERNEL]: adamw,
  [GLOBAL_NORM_KERNEL]: globalNorm,
  [LERP_KERNEL]: lerp,
};

const FUSED_BACKENDS = ['wasm', 'cpu'] as const;
type FusedBackend = (typeof FUSED_BACKENDS)[number];

/**
 * Whether the active backend runs the fused kernels (registering them on first use). tfjs keeps
 * one kernel registry per module instance, so each worker thread registers its own.
 */
export function fusedKernelsFor(tf: Tfjs): boolean {
  const name = tf.getBackend() as string;
  if (!(FUSED_BACKENDS as readonly string[]).includes(name)) return false;
  const backendName = name as FusedBackend;
  for (const [kernelName, body] of Object.entries(BODIES)) {
    if (tf.getKernel(kernelName, backendName)) continue;
    const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => body(storageOf(backendName, backend, kernelName), inputs, attrs ?? {});
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
  return true;
}

/** Runs a fused kernel: `inputs` by name, the outputs in the kernel's order. */
export function runFused(tf: Tfjs, kernel: string, inputs: Record<string, tfTypes.Tensor>, attrs: NamedAttrMap): tfTypes.Tensor[] {
  const out = tf.engine().runKernel(kernel, inputs as unknown as tfTypes.NamedTensorMap, attrs);
  return (Array.isArray(out) ? out : [out]) as tfTypes.Tensor[];
}
