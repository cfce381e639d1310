/**
 * The matricised-tensor-times-Khatri-Rao products (MTTKRP) a CP fit spends its time in, organised as
 * a two-level dimension tree rooted at mode 0 (Phan, Tichavský & Cichocki 2013; Kaya & Uçar 2016):
 *
 *   mode 0:   V = X₍₀₎ · (U_{N−1} ⊙ … ⊙ U_1)            one pass over X
 *   then:     W = U_0ᵀ ×₀ X   (R × Π_{n≥1} Iₙ)           one pass over X
 *   mode m≥1: Mₘ from W and the other small factors      no pass over X
 *
 * so an iteration touches the full tensor twice whatever its order, instead of once per mode. Put the
 * largest mode first (neuron pairs in the affinity tensor). Plain loops over typed arrays: numpy would
 * call BLAS here, but the inner dimension (Π_{n≥1} Iₙ) is small and contiguous, so four independent
 * accumulators keep V8 close to one multiply-add per cycle.
 */
import type { DenseTensor } from './ktensor.js';

/** Product of the trailing modes' sizes: the length of one mode-0 slice. */
export function trailingSize(shape: readonly number[]): number {
  let size = 1;
  for (let n = 1; n < shape.length; n++) size *= shape[n]!;
  return size;
}

/**
 * Khatri-Rao product of the factors of modes 1…N−1, transposed: out[r·T + t] = Π_{n≥1} Uₙ[iₙ(t), r]
 * with t the C-order flat index over those modes.
 */
export function trailingKhatriRaoT(shape: readonly number[], factors: readonly Float64Array[], rank: number, out: Float64Array): void {
  const total = trailingSize(shape);
  for (let r = 0; r < rank; r++) {
    const row = r * total;
    out[row] = 1;
    let length = 1;
    // Grow the product mode by mode: each existing entry fans out over the next mode's rows.
    for (let n = 1; n < shape.length; n++) {
      const size = shape[n]!;
      const factor = factors[n]!;
      for (let t = length - 1; t >= 0; t--) {
        const value = out[row + t]!;
        const base = row + t * size;
        for (let i = size - 1; i >= 0; i--) out[base + i] = value * factor[i * rank + r]!;
      }
      length *= size;
    }
  }
}

/** V = X₍₀₎ · KR, with krT from `trailingKhatriRaoT`: out is I₀ × R. */
export function mttkrpLead(x: DenseTensor, krT: Float64Array, rank: number, out: Float64Array): void {
  const rows = x.shape[0]!;
  const length = trailingSize(x.shape);
  const data = x.data;
  const tail = length - (length % 4);
  for (let i = 0; i < rows; i++) {
    const xRow = i * length;
    for (let r = 0; r < rank; r++) {
      const kRow = r * length;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t = 0;
      for (; t < tail; t += 4) {
        s0 += data[xRow + t]! * krT[kRow + t]!;
        s1 += data[xRow + t + 1]! * krT[kRow + t + 1]!;
        s2 += data[xRow + t + 2]! * krT[kRow + t + 2]!;
        s3 += data[xRow + t + 3]! * krT[kRow + t + 3]!;
      }
      for (; t < length; t++) s0 += data[xRow + t]! * krT[kRow + t]!;
      out[i * rank + r] = s0 + s1 + s2 + s3;
    }
  }
}

/**
 * W = U₀ᵀ ×₀ X: out[r·T + t] = Σᵢ U₀[i, r] · X[i, t]. Non-negative factors are often sparse, so zero
 * loadings are skipped.
 */
export function contractLead(x: DenseTensor, lead: Float64Array, rank: number, out: Float64Array): void {
  const rows = x.shape[0]!;
  const length = trailingSize(x.shape);
  const data = x.data;
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const xRow = i * length;
    for (let r = 0; r < rank; r++) {
      const a = lead[i * rank + r]!;
      if (a === 0) continue;
      const wRow = r * length;
      for (let t = 0; t < length; t++) out[wRow + t]! += a * data[xRow + t]!;
    }
  }
}

/**
 * Mode-m MTTKRP (m ≥ 1) from the contracted tensor W: out[iₘ, r] = Σ_t W[r, t] Π_{n≥1, n≠m} Uₙ[iₙ(t), r].
 */
export function mttkrpFromContracted(
  contracted: Float64Array,
  shape: readonly number[],
  factors: readonly Float64Array[],
  rank: number,
  mode: number,
  out: Float64Array,
): void {
  const modes = shape.length;
  const length = trailingSize(shape);
  out.fill(0);
  const index = new Array<number>(modes).fill(0);
  const product = new Float64Array(rank);
  for (let t = 0; t < length; t++) {
    for (let r = 0; r < rank; r++) product[r] = contracted[r * length + t]!;
    for (let n = 1; n < modes; n++) {
      if (n === mode) continue;
      const base = index[n]! * rank;
      const factor = factors[n]!;
      for (let r = 0; r < rank; r++) product[r]! *= factor[base + r]!;
    }
    const target = index[mode]! * rank;
    for (let r = 0; r < rank; r++) out[target + r]! += product[r]!;
    for (let n = modes - 1; n >= 1; n--) {
      if (++index[n]! < shape[n]!) break;
      index[n] = 0;
    }
  }
}

/**
 * The mode-0 step of a HALS iteration fused into ONE pass over X (instead of `mttkrpLead`, the
 * update, then `contractLead`): HALS's mode-0 update is separable by rows — row i of U₀ depends only
 * on row i of V = X₍₀₎·KR, on its own entries and on the Gram product G — so for each row, while
 * X[i, :] is in L1 cache, it (1) forms V[i, :], (2) runs `update` on that row, (3) adds U₀[i, r]·X[i, :]
 * to W = U₀ᵀ ×₀ X. Same arithmetic per row as the three separate passes (up to summation order in
 * V), half the memory traffic: the affinity tensor (~4 MB) does not fit in L2, so the separate passes
 * were bandwidth-bound. V is written to `lead` for the error identity; W to `contracted`.
 * The dot products take four components at a time, so each X[i, t] load serves four multiply-adds.
 */
export function fusedLeadPass(
  x: DenseTensor,
  krT: Float64Array,
  rank: number,
  factor: Float64Array,
  updateRow: (row: number) => void,
  lead: Float64Array,
  contracted: Float64Array,
): void {
  const rows = x.shape[0]!;
  const length = trailingSize(x.shape);
  const data = x.data;
  contracted.fill(0);
  // Rows go in pairs: both rows' V and updates first, then one sweep adds both rows to W, so each
  // W entry is loaded and stored once per two rows.
  for (let i = 0; i < rows; i += 2) {
    const pair = i + 1 < rows;
    leadRow(data, i * length, length, krT, rank, lead, i * rank);
    updateRow(i);
    if (pair) {
      leadRow(data, (i + 1) * length, length, krT, rank, lead, (i + 1) * rank);
      updateRow(i + 1);
    }
    const x0 = i * length;
    const x1 = x0 + length;
    for (let q = 0; q < rank; q++) {
      const a = factor[i * rank + q]!;
      const b = pair ? factor[(i + 1) * rank + q]! : 0;
      if (a === 0 && b === 0) continue;
      const wRow = q * length;
      if (b === 0) {
        for (let t = 0; t < length; t++) contracted[wRow + t]! += a * data[x0 + t]!;
      } else if (a === 0) {
        for (let t = 0; t < length; t++) contracted[wRow + t]! += b * data[x1 + t]!;
      } else {
        for (let t = 0; t < length; t++) contracted[wRow + t]! += a * data[x0 + t]! + b * data[x1 + t]!;
      }
    }
  }
}

/** V[i, :] = X[i, :] · KR, four components per pass over the row. */
function leadRow(data: Float64Array, xRow: number, length: number, krT: Float64Array, rank: number, lead: Float64Array, out: number): void {
  const blocked = rank - (rank % 4);
  let r = 0;
  for (; r < blocked; r += 4) {
    const k0 = r * length;
    const k1 = k0 + length;
    const k2 = k1 + length;
    const k3 = k2 + length;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < length; t++) {
      const v = data[xRow + t]!;
      s0 += v * krT[k0 + t]!;
      s1 += v * krT[k1 + t]!;
      s2 += v * krT[k2 + t]!;
      s3 += v * krT[k3 + t]!;
    }
    lead[out + r] = s0;
    lead[out + r + 1] = s1;
    lead[out + r + 2] = s2;
    lead[out + r + 3] = s3;
  }
  for (; r < rank; r++) {
    const k0 = r * length;
    let s0 = 0;
    for (let t = 0; t < length; t++) s0 += data[xRow + t]! * krT[k0 + t]!;
    lead[out + r] = s0;
  }
}
