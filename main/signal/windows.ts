/**
 * Spectral windows as scipy.signal.get_window builds them for spectra (fftbins=True: periodic, i.e.
 * the symmetric window of n + 1 points without its last point), computed with SciPy's own
 * formulas (general_cosine over numpy's linspace) so values agree to the last bits.
 */

/** 'hann' (Welch's default), 'hamming', 'boxcar', ['tukey', alpha] (the spectrogram's), or explicit values. */
export type WindowSpec = 'hann' | 'hamming' | 'boxcar' | readonly ['tukey', number] | Float64Array;

/** scipy.signal.windows.general_cosine(n, a, sym=False). */
function generalCosine(n: number, coefficients: readonly number[]): Float64Array {
  const m = n + 1;
  // numpy.linspace(-π, π, m): start + i·step, step = 2π / (m − 1), the last point exactly π.
  const step = (Math.PI - -Math.PI) / (m - 1);
  const window = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const fac = i * step + -Math.PI;
    let w = 0;
    coefficients.forEach((a, k) => (w += a * Math.cos(k * fac)));
    window[i] = w;
  }
  return window;
}

/** scipy.signal.windows.tukey(n, alpha, sym=False): flat top, cosine tapers over alpha of the length. */
export function tukey(n: number, alpha = 0.25): Float64Array {
  if (alpha <= 0) return new Float64Array(n).fill(1);
  if (alpha >= 1) return generalCosine(n, [0.5, 0.5]);
  const m = n + 1;
  const width = Math.floor((alpha * (m - 1)) / 2);
  const window = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i <= width) window[i] = 0.5 * (1 + Math.cos(Math.PI * (-1 + (2 * i) / alpha / (m - 1))));
    else if (i >= m - width - 1) window[i] = 0.5 * (1 + Math.cos(Math.PI * (-2 / alpha + 1 + (2 * i) / alpha / (m - 1))));
    else window[i] = 1;
  }
  return window;
}

/** Periodic Hann window, scipy.signal.get_window('hann', n). */
export const hann = (n: number): Float64Array => generalCosine(n, [0.5, 0.5]);

/** Periodic Hamming window, scipy.signal.get_window('hamming', n). */
export const hamming = (n: number): Float64Array => generalCosine(n, [0.54, 0.46]);

const cache = new Map<string, Float64Array>();

/**
 * The window of `n` points for a spec (cached: every segment of every channel uses the same one).
 * The returned array is shared; do not modify it.
 */
export function getWindow(spec: WindowSpec, n: number): Float64Array {
  if (spec instanceof Float64Array) {
    if (spec.length !== n) throw new RangeError(`window has ${spec.length} values, the segment ${n} samples`);
    return spec;
  }
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`window length must be a positive integer, got ${n}`);
  const key = `${typeof spec === 'string' ? spec : spec.join(':')}|${n}`;
  let window = cache.get(key);
  if (!window) {
    if (spec === 'hann') window = hann(n);
    else if (spec === 'hamming') window = hamming(n);
    else if (spec === 'boxcar') window = new Float64Array(n).fill(1);
    else window = tukey(n, spec[1]);
    if (cache.size > 64) cache.clear();
    cache.set(key, window);
  }
  return window;
}
