/**
 * The connectivity matrices' arithmetic: the display order (units grouped by cell type, then by how
 * much attention they receive, so a hub stands at the top of its group), the colour scales (the
 * attention runs 0 … its 99th percentile off the diagonal; the true weights are signed, blue for
 * inhibitory, red for excitatory, symmetric about 0), the pixels, and the undirected graph the
 * connectome scene draws (it reads one triangle: an edge i–j weighs the stronger of i→j and j→i).
 */
import { rampColor } from '../components/colormap.js';

/** Cell type as shown: the file's label, or "no type". */
export const typeLabel = (type: string | null) => type ?? 'no type';

/**
 * Column sums without the diagonal: how much attention each (pre) unit receives from the others,
 * i.e. its inferred out-degree.
 */
export function received(matrix: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (r !== c) out[c]! += Math.abs(matrix[r * n + c]!);
  return out;
}

/**
 * Unit indices in display order: by cell type (named types in the order given, units without a type
 * last), then by `score` (descending), then by index. Used for rows and columns alike.
 */
export function typeOrder(types: readonly (string | null)[], score: ArrayLike<number>, typeRank?: readonly (string | null)[]): number[] {
  const collator = new Intl.Collator('en', { numeric: true });
  const rank = (type: string | null) => {
    if (typeRank) {
      const at = typeRank.indexOf(type);
      return at < 0 ? typeRank.length : at;
    }
    return 0;
  };
  return types
    .map((_, i) => i)
    .sort((a, b) => {
      const ta = types[a]!;
      const tb = types[b]!;
      if (ta !== tb) {
        if (ta === null) return 1;
        if (tb === null) return -1;
        return rank(ta) - rank(tb) || collator.compare(ta, tb);
      }
      return score[b]! - score[a]! || a - b;
    });
}

/** Runs of equal type along an order: where each group starts and how many units it has. */
export function typeRuns(order: readonly number[], types: readonly (string | null)[]): { type: string | null; start: number; count: number }[] {
  const runs: { type: string | null; start: number; count: number }[] = [];
  order.forEach((unit, at) => {
    const type = types[unit] ?? null;
    const last = runs[runs.length - 1];
    if (last && last.type === type) last.count += 1;
    else runs.push({ type, start: at, count: 1 });
  });
  return runs;
}

/** The 99th percentile of off-diagonal |values| (the largest when that is 0; 0 for an empty matrix). */
export function scaleTop(matrix: ArrayLike<number>, n: number): number {
  const values: number[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (r !== c && Number.isFinite(matrix[r * n + c]!)) values.push(Math.abs(matrix[r * n + c]!));
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const top = values[Math.min(values.length - 1, Math.floor(0.99 * (values.length - 1)))]!;
  return top > 0 ? top : values[values.length - 1]!;
}

/**
 * The bottom of a sequential scale: the 1st percentile of off-diagonal |values|. A row-normalised
 * attention over n units sits near 1/n everywhere; from 0 the whole map would be one colour, from
 * its own floor the structure shows.
 */
export function scaleBottom(matrix: ArrayLike<number>, n: number): number {
  const values: number[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (r !== c && Number.isFinite(matrix[r * n + c]!)) values.push(Math.abs(matrix[r * n + c]!));
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.floor(0.01 * (values.length - 1))]!;
}

/** Signed diverging colour: −1 blue, 0 near-white, +1 red. */
export function divergingColor(value: number): [number, number, number] {
  const v = Math.max(-1, Math.min(1, Number.isFinite(value) ? value : 0));
  const white: [number, number, number] = [247, 247, 247];
  const end: [number, number, number] = v >= 0 ? [178, 24, 43] : [33, 102, 172];
  const f = Math.abs(v);
  return [0, 1, 2].map((k) => Math.round(white[k]! + f * (end[k]! - white[k]!))) as [number, number, number];
}

/** sequential: |v| from `bottom` (default 0) to `top`; diverging: v from −top to top. */
export type MatrixScale = { kind: 'sequential'; top: number; bottom?: number } | { kind: 'diverging'; top: number };

/**
 * RGBA of the n × n matrix with rows and columns permuted by `order` (pixel (r, c) = matrix[order[r],
 * order[c]]). The diagonal is painted neutral grey: self-attention is not a connection.
 */
export function matrixPixels(matrix: ArrayLike<number>, n: number, order: readonly number[], scale: MatrixScale): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(n * n * 4);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const p = (r * n + c) * 4;
      const row = order[r]!;
      const col = order[c]!;
      let rgb: [number, number, number];
      if (row === col) rgb = [150, 150, 150];
      else {
        const v = matrix[row * n + col]!;
        if (scale.kind === 'diverging') rgb = divergingColor(scale.top > 0 ? v / scale.top : 0);
        else {
          const bottom = scale.bottom ?? 0;
          rgb = rampColor(scale.top > bottom ? (Math.abs(v) - bottom) / (scale.top - bottom) : 0);
        }
      }
      rgba[p] = rgb[0];
      rgba[p + 1] = rgb[1];
      rgba[p + 2] = rgb[2];
      rgba[p + 3] = 255;
    }
  }
  return rgba;
}

/**
 * A dense symmetric matrix for the (undirected) connectome scene: w(i, j) = max(|m[i, j]|, |m[j, i]|),
 * diagonal 0. Direction is read in the heat map; the graph shows who is wired to whom.
 */
export function undirected(matrix: ArrayLike<number>, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const w = Math.max(Math.abs(matrix[i * n + j]!), Math.abs(matrix[j * n + i]!));
      out[i * n + j] = w;
      out[j * n + i] = w;
    }
  return out;
}

/** Mean |value| of the block from `rowType` (predicted) to `colType` (attended), diagonal left out: a type × type summary. */
export function typeBlocks(matrix: ArrayLike<number>, types: readonly (string | null)[]): { types: (string | null)[]; mean: number[][] } {
  const n = types.length;
  const kinds = [...new Set(types)].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b, 'en', { numeric: true })));
  const sum = kinds.map(() => kinds.map(() => 0));
  const count = kinds.map(() => kinds.map(() => 0));
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      if (r === c) continue;
      const a = kinds.indexOf(types[r]!);
      const b = kinds.indexOf(types[c]!);
      sum[a]![b]! += Math.abs(matrix[r * n + c]!);
      count[a]![b]! += 1;
    }
  return { types: kinds, mean: sum.map((row, a) => row.map((s, b) => (count[a]![b]! ? s / count[a]![b]! : Number.NaN))) };
}
