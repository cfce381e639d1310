/**
 * The glass brain's arithmetic, no DOM and no three.js: a brain network (nodes in MNI mm, an n × n
 * weight matrix) → what the connectome scene draws. Edges are thresholded by the connectome view's
 * own rules (strongest percent, or |weight| at least a value: components/connectome/threshold.ts);
 * node degree and strength are counted over the edges kept, as BrainNet Viewer and nilearn do, so
 * a hub is a hub of the network shown; nodes are coloured by module/network (the BrainNet colour
 * column, or the network names of a coordinate atlas) or by degree/strength on a sequential ramp.
 */
import { rampColor } from '../../components/colormap.js';
import { unitRgbToHex } from '../../components/color.js';
import type { EdgeList } from '../../components/connectome/edges.js';
import { groupColor } from '../../components/connectome/palette.js';
import type { Threshold } from '../../components/connectome/threshold.js';
import type { ConnectomeGroup } from '../../components/connectome/types.js';
import type { BrainNode } from '../../../../shared/api/index.js';

/**
 * The default edge threshold: the strongest 5 % of edges. A dense correlation matrix drawn whole is
 * a hairball; a few percent is what connectome figures show (90 AAL regions: 200 of 4005 edges).
 */
export const GLASS_DEFAULT_THRESHOLD: Threshold = { mode: 'percentile', value: 5 };

export type NodeMeasure = 'degree' | 'strength';
export type ColourBy = 'module' | NodeMeasure;
export type SizeBy = 'file' | NodeMeasure | 'equal';

export interface NodeMeasures {
  /** Edges kept at each node. */
  degree: Float64Array;
  /** Sum of |weight| of the kept edges at each node. */
  strength: Float64Array;
}

/** Degree and strength of each of `n` nodes over the first `kept` (strongest) edges of `list`. */
export function keptNodeMeasures(list: EdgeList, kept: number, n: number): NodeMeasures {
  const degree = new Float64Array(n);
  const strength = new Float64Array(n);
  const count = Math.min(kept, list.count);
  for (let e = 0; e < count; e += 1) {
    const a = list.source[e]!;
    const b = list.target[e]!;
    const w = Math.abs(list.weight[e]!);
    degree[a]! += 1;
    degree[b]! += 1;
    strength[a]! += w;
    strength[b]! += w;
  }
  return { degree, strength };
}

export interface NodeModules {
  /** Group id per node (null: no module). */
  groups: (number | null)[];
  /** The modules in legend order. */
  legend: ConnectomeGroup[];
  /** "network" when the file names them, else "module". */
  noun: string;
}

/**
 * The nodes' modules: by network name where the file gives names (Power, Seitzman, Schaefer), in
 * order of first appearance; else by BrainNet's colour column (an integer per module; 0 or a
 * non-integer value means none, as BrainNet files use 0 for "no module").
 */
export function nodeModules(nodes: readonly BrainNode[]): NodeModules {
  if (nodes.some((node) => node.network !== null && node.network !== '')) {
    const ids = new Map<string, number>();
    const groups = nodes.map((node) => {
      if (node.network === null || node.network === '') return null;
      let id = ids.get(node.network);
      if (id === undefined) ids.set(node.network, (id = ids.size));
      return id;
    });
    const legend = [...ids.entries()].map(([label, id]) => ({ id, label, color: groupColor(id) }));
    return { groups, legend, noun: 'network' };
  }
  const values = [...new Set(nodes.map((node) => node.colour).filter((value) => Number.isInteger(value) && value > 0))].sort((a, b) => a - b);
  const ids = new Map(values.map((value, index) => [value, index]));
  const groups = nodes.map((node) => ids.get(node.colour) ?? null);
  const legend = values.map((value, index) => ({ id: index, label: `module ${value}`, color: groupColor(index) }));
  return { groups, legend, noun: 'module' };
}

/** `#rrggbb` per node of a measure on the sequential ramp over 0…its maximum (all the low end when all 0). */
export function measureColours(values: ArrayLike<number>): string[] {
  let max = 0;
  for (let i = 0; i < values.length; i += 1) max = Math.max(max, values[i]!);
  const colours: string[] = [];
  for (let i = 0; i < values.length; i += 1) {
    // The ramp's darkest end vanishes on the dark scene: start a fifth of the way up.
    const t = 0.2 + 0.8 * (max > 0 ? Math.max(0, values[i]!) / max : 0);
    colours.push(unitRgbToHex(rampColor(t).map((c) => c / 255)));
  }
  return colours;
}

/** Relative node sizes 0.6…1.8 by √(value / max): area-like growth, so hubs stand out without hiding the rest. */
export function measureScales(values: ArrayLike<number>): Float32Array {
  let max = 0;
  for (let i = 0; i < values.length; i += 1) if (Number.isFinite(values[i]!)) max = Math.max(max, values[i]!);
  const scales = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    scales[i] = 0.6 + 1.2 * (max > 0 && Number.isFinite(v) ? Math.sqrt(Math.max(0, v) / max) : 0);
  }
  return scales;
}

/** Maps MNI mm into the scene's unit sphere: one transform for the nodes and the brain outline, so they stay registered. */
export interface SceneFrame {
  centre: readonly [number, number, number];
  /** Scene units per mm. */
  scale: number;
}

/** The frame that fits every point of every array (x, y, z triplets) in the unit sphere: centred on their bounding box. */
export function frameFor(pointSets: readonly ArrayLike<number>[]): SceneFrame {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const points of pointSets) {
    for (let i = 0; i + 2 < points.length; i += 3) {
      for (let a = 0; a < 3; a += 1) {
        const v = points[i + a]!;
        if (!Number.isFinite(v)) continue;
        lo[a] = Math.min(lo[a]!, v);
        hi[a] = Math.max(hi[a]!, v);
      }
    }
  }
  if (lo[0] === Infinity) return { centre: [0, 0, 0], scale: 1 };
  const centre: [number, number, number] = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2, (lo[2]! + hi[2]!) / 2];
  let radius = 0;
  for (const points of pointSets) {
    for (let i = 0; i + 2 < points.length; i += 3) {
      const r = Math.hypot(points[i]! - centre[0], points[i + 1]! - centre[1], points[i + 2]! - centre[2]);
      if (Number.isFinite(r)) radius = Math.max(radius, r);
    }
  }
  return { centre, scale: radius > 0 ? 1 / radius : 1 };
}

/** Points (x, y, z triplets, mm) in the scene frame; `mirrorX` reflects them first (a left hemisphere made right). */
export function toFrame(points: ArrayLike<number>, frame: SceneFrame, mirrorX = false): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i + 2 < points.length; i += 3) {
    out[i] = ((mirrorX ? -points[i]! : points[i]!) - frame.centre[0]) * frame.scale;
    out[i + 1] = (points[i + 1]! - frame.centre[1]) * frame.scale;
    out[i + 2] = (points[i + 2]! - frame.centre[2]) * frame.scale;
  }
  return out;
}

/** The nodes' positions as x, y, z triplets (mm). */
export function nodePositionsMm(nodes: readonly BrainNode[]): Float64Array {
  const out = new Float64Array(3 * nodes.length);
  nodes.forEach((node, i) => out.set([node.x, node.y, node.z], 3 * i));
  return out;
}

export type Orientation = 'L' | 'R' | 'A' | 'P' | 'S' | 'I';

/**
 * The six anatomical views in MNI (RAS: x right, y anterior, z superior): where the camera looks
 * (`direction`, from the camera into the brain), which way is up on screen, and what a reader is
 * told. Top and bottom views put anterior up, as axial figures do.
 */
export const ORIENTATIONS: Readonly<Record<Orientation, { direction: [number, number, number]; up: [number, number, number]; name: string; caption: string }>> = {
  L: { direction: [1, 0, 0], up: [0, 0, 1], name: 'Left', caption: 'seen from the left: anterior to the left, superior up' },
  R: { direction: [-1, 0, 0], up: [0, 0, 1], name: 'Right', caption: 'seen from the right: anterior to the right, superior up' },
  A: { direction: [0, -1, 0], up: [0, 0, 1], name: 'Anterior', caption: "seen from the front: the brain's right on the left, superior up" },
  P: { direction: [0, 1, 0], up: [0, 0, 1], name: 'Posterior', caption: "seen from behind: the brain's right on the right, superior up" },
  S: { direction: [0, 0, -1], up: [0, 1, 0], name: 'Superior', caption: "seen from above: anterior up, the brain's right on the right" },
  I: { direction: [0, 0, 1], up: [0, 1, 0], name: 'Inferior', caption: "seen from below: anterior up, the brain's right on the left" },
};

/** The anatomical letter of an axis-aligned MNI direction (RAS: +x right, +y anterior, +z superior). */
function letterOf(v: readonly number[]): string {
  const axis = [0, 1, 2].reduce((best, a) => (Math.abs(v[a]!) > Math.abs(v[best]!) ? a : best), 0);
  return (['LR', 'PA', 'IS'] as const)[axis]![v[axis]! > 0 ? 1 : 0]!;
}

/** The letters at the screen's edges in an anatomical view (what lies that way), as figures mark them. */
export function screenLetters(orientation: Orientation): { left: string; right: string; top: string; bottom: string } {
  const { direction: d, up: u } = ORIENTATIONS[orientation];
  // The camera's right axis is direction × up.
  const right = [d[1] * u[2] - d[2] * u[1], d[2] * u[0] - d[0] * u[2], d[0] * u[1] - d[1] * u[0]];
  return { left: letterOf(right.map((c) => -c)), right: letterOf(right), top: letterOf(u), bottom: letterOf(u.map((c) => -c)) };
}
