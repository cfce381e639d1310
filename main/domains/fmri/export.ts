/**
 * What `cajal fmri` writes: ROI series as CSV (time × region with a header of region names, the
 * layout nilearn's users write with pandas and Cajal's ROI reader takes back) and connectivity
 * matrices as CSV (numpy.savetxt's layout: rows of comma-separated values, full precision) or
 * NumPy .npy (float64).
 */
import { encodeNpy } from '../../io/npy.js';

/** Quotes a CSV header cell when it needs it. */
const cell = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** Region-major `data[r * timepoints + t]` as time rows × region columns. */
export function seriesCsv(regionNames: readonly string[], timepoints: number, data: Float64Array): string {
  const regions = regionNames.length;
  const lines = [regionNames.map(cell).join(',')];
  for (let t = 0; t < timepoints; t++) {
    const row: string[] = [];
    for (let r = 0; r < regions; r++) row.push(String(data[r * timepoints + t]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function matrixCsv(matrix: Float64Array, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(Array.from(matrix.subarray(i * n, (i + 1) * n), String).join(','));
  return `${lines.join('\n')}\n`;
}

export function matrixNpy(matrix: Float64Array, n: number): Uint8Array {
  return encodeNpy({ dtype: 'float64', shape: [n, n], data: matrix });
}

/** A row-major n × n matrix as nested arrays (for --json). */
export function matrixRows(matrix: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(matrix.subarray(i * n, (i + 1) * n)));
}
