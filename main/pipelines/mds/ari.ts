/**
 * Adjusted Rand index (Hubert & Arabie 1985), as sklearn's `adjusted_rand_score`: the Rand index
 * of two labelings corrected for chance, 1 for identical partitions (up to renaming), ≈ 0 for
 * independent ones. The MDS reference logs it against known cell types (kmeans.py,
 * calculate_adjusted_rand_score); the baselines (baselines.ts) use it too.
 */

/** Labels may be any integers or strings; only equality matters. Both arrays must have one label per item. */
export function adjustedRandIndex(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`adjustedRandIndex: ${n} labels against ${b.length}`);
  // sklearn's special cases: no items, one item, or both labelings a single cluster / all singletons.
  if (n <= 1) return 1;
  const ia = indexLabels(a);
  const ib = indexLabels(b);
  const ka = ia.count;
  const kb = ib.count;
  if ((ka === 1 && kb === 1) || (ka === n && kb === n)) return 1;
  const table = new Float64Array(ka * kb);
  for (let i = 0; i < n; i++) table[ia.index[i]! * kb + ib.index[i]!]! += 1;
  const rows = new Float64Array(ka);
  const cols = new Float64Array(kb);
  let sumCells = 0;
  for (let r = 0; r < ka; r++) {
    for (let c = 0; c < kb; c++) {
      const v = table[r * kb + c]!;
      rows[r]! += v;
      cols[c]! += v;
      sumCells += pairs(v);
    }
  }
  let sumRows = 0;
  for (const v of rows) sumRows += pairs(v);
  let sumCols = 0;
  for (const v of cols) sumCols += pairs(v);
  const expected = (sumRows * sumCols) / pairs(n);
  const max = (sumRows + sumCols) / 2;
  if (max === expected) return 1;
  return (sumCells - expected) / (max - expected);
}

function pairs(v: number): number {
  return (v * (v - 1)) / 2;
}

function indexLabels(labels: ArrayLike<number | string>): { index: Int32Array; count: number } {
  const ids = new Map<number | string, number>();
  const index = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    let id = ids.get(l);
    if (id === undefined) ids.set(l, (id = ids.size));
    index[i] = id;
  }
  return { index, count: ids.size };
}
