/**
 * Real-input FFT of any length: iterative radix-2 for powers of two, Bluestein's chirp-z for other
 * lengths (Welch segments of 400 samples at 200 Hz, say). Written here because the maintained JS
 * FFT packages handle powers of two only, and spectra must match SciPy for any segment length.
 */

interface Plan {
  n: number;
  cos: Float64Array;
  sin: Float64Array;
  bitReverse: Uint32Array;
}

const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let cached = plans.get(n);
  if (cached) return cached;
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = -Math.sin((2 * Math.PI * i) / n);
  }
  const bits = Math.log2(n);
  const bitReverse = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let reversed = 0;
    for (let b = 0; b < bits; b++) reversed |= ((i >> b) & 1) << (bits - 1 - b);
    bitReverse[i] = reversed;
  }
  cached = { n, cos, sin, bitReverse };
  plans.set(n, cached);
  return cached;
}

/** In-place forward complex FFT, n a power of two. */
function radix2(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  const { cos, sin, bitReverse } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = bitReverse[i]!;
    if (j > i) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Forward complex DFT of any length (copies its inputs). */
export function fft(inputRe: ArrayLike<number>, inputIm?: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = inputRe.length;
  const re = Float64Array.from(inputRe);
  const im = inputIm ? Float64Array.from(inputIm) : new Float64Array(n);
  if (n <= 1) return { re, im };
  if (isPowerOfTwo(n)) {
    radix2(re, im);
    return { re, im };
  }
  // Bluestein: x_k·w_k convolved with conj(w) through a power-of-two FFT, w_k = exp(-iπk²/n).
  const m = 2 ** Math.ceil(Math.log2(2 * n - 1));
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const angle = (Math.PI * ((k * k) % (2 * n))) / n;
    wr[k] = Math.cos(angle);
    wi[k] = -Math.sin(angle);
  }
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    ar[k] = re[k]! * wr[k]! - im[k]! * wi[k]!;
    ai[k] = re[k]! * wi[k]! + im[k]! * wr[k]!;
  }
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  br[0] = wr[0]!;
  bi[0] = -wi[0]!;
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = wr[k]!;
    bi[k] = bi[m - k] = -wi[k]!;
  }
  radix2(ar, ai);
  radix2(br, bi);
  for (let k = 0; k < m; k++) {
    const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    const i = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = r;
    ai[k] = -i; // conjugate, so the forward transform below acts as an inverse
  }
  radix2(ar, ai);
  for (let k = 0; k < n; k++) {
    const cr = ar[k]! / m;
    const ci = -ai[k]! / m;
    re[k] = cr * wr[k]! - ci * wi[k]!;
    im[k] = cr * wi[k]! + ci * wr[k]!;
  }
  return { re, im };
}

/** The n/2 + 1 non-negative-frequency bins of a real signal's DFT. */
export function rfft(input: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const { re, im } = fft(input);
  const bins = Math.floor(input.length / 2) + 1;
  return { re: re.slice(0, bins), im: im.slice(0, bins) };
}

interface RealPlan {
  half: number;
  re: Float64Array;
  im: Float64Array;
  twiddleRe: Float64Array;
  twiddleIm: Float64Array;
}
const realPlans = new Map<number, RealPlan>();

/**
 * |X_k|² of a real signal, power-of-two length n, for k = 0…n/2, written into `out` without
 * allocating: the n real samples are packed into an n/2-point complex FFT (even samples real,
 * odd imaginary) and unpacked, about twice as fast as a complex FFT of the real signal. Used by
 * detectors that take one spectrum per channel per second of multi-day recordings.
 */
export function realPowerSpectrum(input: ArrayLike<number>, out: Float64Array): void {
  const n = input.length;
  if (!isPowerOfTwo(n) || n < 4) throw new RangeError(`realPowerSpectrum needs a power-of-two length ≥ 4, got ${n}`);
  let p = realPlans.get(n);
  if (!p) {
    const half = n / 2;
    p = {
      half,
      re: new Float64Array(half),
      im: new Float64Array(half),
      twiddleRe: Float64Array.from({ length: half }, (_, k) => Math.cos((2 * Math.PI * k) / n)),
      twiddleIm: Float64Array.from({ length: half }, (_, k) => -Math.sin((2 * Math.PI * k) / n)),
    };
    realPlans.set(n, p);
  }
  const { half, re, im, twiddleRe, twiddleIm } = p;
  for (let k = 0; k < half; k++) {
    re[k] = input[2 * k]!;
    im[k] = input[2 * k + 1]!;
  }
  radix2(re, im);
  for (let k = 0; k <= half; k++) {
    const a = k % half;
    const b = (half - k) % half;
    // E_k = (Z_k + conj Z_{N/2−k}) / 2, O_k = (Z_k − conj Z_{N/2−k}) / 2i, X_k = E_k + W^k O_k.
    const er = (re[a]! + re[b]!) / 2;
    const ei = (im[a]! - im[b]!) / 2;
    const or = (im[a]! + im[b]!) / 2;
    const oi = -(re[a]! - re[b]!) / 2;
    const wr = k < half ? twiddleRe[k]! : -1;
    const wi = k < half ? twiddleIm[k]! : 0;
    const xr = er + wr * or - wi * oi;
    const xi = ei + wr * oi + wi * or;
    out[k] = xr * xr + xi * xi;
  }
}
