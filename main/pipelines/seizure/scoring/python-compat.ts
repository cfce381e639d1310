/**
 * The few Python/NumPy semantics that the reference scorers (timescoring 0.0.7, epilepsy2bids
 * 0.0.7, szcore-evaluation) rely on implicitly, so that our numbers come out bit for bit the same.
 * JavaScript's defaults differ on each of them:
 *  - `round(x)` rounds halves to even (Math.round rounds them up);
 *  - `int(x)` truncates toward zero (Math.floor would differ for negative onsets);
 *  - slicing `a[lo:hi]` wraps negative bounds from the end and clips out-of-range ones;
 *  - `'{:.2f}'.format(x)` breaks exact ties to even (Number#toFixed breaks them away from zero);
 *  - `np.sum` of a float array adds pairwise with eight accumulators, which changes the last
 *    bits of the per-subject means and standard deviations once there are 8 or more subjects.
 */

/** Python's built-in `round(x)` on a float: nearest integer, exact halves to the even one. */
export function pyRound(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x} to an integer`);
  const floor = Math.floor(x);
  const frac = x - floor; // exact in binary floating point
  if (frac < 0.5) return floor;
  if (frac > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Python's `int(x)` on a float: truncation toward zero. */
export function pyInt(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot convert ${x} to an integer`);
  return Math.trunc(x) + 0; // + 0 turns -0 into 0
}

/**
 * The index range `[start, end)` that Python's `seq[lo:hi]` covers in a sequence of `length`
 * items: a negative bound counts from the end (and is clipped at 0), a bound past the end is
 * clipped to `length`, and `hi <= lo` is an empty range.
 */
export function pySlice(length: number, lo: number, hi: number): [start: number, end: number] {
  const clip = (i: number): number => {
    if (i < 0) return Math.max(0, i + length);
    return Math.min(i, length);
  };
  const start = clip(lo);
  const end = clip(hi);
  return [start, Math.max(start, end)];
}

/**
 * Python's `'{:.2f}'.format(x)`. Both languages round the exact binary value, so they agree except
 * on exact ties, which for two decimals are the odd multiples of 1/8 (0.125, 0.375, ...): Python
 * picks the even last digit, `toFixed` the larger magnitude.
 */
export function pyFormat2f(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const eighths = x * 8; // exact
  if (Number.isInteger(eighths) && Math.abs(eighths) % 2 === 1) {
    const sign = x < 0 ? '-' : '';
    const hundredthsDown = Math.floor(Math.abs(x) * 100); // |x|*100 = k + 0.5 exactly representable
    const hundredths = hundredthsDown % 2 === 0 ? hundredthsDown : hundredthsDown + 1;
    const whole = Math.floor(hundredths / 100);
    const cents = String(hundredths % 100).padStart(2, '0');
    return `${sign}${whole}.${cents}`;
  }
  return x.toFixed(2);
}

/**
 * NumPy's float64 `np.sum` over a contiguous 1-D array: fewer than 8 values are added in order;
 * up to 128 are added into 8 interleaved partial sums that are then combined as
 * ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) before the remainder is added in order; longer arrays are
 * split in two halves (the first a multiple of 8 long) summed recursively.
 */
export function npSum(values: ArrayLike<number>, start = 0, n = values.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += values[start + i + j]!;
    // prettier-ignore
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += values[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return npSum(values, start, n2) + npSum(values, start + n2, n - n2);
}

/** `np.nanmean`: NaNs are replaced by 0 for the (pairwise) sum and left out of the count. */
export function npNanMean(values: readonly number[]): number {
  const zeroed = values.map((v) => (Number.isNaN(v) ? 0 : v));
  const count = values.filter((v) => !Number.isNaN(v)).length;
  return count === 0 ? Number.NaN : npSum(zeroed) / count;
}

/**
 * `np.nanstd` (ddof 0): mean as in `npNanMean`, deviations with NaN positions set to 0, pairwise sum
 * of their squares divided by the count, square root.
 */
export function npNanStd(values: readonly number[]): number {
  const count = values.filter((v) => !Number.isNaN(v)).length;
  if (count === 0) return Number.NaN;
  const mean = npNanMean(values);
  const squares = values.map((v) => (Number.isNaN(v) ? 0 : (v - mean) * (v - mean)));
  return Math.sqrt(npSum(squares) / count);
}
