/**
 * Recorded vs generated spikes over one window, reduced to what the side-by-side panels draw: one
 * row order for both rasters (cell type, then recorded rate: a unit sits on the same row in both),
 * the rate per cell type over time in both (the population PSTH of the window: does the model fire
 * when the retina fires?), and each unit's mean rate recorded vs generated.
 */
import type { NeuroformerRaster } from '../../../shared/api/index.js';
import { typeOrder } from './matrix.js';
import { pearson as pearsonR } from '../../../shared/correlation.js';

export interface TimeWindow {
  startS: number;
  endS: number;
}

/** Spikes per unit among `rows` (unit index of each spike). */
export function countPerUnit(rows: ArrayLike<number>, units: number): Float64Array {
  const counts = new Float64Array(units);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r >= 0 && r < units) counts[r]! += 1;
  }
  return counts;
}

/** Row order shared by both rasters: unit indices by cell type, busiest recorded unit first within a type. */
export function sharedOrder(raster: Pick<NeuroformerRaster, 'cellTypes' | 'recordedRow'>): number[] {
  return typeOrder(raster.cellTypes, countPerUnit(raster.recordedRow, raster.cellTypes.length));
}

export interface TypeRates {
  type: string | null;
  units: number;
  /** Mean spikes/s per unit of the type in each bin. */
  recorded: Float64Array;
  generated: Float64Array;
}

/**
 * Per cell type, the mean rate per unit in bins of `binS` over [0, spanS) (spike times are seconds
 * after the window's start), recorded and generated, for the population-PSTH panel.
 */
export function ratesByType(raster: Pick<NeuroformerRaster, 'cellTypes' | 'recordedRow' | 'recordedTime' | 'generatedRow' | 'generatedTime'>, spanS: number, binS: number): TypeRates[] {
  const bins = Math.max(1, Math.ceil(spanS / binS - 1e-9));
  const kinds = [...new Set(raster.cellTypes)];
  const groups = kinds.map((type) => ({ type, units: raster.cellTypes.filter((t) => t === type).length, recorded: new Float64Array(bins), generated: new Float64Array(bins) }));
  const groupOf = raster.cellTypes.map((type) => kinds.indexOf(type));
  const add = (rows: ArrayLike<number>, times: ArrayLike<number>, key: 'recorded' | 'generated') => {
    for (let i = 0; i < rows.length; i++) {
      const g = groupOf[rows[i]!];
      const t = times[i]!;
      const b = Math.floor(t / binS);
      if (g === undefined || t < 0 || t >= spanS || b >= bins) continue;
      groups[g]![key][b]! += 1;
    }
  };
  add(raster.recordedRow, raster.recordedTime, 'recorded');
  add(raster.generatedRow, raster.generatedTime, 'generated');
  for (const group of groups)
    for (let b = 0; b < bins; b++) {
      // The last bin may be cut by the window's end.
      const width = Math.min(binS, spanS - b * binS);
      group.recorded[b]! /= group.units * width;
      group.generated[b]! /= group.units * width;
    }
  return groups.sort((a, b) => (a.type === null ? 1 : b.type === null ? -1 : a.type.localeCompare(b.type, 'en', { numeric: true })));
}

/**
 * A bin that shows the shape of a window: about 200 bins, rounded to 10/20/50 ms, 0.1/0.2/0.5/1 s…
 * (the retina's gratings reverse every ~0.7 s: a 20 s window needs 100 ms bins to show each response).
 */
export function defaultBinS(spanS: number): number {
  const raw = spanS / 200;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

/** Pearson r of two series over their common length (NaN when either is flat). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  return pearsonR(Array.prototype.slice.call(a, 0, n) as number[], Array.prototype.slice.call(b, 0, n) as number[]);
}

/**
 * The first window to show: `spanS` (default 20 s, a few dozen grating reversals) from the start of
 * what the run generated, inside it.
 */
export function initialWindow(generatedStartS: number, generatedEndS: number, spanS = 20): TimeWindow {
  return { startS: generatedStartS, endS: Math.min(generatedEndS, generatedStartS + spanS) };
}

/** The window moved by `deltaS`, kept inside [startS, endS] of what was generated. */
export function shiftWindow(window: TimeWindow, deltaS: number, bounds: TimeWindow): TimeWindow {
  const span = Math.min(window.endS - window.startS, bounds.endS - bounds.startS);
  const startS = Math.min(bounds.endS - span, Math.max(bounds.startS, window.startS + deltaS));
  return { startS, endS: startS + span };
}
