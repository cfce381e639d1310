/**
 * Morphometrics with NeuroM's definitions (NeuroM 4.x, commit 770d7ec; the reference derivation and
 * the source function behind each definition are in
 * test/fixtures/reference/morphology/derive_neurom.py). Per neurite type (all, axon, basal, apical):
 * counts of neurites, sections, bifurcations (exactly 2 children), forking points (≥ 2), leaves and
 * segments; total length, surface (frustum lateral areas) and volume (frusta); summaries of section
 * lengths, tip path distances (to the neurite root), branch orders (root section 0), Strahler orders
 * and partition asymmetry (petilla); bounding box of the section points; Sholl crossings. The soma
 * follows NeuroM's soma models (single point, NeuroMorpho three-point cylinders, cylinders).
 */
import { ValidationError } from '../../errors.js';
import type { SwcMorphology } from '../../io/swc/index.js';
import { buildSections, preorder, type NeuronTopology, type Section, type SomaKind } from './sections.js';

export const NEURITE_TYPES = { all: null, axon: 2, basal_dendrite: 3, apical_dendrite: 4 } as const;
export type NeuriteTypeName = keyof typeof NEURITE_TYPES;

export interface Summary {
  count: number;
  sum: number;
  /** null when there are no values. */
  mean: number | null;
  min: number | null;
  max: number | null;
}

export interface BoundingBox {
  min: [number, number, number];
  max: [number, number, number];
}

export interface NeuriteMetrics {
  numberOfNeurites: number;
  numberOfSections: number;
  numberOfBifurcations: number;
  numberOfForkingPoints: number;
  numberOfLeaves: number;
  numberOfSegments: number;
  totalLength: number;
  totalArea: number;
  totalVolume: number;
  sectionLengths: Summary;
  terminalPathLengths: Summary;
  sectionBranchOrders: Summary;
  sectionStrahlerOrders: Summary;
  partitionAsymmetry: Summary;
  boundingBox: BoundingBox | null;
  /** Crossings at each of `MorphologyMetrics.shollRadii` (empty without a soma). */
  shollCrossings: number[];
}

export interface SomaMetrics {
  kind: SomaKind;
  center: [number, number, number] | null;
  radius: number;
  surfaceArea: number;
}

export interface MorphologyMetrics {
  file: string;
  /** 'µm' when a scale was applied, else the file's own unit (NeuroMorpho files are in µm). */
  unit: 'µm' | 'as given';
  soma: SomaMetrics;
  shollRadii: number[];
  byType: Record<NeuriteTypeName, NeuriteMetrics>;
  warnings: string[];
}

export interface MorphometricsOptions {
  /** Sholl radii, in the morphology's unit (default: every `shollStep` up to the farthest point). */
  shollRadii?: number[];
  /** Spacing of the default Sholl radii (default 50). */
  shollStep?: number;
}

function summary(values: number[]): Summary {
  if (!values.length) return { count: 0, sum: 0, mean: null, min: null, max: null };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count: values.length, sum, mean: sum / values.length, min, max };
}

/** `topology` is `buildSections(m)`, passed by callers that already built it (it is not cheap). */
export function computeMorphometrics(m: SwcMorphology, options: MorphometricsOptions = {}, topology: NeuronTopology = buildSections(m)): MorphologyMetrics {
  const { xyz, radii } = m;
  const dist = (a: number, b: number): number => {
    const dx = xyz[3 * b]! - xyz[3 * a]!;
    const dy = xyz[3 * b + 1]! - xyz[3 * a + 1]!;
    const dz = xyz[3 * b + 2]! - xyz[3 * a + 2]!;
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  };
  const frustumArea = (a: number, b: number): number => {
    const r0 = radii[a]!;
    const r1 = radii[b]!;
    const h = dist(a, b);
    return Math.PI * (r0 + r1) * Math.sqrt((r0 - r1) ** 2 + h * h);
  };

  // Soma (neurom/core/soma.py).
  const s = topology.soma;
  let soma: SomaMetrics;
  if (topology.somaKind === 'undefined') soma = { kind: 'undefined', center: null, radius: 0, surfaceArea: 0 };
  else {
    const c = s[0]!;
    const center: [number, number, number] = [xyz[3 * c]!, xyz[3 * c + 1]!, xyz[3 * c + 2]!];
    let radius: number;
    let area: number;
    if (topology.somaKind === 'single_point') {
      radius = radii[c]!;
      area = 4 * Math.PI * radius * radius;
    } else if (topology.somaKind === 'three_point_cylinders') {
      area = 2 * Math.PI * radii[c]! * dist(s[1]!, s[2]!);
      radius = Math.sqrt(area / (4 * Math.PI));
    } else {
      area = 0;
      for (let k = 0; k + 1 < s.length; k++) area += frustumArea(s[k]!, s[k + 1]!);
      radius = Math.sqrt(area / (4 * Math.PI));
    }
    soma = { kind: topology.somaKind, center, radius, surfaceArea: area };
  }

  const sectionLength = new Map<Section, number>();
  const lengthOf = (sec: Section): number => {
    let len = sectionLength.get(sec);
    if (len === undefined) {
      len = 0;
      for (let k = 0; k + 1 < sec.points.length; k++) len += dist(sec.points[k]!, sec.points[k + 1]!);
      sectionLength.set(sec, len);
    }
    return len;
  };

  // Sholl radii.
  let shollRadii = options.shollRadii;
  if (shollRadii) {
    for (const r of shollRadii) if (!(Number.isFinite(r) && r >= 0)) throw new ValidationError('shollRadii', `expected radii ≥ 0, got ${r}`);
  } else if (soma.center) {
    const step = options.shollStep ?? 50;
    if (!(Number.isFinite(step) && step > 0)) throw new ValidationError('shollStep', `expected a positive step, got ${step}`);
    let far = 0;
    const [cx, cy, cz] = soma.center;
    for (let i = 0; i < m.count; i++) {
      far = Math.max(far, Math.hypot(xyz[3 * i]! - cx, xyz[3 * i + 1]! - cy, xyz[3 * i + 2]! - cz));
    }
    shollRadii = [];
    for (let r = step; r <= far + step && shollRadii.length < 10000; r += step) shollRadii.push(r);
  } else shollRadii = [];

  const strahler = new Map<Section, number>();
  const strahlerOf = (root: Section): void => {
    const order = [...preorder(root)].reverse();
    for (const sec of order) {
      if (!sec.children.length) strahler.set(sec, 1);
      else {
        const orders = sec.children.map((c) => strahler.get(c)!);
        const top = Math.max(...orders);
        strahler.set(sec, orders.filter((o) => o === top).length >= 2 ? top + 1 : top);
      }
    }
  };
  const subtreeSize = new Map<Section, number>();
  for (const root of topology.neurites) {
    strahlerOf(root);
    for (const sec of [...preorder(root)].reverse()) {
      subtreeSize.set(sec, 1 + sec.children.reduce((a, c) => a + subtreeSize.get(c)!, 0));
    }
  }

  const measure = (wanted: number | null): NeuriteMetrics => {
    const neurites = topology.neurites.filter((root) => wanted === null || root.type === wanted);
    const lengths: number[] = [];
    const tipPaths: number[] = [];
    const orders: number[] = [];
    const strahlers: number[] = [];
    const asymmetry: number[] = [];
    let sections = 0;
    let bifurcations = 0;
    let forks = 0;
    let leaves = 0;
    let segments = 0;
    let area = 0;
    let volume = 0;
    const lo: [number, number, number] = [Infinity, Infinity, Infinity];
    const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
    const sholl = new Array<number>(soma.center ? shollRadii.length : 0).fill(0);
    const r2 = shollRadii.map((r) => r * r);
    const center = soma.center;
    for (const root of neurites) {
      const path = new Map<Section, number>();
      const order = new Map<Section, number>();
      for (const sec of preorder(root)) {
        const len = lengthOf(sec);
        const up = sec.parent ? path.get(sec.parent)! : 0;
        path.set(sec, up + len);
        const bo = sec.parent ? order.get(sec.parent)! + 1 : 0;
        order.set(sec, bo);
        sections++;
        lengths.push(len);
        orders.push(bo);
        strahlers.push(strahler.get(sec)!);
        const nc = sec.children.length;
        if (nc === 0) {
          leaves++;
          tipPaths.push(up + len);
        }
        if (nc >= 2) forks++;
        if (nc === 2) {
          bifurcations++;
          const a = subtreeSize.get(sec.children[0]!)!;
          const b = subtreeSize.get(sec.children[1]!)!;
          asymmetry.push(a === 1 && b === 1 ? 0 : Math.abs(a - b) / (a + b));
        }
        const pts = sec.points;
        for (const p of pts) {
          for (let d = 0; d < 3; d++) {
            const v = xyz[3 * p + d]!;
            if (v < lo[d]!) lo[d] = v;
            if (v > hi[d]!) hi[d] = v;
          }
        }
        for (let k = 0; k + 1 < pts.length; k++) {
          const a = pts[k]!;
          const b = pts[k + 1]!;
          segments++;
          area += frustumArea(a, b);
          const r0 = radii[a]!;
          const r1 = radii[b]!;
          volume += (Math.PI * dist(a, b) * (r0 * r0 + r0 * r1 + r1 * r1)) / 3;
          if (center) {
            const ax = xyz[3 * a]! - center[0], ay = xyz[3 * a + 1]! - center[1], az = xyz[3 * a + 2]! - center[2];
            const bx = xyz[3 * b]! - center[0], by = xyz[3 * b + 1]! - center[1], bz = xyz[3 * b + 2]! - center[2];
            const da = ax * ax + ay * ay + az * az;
            const db = bx * bx + by * by + bz * bz;
            for (let q = 0; q < r2.length; q++) {
              const rr = r2[q]!;
              if ((da <= rr && rr <= db) || (db <= rr && rr <= da)) sholl[q]!++;
            }
          }
        }
      }
    }
    const lengthSummary = summary(lengths);
    return {
      numberOfNeurites: neurites.length,
      numberOfSections: sections,
      numberOfBifurcations: bifurcations,
      numberOfForkingPoints: forks,
      numberOfLeaves: leaves,
      numberOfSegments: segments,
      totalLength: lengthSummary.sum,
      totalArea: area,
      totalVolume: volume,
      sectionLengths: lengthSummary,
      terminalPathLengths: summary(tipPaths),
      sectionBranchOrders: summary(orders),
      sectionStrahlerOrders: summary(strahlers),
      partitionAsymmetry: summary(asymmetry),
      boundingBox: sections ? { min: lo, max: hi } : null,
      shollCrossings: sholl,
    };
  };

  const byType = {} as Record<NeuriteTypeName, NeuriteMetrics>;
  for (const [name, type] of Object.entries(NEURITE_TYPES) as [NeuriteTypeName, number | null][]) byType[name] = measure(type);
  return {
    file: m.file,
    unit: m.scaleUmPerUnit === null ? 'as given' : 'µm',
    soma,
    shollRadii: soma.center ? shollRadii : [],
    byType,
    warnings: [...m.warnings.map((w) => `line ${w.line}: ${w.message}`), ...topology.warnings],
  };
}
