/**
 * The glass brain's edges coloured by sign: red for positive weights, blue for negative, in the
 * connectome view's three weight tiers (edgeStyle.ts: width and opacity by |weight| relative to the
 * strongest kept edge). In functional connectivity the sign is the finding (anticorrelated
 * networks), which the generic view's colour-by-community would hide.
 */
import { EDGE_TIERS, edgeTier, type EdgeBatch } from '../../components/connectome/edgeStyle.js';
import type { EdgeList } from '../../components/connectome/edges.js';

/** Red and blue of the diverging heat maps' ends (matrixColours.ts), a little lighter to show on the dark scene, 0…1. */
export const POSITIVE_EDGE: readonly [number, number, number] = [0.89, 0.29, 0.2];
export const NEGATIVE_EDGE: readonly [number, number, number] = [0.26, 0.58, 0.85];

export function signedEdgeBatches(list: EdgeList, kept: number, positions: Float32Array): EdgeBatch[] {
  const count = Math.min(kept, list.count);
  const maxAbs = count > 0 ? Math.abs(list.weight[0]!) : 0;
  const tierOf = new Uint8Array(count);
  const sizes = EDGE_TIERS.map(() => 0);
  for (let e = 0; e < count; e += 1) {
    tierOf[e] = edgeTier(Math.abs(list.weight[e]!), maxAbs);
    sizes[tierOf[e]!]! += 1;
  }
  const batches: EdgeBatch[] = EDGE_TIERS.map((tier, t) => ({ tier, positions: new Float32Array(sizes[t]! * 6), colors: new Float32Array(sizes[t]! * 6), count: 0 }));
  for (let e = 0; e < count; e += 1) {
    const batch = batches[tierOf[e]!]!;
    const a = list.source[e]!;
    const b = list.target[e]!;
    const colour = list.weight[e]! < 0 ? NEGATIVE_EDGE : POSITIVE_EDGE;
    const offset = batch.count * 6;
    batch.positions.set(positions.subarray(3 * a, 3 * a + 3), offset);
    batch.positions.set(positions.subarray(3 * b, 3 * b + 3), offset + 3);
    batch.colors.set(colour, offset);
    batch.colors.set(colour, offset + 3);
    batch.count += 1;
  }
  return batches;
}
