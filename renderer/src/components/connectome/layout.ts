/**
 * A deterministic 3D force-directed layout (Fruchterman & Reingold 1991) for nodes without
 * positions: every pair repels (k²/d), every edge pulls in proportion to its weight (w·d²/k), a weak
 * pull to the centre keeps unconnected nodes near the rest, and each step is capped by a cooling
 * temperature so the layout settles. Start positions come from a seeded generator, so the same
 * graph and seed always give the same layout. The result is centred and scaled to fit the unit
 * sphere, whatever the graph's size.
 */
import type { EdgeList } from './edges.js';
import { seededRandom } from '../../../../shared/random.js';

export interface LayoutOptions {
  seed?: number;
  /** Steps of the simulation (default: fewer for large graphs, whose steps cost n²). */
  iterations?: number;
}

/** Pull towards the centre, relative to the repulsion scale. */
const GRAVITY = 0.05;
/** The smallest distance forces are computed at: coincident nodes must not divide by zero. */
const MIN_DISTANCE = 1e-3;

function defaultIterations(n: number): number {
  // About 2·10⁷ pair steps in all: some 100 ms for a few hundred nodes.
  return Math.max(60, Math.min(300, Math.round(2e7 / Math.max(1, n * n))));
}

/** x, y, z of each node (3n values), within the unit sphere. */
export function forceLayout(n: number, edges: EdgeList, options: LayoutOptions = {}): Float32Array {
  const out = new Float32Array(3 * n);
  if (n <= 1) return out;
  const random = seededRandom(options.seed ?? 1);
  const iterations = options.iterations ?? defaultIterations(n);
  // Ideal edge length 1: the start cube holds n nodes at about unit spacing.
  const k = 1;
  const side = Math.cbrt(n);
  const pos = new Float64Array(3 * n);
  for (let i = 0; i < 3 * n; i += 1) pos[i] = (random() - 0.5) * side;

  let maxWeight = 0;
  for (let e = 0; e < edges.count; e += 1) maxWeight = Math.max(maxWeight, Math.abs(edges.weight[e]!));
  const disp = new Float64Array(3 * n);
  const startTemperature = side / 4;

  for (let step = 0; step < iterations; step += 1) {
    disp.fill(0);
    for (let i = 0; i < n; i += 1) {
      // Node i's position and push in locals: this pair loop is where the time goes.
      const xi = pos[3 * i]!;
      const yi = pos[3 * i + 1]!;
      const zi = pos[3 * i + 2]!;
      let fx = 0;
      let fy = 0;
      let fz = 0;
      for (let j = i + 1; j < n; j += 1) {
        const dx = xi - pos[3 * j]!;
        const dy = yi - pos[3 * j + 1]!;
        const dz = zi - pos[3 * j + 2]!;
        const d2 = Math.max(MIN_DISTANCE * MIN_DISTANCE, dx * dx + dy * dy + dz * dz);
        // k²/d along the unit vector: k²/d² per component of (dx, dy, dz).
        const f = (k * k) / d2;
        fx += dx * f;
        fy += dy * f;
        fz += dz * f;
        disp[3 * j]! -= dx * f;
        disp[3 * j + 1]! -= dy * f;
        disp[3 * j + 2]! -= dz * f;
      }
      disp[3 * i]! += fx;
      disp[3 * i + 1]! += fy;
      disp[3 * i + 2]! += fz;
    }
    if (maxWeight > 0) {
      for (let e = 0; e < edges.count; e += 1) {
        const i = edges.source[e]!;
        const j = edges.target[e]!;
        const w = Math.abs(edges.weight[e]!) / maxWeight;
        const dx = pos[3 * i]! - pos[3 * j]!;
        const dy = pos[3 * i + 1]! - pos[3 * j + 1]!;
        const dz = pos[3 * i + 2]! - pos[3 * j + 2]!;
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        // w·d²/k along the unit vector: w·d/k per component of (dx, dy, dz).
        const f = (w * d) / k;
        disp[3 * i]! -= dx * f;
        disp[3 * i + 1]! -= dy * f;
        disp[3 * i + 2]! -= dz * f;
        disp[3 * j]! += dx * f;
        disp[3 * j + 1]! += dy * f;
        disp[3 * j + 2]! += dz * f;
      }
    }
    const temperature = startTemperature * (1 - step / iterations) + 1e-3;
    for (let i = 0; i < n; i += 1) {
      for (let a = 0; a < 3; a += 1) disp[3 * i + a]! -= GRAVITY * pos[3 * i + a]!;
      const length = Math.hypot(disp[3 * i]!, disp[3 * i + 1]!, disp[3 * i + 2]!);
      if (length === 0 || !Number.isFinite(length)) continue;
      const scale = Math.min(length, temperature) / length;
      for (let a = 0; a < 3; a += 1) pos[3 * i + a]! += disp[3 * i + a]! * scale;
    }
  }
  return fitUnitSphere(pos, n, out);
}

/** Centres points on their mean and scales them so the farthest lies on the unit sphere. */
export function fitUnitSphere(points: ArrayLike<number>, n: number, out = new Float32Array(3 * n)): Float32Array {
  const centre = [0, 0, 0];
  for (let i = 0; i < n; i += 1) for (let a = 0; a < 3; a += 1) centre[a]! += points[3 * i + a]! / n;
  let radius = 0;
  for (let i = 0; i < n; i += 1) {
    radius = Math.max(radius, Math.hypot(points[3 * i]! - centre[0]!, points[3 * i + 1]! - centre[1]!, points[3 * i + 2]! - centre[2]!));
  }
  const scale = radius > 0 ? 1 / radius : 1;
  for (let i = 0; i < n; i += 1) for (let a = 0; a < 3; a += 1) out[3 * i + a] = (points[3 * i + a]! - centre[a]!) * scale;
  return out;
}
