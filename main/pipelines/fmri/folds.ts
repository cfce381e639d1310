/**
 * Stratified k-fold assignment, reproducing scikit-learn 1.2's `StratifiedKFold(n_splits=k,
 * shuffle=False)._make_test_folds` exactly, so a python reference run on the same strata gets the
 * same folds (numpy's shuffling RNG is not reproduced; `seed` ≠ 0 uses our own, see below).
 *
 * For the ABIDE probes the strata are site × target ("PITT|ASD"): every test fold then holds each
 * site in the cohort's proportions and, within a site, both classes in that site's proportions. Site is
 * confounded with diagnosis and scan length in this cohort (PITT/OLIN/OHSU; OHSU is all ASD), so a fold
 * that over-represented one site would reward learning the site rather than the target.
 */
import { ValidationError } from '../../errors.js';

/** The stratum of each subject: `site|label`, or the label alone without sites. */
export function strata(labels: readonly string[], sites: readonly string[] | null): string[] {
  if (sites && sites.length !== labels.length) {
    throw new ValidationError('sites', `${sites.length} sites for ${labels.length} subjects`);
  }
  return labels.map((label, i) => (sites ? `${sites[i]}|${label}` : label));
}

/** 32-bit seeded generator (mulberry32): small, fast and the same on every platform. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Test fold (0 … k − 1) of every sample. Classes are numbered by first appearance; the number of each
 * class's samples per fold comes from dealing the class-sorted sample list round-robin over the folds;
 * each class's samples then fill fold 0, 1, … in data order (sklearn's blocks). With `seed` ≠ 0 the
 * fold labels within each class are permuted by a seeded Fisher–Yates shuffle (same fold sizes as
 * sklearn's shuffle=True, not the same membership).
 */
export function stratifiedFolds(y: readonly string[], k: number, seed = 0): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new ValidationError('folds', `needs an integer ≥ 2, got ${k}`);
  if (k > y.length) throw new ValidationError('folds', `${k} folds for ${y.length} subjects`);
  const codeOf = new Map<string, number>();
  const encoded = y.map((label) => {
    let code = codeOf.get(label);
    if (code === undefined) {
      code = codeOf.size;
      codeOf.set(label, code);
    }
    return code;
  });
  const classCount = codeOf.size;
  const counts = new Array<number>(classCount).fill(0);
  for (const c of encoded) counts[c]!++;
  if (counts.every((c) => c < k)) {
    throw new ValidationError('folds', `${k} folds is more than the number of subjects in every stratum (largest ${Math.max(...counts)})`);
  }
  // allocation[f][c]: samples of class c in test fold f = how many of the sorted codes y_order[f::k] are c.
  const sorted = [...encoded].sort((a, b) => a - b);
  const allocation = Array.from({ length: k }, () => new Array<number>(classCount).fill(0));
  sorted.forEach((c, i) => allocation[i % k]![c]!++);
  const random = seed !== 0 ? generator(seed) : null;
  const testFold = new Int32Array(y.length);
  for (let c = 0; c < classCount; c++) {
    const foldsForClass: number[] = [];
    for (let f = 0; f < k; f++) for (let r = 0; r < allocation[f]![c]!; r++) foldsForClass.push(f);
    if (random) {
      for (let i = foldsForClass.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [foldsForClass[i], foldsForClass[j]] = [foldsForClass[j]!, foldsForClass[i]!];
      }
    }
    let next = 0;
    encoded.forEach((code, i) => {
      if (code === c) testFold[i] = foldsForClass[next++]!;
    });
  }
  return testFold;
}
