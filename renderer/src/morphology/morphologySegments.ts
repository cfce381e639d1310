/**
 * The GPU-ready buffers of neurons drawn as segments, built without three.js objects so they are
 * fast and testable in Node: one instance per parent → child segment (soma segments excepted, the
 * soma is drawn as spheres), with
 *  - a 4 × 4 column-major matrix mapping the unit cylinder (radius 1, y from 0 to 1) onto the
 *    segment: y along parent → child scaled by its length, x and z by the larger end radius;
 *  - the taper (parent radius, child radius) ÷ that larger radius, which the tube shader applies
 *    along y so each instance is a truncated cone (picking uses the enclosing cylinder);
 *  - the section id, neuron index and child node of each instance (for picking and colour);
 *  - line endpoints (two vertices per segment) for the line level of detail.
 * Soma nodes become spheres (centre, radius).
 */
export interface NeuronGeometryInput {
  positions: Float32Array;
  radii: Float32Array;
  types: Int32Array;
  parents: Int32Array;
  nodeSection: Int32Array;
}

export interface SegmentBuffers {
  count: number;
  matrices: Float32Array;
  taper: Float32Array;
  sectionIds: Int32Array;
  neuronIndex: Uint16Array;
  childNodes: Int32Array;
  linePositions: Float32Array;
  /** x, y, z, radius per soma sphere. */
  somas: Float32Array;
  somaNeuron: Uint16Array;
  /** Median segment radius (µm), for choosing the level of detail. */
  medianRadiusUm: number;
}

const SOMA = 1;
/** Radius given to zero-radius nodes (some files set the soma or tips to 0), µm. */
export const MIN_RADIUS_UM = 0.1;

export function isSegment(neuron: NeuronGeometryInput, i: number): boolean {
  const p = neuron.parents[i]!;
  return p >= 0 && neuron.types[i] !== SOMA;
}

/** Writes the matrix of the segment a → b (radius r) at `out[offset]`. */
export function segmentMatrix(out: Float32Array, offset: number, ax: number, ay: number, az: number, bx: number, by: number, bz: number, r: number): void {
  let dx = bx - ax;
  let dy = by - ay;
  let dz = bz - az;
  let length = Math.hypot(dx, dy, dz);
  if (length < 1e-6) {
    dx = 0;
    dy = 1;
    dz = 0;
    length = 1e-4;
  } else {
    dx /= length;
    dy /= length;
    dz /= length;
  }
  // X ⟂ d: d × (helper axis least aligned with d), then Z = X × d, so (X, d, Z) is right-handed.
  let hx = 0, hy = 0, hz = 0;
  const adx = Math.abs(dx), ady = Math.abs(dy), adz = Math.abs(dz);
  if (adx <= ady && adx <= adz) hx = 1;
  else if (ady <= adz) hy = 1;
  else hz = 1;
  let xx = dy * hz - dz * hy;
  let xy = dz * hx - dx * hz;
  let xz = dx * hy - dy * hx;
  const xn = Math.hypot(xx, xy, xz);
  xx /= xn;
  xy /= xn;
  xz /= xn;
  const zx = xy * dz - xz * dy;
  const zy = xz * dx - xx * dz;
  const zz = xx * dy - xy * dx;
  out[offset] = xx * r;
  out[offset + 1] = xy * r;
  out[offset + 2] = xz * r;
  out[offset + 3] = 0;
  out[offset + 4] = dx * length;
  out[offset + 5] = dy * length;
  out[offset + 6] = dz * length;
  out[offset + 7] = 0;
  out[offset + 8] = zx * r;
  out[offset + 9] = zy * r;
  out[offset + 10] = zz * r;
  out[offset + 11] = 0;
  out[offset + 12] = ax;
  out[offset + 13] = ay;
  out[offset + 14] = az;
  out[offset + 15] = 1;
}

/** Instance buffers of all neurons, each moved by its offset (side by side). */
export function buildSegmentBuffers(neurons: readonly NeuronGeometryInput[], offsets: ReadonlyArray<readonly [number, number, number]>): SegmentBuffers {
  let count = 0;
  let somaCount = 0;
  for (const neuron of neurons) {
    for (let i = 0; i < neuron.parents.length; i += 1) {
      if (isSegment(neuron, i)) count += 1;
      else if (neuron.types[i] === SOMA) somaCount += 1;
    }
  }
  const matrices = new Float32Array(16 * count);
  const taper = new Float32Array(2 * count);
  const sectionIds = new Int32Array(count);
  const neuronIndex = new Uint16Array(count);
  const childNodes = new Int32Array(count);
  const linePositions = new Float32Array(6 * count);
  const somas = new Float32Array(4 * somaCount);
  const somaNeuron = new Uint16Array(somaCount);
  const segmentRadii = new Float32Array(count);
  let k = 0;
  let s = 0;
  neurons.forEach((neuron, n) => {
    const [ox, oy, oz] = offsets[n] ?? [0, 0, 0];
    const p = neuron.positions;
    for (let i = 0; i < neuron.parents.length; i += 1) {
      const bx = p[3 * i]! + ox, by = p[3 * i + 1]! + oy, bz = p[3 * i + 2]! + oz;
      if (!isSegment(neuron, i)) {
        if (neuron.types[i] === SOMA) {
          somas[4 * s] = bx;
          somas[4 * s + 1] = by;
          somas[4 * s + 2] = bz;
          somas[4 * s + 3] = Math.max(MIN_RADIUS_UM, neuron.radii[i]!);
          somaNeuron[s] = n;
          s += 1;
        }
        continue;
      }
      const parent = neuron.parents[i]!;
      const ax = p[3 * parent]! + ox, ay = p[3 * parent + 1]! + oy, az = p[3 * parent + 2]! + oz;
      // A segment leaving the soma starts at the neurite's own radius, not the soma's.
      const r1 = Math.max(MIN_RADIUS_UM, neuron.radii[i]!);
      const r0 = neuron.types[parent] === SOMA ? r1 : Math.max(MIN_RADIUS_UM, neuron.radii[parent]!);
      const r = Math.max(r0, r1);
      segmentMatrix(matrices, 16 * k, ax, ay, az, bx, by, bz, r);
      taper[2 * k] = r0 / r;
      taper[2 * k + 1] = r1 / r;
      sectionIds[k] = neuron.nodeSection[i]!;
      neuronIndex[k] = n;
      childNodes[k] = i;
      linePositions.set([ax, ay, az, bx, by, bz], 6 * k);
      segmentRadii[k] = (r0 + r1) / 2;
      k += 1;
    }
  });
  const sorted = segmentRadii.slice().sort();
  const medianRadiusUm = count > 0 ? sorted[count >> 1]! : 0;
  return { count, matrices, taper, sectionIds, neuronIndex, childNodes, linePositions, somas, somaNeuron, medianRadiusUm };
}

/**
 * Distance from a ray (origin o, unit direction d) to the segment a → b, and the ray parameter of the
 * closest approach; used to pick thin segments within a pixel tolerance.
 */
export function raySegmentDistance(
  o: readonly [number, number, number],
  d: readonly [number, number, number],
  a: readonly [number, number, number],
  b: readonly [number, number, number],
): { distance: number; t: number } {
  const ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
  const wx = a[0] - o[0], wy = a[1] - o[1], wz = a[2] - o[2];
  const uu = ux * ux + uy * uy + uz * uz;
  const ud = ux * d[0] + uy * d[1] + uz * d[2];
  const uw = ux * wx + uy * wy + uz * wz;
  const dw = d[0] * wx + d[1] * wy + d[2] * wz;
  const denominator = uu - ud * ud;
  // s along the segment (0…1), t along the ray.
  let s = uu > 0 ? (denominator > 1e-12 * uu ? (ud * dw - uw) / denominator : 0) : 0;
  s = Math.min(1, Math.max(0, s));
  const px = a[0] + ux * s, py = a[1] + uy * s, pz = a[2] + uz * s;
  const t = Math.max(0, (px - o[0]) * d[0] + (py - o[1]) * d[1] + (pz - o[2]) * d[2]);
  const qx = o[0] + d[0] * t - px, qy = o[1] + d[1] * t - py, qz = o[2] + d[2] * t - pz;
  return { distance: Math.hypot(qx, qy, qz), t };
}

/**
 * The segment nearest the ray among those within `tolerance` (plus their radius), closest to the
 * viewer first; −1 when none.
 */
export function nearestSegmentToRay(
  buffers: Pick<SegmentBuffers, 'count' | 'linePositions' | 'matrices'>,
  origin: readonly [number, number, number],
  direction: readonly [number, number, number],
  tolerance: number,
): number {
  let best = -1;
  let bestT = Infinity;
  const lp = buffers.linePositions;
  for (let k = 0; k < buffers.count; k += 1) {
    const m = 16 * k;
    const radius = Math.hypot(buffers.matrices[m]!, buffers.matrices[m + 1]!, buffers.matrices[m + 2]!);
    const hit = raySegmentDistance(origin, direction, [lp[6 * k]!, lp[6 * k + 1]!, lp[6 * k + 2]!], [lp[6 * k + 3]!, lp[6 * k + 4]!, lp[6 * k + 5]!]);
    if (hit.distance <= tolerance + radius && hit.t < bestT) {
      best = k;
      bestT = hit.t;
    }
  }
  return best;
}

/**
 * Coarse lines: the same skeleton with each unbranched run thinned to every `step`-th node (roots,
 * branch points, tips and nodes next to the soma always kept), one line per kept node to its kept
 * ancestor. What a very large neuron is drawn as while the view moves.
 */
export interface CoarseLines {
  count: number;
  step: number;
  linePositions: Float32Array;
  neuronIndex: Uint16Array;
  /** The node whose colour each line takes (the kept node at its far end). */
  childNodes: Int32Array;
}

/** Nodes with parents before children (depth first from the roots). */
export function topologicalOrder(parents: Int32Array): Int32Array {
  const n = parents.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i += 1) if (parents[i]! >= 0) start[parents[i]! + 1]! += 1;
  for (let i = 0; i < n; i += 1) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const children = new Int32Array(start[n]!);
  for (let i = 0; i < n; i += 1) if (parents[i]! >= 0) children[fill[parents[i]!]!++] = i;
  const order = new Int32Array(n);
  const stack: number[] = [];
  let k = 0;
  for (let i = 0; i < n; i += 1) {
    if (parents[i]! >= 0) continue;
    stack.push(i);
    while (stack.length > 0) {
      const node = stack.pop()!;
      order[k++] = node;
      for (let c = start[node]!; c < start[node + 1]!; c += 1) stack.push(children[c]!);
    }
  }
  return k === n ? order : order.subarray(0, k);
}

export function buildCoarseLines(neurons: readonly NeuronGeometryInput[], offsets: ReadonlyArray<readonly [number, number, number]>, step: number): CoarseLines {
  const kept: Uint8Array[] = [];
  let count = 0;
  for (const neuron of neurons) {
    const n = neuron.parents.length;
    const childCount = new Int32Array(n);
    for (let i = 0; i < n; i += 1) if (neuron.parents[i]! >= 0) childCount[neuron.parents[i]!]! += 1;
    const keep = new Uint8Array(n);
    const run = new Int32Array(n);
    for (const i of topologicalOrder(neuron.parents)) {
      const p = neuron.parents[i]!;
      if (p < 0 || neuron.types[i] === SOMA || neuron.types[p] === SOMA || childCount[i] !== 1) keep[i] = 1;
      else {
        run[i] = run[p]! + 1;
        if (run[i]! >= step) keep[i] = 1;
      }
      if (keep[i]) run[i] = 0;
    }
    for (let i = 0; i < n; i += 1) if (keep[i] && isSegment(neuron, i)) count += 1;
    kept.push(keep);
  }
  const linePositions = new Float32Array(6 * count);
  const neuronIndex = new Uint16Array(count);
  const childNodes = new Int32Array(count);
  let k = 0;
  neurons.forEach((neuron, n) => {
    const [ox, oy, oz] = offsets[n] ?? [0, 0, 0];
    const keep = kept[n]!;
    const p = neuron.positions;
    for (let i = 0; i < neuron.parents.length; i += 1) {
      if (!keep[i] || !isSegment(neuron, i)) continue;
      let a = neuron.parents[i]!;
      while (!keep[a]) a = neuron.parents[a]!;
      linePositions[6 * k] = p[3 * a]! + ox;
      linePositions[6 * k + 1] = p[3 * a + 1]! + oy;
      linePositions[6 * k + 2] = p[3 * a + 2]! + oz;
      linePositions[6 * k + 3] = p[3 * i]! + ox;
      linePositions[6 * k + 4] = p[3 * i + 1]! + oy;
      linePositions[6 * k + 5] = p[3 * i + 2]! + oz;
      neuronIndex[k] = n;
      childNodes[k] = i;
      k += 1;
    }
  });
  return { count, step, linePositions, neuronIndex, childNodes };
}

/** Thinning step giving about `target` coarse lines for `segments` segments (2…16). */
export function coarseStep(segments: number, target = COARSE_TARGET_SEGMENTS): number {
  return Math.min(16, Math.max(2, Math.ceil(segments / target)));
}

/** Which level of detail to draw. */
export type Lod = 'tubes' | 'lines' | 'coarse';
/** What the user asks for. */
export type DrawStyle = 'tubes' | 'lines';

/**
 * Measured in the e2e test (Chromium with SwiftShader, software WebGL, 2 cores): a tube costs
 * ~16 µs a frame, a line ~0.9 µs, a frame ~30 ms at least (100k-node neuron: tubes ~1.6 s, lines
 * ~92 ms; the 1.5k-node Purkinje cell as tubes ~32 ms). A GPU is 100× faster, but the view must
 * stay usable without one. So while the view moves: tubes up to 20k segments, lines up to 50k,
 * coarse lines (~25k) above; at rest everything is drawn as asked.
 */
export const TUBES_WHILE_MOVING_MAX = 20_000;
export const LINES_WHILE_MOVING_MAX = 50_000;
export const COARSE_TARGET_SEGMENTS = 25_000;
/** Tubes thinner than this on screen (median radius, px) are drawn as lines: zoomed out, a line reads better. */
export const TUBE_MIN_RADIUS_PX = 0.35;

export function chooseLod(options: { style: DrawStyle; segmentCount: number; medianRadiusPx: number; moving: boolean }): Lod {
  if (options.moving && options.segmentCount > LINES_WHILE_MOVING_MAX) return 'coarse';
  if (options.style === 'lines') return 'lines';
  if (options.medianRadiusPx < TUBE_MIN_RADIUS_PX) return 'lines';
  if (options.moving && options.segmentCount > TUBES_WHILE_MOVING_MAX) return 'lines';
  return 'tubes';
}
