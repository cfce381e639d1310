/**
 * Special functions of the SBM description length: ln k! as a table (every count in the
 * description length is an integer ≤ N² + N, and a lookup is ~50× cheaper than an lgamma), and the
 * number of integer partitions q(m, n) that prices degree histograms in the degree-corrected prior.
 */

const HALF_LN_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** lnΓ(z) for z ≥ 20 by Stirling's series; the truncation error is below 1e-17 relative there. */
function lnGammaLarge(z: number): number {
  const z2 = z * z;
  return (
    (z - 0.5) * Math.log(z) - z + HALF_LN_TWO_PI + 1 / (12 * z) - 1 / (360 * z * z2) + 1 / (1260 * z * z2 * z2)
  );
}

/**
 * ln k! for k = 0…size−1. Small k by exact cumulative sums; large k by Stirling's series directly,
 * so that the table does not accumulate a running rounding error over ~10⁵ additions.
 */
export function lnFactorialTable(size: number): Float64Array {
  const t = new Float64Array(Math.max(size, 2));
  const exactUpTo = Math.min(t.length, 32);
  for (let k = 1; k < exactUpTo; k++) t[k] = t[k - 1]! + Math.log(k);
  for (let k = exactUpTo; k < t.length; k++) t[k] = lnGammaLarge(k + 1);
  return t;
}

/** Dilogarithm Li₂(x) for 0 ≤ x ≤ 1 (power series, with Euler's reflection above ½). */
export function dilog(x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return (Math.PI * Math.PI) / 6;
  if (x > 0.5) return (Math.PI * Math.PI) / 6 - Math.log(x) * Math.log1p(-x) - dilogSeries(1 - x);
  return dilogSeries(x);
}

function dilogSeries(x: number): number {
  let sum = 0;
  let power = x;
  for (let k = 1; k < 200; k++) {
    const term = power / (k * k);
    sum += term;
    if (term < 1e-17 * sum) break;
    power *= x;
  }
  return sum;
}

/** Exact q(m, n) up to this m (a triangular table of ~5·10⁵ doubles, built once on first use). */
const EXACT_PARTITION_LIMIT = 1000;
let exactTable: Float64Array | null = null;

/** Offset of row m (entries n = 1…m) in the triangular table. */
function rowOffset(m: number): number {
  return (m * (m - 1)) / 2;
}

/**
 * q(m, n) for 1 ≤ n ≤ m ≤ EXACT_PARTITION_LIMIT by q(m, n) = q(m, n−1) + q(m−n, n): partitions
 * of m into at most n parts either use at most n−1 parts or have all n parts ≥ 1 (subtract 1 from
 * each). p(1000) ≈ 2.4·10³¹ so plain doubles hold every value with full relative precision.
 */
function buildExactTable(): Float64Array {
  const M = EXACT_PARTITION_LIMIT;
  const table = new Float64Array(rowOffset(M + 1));
  const q = (m: number, n: number): number => {
    if (m === 0) return 1;
    if (n <= 0) return 0;
    const nn = n > m ? m : n;
    return table[rowOffset(m) + nn - 1]!;
  };
  for (let m = 1; m <= M; m++) {
    const row = rowOffset(m);
    for (let n = 1; n <= m; n++) table[row + n - 1] = q(m, n - 1) + q(m - n, n);
  }
  return table;
}

/**
 * ln q(m, n), the number of partitions of m into at most n parts, i.e. the number of degree
 * histograms of n nodes whose degrees sum to m (the degree-histogram prior of Peixoto 2017).
 *
 * Exact for m ≤ 1000; above, Szekeres' uniform asymptotic (G. Szekeres, Q. J. Math. 2, 85
 * (1951); Peixoto 2017 uses the same):  q(m, n) ≈ f(u)/m · exp(√m g(u)),  u = n/√m,
 *   f(u) = v / (2^{3/2} π u) · [1 − (1 + u²/2) e^{−v}]^{−1/2},
 *   g(u) = 2v/u − u ln(1 − e^{−v}),
 * with v(u) the root of v = u √(Li₂(1 − e^{−v})) (the form −v²/2 − Li₂(1 − e^{v}) in the
 * literature equals Li₂(1 − e^{−v}) by the Landen identity, which avoids a negative argument).
 * For u → ∞ it tends to Hardy–Ramanujan's p(m) ≈ e^{π√(2m/3)} / (4√3 m), so it also covers n ≥ m.
 */
export function lnPartitionsAtMost(m: number, n: number): number {
  if (m <= 0) return 0;
  if (n <= 0) return Number.NEGATIVE_INFINITY;
  if (n === 1) return 0;
  if (n > m) n = m;
  if (n === 2) return Math.log(Math.floor(m / 2) + 1);
  // Exact closed form for three parts (the nearest integer to (m+3)²/12); the asymptotic is
  // weakest for tiny n.
  if (n === 3) return Math.log(Math.round(((m + 3) * (m + 3)) / 12));
  if (m <= EXACT_PARTITION_LIMIT) {
    exactTable ??= buildExactTable();
    return Math.log(exactTable[rowOffset(m) + n - 1]!);
  }
  return lnPartitionsAtMostAsymptotic(m, n);
}

/** Szekeres' approximation of ln q(m, n) alone (n ≤ m), exported to test it against the exact table. */
export function lnPartitionsAtMostAsymptotic(m: number, n: number): number {
  const sqrtM = Math.sqrt(m);
  const u = n / sqrtM;
  const v = szekeresV(u);
  const oneMinusExp = -Math.expm1(-v); // 1 − e^{−v}
  const bracket = oneMinusExp - 0.5 * u * u * Math.exp(-v); // 1 − (1 + u²/2) e^{−v}
  const lnF = Math.log(v / (2 * Math.SQRT2 * Math.PI * u)) - 0.5 * Math.log(bracket);
  const g = (2 * v) / u - u * Math.log(oneMinusExp);
  return lnF - Math.log(m) + sqrtM * g;
}

/** Root of h(v) = v − u √(Li₂(1 − e^{−v})) by safeguarded Newton (h < 0 near 0, > 0 far out). */
function szekeresV(u: number): number {
  let lo = 0;
  let hi = Math.max(u * u, (u * Math.PI) / Math.sqrt(6)) + 1;
  let v = Math.min(u * u, (u * Math.PI) / Math.sqrt(6));
  if (!(v > lo && v < hi)) v = 0.5 * (lo + hi);
  for (let iter = 0; iter < 100; iter++) {
    const L = dilog(-Math.expm1(-v));
    const sqrtL = Math.sqrt(L);
    const h = v - u * sqrtL;
    if (h < 0) lo = v;
    else hi = v;
    // d/dv Li₂(1 − e^{−v}) = v / (e^{v} − 1).
    const dL = v / Math.expm1(v);
    const dh = 1 - (u * dL) / (2 * sqrtL);
    let next = v - h / dh;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = 0.5 * (lo + hi);
    if (Math.abs(next - v) <= 1e-14 * v) return next;
    v = next;
  }
  return v;
}
