/**
 * The glass brain's edges coloured by sign: red for positive weights, blue for negative, in the
 * connectome view's three weight tiers (edgeStyle.ts: width and opacity by |weight| relative to the
 * strongest kept edge). In functional connectivity the sign is the finding (anticorrelated
 * networks), which the generic view's colour-by-community would hide.
 */
import { tieredEdgeBatches, type EdgeBatch } from '../../components/connectome/edgeStyle.js';
import type { EdgeList } from '../../components/connectome/edges.js';

/** Red and blue of the diverging heat maps' ends (matrixColours.ts), a little lighter to show on the dark scene, 0…1. */
export const POSITIVE_EDGE: readonly [number, number, number] = [0.89, 0.29, 0.2];
export const NEGATIVE_EDGE: readonly [number, number, number] = [0.26, 0.58, 0.85];

export function signedEdgeBatches(list: EdgeList, kept: number, positions: Float32Array): EdgeBatch[] {
  return tieredEdgeBatches(list, kept, positions, (e) => (list.weight[e]! < 0 ? NEGATIVE_EDGE : POSITIVE_EDGE));
}
