/**
 * The evaluator computes in numpy: matrices in float32, sums with numpy's pairwise summation, means
 * as float32 when their inputs are float32. These helpers reproduce that arithmetic so our numbers
 * agree with its TOML output digit for digit, not only within a tolerance.
 */

export const f32 = Math.fround;

type Round = (value: number) => number;
const identity: Round = (value) => value;

/** numpy's pairwise sum of `values[start, start + n)` (loops_utils.h), rounding every step with `round`. */
function pairwise(values: ArrayLike<number>, start: number, n: number, round: Round): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum = round(sum + values[start + i]!);
    return sum;
  }
  if (n <= 128) {
    const r = new Array<number>(8);
    for (let j = 0; j < 8; j++) r[j] = values[start + j]!;
    const whole = n - (n % 8);
    for (let i = 8; i < whole; i += 8) {
      for (let j = 0; j < 8; j++) r[j] = round(r[j]! + values[start + i + j]!);
    }
    let sum = round(round(round(r[0]! + r[1]!) + round(r[2]! + r[3]!)) + round(round(r[4]! + r[5]!) + round(r[6]! + r[7]!)));
    for (let i = whole; i < n; i++) sum = round(sum + values[start + i]!);
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return round(pairwise(values, start, half, round) + pairwise(values, start + half, n - half, round));
}

/** `np.sum` of a 1-D array: the first element, plus the pairwise sum of the rest (numpy's reduce). */
function numpySum(values: ArrayLike<number>, round: Round): number {
  if (values.length === 0) return 0;
  return round(values[0]! + pairwise(values, 1, values.length - 1, round));
}

/** `np.sum` over float64 values. */
export function sum64(values: ArrayLike<number>): number {
  return numpySum(values, identity);
}

/** `np.sum` over float32 values (the result is a float32). */
export function sum32(values: ArrayLike<number>): number {
  return numpySum(values, f32);
}

/** `np.mean` over float64 values; NaN for none, as numpy. */
export function mean64(values: ArrayLike<number>): number {
  return values.length === 0 ? Number.NaN : sum64(values) / values.length;
}

/** `np.mean` over float32 values: float32 accumulation and a float32 quotient. */
export function mean32(values: ArrayLike<number>): number {
  return values.length === 0 ? Number.NaN : f32(sum32(values) / values.length);
}

/** `np.argmax`: the first index of the largest value. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** A dense row-major float32 matrix with the evaluator's (gt + 1) × (pred + 1) layout, row 0 / column 0 = background. */
export class Matrix32 {
  readonly data: Float32Array;
  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.data = new Float32Array(rows * cols);
  }
  get(row: number, col: number): number {
    return this.data[row * this.cols + col]!;
  }
  set(row: number, col: number, value: number): void {
    this.data[row * this.cols + col] = value;
  }
  row(row: number): Float32Array {
    return this.data.subarray(row * this.cols, (row + 1) * this.cols);
  }
  column(col: number): Float32Array {
    const out = new Float32Array(this.rows);
    for (let r = 0; r < this.rows; r++) out[r] = this.data[r * this.cols + col]!;
    return out;
  }
  /** Rows picked by index (numpy fancy indexing `m[[0] + ids]`). */
  pickRows(rows: readonly number[]): Matrix32 {
    const out = new Matrix32(rows.length, this.cols);
    rows.forEach((source, target) => out.data.set(this.row(source), target * this.cols));
    return out;
  }
  max(): number {
    let best = -Infinity;
    for (const value of this.data) if (value > best) best = value;
    return best;
  }
  toArrays(): number[][] {
    return Array.from({ length: this.rows }, (_, r) => Array.from(this.row(r)));
  }
}
