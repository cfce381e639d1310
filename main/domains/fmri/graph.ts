/**
 * The nodes and edges of a brain network for the glass brain: a node file (BrainNet .node,
 * coordinate table) with the edge matrix of the same stem beside it (`Node_AAL90.node` →
 * `Node_AAL90.edge`, or BrainNet's sample naming `Edge_AAL90*.edge`) or the edge recording named;
 * or a label atlas's regions at their centroids.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { BrainNode } from '../../../shared/api/index.js';
import { ValidationError } from '../../errors.js';
import { readBrainNetEdges } from '../../io/atlas/index.js';

const stemOf = (file: string) => basename(file, extname(file));

/**
 * The .edge file that goes with a node file: the same stem, else (BrainNet Viewer's samples) an
 * `Edge_<name>….edge` for `Node_<name>.node`, when exactly one fits. Null when none does.
 */
export function edgeFileBeside(nodeFile: string): string | null {
  const folder = dirname(nodeFile);
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => extname(name).toLowerCase() === '.edge');
  } catch {
    return null;
  }
  const stem = stemOf(nodeFile);
  const same = names.find((name) => stemOf(name) === stem);
  if (same) return join(folder, same);
  const core = stem.replace(/^node_?/i, '');
  if (core === stem || !core) return null;
  const fits = names.filter((name) => stemOf(name).replace(/^edge_?/i, '').toLowerCase().startsWith(core.toLowerCase()));
  return fits.length === 1 ? join(folder, fits[0]!) : null;
}

/** The weights of an edge file, checked to have one row per node. */
export async function edgeWeights(edgeFile: string, nodeCount: number, field: string): Promise<Float64Array> {
  const edges = await readBrainNetEdges(edgeFile);
  if (edges.nodeCount !== nodeCount) {
    throw new ValidationError(field, `${basename(edgeFile)} is a ${edges.nodeCount}×${edges.nodeCount} matrix, but the network has ${nodeCount} nodes`);
  }
  return edges.weights;
}

/** Atlas regions as glass-brain nodes (those with a centroid: a region absent from the volume has none). */
export function regionNodes(regions: readonly { index: number; name: string; centroidMm: [number, number, number] | null }[]): BrainNode[] {
  return regions.flatMap((region) =>
    region.centroidMm ? [{ x: region.centroidMm[0], y: region.centroidMm[1], z: region.centroidMm[2], colour: 0, size: 1, label: region.name, network: null }] : [],
  );
}
