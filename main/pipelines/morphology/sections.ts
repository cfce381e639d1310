/**
 * Neurites and sections of an SWC morphology as NeuroM sees them (NeuroM 4.x on MorphIO 3.x,
 * morphologySWC.cpp): soma samples (type 1) form the soma; each non-soma child of a soma sample, and
 * each non-soma sample with parent −1, starts a neurite. A section runs through samples with one
 * child and ends at a sample with 0 or ≥ 2 children. A root section starts at its first neurite
 * sample (the soma point is not part of it); a child section starts with its parent's last point
 * unless its first sample lies exactly there. Where the type changes without a branch (MorphIO
 * refuses such files unless told otherwise) the section is split there, with a warning.
 */
import type { SwcMorphology } from '../../io/swc/index.js';

export interface Section {
  id: number;
  /** Sample indices of the section's points, in order (the first may be the parent's last sample). */
  points: number[];
  /** SWC type of the section (its samples' type). */
  type: number;
  parent: Section | null;
  children: Section[];
}

export type SomaKind = 'undefined' | 'single_point' | 'three_point_cylinders' | 'cylinders';

export interface NeuronTopology {
  /** Soma sample indices in file order. */
  soma: number[];
  somaKind: SomaKind;
  /** Root sections, one per neurite, in NeuroM's file order. */
  neurites: Section[];
  warnings: string[];
}

const SOMA = 1;

export function buildSections(m: SwcMorphology): NeuronTopology {
  const n = m.count;
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) if (m.parentIndex[i]! >= 0) children[m.parentIndex[i]!]!.push(i);
  const soma: number[] = [];
  for (let i = 0; i < n; i++) if (m.types[i] === SOMA) soma.push(i);
  let somaKind: SomaKind;
  if (soma.length === 0) somaKind = 'undefined';
  else if (soma.length === 1) somaKind = 'single_point';
  else if (
    soma.length === 3 &&
    m.ids[soma[0]!] === 1 && m.parentIndex[soma[0]!] === -1 &&
    m.ids[soma[1]!] === 2 && m.parentIndex[soma[1]!] === soma[0] &&
    m.ids[soma[2]!] === 3 && m.parentIndex[soma[2]!] === soma[0]
  ) somaKind = 'three_point_cylinders';
  else somaKind = 'cylinders';

  const warnings: string[] = [];
  const neurites: Section[] = [];
  let nextId = 0;
  const samePoint = (a: number, b: number): boolean =>
    m.xyz[3 * a] === m.xyz[3 * b] && m.xyz[3 * a + 1] === m.xyz[3 * b + 1] && m.xyz[3 * a + 2] === m.xyz[3 * b + 2];
  const neuriteChildren = (i: number): number[] => children[i]!.filter((c) => m.types[c] !== SOMA);

  // Iterative (deep reconstructions would overflow recursion).
  const assemble = (start: number, root: Section | null): void => {
    const work: [number, Section | null, number][] = [[start, root, -1]];
    while (work.length) {
      const [first, parent, from] = work.pop()!;
      const points: number[] = [];
      if (parent && from >= 0 && !samePoint(first, from)) points.push(from);
      let i = first;
      let next = neuriteChildren(i);
      while (next.length === 1 && m.types[next[0]!] === m.types[i]) {
        points.push(i);
        i = next[0]!;
        next = neuriteChildren(i);
      }
      points.push(i);
      if (next.length === 1) {
        warnings.push(`line ${m.lines[i]}: the type changes from ${m.types[i]} to ${m.types[next[0]!]} without a branch; a new section starts there`);
      }
      const section: Section = { id: nextId++, points, type: m.types[i]!, parent, children: [] };
      if (parent) parent.children.push(section);
      else neurites.push(section);
      for (let c = next.length - 1; c >= 0; c--) work.push([next[c]!, section, i]);
    }
  };
  for (let i = 0; i < n; i++) {
    if (m.types[i] === SOMA) {
      for (const c of children[i]!) if (m.types[c] !== SOMA) assemble(c, null);
    } else if (m.parentIndex[i] === -1) {
      assemble(i, null);
    }
  }
  if (somaKind === 'undefined') warnings.push('no soma (type 1) samples: soma radius and area are 0, Sholl has no center');
  return { soma, somaKind, neurites, warnings };
}

/** Depth-first pre-order (a section, then each child's subtree in order). */
export function* preorder(root: Section): Generator<Section> {
  const stack: Section[] = [root];
  while (stack.length) {
    const s = stack.pop()!;
    for (let c = s.children.length - 1; c >= 0; c--) stack.push(s.children[c]!);
    yield s;
  }
}
