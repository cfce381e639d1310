/**
 * Colours of a neuron's segments per colour mode: SWC type (fixed colours, NeuroMorpho.Org's usual
 * roles), branch order and Strahler order (discrete steps of a ramp), path distance from the neurite
 * root (continuous ramp). Ranges are shared by all neurons shown, so colours compare across them.
 * Colours are sRGB 0…1 here; the scene converts them to three's linear working space.
 */
import { hexToUnitRgb, unitRgbToHex } from '../components/color.js';
import type { DecodedNeuron } from './decode.js';

export type ColorMode = 'type' | 'branchOrder' | 'strahler' | 'pathDistance';

export const COLOR_MODES: ReadonlyArray<{ id: ColorMode; label: string }> = [
  { id: 'type', label: 'SWC type' },
  { id: 'branchOrder', label: 'Branch order' },
  { id: 'strahler', label: 'Strahler order' },
  { id: 'pathDistance', label: 'Path distance' },
];

/** SWC type → colour (1 soma, 2 axon, 3 basal, 4 apical; anything else the last entry). */
export const TYPE_COLORS: Readonly<Record<number, string>> = { 1: '#e6e6e6', 2: '#4f8fe8', 3: '#e5534b', 4: '#c678dd' };
export const OTHER_TYPE_COLOR = '#8fce6a';

/** The ramp for ordered values, low → high; readable on the dark 3D background at both ends. */
export const RAMP = ['#3b6fd8', '#2fb3c6', '#6ccf6a', '#f0d03c', '#ef6a3a'] as const;

const RAMP_RGB = RAMP.map(hexToUnitRgb);

/** The ramp at t in 0…1 (clamped), linear between its stops. */
export function rampColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP_RGB.length - 1);
  const i = Math.min(RAMP_RGB.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP_RGB[i]!;
  const b = RAMP_RGB[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function typeColor(type: number): string {
  return TYPE_COLORS[type] ?? OTHER_TYPE_COLOR;
}

/**
 * Path distance of every node from its neurite's root along the tree, µm (soma nodes and neurite
 * roots 0), as NeuroM measures path distances. Parents need not precede children.
 */
export function nodePathDistances(neuron: Pick<DecodedNeuron, 'positions' | 'parents' | 'types'>): Float32Array {
  const n = neuron.parents.length;
  const out = new Float32Array(n);
  const done = new Uint8Array(n);
  const chain: number[] = [];
  const p = neuron.positions;
  for (let start = 0; start < n; start += 1) {
    // Walk up to a node already known, then fill the chain back down.
    let node = start;
    while (!done[node]) {
      chain.push(node);
      const parent = neuron.parents[node]!;
      if (parent < 0) break;
      node = parent;
    }
    while (chain.length > 0) {
      const i = chain.pop()!;
      const parent = neuron.parents[i]!;
      if (parent < 0 || neuron.types[parent] === 1 || neuron.types[i] === 1) out[i] = 0;
      else out[i] = out[parent]! + Math.hypot(p[3 * i]! - p[3 * parent]!, p[3 * i + 1]! - p[3 * parent + 1]!, p[3 * i + 2]! - p[3 * parent + 2]!);
      done[i] = 1;
    }
  }
  return out;
}

/** What a colour mode spans over the neurons shown (0…max; type has no range). */
export interface ColorRange {
  max: number;
}

export function colorRange(mode: ColorMode, neurons: readonly DecodedNeuron[], pathDistances: readonly Float32Array[]): ColorRange {
  let max = 0;
  if (mode === 'branchOrder') for (const neuron of neurons) for (const s of neuron.sections) max = Math.max(max, s.branchOrder);
  if (mode === 'strahler') for (const neuron of neurons) for (const s of neuron.sections) max = Math.max(max, s.strahlerOrder);
  if (mode === 'pathDistance') for (const d of pathDistances) for (let i = 0; i < d.length; i += 1) max = Math.max(max, d[i]!);
  return { max };
}

/** A discrete order (0…max or 1…max) on the ramp. */
export function orderColor(value: number, min: number, max: number): [number, number, number] {
  return rampColor(max > min ? (value - min) / (max - min) : 0);
}

/**
 * sRGB colour of each node's segment (node → parent), rgb per node. Nodes without a section (soma)
 * take the soma colour in every mode.
 */
export function nodeColors(neuron: DecodedNeuron, mode: ColorMode, range: ColorRange, pathDistances: Float32Array): Float32Array {
  const n = neuron.nodeCount;
  const out = new Float32Array(3 * n);
  const soma = hexToUnitRgb(typeColor(1));
  const typeRgb = new Map<number, [number, number, number]>();
  for (let i = 0; i < n; i += 1) {
    const sectionId = neuron.nodeSection[i]!;
    const k = sectionId >= 0 ? neuron.sectionIndex.get(sectionId) : undefined;
    const section = k === undefined ? undefined : neuron.sections[k];
    let rgb: readonly number[];
    if (neuron.types[i] === 1 || (mode !== 'type' && mode !== 'pathDistance' && !section)) rgb = soma;
    else if (mode === 'type') {
      const type = neuron.types[i]!;
      let cached = typeRgb.get(type);
      if (!cached) typeRgb.set(type, (cached = hexToUnitRgb(typeColor(type))));
      rgb = cached;
    } else if (mode === 'branchOrder') rgb = orderColor(section!.branchOrder, 0, range.max);
    else if (mode === 'strahler') rgb = orderColor(section!.strahlerOrder, 1, range.max);
    else rgb = rampColor(range.max > 0 ? pathDistances[i]! / range.max : 0);
    out[3 * i] = rgb[0]!;
    out[3 * i + 1] = rgb[1]!;
    out[3 * i + 2] = rgb[2]!;
  }
  return out;
}

/** Legend entries for a mode: swatches for type and orders, the ramp's ends for path distance. */
export function legendEntries(mode: ColorMode, range: ColorRange, typesPresent: readonly number[]): Array<{ label: string; color: string }> {
  if (mode === 'type') {
    const names: Record<number, string> = { 1: 'soma', 2: 'axon', 3: 'basal dendrite', 4: 'apical dendrite' };
    return typesPresent.map((type) => ({ label: names[type] ?? `type ${type}`, color: typeColor(type) }));
  }
  if (mode === 'pathDistance') {
    return [0, 0.5, 1].map((t) => ({ label: `${Math.round(t * range.max).toLocaleString('en-US')} µm`, color: unitRgbToHex(rampColor(t)) }));
  }
  const min = mode === 'strahler' ? 1 : 0;
  const entries: Array<{ label: string; color: string }> = [];
  const max = Math.max(min, range.max);
  const step = Math.max(1, Math.ceil((max - min + 1) / 8));
  for (let v = min; v <= max; v += step) entries.push({ label: String(v), color: unitRgbToHex(orderColor(v, min, max)) });
  if ((max - min) % step !== 0) entries.push({ label: String(max), color: unitRgbToHex(orderColor(max, min, max)) });
  return entries;
}
