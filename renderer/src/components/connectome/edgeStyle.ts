/**
 * How the kept edges are drawn. WebGL lines have one width per draw call, so edges fall into three
 * weight tiers (relative to the strongest kept edge), each a batch with its own width and opacity:
 * strong edges thick and opaque, weak ones thin and faint. An edge inside one group takes the
 * group's colour, an edge between groups is grey, so communities show in the edges too.
 */
import type { EdgeList } from './edges.js';
import { hexToUnitRgb } from '../color.js';
import { NO_GROUP_COLOR } from './palette.js';

export interface EdgeTier {
  /** Lower bound of |weight| / strongest kept |weight| for the tier. */
  from: number;
  widthPx: number;
  opacity: number;
}

export const EDGE_TIERS: readonly EdgeTier[] = [
  { from: 0, widthPx: 1, opacity: 0.22 },
  { from: 1 / 3, widthPx: 1.8, opacity: 0.45 },
  { from: 2 / 3, widthPx: 3, opacity: 0.8 },
];

/** The tier of an edge of |weight| `abs` when the strongest kept edge has `maxAbs`. */
export function edgeTier(abs: number, maxAbs: number): number {
  const relative = maxAbs > 0 ? abs / maxAbs : 0;
  for (let t = EDGE_TIERS.length - 1; t > 0; t -= 1) if (relative >= EDGE_TIERS[t]!.from) return t;
  return 0;
}

export interface EdgeBatch {
  tier: EdgeTier;
  /** Two x, y, z points per edge. */
  positions: Float32Array;
  /** Two r, g, b colours (0…1) per edge. */
  colors: Float32Array;
  count: number;
}

/** An edge's colour (0…1 RGB) from its index in the list and its two nodes. */
export type EdgeColour = (edge: number, source: number, target: number) => readonly [number, number, number];

/**
 * The first `kept` edges of `list` (the strongest) as line batches, one per weight tier, between
 * node `positions` (3 values per node), each edge in the colour `colourOf` gives it.
 */
export function tieredEdgeBatches(list: EdgeList, kept: number, positions: Float32Array, colourOf: EdgeColour): EdgeBatch[] {
  const count = Math.min(kept, list.count);
  const maxAbs = count > 0 ? Math.abs(list.weight[0]!) : 0;
  const tierOf = new Uint8Array(count);
  const sizes = EDGE_TIERS.map(() => 0);
  for (let e = 0; e < count; e += 1) {
    tierOf[e] = edgeTier(Math.abs(list.weight[e]!), maxAbs);
    sizes[tierOf[e]!]! += 1;
  }
  const batches = EDGE_TIERS.map((tier, t) => ({ tier, positions: new Float32Array(sizes[t]! * 6), colors: new Float32Array(sizes[t]! * 6), count: 0 }));
  for (let e = 0; e < count; e += 1) {
    const batch = batches[tierOf[e]!]!;
    const a = list.source[e]!;
    const b = list.target[e]!;
    const color = colourOf(e, a, b);
    const offset = batch.count * 6;
    batch.positions.set(positions.subarray(3 * a, 3 * a + 3), offset);
    batch.positions.set(positions.subarray(3 * b, 3 * b + 3), offset + 3);
    batch.colors.set(color, offset);
    batch.colors.set(color, offset + 3);
    batch.count += 1;
  }
  return batches;
}

/**
 * The connectome view's edges: coloured from `nodeColors` (`#rrggbb` per node; null group nodes
 * pass NO_GROUP_COLOR) where both ends share a group in `groups`, grey otherwise.
 */
export function edgeBatches(
  list: EdgeList,
  kept: number,
  positions: Float32Array,
  groups: readonly (number | null)[],
  nodeColors: readonly string[],
): EdgeBatch[] {
  const grey = hexToUnitRgb(NO_GROUP_COLOR);
  const rgbCache = new Map<string, [number, number, number]>();
  const rgb = (hex: string) => {
    let value = rgbCache.get(hex);
    if (!value) rgbCache.set(hex, (value = hexToUnitRgb(hex)));
    return value;
  };
  return tieredEdgeBatches(list, kept, positions, (_, a, b) => (groups[a] !== null && groups[a] === groups[b] ? rgb(nodeColors[a]!) : grey));
}
