/**
 * Typed arrays in the API contract. Large numeric payloads (EEG pages, volumes, meshes) cross
 * Electron IPC as structured-clone typed arrays and the bridge as binary frames (binary-frame.ts),
 * never as JSON number arrays or base64, so a schema names each array's element type and the
 * client checks it on arrival.
 */
import { z } from 'zod';

/** The element types the wire carries, by the name that travels in frame headers. */
export const DTYPES = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;
export type DType = keyof typeof DTYPES;
interface TypedArrays {
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  uint32: Uint32Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}
/** Over any buffer: a view on a received payload or a subarray of a larger array alike. */
export type TypedArrayOf<D extends DType> = TypedArrays[D];
export type AnyTypedArray = TypedArrayOf<DType>;

export const DTYPE_NAMES = Object.keys(DTYPES) as DType[];

export function isDType(name: unknown): name is DType {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, name);
}

/** The dtype of a typed array the wire can carry; null for anything else (a DataView, a BigInt64Array). */
export function dtypeOf(value: unknown): DType | null {
  if (!ArrayBuffer.isView(value)) return null;
  for (const name of DTYPE_NAMES) if (value instanceof DTYPES[name]) return name;
  return null;
}

export interface TypedArrayOptions {
  /** Exact element count, when the schema alone fixes it (cross-field counts are checked by the parent's refine). */
  length?: number;
}

/**
 * A schema for one typed array of `dtype`: anything else (a number array, a base64 string, a
 * Float64Array where float32 is promised) is refused with a message that names both types.
 */
export function typedArray<D extends DType>(dtype: D, options: TypedArrayOptions = {}): z.ZodType<TypedArrayOf<D>> {
  return z.custom<TypedArrayOf<D>>().superRefine((value, ctx) => {
    const actual = dtypeOf(value);
    if (actual !== dtype) {
      const what = actual ?? (Array.isArray(value) ? 'a number array' : typeof value === 'string' ? 'a string' : typeof value);
      ctx.addIssue({ code: 'custom', message: `expected a ${dtype} array, got ${what}` });
      return;
    }
    if (options.length !== undefined && (value as AnyTypedArray).length !== options.length) {
      ctx.addIssue({ code: 'custom', message: `expected ${options.length} ${dtype} elements, got ${(value as AnyTypedArray).length}` });
    }
  });
}
