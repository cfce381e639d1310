/**
 * Resampling any channel to the detectors' 256 Hz, whatever its rate: 173.61 Hz (Bonn), 100, 160,
 * 200, 500 Hz… The ratio toHz/fromHz is written as a fraction up/down (exact for rates given to a
 * few decimals: 256/173.61 = 25600/17361) and the signal goes through the same polyphase filter as
 * scipy.signal.resample_poly(x, up, down) — a Kaiser-windowed (β = 5) sinc of 20·max(up, down) + 1
 * taps cutting at the lower Nyquist frequency, with SciPy's alignment (output k at input time
 * k·down/up) — so integer ratios agree with SciPy to rounding (test/unit/seizure-channel-resample).
 *
 * Why not main/signal's resamplePoly: it designs its filter on every call and walks the filter
 * taps with a stride of `up`. Channels are resampled one-minute chunk after chunk, and with
 * up = 25600 the design alone costs ~0.1 s; here the filter is designed once per ratio and split
 * into its `up` phases (each a short contiguous array of ~20·max(up, down)/up taps), so every
 * output sample is one short dot product.
 */
import { firwinKaiser } from '../../../signal/index.js';

/** Largest up or down accepted for a rational ratio; beyond it the ratio is approximated. */
const MAX_FACTOR = 1 << 16;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * up/down ≈ toHz/fromHz: exact when both rates are integers or decimals with ≤ 4 places that give
 * factors ≤ 65536; otherwise the best continued-fraction approximation within that bound (error
 * far below the rates' own accuracy).
 */
export function rationalRatio(fromHz: number, toHz: number): { up: number; down: number } {
  if (!(fromHz > 0) || !(toHz > 0) || !Number.isFinite(fromHz) || !Number.isFinite(toHz)) {
    throw new RangeError(`sample rates must be positive and finite, got ${fromHz} Hz → ${toHz} Hz`);
  }
  for (const scale of [1, 10, 100, 1000, 10000]) {
    const a = Math.round(toHz * scale);
    const b = Math.round(fromHz * scale);
    if (Math.abs(a - toHz * scale) < 1e-6 && Math.abs(b - fromHz * scale) < 1e-6) {
      const g = gcd(a, b);
      if (a / g <= MAX_FACTOR && b / g <= MAX_FACTOR) return { up: a / g, down: b / g };
    }
  }
  // Continued fraction of the ratio, stopping before a factor passes MAX_FACTOR.
  const ratio = toHz / fromHz;
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = ratio;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(x);
    const [h2, k2] = [a * h1 + h0, a * k1 + k0];
    if (h2 > MAX_FACTOR || k2 > MAX_FACTOR) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (Math.abs(h1 / k1 - ratio) < 1e-12 * ratio || x - a < 1e-12) break;
    x = 1 / (x - a);
  }
  return { up: h1, down: k1 };
}

interface PolyphasePlan {
  up: number;
  down: number;
  /** phases[p][j] = h[p + j·up]: the taps that meet input samples for output phase p. */
  phases: Float64Array[];
  /** Index of the filter's centre tap plus SciPy's pre-padding, in upsampled samples. */
  delay: number;
}

const plans = new Map<string, PolyphasePlan>();

function polyphasePlan(up: number, down: number): PolyphasePlan {
  const key = `${up}/${down}`;
  let plan = plans.get(key);
  if (plan) return plan;
  const maxRate = Math.max(up, down);
  const halfLength = 10 * maxRate;
  const h = firwinKaiser(2 * halfLength + 1, 1 / maxRate);
  const phases: Float64Array[] = [];
  for (let p = 0; p < up; p++) {
    const taps = new Float64Array(Math.ceil((h.length - p) / up));
    for (let j = 0; j < taps.length; j++) taps[j] = h[p + j * up]! * up;
    phases.push(taps);
  }
  plan = { up, down, phases, delay: halfLength };
  if (plans.size > 32) plans.clear();
  plans.set(key, plan);
  return plan;
}

/**
 * `x` sampled at fromHz, resampled to toHz: ceil(n·up/down) samples, output k at input time
 * k·fromHz/toHz samples, anti-aliased by the polyphase low-pass (samples outside x count as 0,
 * like SciPy's; read a little more than needed and trim when resampling a stream in chunks).
 */
export function resampleToRate(x: ArrayLike<number>, fromHz: number, toHz: number): Float64Array {
  const { up, down } = rationalRatio(fromHz, toHz);
  const n = x.length;
  if (up === down) return Float64Array.from(x);
  const { phases, delay } = polyphasePlan(up, down);
  const output = new Float64Array(Math.ceil((n * up) / down));
  const input = x instanceof Float64Array ? x : Float64Array.from(x);
  for (let k = 0; k < output.length; k++) {
    // Upsampled time of output k, shifted by the filter's delay: y = Σ_i x[i]·h[t − i·up].
    const t = k * down + delay;
    const p = t % up;
    const taps = phases[p]!;
    // h index p + j·up = t − i·up  ⇒  i = (t − p)/up − j.
    const top = (t - p) / up;
    const jFirst = Math.max(0, top - (n - 1));
    const jLast = Math.min(taps.length - 1, top);
    let acc = 0;
    for (let j = jFirst; j <= jLast; j++) acc += input[top - j]! * taps[j]!;
    output[k] = acc;
  }
  return output;
}
