/**
 * Dense linear algebra for the connectivity pipeline: small (≤ a few hundred) symmetric matrices in
 * row-major `Float64Array`s. The repository had no eigen-solver (only tfjs, which works in float32),
 * and the tangent embedding needs float64 eigen-decompositions of every subject's whitened
 * covariance at every iteration of the geometric mean, so this one is written for speed:
 * Householder reduction to tridiagonal form followed by the implicit QL algorithm with Wilkinson-like
 * shifts (the EISPACK tred2/tql2 scheme), ~9 n³ flops with eigenvectors, backward stable (residuals
 * ~1e-15 ‖A‖). The working matrix is kept transposed so every inner loop runs over contiguous memory.
 *
 * Matrix functions of symmetric matrices (sqrt, inverse sqrt, log, exp) go through the eigen-
 * decomposition, as nilearn's `_map_eigenvalues` does with scipy's `eigh`.
 */

/** Eigen-decomposition of a symmetric matrix: A = Σₖ values[k] · vₖ vₖᵀ. */
export interface SymmetricEigen {
  n: number;
  /** Ascending, as LAPACK's `eigh`. */
  values: Float64Array;
  /** n × n row-major; row k is the unit eigenvector of `values[k]`. */
  vectors: Float64Array;
}

const EPS = 2 ** -52;

/**
 * Householder tridiagonalisation of the symmetric matrix held in `w` (overwritten with the
 * accumulated orthogonal transform, transposed: row j of `w` is column j of Q). On return `d` is
 * the diagonal and `e[1..n)` the sub-diagonal of T = Qᵀ A Q.
 */
function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    // Reduce row i: scale it first so the Householder vector's norm cannot under/overflow.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1]!;
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        const v = d[k]! / scale;
        d[k] = v;
        h += v * v;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // p = A u (only the lower triangle of A is read, row j of w holds column j of A). Four rows at a
      // time: each row's dot product is a serial chain of additions, and independent chains run side by
      // side; every sum is still formed in the same order as one row at a time.
      let j = 0;
      for (; j + 3 < i; j += 4) {
        const row0 = j * n;
        const row1 = row0 + n;
        const row2 = row1 + n;
        const row3 = row2 + n;
        // The block's own triangle, row by row: row r's terms k < j + 4 feed e[k] before row k starts from it.
        const f0 = d[j]!;
        w[i * n + j] = f0;
        let g0 = e[j]! + w[row0 + j]! * f0;
        for (let k = j + 1; k < j + 4; k++) {
          const a = w[row0 + k]!;
          g0 += a * d[k]!;
          e[k] = e[k]! + a * f0;
        }
        const f1 = d[j + 1]!;
        w[i * n + j + 1] = f1;
        let g1 = e[j + 1]! + w[row1 + j + 1]! * f1;
        for (let k = j + 2; k < j + 4; k++) {
          const a = w[row1 + k]!;
          g1 += a * d[k]!;
          e[k] = e[k]! + a * f1;
        }
        const f2 = d[j + 2]!;
        w[i * n + j + 2] = f2;
        let g2 = e[j + 2]! + w[row2 + j + 2]! * f2;
        {
          const a = w[row2 + j + 3]!;
          g2 += a * d[j + 3]!;
          e[j + 3] = e[j + 3]! + a * f2;
        }
        const f3 = d[j + 3]!;
        w[i * n + j + 3] = f3;
        let g3 = e[j + 3]! + w[row3 + j + 3]! * f3;
        for (let k = j + 4; k < i; k++) {
          const a0 = w[row0 + k]!;
          const a1 = w[row1 + k]!;
          const a2 = w[row2 + k]!;
          const a3 = w[row3 + k]!;
          const dk = d[k]!;
          g0 += a0 * dk;
          g1 += a1 * dk;
          g2 += a2 * dk;
          g3 += a3 * dk;
          e[k] = e[k]! + a0 * f0 + a1 * f1 + a2 * f2 + a3 * f3;
        }
        e[j] = g0;
        e[j + 1] = g1;
        e[j + 2] = g2;
        e[j + 3] = g3;
      }
      for (; j + 1 < i; j++) {
        f = d[j]!;
        w[i * n + j] = f;
        const row = j * n;
        g = e[j]! + w[row + j]! * f;
        for (let k = j + 1; k < i; k++) {
          const a = w[row + k]!;
          g += a * d[k]!;
          e[k] = e[k]! + a * f;
        }
        e[j] = g;
      }
      if (j < i) {
        f = d[j]!;
        w[i * n + j] = f;
        e[j] = e[j]! + w[j * n + j]! * f;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      // Rank-2 update A -= u qᵀ + q uᵀ on the lower triangle.
      // Rows are independent (row j reads d[k] for k ≥ j only before d[j] is replaced), so four at a
      // time share the loads of e and d.
      for (j = 0; j + 3 < i; j += 4) {
        const f0 = d[j]!;
        const g0 = e[j]!;
        const f1 = d[j + 1]!;
        const g1 = e[j + 1]!;
        const f2 = d[j + 2]!;
        const g2 = e[j + 2]!;
        const f3 = d[j + 3]!;
        const g3 = e[j + 3]!;
        const row0 = j * n;
        const row1 = row0 + n;
        const row2 = row1 + n;
        const row3 = row2 + n;
        // The block's own triangle first.
        for (let k = j; k < j + 4; k++) w[row0 + k] = w[row0 + k]! - (f0 * e[k]! + g0 * d[k]!);
        for (let k = j + 1; k < j + 4; k++) w[row1 + k] = w[row1 + k]! - (f1 * e[k]! + g1 * d[k]!);
        for (let k = j + 2; k < j + 4; k++) w[row2 + k] = w[row2 + k]! - (f2 * e[k]! + g2 * d[k]!);
        w[row3 + j + 3] = w[row3 + j + 3]! - (f3 * e[j + 3]! + g3 * d[j + 3]!);
        for (let k = j + 4; k < i; k++) {
          const ek = e[k]!;
          const dk = d[k]!;
          w[row0 + k] = w[row0 + k]! - (f0 * ek + g0 * dk);
          w[row1 + k] = w[row1 + k]! - (f1 * ek + g1 * dk);
          w[row2 + k] = w[row2 + k]! - (f2 * ek + g2 * dk);
          w[row3 + k] = w[row3 + k]! - (f3 * ek + g3 * dk);
        }
        d[j] = w[row0 + i - 1]!;
        w[row0 + i] = 0;
        d[j + 1] = w[row1 + i - 1]!;
        w[row1 + i] = 0;
        d[j + 2] = w[row2 + i - 1]!;
        w[row2 + i] = 0;
        d[j + 3] = w[row3 + i - 1]!;
        w[row3 + i] = 0;
      }
      for (; j + 1 < i; j++) {
        f = d[j]!;
        g = e[j]!;
        const row = j * n;
        for (let k = j; k < i; k++) w[row + k] = w[row + k]! - (f * e[k]! + g * d[k]!);
        d[j] = w[row + i - 1]!;
        w[row + i] = 0;
      }
      if (j < i) {
        const row = j * n;
        w[row + j] = w[row + j]! - (d[j]! * e[j]! + e[j]! * d[j]!);
        d[j] = w[row + i - 1]!;
        w[row + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the Householder reflections into Q (stored transposed in w).
  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i]!;
    w[i * n + i] = 1;
    const h = d[i + 1]!;
    const u = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[u + k]! / h;
      // Rows j are independent: four dot products at a time (four addition chains), then their axpys.
      let j = 0;
      for (; j + 3 <= i; j += 4) {
        const r0 = j * n;
        const r1 = r0 + n;
        const r2 = r1 + n;
        const r3 = r2 + n;
        let g0 = 0;
        let g1 = 0;
        let g2 = 0;
        let g3 = 0;
        for (let k = 0; k <= i; k++) {
          const uk = w[u + k]!;
          g0 += uk * w[r0 + k]!;
          g1 += uk * w[r1 + k]!;
          g2 += uk * w[r2 + k]!;
          g3 += uk * w[r3 + k]!;
        }
        for (let k = 0; k <= i; k++) {
          const dk = d[k]!;
          w[r0 + k] = w[r0 + k]! - g0 * dk;
          w[r1 + k] = w[r1 + k]! - g1 * dk;
          w[r2 + k] = w[r2 + k]! - g2 * dk;
          w[r3 + k] = w[r3 + k]! - g3 * dk;
        }
      }
      for (; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[u + k]! * w[row + k]!;
        for (let k = 0; k <= i; k++) w[row + k] = w[row + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) w[u + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1]!;
    w[j * n + n - 1] = 0;
  }
  w[n * n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL iterations on the tridiagonal (d, e). `z` holds Q with the eigenvectors as columns
 * (z[k][j] = component k of vector j). A QL sweep is a chain of plane rotations of neighbouring
 * columns (m−1, m), (m−2, m−1), …, (l, l+1) whose angles depend only on (d, e), so the angles are
 * computed first and the whole chain is then applied row by row: each row's running value stays in
 * a register instead of every rotation streaming two whole vectors through memory, which is what made
 * the rotations most of the cost. Every element sees the same multiplications in the same order as
 * rotation by rotation, so the result is bit-for-bit the same. On return d holds the eigenvalues,
 * unsorted.
 */
function tridiagonalQl(z: Float64Array, n: number, d: Float64Array, e: Float64Array, cs: Float64Array, sn: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    // Find a negligible sub-diagonal element (relative to the largest |d|+|e| seen so far).
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > EPS * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) throw new Error(`symmetric eigen-decomposition did not converge (QL, eigenvalue ${l} of ${n})`);
        // Shift from the leading 2×2 block.
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.sqrt(p * p + 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        // Chase the bulge with plane rotations (angles only; applied to z below).
        p = d[m]!;
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.sqrt(p * p + e[i]! * e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          cs[i] = c;
          sn[i] = s;
        }
        rotateColumns(z, n, l, m, cs, sn);
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > EPS * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/**
 * Applies the rotation chain i = m−1 … l (column i+1 ← s·zᵢ + c·zᵢ₊₁, column i ← c·zᵢ − s·zᵢ₊₁) to every
 * row of z. Four rows at a time: each row's chain is a serial dependency, so interleaving four hides
 * the multiply-add latency.
 */
function rotateColumns(z: Float64Array, n: number, l: number, m: number, cs: Float64Array, sn: Float64Array): void {
  let k = 0;
  for (; k + 3 < n; k += 4) {
    const r0 = k * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let t0 = z[r0 + m]!;
    let t1 = z[r1 + m]!;
    let t2 = z[r2 + m]!;
    let t3 = z[r3 + m]!;
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i]!;
      const s = sn[i]!;
      const a0 = z[r0 + i]!;
      const a1 = z[r1 + i]!;
      const a2 = z[r2 + i]!;
      const a3 = z[r3 + i]!;
      z[r0 + i + 1] = s * a0 + c * t0;
      z[r1 + i + 1] = s * a1 + c * t1;
      z[r2 + i + 1] = s * a2 + c * t2;
      z[r3 + i + 1] = s * a3 + c * t3;
      t0 = c * a0 - s * t0;
      t1 = c * a1 - s * t1;
      t2 = c * a2 - s * t2;
      t3 = c * a3 - s * t3;
    }
    z[r0 + l] = t0;
    z[r1 + l] = t1;
    z[r2 + l] = t2;
    z[r3 + l] = t3;
  }
  for (; k < n; k++) {
    const r0 = k * n;
    let t0 = z[r0 + m]!;
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i]!;
      const s = sn[i]!;
      const a0 = z[r0 + i]!;
      z[r0 + i + 1] = s * a0 + c * t0;
      t0 = c * a0 - s * t0;
    }
    z[r0 + l] = t0;
  }
}

/**
 * The unsorted eigen-decomposition of the symmetric n × n `a` (n ≥ 2): `z` with the eigenvectors as
 * columns (z[k][j] = component k of vector j) and `d` their eigenvalues, in the order QL leaves them.
 */
function eigenUnsorted(a: Float64Array, n: number): { z: Float64Array; d: Float64Array } {
  const w = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(w, n, d, e);
  // The reduction leaves Qᵀ; the QL rotations want Q (rows contiguous along the vector index).
  const z = transpose(w, n);
  tridiagonalQl(z, n, d, e, w.subarray(0, n), w.subarray(n, 2 * n));
  return { z, d };
}

/** Eigen-decomposition of the symmetric n × n matrix `a` (row-major; only symmetry is assumed, `a` is not modified). */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  checkSquare(a, n, 'symmetricEigen');
  if (n === 1) return { n, values: Float64Array.of(a[0]!), vectors: Float64Array.of(1) };
  if (n === 0) return { n, values: new Float64Array(0), vectors: new Float64Array(0) };
  const { z, d } = eigenUnsorted(a, n);
  // Sort ascending (LAPACK's order), permuting the eigenvectors with the values.
  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => d[x]! - d[y]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const from = order[k]!;
    values[k] = d[from]!;
    const row = k * n;
    for (let i = 0; i < n; i++) vectors[row + i] = z[i * n + from]!;
  }
  return { n, values, vectors };
}

/**
 * out[i][j] = Σₖ a[i][k] · b[j][k] (A · Bᵀ) for `rows` × `len` A and `cols` × `len` B, row-major, into
 * `out` (rows × cols): every entry is a dot product of two contiguous rows, summed in k order. With
 * `upper`, only j ≥ i is needed (entries below may or may not be written). Entries are computed in
 * 2 × 4 blocks (eight accumulators per pass over k, six loads for eight multiply-adds), which is what
 * makes this several times faster than the axpy form in V8; the blocking does not change any sum.
 */
function productABt(a: Float64Array, rows: number, b: Float64Array, cols: number, len: number, out: Float64Array, upper: boolean): void {
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    const a0 = i * len;
    const a1 = a0 + len;
    const o0 = i * cols;
    const o1 = o0 + cols;
    let j = upper ? i : 0;
    for (; j + 3 < cols; j += 4) {
      const b0 = j * len;
      const b1 = b0 + len;
      const b2 = b1 + len;
      const b3 = b2 + len;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let k = 0; k < len; k++) {
        const x0 = a[a0 + k]!;
        const x1 = a[a1 + k]!;
        let y = b[b0 + k]!;
        s00 += x0 * y;
        s10 += x1 * y;
        y = b[b1 + k]!;
        s01 += x0 * y;
        s11 += x1 * y;
        y = b[b2 + k]!;
        s02 += x0 * y;
        s12 += x1 * y;
        y = b[b3 + k]!;
        s03 += x0 * y;
        s13 += x1 * y;
      }
      out[o0 + j] = s00;
      out[o0 + j + 1] = s01;
      out[o0 + j + 2] = s02;
      out[o0 + j + 3] = s03;
      out[o1 + j] = s10;
      out[o1 + j + 1] = s11;
      out[o1 + j + 2] = s12;
      out[o1 + j + 3] = s13;
    }
    for (; j < cols; j++) {
      const b0 = j * len;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < len; k++) {
        const y = b[b0 + k]!;
        s0 += a[a0 + k]! * y;
        s1 += a[a1 + k]! * y;
      }
      out[o0 + j] = s0;
      out[o1 + j] = s1;
    }
  }
  if (i < rows) {
    const a0 = i * len;
    const o0 = i * cols;
    for (let j = upper ? i : 0; j < cols; j++) {
      const b0 = j * len;
      let s = 0;
      for (let k = 0; k < len; k++) s += a[a0 + k]! * b[b0 + k]!;
      out[o0 + j] = s;
    }
  }
}

/**
 * out[i][j] = Σₖ a[i][k] · b[j][k] (A · Bᵀ) for n × n row-major A and B. With `upper`, only j ≥ i is
 * computed and then mirrored (for results known to be symmetric).
 */
export function multiplyTransposed(a: Float64Array, b: Float64Array, n: number, upper = false): Float64Array {
  const out = new Float64Array(n * n);
  productABt(a, n, b, n, n, out, upper);
  if (upper) mirrorUpper(out, n);
  return out;
}

/** Gram matrix G[i][j] = rowᵢ · rowⱼ of `rows` row-major rows of length `len` (X Xᵀ); symmetric by construction. */
export function gramRows(x: Float64Array, rows: number, len: number): Float64Array {
  const out = new Float64Array(rows * rows);
  productABt(x, rows, x, rows, len, out, true);
  mirrorUpper(out, rows);
  return out;
}

/**
 * The 2 × 4-blocked A·Bᵀ kernel for triangular operands, where whole ranges of k only multiply exact
 * zeros: `lower` gives out[i][j] (j ≤ i) = Σ_{k=j..i} a[i][k] · b[j][k] for lower-triangular A and
 * upper-triangular B (the product of two lower-triangular matrices, B passed transposed); `gram` gives
 * out[i][j] (j ≥ i) = Σ_{k≤i} a[i][k] · a[j][k] for lower-triangular A (A·Aᵀ, upper triangle). A
 * block sums over the union of its entries' ranges: the extra terms are products with an exact 0, so
 * each entry is the same as if summed over its own range.
 */
function triangularABt(a: Float64Array, b: Float64Array, n: number, out: Float64Array, gram: boolean): void {
  for (let i = 0; i < n; i += 2) {
    const pair = i + 1 < n;
    const a0 = i * n;
    const a1 = pair ? a0 + n : a0;
    const kHi = Math.min(n, i + 2);
    const jEnd = gram ? n : kHi;
    for (let j = gram ? i : 0; j < jEnd; j += 4) {
      const kLo = gram ? 0 : j;
      // Columns past the end alias the last one; their sums are not stored.
      const b0 = j * n;
      const b1 = j + 1 < n ? b0 + n : b0;
      const b2 = j + 2 < n ? b0 + 2 * n : b0;
      const b3 = j + 3 < n ? b0 + 3 * n : b0;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let k = kLo; k < kHi; k++) {
        const x0 = a[a0 + k]!;
        const x1 = a[a1 + k]!;
        let y = b[b0 + k]!;
        s00 += x0 * y;
        s10 += x1 * y;
        y = b[b1 + k]!;
        s01 += x0 * y;
        s11 += x1 * y;
        y = b[b2 + k]!;
        s02 += x0 * y;
        s12 += x1 * y;
        y = b[b3 + k]!;
        s03 += x0 * y;
        s13 += x1 * y;
      }
      const o0 = i * n + j;
      const o1 = o0 + n;
      const cols = Math.min(4, n - j);
      out[o0] = s00;
      if (cols > 1) out[o0 + 1] = s01;
      if (cols > 2) out[o0 + 2] = s02;
      if (cols > 3) out[o0 + 3] = s03;
      if (pair) {
        out[o1] = s10;
        if (cols > 1) out[o1 + 1] = s11;
        if (cols > 2) out[o1 + 2] = s12;
        if (cols > 3) out[o1 + 3] = s13;
      }
    }
  }
}

/** A · C for lower-triangular n × n A and C, given `ct` = Cᵀ; the result is lower triangular. */
export function lowerProduct(a: Float64Array, ct: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  triangularABt(a, ct, n, out, false);
  // Blocks may have written exact zeros just above the diagonal; nothing else is above it.
  return out;
}

/** K · Kᵀ for a lower-triangular n × n K; exactly symmetric. */
export function lowerGram(k: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  triangularABt(k, k, n, out, true);
  mirrorUpper(out, n);
  return out;
}

/** L⁻¹ of a lower-triangular L with a non-zero diagonal (lower triangular). */
export function lowerInverse(l: Float64Array, n: number): Float64Array {
  // Row i = (eᵢ − Σ_{k<i} L[i][k] · row k) / L[i][i]: contiguous axpys.
  const li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    li[ri + i] = 1;
    for (let k = 0; k < i; k++) {
      const lik = l[ri + k]!;
      if (lik === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) li[ri + j] = li[ri + j]! - lik * li[rk + j]!;
    }
    const inv = 1 / l[ri + i]!;
    for (let j = 0; j <= i; j++) li[ri + j] = li[ri + j]! * inv;
  }
  return li;
}

/** Transpose of an n × n row-major matrix. */
export function transpose(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j]!;
  return out;
}

/** V · diag(f(λ)) · Vᵀ: the matrix function of a symmetric matrix given its eigen-decomposition (symmetric by construction). */
export function formSymmetric(eigen: SymmetricEigen, f: (value: number) => number): Float64Array {
  const { n, values, vectors } = eigen;
  // U = the eigenvectors as columns (U[i][k] = component i of eigenvector k); out = (U diag f) Uᵀ,
  // which is the A·Bᵀ form of multiplyTransposed.
  const u = transpose(vectors, n);
  const scaled = new Float64Array(n * n);
  const fk = new Float64Array(n);
  for (let k = 0; k < n; k++) fk[k] = f(values[k]!);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) scaled[i * n + k] = u[i * n + k]! * fk[k]!;
  return multiplyTransposed(scaled, u, n, true);
}

/** f applied to the eigenvalues of the symmetric matrix `a` (nilearn's `_map_eigenvalues`). */
export function mapEigenvalues(a: Float64Array, n: number, f: (value: number) => number): Float64Array {
  checkSquare(a, n, 'mapEigenvalues');
  if (n < 2) return formSymmetric(symmetricEigen(a, n), f);
  // Straight from QL's output: V f(Λ) Vᵀ does not depend on the order of the eigenpairs, so the sort
  // and the two transposes of symmetricEigen + formSymmetric (a tenth of a tangent-space logarithm's
  // time at 116 regions) are skipped. Only the order of the terms in each sum differs (~1e-16).
  const { z, d } = eigenUnsorted(a, n);
  const scaled = new Float64Array(n * n);
  for (let k = 0; k < n; k++) d[k] = f(d[k]!);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) scaled[row + k] = z[row + k]! * d[k]!;
  }
  const out = new Float64Array(n * n);
  productABt(scaled, n, z, n, n, out, true);
  mirrorUpper(out, n);
  return out;
}

/** Copies the upper triangle onto the lower one so the result is exactly symmetric. */
export function mirrorUpper(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i]!;
}

/** C = A · B for n × n row-major matrices. */
export function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  return multiplyTransposed(a, transpose(b, n), n);
}

/**
 * S · M · S for symmetric S and M (the whitening congruence); the result is exactly symmetric.
 * With S and M symmetric, Tᵀ = (M S)ᵀ = S M has rows Sᵢ·M, i.e. Tᵀ = S · Mᵀ in A·Bᵀ form, and
 * (S T)[i][j] = Sᵢ · (Tᵀ)ⱼ: two dot-product passes with no transposition.
 */
export function congruence(s: Float64Array, m: Float64Array, n: number): Float64Array {
  const tt = multiplyTransposed(s, m, n);
  return multiplyTransposed(s, tt, n, true);
}

/**
 * Lower Cholesky factor L (A = L Lᵀ) of a symmetric matrix, or null when A is not positive definite
 * (a non-positive or non-finite pivot).
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  checkSquare(a, n, 'cholesky');
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let diag = a[rj + j]!;
    for (let k = 0; k < j; k++) diag -= l[rj + k]! * l[rj + k]!;
    if (!(diag > 0) || !Number.isFinite(diag)) return null;
    const ljj = Math.sqrt(diag);
    l[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= l[ri + k]! * l[rj + k]!;
      l[ri + j] = s / ljj;
    }
  }
  return l;
}

/** x with L Lᵀ x = b, by forward then back substitution on the lower Cholesky factor L (row-major n × n). */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** A⁻¹ of a symmetric positive-definite matrix through its Cholesky factor; throws when A is not positive definite. */
export function spdInverse(a: Float64Array, n: number): Float64Array {
  const l = cholesky(a, n);
  if (!l) throw new Error(`cannot invert a ${n}×${n} matrix that is not symmetric positive definite`);
  const li = lowerInverse(l, n);
  const out = new Float64Array(n * n);
  // out[i][j] = Σ_{k ≥ max(i,j)} Li[k][i] Li[k][j]; accumulate the upper triangle row-wise over k.
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const a = li[rk + i]!;
      if (a === 0) continue;
      const ri = i * n;
      for (let j = i; j <= k; j++) out[ri + j] = out[ri + j]! + a * li[rk + j]!;
    }
  }
  mirrorUpper(out, n);
  return out;
}

/** Frobenius norm. */
export function frobeniusNorm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

function checkSquare(a: Float64Array, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) {
    throw new Error(`${what}: expected a ${n}×${n} matrix (${n * n} values), got ${a.length} values`);
  }
}

/**
 * logm(L⁻¹ M L⁻ᵀ) for the Cholesky factor L of G, given `li` = L⁻¹ and `ct` = Cᵀ for the Cholesky
 * factor C of M: L⁻¹ M L⁻ᵀ = (L⁻¹C)(L⁻¹C)ᵀ, two triangular products (n³/3 multiply-adds against the
 * 3n³/2 of the congruence W·M·W). It is W M W rotated by the orthogonal Q = G^{-1/2} L, so it has the
 * same eigenvalues and its logarithm is Qᵀ logm(W M W) Q.
 */
export function logOfCholeskyWhitened(li: Float64Array, ct: Float64Array, n: number): Float64Array {
  return mapEigenvalues(lowerGram(lowerProduct(li, ct, n), n), n, Math.log);
}

/** logm(W · M · W) for symmetric W and SPD M: one subject's tangent-space matrix, W being G^{-1/2}. */
export function logOfCongruence(w: Float64Array, m: Float64Array, n: number): Float64Array {
  return mapEigenvalues(congruence(w, m, n), n, Math.log);
}
