/**
 * Shared plumbing for the gradient kernels we add to the tfjs `wasm` backend (see index.ts).
 *
 * tfjs-backend-wasm keeps every tensor in the wasm heap; a kernel reads its inputs through views on
 * that heap and allocates its outputs with `makeOutput` (uninitialised `malloc` memory). Any
 * allocation may grow the heap and detach earlier views, so views are taken after the last
 * allocation, never kept across one. Only the few backend members used here are typed, structurally,
 * so that nothing depends on the backend's private class.
 */
import type { DataType, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tfjs } from '../../types.js';

/** The members of tfjs-backend-wasm's `BackendWasm` these kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The arguments every kernel function receives from the engine. */
export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: WasmBackendLike;
  attrs: NamedAttrMap;
}

/** Adapts a typed kernel body to tfjs' `KernelFunc` signature (whose backend is `{}`). */
export function kernelFunc(body: (args: KernelArgs) => TensorInfo): KernelFunc {
  return (params) => {
    const backend = params.backend as Partial<WasmBackendLike>;
    if (typeof backend.makeOutput !== 'function' || typeof backend.typedArrayFromHeap !== 'function') {
      throw new Error('wasm gradient kernel called with a backend that is not tfjs-backend-wasm');
    }
    return body({ inputs: params.inputs, backend: backend as WasmBackendLike, attrs: params.attrs ?? {} });
  };
}

/** The named input, or a clear error naming the kernel. */
export function input(inputs: NamedTensorInfoMap, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`${kernel}: missing input '${name}'`);
  return t;
}

/** A float32 view of a float32 tensor in the wasm heap (valid until the next allocation). */
export function f32(backend: WasmBackendLike, info: TensorInfo, kernel: string): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`${kernel}: expected float32 input, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Frees an intermediate allocated by `makeOutput` inside a kernel. */
export function release(backend: WasmBackendLike, info: TensorInfo): void {
  backend.disposeData(info.dataId, true);
}

/** A `[height, width]` pair from a tfjs scalar-or-pair attribute. */
export function pair(value: unknown, fallback: number, what: string, kernel: string): [number, number] {
  if (value == null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  throw new Error(`${kernel}: unsupported ${what} ${JSON.stringify(value)}`);
}

/** The conv2d geometry tfjs itself computes for these attributes (same padding rules as its kernels). */
export type ConvInfo = ReturnType<Tfjs['backend_util']['computeConv2DInfo']>;

/** tfjs' conv padding attribute: 'same' | 'valid' | a number | explicit [[0,0],[t,b],[l,r],[0,0]]. */
export type ConvPad = Parameters<Tfjs['backend_util']['computeConv2DInfo']>[4];

/** The padding attribute, checked to be one of the forms tfjs accepts. */
export function convPad(value: unknown, kernel: string): ConvPad {
  if (value === 'same' || value === 'valid' || typeof value === 'number') return value;
  if (Array.isArray(value) && value.length === 4) return value as ConvPad;
  throw new Error(`${kernel}: unsupported padding ${JSON.stringify(value)}`);
}

/** The dimRoundingMode attribute ('floor' | 'round' | 'ceil' | absent). */
export function roundingMode(value: unknown, kernel: string): 'floor' | 'round' | 'ceil' | undefined {
  if (value == null) return undefined;
  if (value === 'floor' || value === 'round' || value === 'ceil') return value;
  throw new Error(`${kernel}: unsupported dimRoundingMode ${JSON.stringify(value)}`);
}

/**
 * tfjs' own conv geometry for a kernel's attributes (strides, dilations, pad, dimRoundingMode),
 * NHWC, so our kernels pad and stride exactly as tfjs' forward ops do.
 */
export function convInfoFromAttrs(
  tf: Tfjs,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: NamedAttrMap,
  depthwise: boolean,
  kernel: string,
): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    pair(attrs['strides'], 1, 'strides', kernel),
    pair(attrs['dilations'], 1, 'dilations', kernel),
    convPad(attrs['pad'], kernel),
    roundingMode(attrs['dimRoundingMode'], kernel),
    depthwise,
    'channelsLast',
  );
}

/** Only NHWC is implemented; NCHW would silently mean different strides, so it is refused. */
export function requireNhwc(dataFormat: unknown, kernel: string): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel}: only NHWC (channels-last) data is supported on wasm, got ${String(dataFormat)}`);
  }
}

/** The four numbers of a rank-4 shape, or a clear error. */
export function shape4(shape: number[], what: string, kernel: string): [number, number, number, number] {
  if (shape.length !== 4) throw new Error(`${kernel}: ${what} must be rank 4, got shape [${shape.join(', ')}]`);
  return [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
}
