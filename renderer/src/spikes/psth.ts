/**
 * PSTH defaults and the derived curves the panels draw. Dense event sets (a stimulus change every
 * half second, trial starts) get the window of a retina or cortex paper: 0.5 s before, 1 s after,
 * 10 ms bins; sparse ones (an epoch start or two) a long window from the event on, in seconds.
 */
export interface PsthParams {
  preS: number;
  postS: number;
  binS: number;
}

export function defaultPsthParams(eventCount: number, spanS: number): PsthParams {
  const meanIntervalS = eventCount > 0 ? spanS / eventCount : spanS;
  if (eventCount >= 10 && meanIntervalS <= 10) return { preS: 0.5, postS: 1, binS: 0.01 };
  if (eventCount >= 10) return { preS: 2, postS: Math.min(30, Math.round(meanIntervalS)), binS: 0.1 };
  // An epoch start or two: whatever follows it (no time before the first event, which is usually the recording's start).
  return { preS: 0, postS: Math.min(600, Math.max(10, Math.round(spanS / 4))), binS: Math.min(10, Math.max(0.5, Math.round(spanS / 400))) };
}

/** Each row scaled to its own peak (0…1), for the population heat map; silent rows stay 0. */
export function normaliseRows(values: ArrayLike<number>, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    let peak = 0;
    for (let c = 0; c < columns; c++) peak = Math.max(peak, values[r * columns + c]!);
    if (peak > 0) for (let c = 0; c < columns; c++) out[r * columns + c] = values[r * columns + c]! / peak;
  }
  return out;
}

/** Mean rate per bin over the units of each type (rows of `rate` in the order of `types`). */
export function meanByType(rate: ArrayLike<number>, types: readonly (string | null)[], bins: number): { type: string | null; units: number; mean: Float32Array }[] {
  const groups = new Map<string | null, { units: number; mean: Float32Array }>();
  types.forEach((type, row) => {
    let group = groups.get(type);
    if (!group) groups.set(type, (group = { units: 0, mean: new Float32Array(bins) }));
    group.units += 1;
    for (let b = 0; b < bins; b++) group.mean[b]! += rate[row * bins + b]!;
  });
  return [...groups].map(([type, group]) => {
    for (let b = 0; b < bins; b++) group.mean[b]! /= group.units;
    return { type, ...group };
  });
}

/**
 * The units to show first: the one whose PSTH stands out most from its mean ((peak − mean) / (mean
 * + 1 Hz): a stimulus-locked cell, not merely a fast one) and the most modulated one of another cell
 * type (an OFF beside an ON cell), or the runner-up when all share a type. Indices into `units`.
 */
export function mostModulated(rate: ArrayLike<number>, units: readonly number[], types: readonly (string | null)[], bins: number): { a: number; b: number } | null {
  if (units.length === 0 || bins === 0) return null;
  const score = units.map((_, row) => {
    let sum = 0;
    let top = 0;
    for (let k = 0; k < bins; k++) {
      const v = rate[row * bins + k]!;
      sum += v;
      top = Math.max(top, v);
    }
    const mean = sum / bins;
    return (top - mean) / (mean + 1);
  });
  const rows = units.map((_, row) => row).sort((x, y) => score[y]! - score[x]! || x - y);
  const first = rows[0]!;
  const other = rows.find((row) => types[row] !== types[first]) ?? rows[1] ?? first;
  return { a: units[first]!, b: units[other]! };
}
