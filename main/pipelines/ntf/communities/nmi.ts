/**
 * Normalised mutual information between two labellings, the score Dyballa et al. report against
 * planted LFR communities. Defined to agree with scikit-learn's
 * `normalized_mutual_info_score(a, b)` (average_method='arithmetic'), the reference their notebook
 * uses, including its conventions for degenerate labellings:
 *   - both labellings with one cluster (or both empty): 1 (identical, trivially);
 *   - otherwise MI = 0 (e.g. exactly one side has a single cluster): 0;
 *   - NMI = I(A; B) / ((H(A) + H(B)) / 2), natural logs (the base cancels).
 */
import { ValidationError } from '../../../errors.js';

/** Dense 0…k−1 ids for arbitrary numeric labels, and the count of each. */
function encode(labels: ArrayLike<number>, field: string): { ids: Int32Array; counts: number[] } {
  const map = new Map<number, number>();
  const ids = new Int32Array(labels.length);
  const counts: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (Number.isNaN(label)) throw new ValidationError(field, `label ${i} is NaN`);
    let id = map.get(label);
    if (id === undefined) {
      id = counts.length;
      map.set(label, id);
      counts.push(0);
    }
    counts[id]!++;
    ids[i] = id;
  }
  return { ids, counts };
}

/** Shannon entropy (nats) of a labelling from its cluster sizes. */
function entropy(counts: number[], total: number): number {
  if (counts.length <= 1) return 0;
  const lnTotal = Math.log(total);
  let h = 0;
  for (const c of counts) h -= (c / total) * (Math.log(c) - lnTotal);
  return h;
}

export function normalizedMutualInformation(labelsA: ArrayLike<number>, labelsB: ArrayLike<number>): number {
  if (labelsA.length !== labelsB.length) {
    throw new ValidationError('labelsB', `length ${labelsB.length} does not match labelsA's ${labelsA.length}`);
  }
  const a = encode(labelsA, 'labelsA');
  const b = encode(labelsB, 'labelsB');
  const ka = a.counts.length;
  const kb = b.counts.length;
  if ((ka === 1 && kb === 1) || (ka === 0 && kb === 0)) return 1;
  if (ka === 1 || kb === 1) return 0;
  const n = labelsA.length;
  // Contingency table, sparse: only the occupied cells contribute.
  const cells = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = a.ids[i]! * kb + b.ids[i]!;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const lnN = Math.log(n);
  let mi = 0;
  for (const [key, c] of cells) {
    const ai = a.counts[Math.floor(key / kb)]!;
    const bj = b.counts[key % kb]!;
    // p_ij ln(p_ij / (p_i p_j)) = (c/n) [ln c − ln n − ln(a_i b_j) + 2 ln n]; terms within one ulp of
    // zero are dropped, as scikit-learn does, so that independent labellings give exactly 0.
    const term = (c / n) * (Math.log(c) - lnN) + (c / n) * (-Math.log(ai * bj) + lnN + lnN);
    if (Math.abs(term) >= Number.EPSILON) mi += term;
  }
  if (mi <= 0) return 0;
  const normalizer = 0.5 * (entropy(a.counts, n) + entropy(b.counts, n));
  return mi / normalizer;
}
