/**
 * The two inner loops of HALS's mode-0 pass (see `fusedLeadPass` in mttkrp.ts) as a WebAssembly
 * SIMD module, two float64 lanes per instruction:
 *
 *   lead:       V[i, :] = X[i, :] · KR           r dot products of length T, four components per load of X
 *   accumulate: W[q, :] += a_q X[i, :] + b_q X[i+1, :]   for every component q with a or b non-zero
 *
 * They are ~95 % of a fit's arithmetic, and V8 runs the same loops in plain JavaScript one scalar
 * multiply-add at a time. The module is assembled here from its opcodes (a few hundred bytes, no
 * toolchain or dependency) and validated by the engine at load; where SIMD is unavailable
 * `simdKernel()` returns null and the fit uses the JavaScript loops, which give the same numbers up
 * to summation order.
 *
 * Memory layout (all float64, rows padded to an even length `stride` so every row is whole v128
 * loads; the padding is zero in X and KR, so it adds nothing): the tensor's mode-0 rows, then KRᵀ
 * (rank rows), W (rank rows), V for two rows and the two rows' coefficients (2·rank each).
 */

// Opcodes used below (WebAssembly core 2.0 + fixed-width SIMD).
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const VOID = 0x40;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const I32_CONST = 0x41;
const I32_EQZ = 0x45;
const I32_LT_U = 0x49;
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const F64_NE = 0x62;
const I32_OR = 0x72;
const F64_ADD = 0xa0;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00];
const V128_STORE = [SIMD, 0x0b];
const F64X2_SPLAT = [SIMD, 0x14];
const F64X2_EXTRACT_LANE = [SIMD, 0x21];
const F64X2_ADD = [SIMD, 0xf0, 0x01];
const F64X2_MUL = [SIMD, 0xf2, 0x01];
/** f64.const 0: the opcode and eight zero bytes. */
const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
/** A zero vector, as f64x2.splat of f64.const 0. */
const F64X2_ZERO = [...F64_ZERO, ...F64X2_SPLAT];

function unsigned(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function signed(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const get = (local: number) => [LOCAL_GET, ...unsigned(local)];
const set = (local: number) => [LOCAL_SET, ...unsigned(local)];
const tee = (local: number) => [LOCAL_TEE, ...unsigned(local)];
const i32 = (value: number) => [I32_CONST, ...signed(value)];
/** memarg: alignment exponent and offset. */
const v128Load = (offset = 0) => [...V128_LOAD, 4, ...unsigned(offset)];
const v128Store = () => [...V128_STORE, 4, 0];
const f64Load = () => [F64_LOAD, 3, 0];
const f64Store = () => [F64_STORE, 3, 0];
/** local += step (i32). */
const bump = (local: number, step: number[]) => [...get(local), ...step, I32_ADD, ...set(local)];
/** Sum of a v128 accumulator's two lanes. */
const lanes = (local: number) => [...get(local), ...F64X2_EXTRACT_LANE, 0, ...get(local), ...F64X2_EXTRACT_LANE, 1, F64_ADD];

function section(id: number, body: number[]): number[] {
  return [id, ...unsigned(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...unsigned(bytes.length), ...bytes];
}

/** A function body: locals as (count, type) runs, then code. */
function body(locals: [number, number][], code: number[]): number[] {
  const content = [...vector(locals.map(([count, type]) => [...unsigned(count), type])), ...code, END];
  return [...unsigned(content.length), ...content];
}

/**
 * lead(x, k, n2, r, out): out[c] = Σ_t x[t]·k[c·stride + t] for c < r, with stride = 2·n2 doubles.
 * Params 0–4; locals: 5 stride (bytes), 6 c, 7 t (byte offset), 8–11 component row pointers,
 * 12–15 v128 accumulators, 16 x vector, 17 r rounded down to a multiple of 4.
 */
function leadBody(): number[] {
  const X = 0;
  const K = 1;
  const N2 = 2;
  const R = 3;
  const OUT = 4;
  const STRIDE = 5;
  const C = 6;
  const T = 7;
  const P0 = 8;
  const P1 = 9;
  const P2 = 10;
  const P3 = 11;
  const A0 = 12;
  const A1 = 13;
  const A2 = 14;
  const A3 = 15;
  const XV = 16;
  const R4 = 17;
  const accumulate = (acc: number, pointer: number) => [
    ...get(acc),
    ...get(XV),
    ...get(pointer),
    ...get(T),
    I32_ADD,
    ...v128Load(),
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(acc),
  ];
  const store = (acc: number, index: number) => [
    ...get(OUT),
    ...get(C),
    ...i32(index),
    I32_ADD,
    ...i32(3),
    I32_SHL,
    I32_ADD,
    ...lanes(acc),
    ...f64Store(),
  ];
  const code = [
    // stride = n2 · 16 bytes; r4 = r & ~3; c = 0
    ...get(N2), ...i32(4), I32_SHL, ...set(STRIDE),
    ...get(R), ...i32(-4), I32_AND, ...set(R4),
    ...i32(0), ...set(C),
    // Four components at a time.
    ...get(R4), I32_EQZ, I32_EQZ, IF, VOID,
    LOOP, VOID,
    ...get(K), ...get(C), ...get(STRIDE), I32_MUL, I32_ADD, ...tee(P0),
    ...get(STRIDE), I32_ADD, ...tee(P1),
    ...get(STRIDE), I32_ADD, ...tee(P2),
    ...get(STRIDE), I32_ADD, ...set(P3),
    ...F64X2_ZERO, ...set(A0), ...F64X2_ZERO, ...set(A1), ...F64X2_ZERO, ...set(A2), ...F64X2_ZERO, ...set(A3),
    ...i32(0), ...set(T),
    LOOP, VOID,
    ...get(X), ...get(T), I32_ADD, ...v128Load(), ...set(XV),
    ...accumulate(A0, P0), ...accumulate(A1, P1), ...accumulate(A2, P2), ...accumulate(A3, P3),
    ...bump(T, i32(16)),
    ...get(T), ...get(STRIDE), I32_LT_U, BR_IF, 0,
    END,
    ...store(A0, 0), ...store(A1, 1), ...store(A2, 2), ...store(A3, 3),
    ...bump(C, i32(4)),
    ...get(C), ...get(R4), I32_LT_U, BR_IF, 0,
    END,
    END,
    // The remaining 0–3 components one at a time.
    BLOCK, VOID,
    LOOP, VOID,
    ...get(C), ...get(R), I32_LT_U, I32_EQZ, BR_IF, 1,
    ...get(K), ...get(C), ...get(STRIDE), I32_MUL, I32_ADD, ...set(P0),
    ...F64X2_ZERO, ...set(A0),
    ...i32(0), ...set(T),
    LOOP, VOID,
    ...get(X), ...get(T), I32_ADD, ...v128Load(), ...set(XV),
    ...accumulate(A0, P0),
    ...bump(T, i32(16)),
    ...get(T), ...get(STRIDE), I32_LT_U, BR_IF, 0,
    END,
    ...store(A0, 0),
    ...bump(C, i32(1)),
    BR, 0,
    END,
    END,
  ];
  return body([[3, I32], [4, I32], [5, V128], [1, I32]], code);
}

/**
 * accumulate(x0, x1, a, b, w, n2, r): w[q·stride + t] += a[q]·x0[t] + b[q]·x1[t] for q < r, skipping
 * components whose a and b are both zero (non-negative factors are sparse).
 * Params 0–6; locals: 7 stride, 8 q, 9 t, 10 w row pointer, 11 av (f64), 12 bv (f64), 13/14 splats.
 */
function accumulateBody(): number[] {
  const X0 = 0;
  const X1 = 1;
  const A = 2;
  const B = 3;
  const W = 4;
  const N2 = 5;
  const R = 6;
  const STRIDE = 7;
  const Q = 8;
  const T = 9;
  const P = 10;
  const AV = 11;
  const BV = 12;
  const AS = 13;
  const BS = 14;
  const coefficient = (base: number) => [...get(base!), ...get(Q), ...i32(3), I32_SHL, I32_ADD, ...f64Load()];
  const code = [
    ...get(N2), ...i32(4), I32_SHL, ...set(STRIDE),
    ...i32(0), ...set(Q),
    LOOP, VOID,
    ...coefficient(A), ...set(AV), ...coefficient(B), ...set(BV),
    // Only when (av ≠ 0) | (bv ≠ 0).
    ...get(AV), ...F64_ZERO, F64_NE, ...get(BV), ...F64_ZERO, F64_NE, I32_OR,
    IF, VOID,
    ...get(AV), ...F64X2_SPLAT, ...set(AS),
    ...get(BV), ...F64X2_SPLAT, ...set(BS),
    ...get(W), ...get(Q), ...get(STRIDE), I32_MUL, I32_ADD, ...set(P),
    ...i32(0), ...set(T),
    LOOP, VOID,
    ...get(P), ...get(T), I32_ADD,
    ...get(P), ...get(T), I32_ADD, ...v128Load(),
    ...get(AS), ...get(X0), ...get(T), I32_ADD, ...v128Load(), ...F64X2_MUL, ...F64X2_ADD,
    ...get(BS), ...get(X1), ...get(T), I32_ADD, ...v128Load(), ...F64X2_MUL, ...F64X2_ADD,
    ...v128Store(),
    ...bump(T, i32(16)),
    ...get(T), ...get(STRIDE), I32_LT_U, BR_IF, 0,
    END,
    END,
    ...bump(Q, i32(1)),
    ...get(Q), ...get(R), I32_LT_U, BR_IF, 0,
    END,
  ];
  return body([[4, I32], [2, F64], [2, V128]], code);
}

function moduleBytes(): Uint8Array {
  const types = vector([
    [0x60, ...vector(Array.from({ length: 5 }, () => [I32])), 0],
    [0x60, ...vector(Array.from({ length: 7 }, () => [I32])), 0],
  ]);
  const functions = vector([[0], [1]]);
  const memory = vector([[0x00, 1]]);
  const exports = vector([
    [...name('lead'), 0x00, 0],
    [...name('accumulate'), 0x00, 1],
    [...name('memory'), 0x02, 0],
  ]);
  const code = [...unsigned(2), ...leadBody(), ...accumulateBody()];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(3, functions),
    ...section(5, memory),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

interface Exports {
  lead(x: number, k: number, n2: number, r: number, out: number): void;
  accumulate(x0: number, x1: number, a: number, b: number, w: number, n2: number, r: number): void;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

/** The compiled module, or null where this engine has no WebAssembly SIMD. */
function compiledModule(): object | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = wasm && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

const PAGE_BYTES = 65536;

/**
 * The fused mode-0 pass of one tensor in WebAssembly memory. The tensor is copied in once (padded
 * rows) and reused by every fit of that tensor in this thread, whatever its rank.
 */
export class SimdLeadPass {
  private readonly exports: Exports;
  private readonly rows: number;
  private readonly length: number;
  /** Row length in doubles, even. */
  private readonly stride: number;
  private memory: Float64Array | null = null;

  constructor(x: { shape: readonly number[]; data: Float64Array }, module: object) {
    this.exports = new wasm!.Instance(module).exports as Exports;
    this.rows = x.shape[0]!;
    this.length = x.data.length / this.rows;
    this.stride = this.length + (this.length % 2);
    const memory = this.reserve(0);
    for (let i = 0; i < this.rows; i++) memory.set(x.data.subarray(i * this.length, (i + 1) * this.length), i * this.stride);
  }

  /** Grows the memory to hold the tensor plus the rank-dependent regions; returns a fresh view. */
  private reserve(rank: number): Float64Array {
    const doubles = this.rows * this.stride + 2 * rank * this.stride + 4 * rank;
    const memory = this.exports.memory;
    const needed = Math.ceil((doubles * 8) / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
    if (needed > 0) memory.grow(needed);
    if (needed > 0 || !this.memory) this.memory = new Float64Array(memory.buffer);
    return this.memory;
  }

  /**
   * Same contract as `fusedLeadPass` (mttkrp.ts): for each row, V[i, :] into `lead`, `updateRow(i)`
   * rewrites factor row i, then W = U₀ᵀ ×₀ X into `contracted` (rank × length).
   */
  run(krT: Float64Array, rank: number, factor: Float64Array, updateRow: (row: number) => void, lead: Float64Array, contracted: Float64Array): void {
    const memory = this.reserve(rank);
    const { rows, length, stride } = this;
    const kr = rows * stride;
    const w = kr + rank * stride;
    const v = w + rank * stride;
    const a = v + rank;
    const b = a + rank;
    for (let r = 0; r < rank; r++) {
      memory.set(krT.subarray(r * length, (r + 1) * length), kr + r * stride);
      if (stride > length) memory[kr + r * stride + length] = 0;
    }
    memory.fill(0, w, v);
    const n2 = stride / 2;
    const { lead: leadRow, accumulate } = this.exports;
    for (let i = 0; i < rows; i += 2) {
      const pair = i + 1 < rows;
      for (let j = i; j < (pair ? i + 2 : i + 1); j++) {
        leadRow(j * stride * 8, kr * 8, n2, rank, v * 8);
        for (let r = 0; r < rank; r++) lead[j * rank + r] = memory[v + r]!;
        updateRow(j);
        const coefficients = j === i ? a : b;
        for (let r = 0; r < rank; r++) memory[coefficients + r] = factor[j * rank + r]!;
      }
      if (!pair) memory.fill(0, b, b + rank);
      accumulate(i * stride * 8, (pair ? i + 1 : i) * stride * 8, a * 8, b * 8, w * 8, n2, rank);
    }
    for (let r = 0; r < rank; r++) contracted.set(memory.subarray(w + r * stride, w + r * stride + length), r * length);
  }
}

const passes = new WeakMap<Float64Array, SimdLeadPass>();

/** The SIMD pass for this tensor (cached per tensor), or null without WebAssembly SIMD. */
export function simdLeadPass(x: { shape: readonly number[]; data: Float64Array }): SimdLeadPass | null {
  const module = compiledModule();
  if (!module) return null;
  let pass = passes.get(x.data);
  if (!pass) {
    pass = new SimdLeadPass(x, module);
    passes.set(x.data, pass);
  }
  return pass;
}
