/**
 * The rank sweep as a plot: for each rank the best restart's reconstruction error (a line), every
 * restart's error (dots: their spread shows how reliably the fit converges) and the restarts'
 * factor similarity (a second line on a fixed 0–1 axis), with the suggested and the shown rank
 * marked. Pure geometry: the component only draws it.
 */
import type { NtfSweepRow } from '../../../shared/api/index.js';
import { linearScale, niceTicks, paddedExtent, type LinearScale } from './plot.js';

export interface PlotBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface SweepPoint {
  rank: number;
  x: number;
  bestError: number;
  yError: number;
  /** Every restart's error, best first, and where it is drawn. */
  errors: { value: number; y: number }[];
  similarity: number;
  ySimilarity: number;
}

export interface SweepPlot {
  points: SweepPoint[];
  x: LinearScale;
  error: LinearScale;
  similarity: LinearScale;
  errorTicks: number[];
  similarityTicks: number[];
  /** x of the suggested rank, null when it is not in the sweep. */
  suggestedX: number | null;
}

export function sweepPlot(rows: readonly NtfSweepRow[], suggestedRank: number, box: PlotBox): SweepPlot {
  const sorted = [...rows].sort((a, b) => a.rank - b.rank);
  const ranks = sorted.map((row) => row.rank);
  const minRank = Math.min(...ranks, suggestedRank);
  const maxRank = Math.max(...ranks, suggestedRank);
  // Half a rank of room at each end so the first and last dots are not on the axes.
  const x = linearScale([minRank - 0.5, maxRank + 0.5], [box.left, box.width - box.right]);
  const allErrors = sorted.flatMap((row) => row.errors);
  const [lo, hi] = paddedExtent(allErrors, 0.08);
  const errorDomain: [number, number] = [Math.max(0, lo), hi];
  const error = linearScale(errorDomain, [box.height - box.bottom, box.top]);
  const similarity = linearScale([0, 1], [box.height - box.bottom, box.top]);
  const points = sorted.map((row) => {
    const bestError = row.errors.length > 0 ? Math.min(...row.errors) : Number.NaN;
    return {
      rank: row.rank,
      x: x(row.rank),
      bestError,
      yError: error(bestError),
      errors: row.errors.map((value) => ({ value, y: error(value) })),
      similarity: row.similarity,
      ySimilarity: similarity(Math.min(1, Math.max(0, row.similarity))),
    };
  });
  return {
    points,
    x,
    error,
    similarity,
    errorTicks: niceTicks(errorDomain[0], errorDomain[1], 4).filter((tick) => tick >= errorDomain[0] && tick <= errorDomain[1]),
    similarityTicks: [0, 0.25, 0.5, 0.75, 1],
    suggestedX: ranks.includes(suggestedRank) ? x(suggestedRank) : null,
  };
}
