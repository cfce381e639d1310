/**
 * Neurons made in code, in the shape the engine sends (shared/api/morphology.ts): a small branched
 * neuron for tests, and a seeded synthetic neuron of any size (100,000 nodes for the performance
 * check). Sections follow NeuroM's definition (unbranched runs between a neurite root or branch
 * point and a branch point or tip), so these payloads exercise the same code as real files.
 *
 * The synthetic neuron is test material only: the view loads one when its URL carries
 * `?morphology-synthetic=<nodes>` (see MorphologyView.tsx), never otherwise.
 */
import type { MorphologyNeuron, MorphologySection } from '../../../shared/api/index.js';
import { seededRandom as random } from '../../../shared/random.js';

export interface RawNeuron {
  positions: Float32Array;
  radii: Float32Array;
  types: Int32Array;
  parents: Int32Array;
}

/** NeuroM-style sections of a tree given by parent indices (soma nodes, type 1, belong to none). */
export function sectionsOf(raw: RawNeuron): { sections: MorphologySection[]; sectionNodes: Int32Array } {
  const n = raw.parents.length;
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i += 1) if (raw.parents[i]! >= 0) children[raw.parents[i]!]!.push(i);
  const dist = (a: number, b: number) =>
    Math.hypot(raw.positions[3 * a]! - raw.positions[3 * b]!, raw.positions[3 * a + 1]! - raw.positions[3 * b + 1]!, raw.positions[3 * a + 2]! - raw.positions[3 * b + 2]!);
  const sections: MorphologySection[] = [];
  const nodes: number[] = [];
  const kids: number[][] = [];
  const isSoma = (i: number) => raw.types[i] === 1;
  const neuriteRoots: number[] = [];
  for (let i = 0; i < n; i += 1) if (!isSoma(i) && (raw.parents[i]! < 0 || isSoma(raw.parents[i]!))) neuriteRoots.push(i);
  // Depth-first, so ids come in preorder; an explicit stack keeps deep trees off the call stack.
  const stack: Array<{ start: number; first: number; parent: number; order: number; path: number }> = [];
  for (const root of [...neuriteRoots].reverse()) stack.push({ start: root, first: root, parent: -1, order: 0, path: 0 });
  while (stack.length > 0) {
    const { start, first, parent, order, path } = stack.pop()!;
    const points = first === start ? [start] : [start, first];
    let node = first;
    while (children[node]!.length === 1) {
      node = children[node]![0]!;
      points.push(node);
    }
    let length = 0;
    for (let k = 1; k < points.length; k += 1) length += dist(points[k - 1]!, points[k]!);
    const id = sections.length;
    sections.push({ id, type: raw.types[first]!, parent, nodeStart: nodes.length, nodeCount: points.length, lengthUm: length, branchOrder: order, pathDistanceUm: path + length, strahlerOrder: 1 });
    kids.push([]);
    if (parent >= 0) kids[parent]!.push(id);
    nodes.push(...points);
    for (const child of [...children[node]!].reverse()) stack.push({ start: node, first: child, parent: id, order: order + 1, path: path + length });
  }
  for (let id = sections.length - 1; id >= 0; id -= 1) {
    const orders = kids[id]!.map((k) => sections[k]!.strahlerOrder);
    if (orders.length === 0) continue;
    const top = Math.max(...orders);
    sections[id]!.strahlerOrder = orders.filter((o) => o === top).length > 1 ? top + 1 : top;
  }
  return { sections, sectionNodes: Int32Array.from(nodes) };
}

/** A payload as morphology.neuron returns it, from raw arrays. */
export function neuronPayload(raw: RawNeuron, options: { recordingId: number; name: string }): MorphologyNeuron {
  const { sections, sectionNodes } = sectionsOf(raw);
  const total = sections.reduce((sum, s) => sum + s.lengthUm, 0);
  return {
    recordingId: options.recordingId,
    name: options.name,
    source: `(generated) ${options.name}`,
    nodeCount: raw.parents.length,
    treeCount: 1,
    scaleUmPerUnit: 1,
    positions: raw.positions,
    radii: raw.radii,
    types: raw.types,
    parents: raw.parents,
    sectionNodes,
    sections,
    metrics: { all: { sections: sections.length, totalLength: total } },
    warnings: [],
  };
}

/**
 * A small branched neuron: a soma (node 0, radius 5) at the origin, an axon (type 2) down −y that
 * bifurcates once, and a basal dendrite (type 3) up +y that bifurcates, one branch bifurcating again.
 * 13 nodes, 5 + 2 sections... see the unit tests for the exact numbers.
 */
export function smallNeuronRaw(): RawNeuron {
  // [x, y, z, radius, type, parent]
  const rows: Array<[number, number, number, number, number, number]> = [
    [0, 0, 0, 5, 1, -1], // 0 soma
    [0, -6, 0, 1, 2, 0], // 1 axon root
    [0, -20, 0, 1, 2, 1], // 2 axon bifurcation
    [-10, -30, 0, 0.5, 2, 2], // 3 tip
    [10, -30, 0, 0.5, 2, 2], // 4 tip
    [0, 6, 0, 2, 3, 0], // 5 dendrite root
    [0, 16, 0, 1.8, 3, 5], // 6
    [0, 26, 0, 1.5, 3, 6], // 7 bifurcation
    [-12, 36, 0, 1, 3, 7], // 8 tip
    [12, 36, 0, 1, 3, 7], // 9 bifurcation
    [6, 48, 0, 0.6, 3, 9], // 10 tip
    [20, 46, 0, 0.6, 3, 9], // 11
    [24, 56, 4, 0.4, 3, 11], // 12 tip
  ];
  return {
    positions: Float32Array.from(rows.flatMap((r) => [r[0], r[1], r[2]])),
    radii: Float32Array.from(rows.map((r) => r[3])),
    types: Int32Array.from(rows.map((r) => r[4])),
    parents: Int32Array.from(rows.map((r) => r[5])),
  };
}

/**
 * A synthetic neuron of exactly `nodeCount` nodes: a soma, four basal dendrites, an apical dendrite
 * and an axon, grown breadth first in sections of 8–24 steps of ~2 µm that bifurcate at their end,
 * radii tapering with branch order. Seeded: the same arguments give the same neuron.
 */
export function syntheticNeuronRaw(nodeCount: number, seed = 1): RawNeuron {
  const n = Math.max(2, Math.floor(nodeCount));
  const rand = random(seed);
  const positions = new Float32Array(3 * n);
  const radii = new Float32Array(n);
  const types = new Int32Array(n);
  const parents = new Int32Array(n).fill(-1);
  radii[0] = 10;
  types[0] = 1;
  let used = 1;
  const queue: Array<{ from: number; dir: [number, number, number]; type: number; radius: number; order: number }> = [];
  const starts: Array<[number, [number, number, number], number]> = [
    [3, [1, 0.2, 0.1], 1.6], [3, [-1, 0.1, -0.2], 1.6], [3, [0.3, -0.4, 1], 1.5], [3, [-0.2, -0.3, -1], 1.5],
    [4, [0, 1, 0], 2.5], [2, [0, -1, 0.1], 1],
  ];
  for (const [type, dir, radius] of starts) queue.push({ from: 0, dir, type, radius, order: 0 });
  let head = 0;
  while (used < n && head < queue.length) {
    const item = queue[head++]!;
    let [dx, dy, dz] = item.dir;
    const steps = 8 + Math.floor(rand() * 17);
    let from = item.from;
    for (let s = 0; s < steps && used < n; s += 1) {
      dx += (rand() - 0.5) * 0.5;
      dy += (rand() - 0.5) * 0.5;
      dz += (rand() - 0.5) * 0.5;
      const norm = Math.hypot(dx, dy, dz) || 1;
      dx /= norm;
      dy /= norm;
      dz /= norm;
      const step = from === 0 ? radii[0]! + 1 : 1.5 + rand();
      const i = used++;
      positions[3 * i] = positions[3 * from]! + dx * step;
      positions[3 * i + 1] = positions[3 * from + 1]! + dy * step;
      positions[3 * i + 2] = positions[3 * from + 2]! + dz * step;
      radii[i] = Math.max(0.15, item.radius * (1 - (0.2 * s) / steps));
      types[i] = item.type;
      parents[i] = from;
      from = i;
    }
    if (from === item.from) continue;
    const childRadius = Math.max(0.15, item.radius * 0.79);
    for (const sign of [1, -1]) {
      // Split about an axis perpendicular to the direction.
      const px = -dy, py = dx, pz = dz * 0.3 * sign;
      queue.push({ from, dir: [dx + sign * 0.7 * px, dy + sign * 0.7 * py, dz + pz], type: item.type, radius: childRadius, order: item.order + 1 });
    }
  }
  if (used < n) {
    // Cannot happen with two children per section, but keep the count exact regardless.
    return syntheticNeuronRaw(n, seed + 1);
  }
  return { positions, radii, types, parents };
}
