/**
 * Polyphase resampling by a rational factor up/down, equal to scipy.signal.resample_poly with its
 * defaults: a Kaiser-windowed (β = 5) sinc low-pass of 20·max(up, down) + 1 taps cutting at the
 * lower Nyquist frequency (anti-aliasing), applied with upfirdn, and SciPy's alignment so output
 * sample k sits at input time k·down/up.
 */

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 200; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

/** scipy.signal.firwin(taps, cutoff, window=('kaiser', beta)), cutoff relative to Nyquist. */
export function firwinKaiser(taps: number, cutoff: number, beta = 5): Float64Array {
  const alpha = (taps - 1) / 2;
  const h = new Float64Array(taps);
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < taps; n++) {
    const m = n - alpha;
    const ratio = (2 * n) / (taps - 1) - 1;
    const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / i0Beta;
    h[n] = cutoff * sinc(cutoff * m) * window;
    sum += h[n]!;
  }
  // Unity gain at DC (firwin's scale=True for a low-pass).
  for (let n = 0; n < taps; n++) h[n] = h[n]! / sum;
  return h;
}

function upfirdnLength(filterLength: number, inputLength: number, up: number, down: number): number {
  return Math.floor(((inputLength - 1) * up + filterLength - 1) / down) + 1;
}

export function resamplePoly(input: ArrayLike<number>, up: number, down: number): Float64Array {
  if (!Number.isInteger(up) || !Number.isInteger(down) || up < 1 || down < 1) {
    throw new RangeError(`resampling factors must be positive integers, got ${up}/${down}`);
  }
  const g = gcd(up, down);
  up /= g;
  down /= g;
  const n = input.length;
  if (up === 1 && down === 1) return Float64Array.from(input);
  const outputLength = Math.ceil((n * up) / down);
  const maxRate = Math.max(up, down);
  const halfLength = 10 * maxRate;
  const designed = firwinKaiser(2 * halfLength + 1, 1 / maxRate).map((v) => v * up);
  const prePad = down - (halfLength % down);
  const preRemove = Math.floor((halfLength + prePad) / down);
  let postPad = 0;
  while (upfirdnLength(designed.length + prePad + postPad, n, up, down) < outputLength + preRemove) postPad++;
  const h = new Float64Array(prePad + designed.length + postPad);
  h.set(designed, prePad);
  const output = new Float64Array(outputLength);
  for (let k = 0; k < outputLength; k++) {
    // y[t] = Σ_i x[i]·h[t − i·up] over the i where the filter index is valid, t = (k + preRemove)·down.
    const t = (k + preRemove) * down;
    const first = Math.max(0, Math.ceil((t - (h.length - 1)) / up));
    const last = Math.min(n - 1, Math.floor(t / up));
    let acc = 0;
    for (let i = first; i <= last; i++) acc += input[i]! * h[t - i * up]!;
    output[k] = acc;
  }
  return output;
}
