/**
 * From what a calcium file holds to ΔF/F traces the affinities are computed on, per animal, and the
 * neurons the animals share.
 *  - Neuropil: F − c·F_neu with Suite2p's default c = 0.7 (Pachitariu et al. 2017), when given.
 *  - Baseline: raw fluorescence gets Suite2p's "maximin" baseline (Gaussian smoothing, then the
 *    sliding max of the sliding min over a window, 60 s by default): ΔF/F = (F − F₀)/F₀.
 *    F/F20 traces (Flavell lab) are already divided by a baseline: ΔF/F = F/F20 − 1. ΔF/F, z-scored
 *    and deconvolved traces are used as they are.
 *  - Detrending: the least-squares line is removed (slow drifts shift every derivative by a constant
 *    and would read as common rises), unless switched off.
 *  - Matching: with several animals, neurons are matched by name (NeuroPAL identity); a neuron enters
 *    the tensor only if every animal has it (the tensor needs the same pairs in every animal).
 */
import type { CalciumRecording } from '../../io/calcium/index.js';
import { detrendLinear, gaussianSmooth, slidingMaximum, slidingMinimum } from '../../signal/trace.js';

export interface PreprocessOptions {
  neuropilCoefficient: number;
  baselineWindowS: number;
  detrend: 'linear' | 'none';
}

export interface AnimalTraces {
  name: string;
  frameRateHz: number | null;
  /** One ΔF/F trace per kept cell. */
  traces: Float64Array[];
  /** The kept cells' names (label, or `cell <n>` 1-based when unnamed). */
  names: string[];
  /** The kept cells' positions, or null. */
  positions: ([number, number, number] | null)[];
  /** Lines for the run log: what was dropped and why. */
  notes: string[];
}

export function preprocessAnimal(name: string, recording: CalciumRecording, options: PreprocessOptions): AnimalTraces {
  const { cellCount, frameCount } = recording;
  const notes: string[] = [];
  const traces: Float64Array[] = [];
  const names: string[] = [];
  const positions: ([number, number, number] | null)[] = [];
  const rate = recording.frameRateHz ?? 1;
  if (recording.frameRateHz === null && recording.traceKind === 'fluorescence') {
    notes.push(`${name}: frame rate unknown; the ${options.baselineWindowS} s baseline window is taken as ${options.baselineWindowS} frames`);
  }
  let nonFinite = 0;
  let notCells = 0;
  for (let c = 0; c < cellCount; c++) {
    if (recording.isCell && !recording.isCell[c]) {
      notCells++;
      continue;
    }
    const raw = recording.traces.subarray(c * frameCount, (c + 1) * frameCount);
    let trace: Float64Array = Float64Array.from(raw);
    if (recording.neuropil) {
      const neuropil = recording.neuropil.subarray(c * frameCount, (c + 1) * frameCount);
      for (let t = 0; t < frameCount; t++) trace[t]! -= options.neuropilCoefficient * neuropil[t]!;
    }
    if (!trace.every(Number.isFinite)) {
      nonFinite++;
      continue;
    }
    trace = toDeltaFOverF(trace, recording.traceKind, Math.max(3, Math.round(options.baselineWindowS * rate)));
    if (!trace.every(Number.isFinite)) {
      nonFinite++;
      continue;
    }
    if (options.detrend === 'linear') trace = detrendLinear(trace);
    traces.push(trace);
    names.push(recording.labels[c] ?? `cell ${c + 1}`);
    positions.push(
      recording.positions
        ? [recording.positions[3 * c]!, recording.positions[3 * c + 1]!, recording.positions[3 * c + 2]!]
        : null,
    );
  }
  if (notCells) notes.push(`${name}: ${notCells} ROIs classified as not cells (iscell) were left out`);
  if (nonFinite) notes.push(`${name}: ${nonFinite} cells with non-finite values (or a baseline ≤ 0) were left out`);
  return { name, frameRateHz: recording.frameRateHz, traces, names, positions, notes };
}

function toDeltaFOverF(trace: Float64Array, kind: CalciumRecording['traceKind'], windowFrames: number): Float64Array {
  if (kind === 'f-over-f20') return trace.map((v) => v - 1);
  if (kind !== 'fluorescence') return trace;
  // Suite2p's maximin baseline: smooth, then the running max of the running min.
  const smoothed = gaussianSmooth(trace, 10 * (windowFrames / 60));
  const baseline = slidingMaximum(slidingMinimum(smoothed, windowFrames), windowFrames);
  return trace.map((v, t) => (baseline[t]! > 0 ? (v - baseline[t]!) / baseline[t]! : Number.NaN));
}

export interface MatchedNeurons {
  names: string[];
  positions: ([number, number, number] | null)[];
  /** indices[a][k]: the row in animal a's traces of matched neuron k. */
  indices: number[][];
  notes: string[];
}

/**
 * The neurons every animal has: by name across animals (unnamed cells cannot be matched), or all
 * cells of a single animal. Order follows the first animal.
 */
export function matchNeurons(animals: readonly AnimalTraces[], matchBy: 'label' | 'index'): MatchedNeurons {
  const notes: string[] = [];
  const first = animals[0]!;
  if (animals.length === 1) {
    return { names: first.names, positions: first.positions, indices: [first.names.map((_, i) => i)], notes };
  }
  if (matchBy === 'index') {
    const count = Math.min(...animals.map((a) => a.traces.length));
    if (animals.some((a) => a.traces.length !== count)) notes.push(`animals have different cell counts; the first ${count} cells of each are used`);
    const indices = animals.map(() => Array.from({ length: count }, (_, i) => i));
    return { names: first.names.slice(0, count), positions: first.positions.slice(0, count), indices, notes };
  }
  const named = (name: string) => !/^cell \d+$/.test(name);
  const lookups = animals.map((animal) => {
    const map = new Map<string, number>();
    const duplicates = new Set<string>();
    animal.names.forEach((name, i) => {
      if (!named(name)) return;
      if (map.has(name)) duplicates.add(name);
      map.set(name, i);
    });
    // A name given to two cells identifies neither.
    for (const name of duplicates) map.delete(name);
    if (duplicates.size) notes.push(`${animal.name}: ${duplicates.size} names given to several cells were left out (${[...duplicates].slice(0, 5).join(', ')})`);
    return map;
  });
  const names: string[] = [];
  const positions: ([number, number, number] | null)[] = [];
  const indices: number[][] = animals.map(() => []);
  first.names.forEach((name, i) => {
    if (!lookups.every((lookup) => lookup.has(name))) return;
    names.push(name);
    positions.push(first.positions[i] ?? null);
    lookups.forEach((lookup, a) => indices[a]!.push(lookup.get(name)!));
  });
  animals.forEach((animal, a) => {
    const labelled = lookups[a]!.size;
    notes.push(`${animal.name}: ${labelled} named cells, ${names.length} shared with every other animal`);
  });
  return { names, positions, indices, notes };
}
