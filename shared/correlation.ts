/**
 * Pearson's correlation coefficient, shared by the engine (PSTH reliability, rank correlations) and
 * the renderer (recorded vs generated rates): two passes (means, then centred sums) for accuracy.
 * NaN when either side is constant (as scipy, which warns and returns nan).
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new RangeError(`pearson: lengths differ (${n} vs ${b.length})`);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}
