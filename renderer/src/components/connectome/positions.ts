/**
 * Where each node is drawn: at its own position when every node has one (scaled into the unit
 * sphere, shape kept), else where the force-directed layout puts it. Mixing the two would place
 * layout nodes in a space unrelated to the positioned ones, so one missing position means layout.
 */
import type { EdgeList } from './edges.js';
import { fitUnitSphere, forceLayout } from './layout.js';
import type { ConnectomeNode } from './types.js';

export interface NodePlacement {
  /** x, y, z per node, within the unit sphere. */
  positions: Float32Array;
  source: 'positions' | 'layout';
}

export function placeNodes(nodes: readonly ConnectomeNode[], layoutEdges: EdgeList, seed = 1): NodePlacement {
  const n = nodes.length;
  if (n > 0 && nodes.every((node) => node.position !== null)) {
    const flat = new Float64Array(3 * n);
    nodes.forEach((node, i) => flat.set(node.position!, 3 * i));
    return { positions: fitUnitSphere(flat, n), source: 'positions' };
  }
  return { positions: forceLayout(n, layoutEdges, { seed }), source: 'layout' };
}
