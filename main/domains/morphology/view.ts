/**
 * What the morphology viewer asks of the engine: the project's SWC recordings, one neuron's geometry
 * with its sections (NeuroM's definition) and their metrics, the morphometrics table, and the scale
 * (µm per file unit) the user stored with a recording. Neurons are read from their source file on
 * request (parsing 100 k samples takes a fraction of a second), so a changed scale applies at once.
 */
import { basename } from 'node:path';
import type { MorphologyNeuron, MorphologySection, MorphologySummary, Recording } from '../../../shared/api/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { readSwc, type SwcMorphology } from '../../io/swc/index.js';
import { buildSections, computeMorphometrics, preorder, type MorphologyMetrics, type Section } from '../../pipelines/morphology/index.js';
import type { Store } from '../../store/index.js';

const scaleKey = (recordingId: number) => `morphology.scale.${recordingId}`;

/** The metrics table as `cajal morph stats` prints it: per neurite type, flat numbers. */
export function metricsTable(metrics: MorphologyMetrics): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {
    soma: { radius: metrics.soma.radius, surfaceArea: metrics.soma.surfaceArea },
  };
  for (const [type, m] of Object.entries(metrics.byType)) {
    const row: Record<string, number> = {
      neurites: m.numberOfNeurites,
      sections: m.numberOfSections,
      bifurcations: m.numberOfBifurcations,
      tips: m.numberOfLeaves,
      totalLength: m.totalLength,
      totalArea: m.totalArea,
      totalVolume: m.totalVolume,
    };
    if (m.sectionLengths.mean !== null) row.meanSectionLength = m.sectionLengths.mean;
    if (m.terminalPathLengths.max !== null) row.maxPathDistance = m.terminalPathLengths.max;
    if (m.sectionBranchOrders.max !== null) row.maxBranchOrder = m.sectionBranchOrders.max;
    if (m.sectionStrahlerOrders.max !== null) row.maxStrahlerOrder = m.sectionStrahlerOrders.max;
    if (m.partitionAsymmetry.mean !== null) row.meanPartitionAsymmetry = m.partitionAsymmetry.mean;
    table[type] = row;
  }
  return table;
}

/** Each section's length, branch order, path distance from the neurite root to its end, and Strahler order. */
export function sectionRecords(m: SwcMorphology, roots: readonly Section[]): { sections: MorphologySection[]; sectionNodes: Int32Array } {
  const length = (s: Section) => {
    let sum = 0;
    for (let k = 0; k + 1 < s.points.length; k++) {
      const a = s.points[k]!;
      const b = s.points[k + 1]!;
      sum += Math.hypot(m.xyz[3 * b]! - m.xyz[3 * a]!, m.xyz[3 * b + 1]! - m.xyz[3 * a + 1]!, m.xyz[3 * b + 2]! - m.xyz[3 * a + 2]!);
    }
    return sum;
  };
  const sections: MorphologySection[] = [];
  const nodes: number[] = [];
  for (const root of roots) {
    const ordered = [...preorder(root)];
    const strahler = new Map<Section, number>();
    for (const s of [...ordered].reverse()) {
      const orders = s.children.map((c) => strahler.get(c)!);
      const top = orders.length ? Math.max(...orders) : 1;
      strahler.set(s, orders.length && orders.filter((o) => o === top).length > 1 ? top + 1 : top);
    }
    const depth = new Map<Section, number>();
    const path = new Map<Section, number>();
    for (const s of ordered) {
      const parentDepth = s.parent ? depth.get(s.parent)! : -1;
      depth.set(s, parentDepth + 1);
      path.set(s, (s.parent ? path.get(s.parent)! : 0) + length(s));
      sections.push({
        id: s.id,
        type: s.type,
        parent: s.parent ? s.parent.id : -1,
        nodeStart: nodes.length,
        nodeCount: s.points.length,
        lengthUm: length(s),
        branchOrder: parentDepth + 1,
        pathDistanceUm: path.get(s)!,
        strahlerOrder: strahler.get(s)!,
      });
      nodes.push(...s.points);
    }
  }
  sections.sort((a, b) => a.id - b.id);
  return { sections, sectionNodes: Int32Array.from(nodes) };
}

export class MorphologyView {
  constructor(private readonly store: Store) {}

  list(): MorphologySummary[] {
    return this.store.recordings
      .list()
      .filter((r) => r.metadata.modality === 'morphology')
      .map((r) => this.summary(r));
  }

  async neuron(recordingId: number): Promise<MorphologyNeuron> {
    const recording = this.recording(recordingId);
    const scale = this.scale(recordingId);
    const m = await readSwc(recording.sourcePath, scale === 1 ? {} : { scaleUmPerUnit: scale });
    const topology = buildSections(m);
    const metrics = computeMorphometrics(m, {}, topology);
    const { sections, sectionNodes } = sectionRecords(m, topology.neurites);
    return {
      ...this.summary(recording),
      // Typed arrays as they are: structured clone over IPC, binary frames on the bridge.
      positions: Float32Array.from(m.xyz),
      radii: Float32Array.from(m.radii),
      types: m.types,
      parents: m.parentIndex,
      sectionNodes,
      sections,
      metrics: metricsTable(metrics),
      warnings: [...m.warnings.map((w) => `line ${w.line}: ${w.message}`), ...topology.warnings],
    };
  }

  setScale(recordingId: number, umPerUnit: number | null): MorphologySummary {
    const recording = this.recording(recordingId);
    if (umPerUnit !== null && !(umPerUnit > 0 && Number.isFinite(umPerUnit))) throw new ValidationError('umPerUnit', `expected a positive number, got ${umPerUnit}`);
    this.store.settings.set(scaleKey(recordingId), umPerUnit);
    return this.summary(recording);
  }

  /** µm per file unit stored for a recording (1: coordinates as given). */
  scale(recordingId: number): number {
    return this.store.settings.get<number>(scaleKey(recordingId)) ?? 1;
  }

  private summary(recording: Recording): MorphologySummary {
    const info = recording.metadata.morphology;
    return {
      recordingId: recording.id,
      name: basename(recording.sourcePath).replace(/(\.CNG)?\.swc$/i, ''),
      source: recording.sourcePath,
      nodeCount: info?.nodeCount ?? recording.metadata.channelCount,
      treeCount: info?.treeCount ?? 1,
      scaleUmPerUnit: this.scale(recording.id),
    };
  }

  private recording(recordingId: number): Recording {
    const recording = this.store.recordings.get(recordingId);
    if (!recording) throw new NotFoundError(`recording ${recordingId}`);
    if (recording.metadata.modality !== 'morphology') throw new ValidationError('recordingId', `recording ${recordingId} is not a morphology (SWC)`);
    return recording;
  }
}
