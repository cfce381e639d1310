/**
 * The special functions of graph-tool 2.45's description length, reproduced value for value:
 * ln k!, its binomial with graph-tool's edge conventions, and log q(n, k) — including the quirks of
 * 2.45's partition-number table, because "identical to graph-tool's entropy()" is the contract.
 */
import { lnPartitionsAtMostAsymptotic } from '../sbm-math.js';

const HALF_LN_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const EXACT_FACTORIALS = 1024;
const lnFactorials = new Float64Array(EXACT_FACTORIALS);
for (let k = 2; k < EXACT_FACTORIALS; k++) lnFactorials[k] = lnFactorials[k - 1]! + Math.log(k);

/** lnΓ(z) for z ≥ 20 by Stirling's series (truncation error below 1e-17 relative there). */
function lnGammaLarge(z: number): number {
  const z2 = z * z;
  return (z - 0.5) * Math.log(z) - z + HALF_LN_TWO_PI + 1 / (12 * z) - 1 / (360 * z * z2) + 1 / (1260 * z * z2 * z2);
}

/** ln k! for an integer k ≥ 0 (exact sums below 1024, Stirling's series above). */
export function lnFactorial(k: number): number {
  return k < EXACT_FACTORIALS ? lnFactorials[k]! : lnGammaLarge(k + 1);
}

/** ln C(n, k) with graph-tool's `lbinom_fast` conventions: 0 when n = 0, k = 0 or k > n. */
export function lnBinomial(n: number, k: number): number {
  if (n === 0 || k === 0 || k > n) return 0;
  return lnFactorial(n) - lnFactorial(k) - lnFactorial(n - k);
}

/** graph-tool's q table is built up to this n at most (`_q_cache_max_n`). */
export const Q_CACHE_MAX_N = 10000;

/**
 * The largest n graph-tool 2.45 tabulates q for, for a degree-corrected BlockState of this graph in a
 * fresh process: `init_q_cache(max(2 max(E, N), 100))`, capped at 10000. (The table only ever grows
 * within one process; the committed fixtures clear it before each graph so that this holds.)
 */
export function graphToolQCacheLimit(nodeCount: number, edgeCount: number): number {
  return Math.min(Q_CACHE_MAX_N, Math.max(2 * Math.max(edgeCount, nodeCount), 100));
}

/**
 * Columns of graph-tool 2.45's partition table c(n, k), n = 0…limit, built lazily. Its recursion
 * is q(n, k) = q(n, k−1) + q(n−k, k) with q(n, 1) = 1, but the second term is taken as 0 whenever
 * k > n − k (q(m, k) = 0 for k > m instead of q(m, m)), so c undercounts the true number of
 * partitions (c(5, 5) = 2, not 7). It is what graph-tool prices degree histograms with, so we use it.
 * One consequence: c(n, k) = c(n, ⌊n/2⌋) for k ≥ n/2, so only columns k ≤ limit/2 are ever needed.
 */
class PartitionTable {
  private readonly columns: Float64Array[] = [];
  private readonly logColumns: Float64Array[] = [];
  constructor(readonly limit: number) {}

  /** ln c(n, k), 1 ≤ k ≤ ⌊n/2⌋ (or k = 1), n ≤ limit. */
  log(n: number, k: number): number {
    while (this.columns.length < k) this.addColumn();
    return this.logColumns[k - 1]![n]!;
  }

  private addColumn(): void {
    const k = this.columns.length + 1;
    const size = this.limit + 1;
    const col = new Float64Array(size);
    if (k === 1) {
      for (let n = 1; n < size; n++) col[n] = 1;
    } else {
      const prev = this.columns[k - 2]!;
      for (let n = 1; n < size; n++) col[n] = prev[n]! + (n - k >= k ? col[n - k]! : 0);
    }
    const logCol = new Float64Array(size);
    for (let n = 1; n < size; n++) logCol[n] = Math.log(col[n]!);
    this.columns.push(col);
    this.logColumns.push(logCol);
  }
}

const tables = new Map<number, PartitionTable>();

/**
 * graph-tool 2.45's `log_q(n, k)` for a q table built up to `limit` (graphToolQCacheLimit): the
 * table c above for n ≤ limit; above, `log_q_approx`: ln C(n−1, k−1) − ln k! when k < n^{1/4}
 * (few large parts), else Szekeres' uniform asymptotic (sbm-math.ts; agrees with graph-tool's to
 * ~1e-9 relative).
 */
export function graphToolLogQ(n: number, k: number, limit: number): number {
  if (n <= 0 || k < 1) return 0;
  if (k > n) k = n;
  if (n <= limit) {
    let table = tables.get(limit);
    if (!table) {
      table = new PartitionTable(limit);
      tables.set(limit, table);
    }
    return table.log(n, Math.min(k, Math.max(1, Math.floor(n / 2))));
  }
  if (k < Math.pow(n, 0.25)) return lnBinomialStd(n - 1, k - 1) - lnFactorial(k);
  // Szekeres' form solves for a root with dilogarithms (~µs): memoise, the fit asks again and again.
  const key = n * 1048576 + k;
  let v = approxMemo.get(key);
  if (v === undefined) {
    if (approxMemo.size > 1 << 20) approxMemo.clear();
    v = lnPartitionsAtMostAsymptotic(n, k);
    approxMemo.set(key, v);
  }
  return v;
}

const approxMemo = new Map<number, number>();

/** graph-tool's plain `lbinom` (0 when k ≥ n, unlike lbinom_fast). */
function lnBinomialStd(n: number, k: number): number {
  if (n === 0 || k === 0 || k >= n) return 0;
  return lnFactorial(n) - lnFactorial(k) - lnFactorial(n - k);
}

/**
 * graph-tool's `positive_w_log_P(N, x, α, β, ε)` for the microcanonical real-exponential model
 * (α = β = NaN, the default nested weights): ln of the density of N positive weights summing to x,
 * (N−1)!/x^{N−1}, and 0 when N ≤ 1 or x < ε.
 */
export function positiveWeightsLogP(count: number, sum: number, epsilon: number): number {
  if (count === 0) return 0;
  if (sum < epsilon || count === 1) return 0;
  return lnFactorial(count - 1) - (count - 1) * Math.log(sum);
}
