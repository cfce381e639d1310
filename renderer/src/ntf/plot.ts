/**
 * The arithmetic of the small SVG plots: linear scales, round tick values and line paths. No DOM.
 */

export interface LinearScale {
  (value: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

/** Maps domain [d0, d1] onto range [r0, r1]; a zero-width domain maps to the range's middle. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0))) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** About `count` round values (steps of 1, 2 or 5 × 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const [lo, hi] = min < max ? [min, max] : [max, min];
  const rough = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let value = Math.ceil(lo / step - 1e-9) * step; value <= hi + step * 1e-9; value += step) {
    // Rounded to the step's decimals so 0.30000000000000004 prints as 0.3.
    ticks.push(Number(value.toFixed(Math.max(0, -Math.floor(Math.log10(step))))));
  }
  return ticks;
}

/** [min, max] of finite values, widened by `pad` of the span on both sides (or ±pad around a single value). */
export function paddedExtent(values: readonly number[], pad = 0.05): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  if (min === Infinity) return [0, 1];
  if (min === max) return [min - (Math.abs(min) * pad || pad), max + (Math.abs(max) * pad || pad)];
  const margin = (max - min) * pad;
  return [min - margin, max + margin];
}

/** An SVG path through (x(i), y(values[i])), pixels rounded to 0.1. */
export function linePath(values: readonly number[], x: (index: number) => number, y: LinearScale): string {
  const parts: string[] = [];
  let pen = false;
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) {
      pen = false;
      return;
    }
    parts.push(`${pen ? 'L' : 'M'}${x(index).toFixed(1)},${y(value).toFixed(1)}`);
    pen = true;
  });
  return parts.join(' ');
}
