/**
 * How the raster fits the screen: row heights (every unit on screen: thousands of units are rows
 * under a pixel tall, three units are tall lanes), whether to ask for the spikes themselves or the
 * counts per column, and how the counts are drawn (a rate trace in tall lanes, a density shade in
 * thin rows), with the scale that makes a quiet unit as visible as a busy one when asked.
 */

/** Tall lanes at most this high (three units do not fill the screen with three bars). */
export const MAX_ROW_PX = 56;
/** Lanes at least this high draw counts as a rate trace; thinner rows as a density shade. */
export const TRACE_ROW_PX = 24;
/** Rows at least this high carry the unit's id; thinner ones are labelled by cell-type group. */
export const LABELLED_ROW_PX = 11;

export function rowHeight(units: number, availablePx: number): number {
  if (units <= 0) return MAX_ROW_PX;
  return Math.min(MAX_ROW_PX, availablePx / units);
}

/**
 * The spike budget of one raster request: the spikes themselves while there are about one or two
 * per row per screen column (each tick still reads as one spike), counts per column beyond.
 */
export function spikeBudget(units: number, columns: number): number {
  return Math.round(Math.min(200_000, Math.max(2_000, 1.5 * units * columns)));
}

export type DensityScale = 'unit' | 'shared';

/**
 * The count that fills a row (value 1) per unit: its own 99th percentile over the window ('unit':
 * every unit's pattern visible whatever its rate) or one for all ('shared': rates compare across
 * rows). Never below 1 spike, so an almost silent row stays faint rather than saturating.
 */
export function densityCeilings(counts: ArrayLike<number>, units: number, columns: number, scale: DensityScale): Float32Array {
  const ceilings = new Float32Array(units);
  const percentile99 = (values: number[]) => {
    if (values.length === 0) return 1;
    values.sort((a, b) => a - b);
    return Math.max(1, values[Math.min(values.length - 1, Math.floor(0.99 * (values.length - 1)))]!);
  };
  if (scale === 'shared') {
    const all: number[] = [];
    for (let i = 0; i < units * columns; i++) if (counts[i]! > 0) all.push(counts[i]!);
    ceilings.fill(percentile99(all));
    return ceilings;
  }
  for (let u = 0; u < units; u++) {
    const row: number[] = [];
    for (let c = 0; c < columns; c++) {
      const v = counts[u * columns + c]!;
      if (v > 0) row.push(v);
    }
    ceilings[u] = percentile99(row);
  }
  return ceilings;
}

/** Where a row's label goes when rows are too thin for ids: one label per run of equal group names. */
export function groupRuns(groups: readonly string[]): { label: string; first: number; count: number }[] {
  const runs: { label: string; first: number; count: number }[] = [];
  groups.forEach((label, row) => {
    const last = runs[runs.length - 1];
    if (last && last.label === label) last.count += 1;
    else runs.push({ label, first: row, count: 1 });
  });
  return runs;
}
