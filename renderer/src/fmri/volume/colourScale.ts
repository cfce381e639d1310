/**
 * The colour scales of the brain maps, one definition for NiiVue (registered as colormaps) and for
 * the surface and the HTML colour bar, so a value has the same colour in every view: positive
 * values dark red → yellow, negative values dark blue → cyan (the reading neuroimagers expect),
 * labels by their table colours or a spread of hues.
 */

/** A colour map in NiiVue's form: channels and positions (I, 0–255) of the stops. */
export interface ColourStops {
  R: number[];
  G: number[];
  B: number[];
  A: number[];
  I: number[];
}

/** Positive values: dark red at the threshold to yellow at the top. Alpha 0 only at index 0 (below threshold). */
export const POSITIVE_SCALE: ColourStops = { R: [0, 150, 255, 255], G: [0, 0, 120, 255], B: [0, 0, 0, 80], A: [0, 255, 255, 255], I: [0, 1, 128, 255] };
/** Negative values: dark blue at the threshold to cyan at the top. */
export const NEGATIVE_SCALE: ColourStops = { R: [0, 0, 0, 120], G: [0, 30, 140, 255], B: [0, 160, 255, 255], A: [0, 255, 255, 255], I: [0, 1, 128, 255] };
/** The names NiiVue knows the scales by once registered. */
export const POSITIVE_KEY = 'cajal-positive';
export const NEGATIVE_KEY = 'cajal-negative';
export const VALUES_KEY = 'cajal-values';
/** One-signed values (an ROI map of strengths): purple → orange → yellow; index 0 (below the window) transparent. */
export const VALUES_SCALE: ColourStops = { R: [0, 70, 220, 255], G: [0, 20, 90, 240], B: [0, 120, 40, 90], A: [0, 255, 255, 255], I: [0, 1, 140, 255] };

/** RGB of a position 0…1 along a colour map (the stops interpolated linearly, as NiiVue does). */
export function sampleScale(scale: ColourStops, position: number): [number, number, number] {
  const p = Math.min(255, Math.max(0, (Number.isFinite(position) ? position : 0) * 255));
  const I = scale.I;
  for (let s = 1; s < I.length; s += 1) {
    if (p <= I[s]!) {
      const f = (p - I[s - 1]!) / Math.max(1e-9, I[s]! - I[s - 1]!);
      const mix = (c: number[]) => Math.round(c[s - 1]! + f * (c[s]! - c[s - 1]!));
      return [mix(scale.R), mix(scale.G), mix(scale.B)];
    }
  }
  const last = I.length - 1;
  return [scale.R[last]!, scale.G[last]!, scale.B[last]!];
}

/**
 * The colour of a map value under thresholds, or null where it does not survive (drawn as the
 * background): the visible part of the scale starts just above the foot, as in NiiVue's shader.
 */
export function mapColour(value: number, positive: number, negative: number, max: number): [number, number, number] | null {
  if (!Number.isFinite(value)) return null;
  if (value > 0 && positive > 0 && value >= positive) return sampleScale(POSITIVE_SCALE, rampPosition(value, positive, max));
  if (value < 0 && negative > 0 && -value >= negative) return sampleScale(NEGATIVE_SCALE, rampPosition(-value, negative, max));
  return null;
}

function rampPosition(magnitude: number, threshold: number, max: number): number {
  const span = Math.max(1e-9, max - threshold);
  return Math.max(2 / 255, Math.min(1, (magnitude - threshold) / span));
}

/** Distinct colours for labels without a table colour: hues spread by the golden angle. */
export function labelColour(index: number): [number, number, number] {
  const hue = ((index * 137.508) % 360) / 60;
  const s = 0.65;
  const v = 0.9;
  const c = v * s;
  const x = c * (1 - Math.abs((hue % 2) - 1));
  const [r, g, b] = hue < 1 ? [c, x, 0] : hue < 2 ? [x, c, 0] : hue < 3 ? [0, c, x] : hue < 4 ? [0, x, c] : hue < 5 ? [x, 0, c] : [c, 0, x];
  const m = v - c;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** Tick values for a colour bar from `from` to `to`: about `count` round numbers, ends included. */
export function colourBarTicks(from: number, to: number, count = 4): number[] {
  if (!(to > from)) return [from];
  const raw = (to - from) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks = [from];
  for (let t = Math.ceil(from / step) * step; t < to - step * 0.3; t += step) if (t > from + step * 0.3) ticks.push(Number(t.toPrecision(6)));
  ticks.push(to);
  return ticks;
}

/** A number as a colour bar or readout shows it: at most 3 significant digits, no "-0". */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}
