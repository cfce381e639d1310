/** CSV export of morphometrics: one row per neuron and neurite type (all, axon, basal, apical). */
import { NEURITE_TYPES, type MorphologyMetrics, type NeuriteMetrics, type NeuriteTypeName, type Summary } from './metrics.js';

const SUMMARIES = ['sectionLengths', 'terminalPathLengths', 'sectionBranchOrders', 'sectionStrahlerOrders', 'partitionAsymmetry'] as const;
const SUMMARY_NAMES: Record<(typeof SUMMARIES)[number], string> = {
  sectionLengths: 'section_length',
  terminalPathLengths: 'terminal_path_length',
  sectionBranchOrders: 'section_branch_order',
  sectionStrahlerOrders: 'section_strahler_order',
  partitionAsymmetry: 'partition_asymmetry',
};

function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Radii of the Sholl columns: the union of every neuron's radii, in ascending order. */
function shollColumns(all: MorphologyMetrics[]): number[] {
  return [...new Set(all.flatMap((m) => m.shollRadii))].sort((a, b) => a - b);
}

export function morphometricsCsv(all: MorphologyMetrics[]): string {
  const radii = shollColumns(all);
  const header = [
    'file', 'neurite_type', 'unit', 'soma_kind', 'soma_radius', 'soma_surface_area',
    'number_of_neurites', 'number_of_sections', 'number_of_bifurcations', 'number_of_forking_points',
    'number_of_leaves', 'number_of_segments', 'total_length', 'total_area', 'total_volume',
    ...SUMMARIES.flatMap((k) => ['mean', 'max'].map((s) => `${SUMMARY_NAMES[k]}_${s}`)),
    'bbox_min_x', 'bbox_min_y', 'bbox_min_z', 'bbox_max_x', 'bbox_max_y', 'bbox_max_z',
    ...radii.map((r) => `sholl_${r}`),
  ];
  const rows = [header.join(',')];
  for (const m of all) {
    for (const type of Object.keys(NEURITE_TYPES) as NeuriteTypeName[]) {
      const t: NeuriteMetrics = m.byType[type];
      const sholl = radii.map((r) => {
        const k = m.shollRadii.indexOf(r);
        return k >= 0 ? (t.shollCrossings[k] ?? null) : null;
      });
      const values: (string | number | null)[] = [
        m.file, type, m.unit, m.soma.kind, m.soma.radius, m.soma.surfaceArea,
        t.numberOfNeurites, t.numberOfSections, t.numberOfBifurcations, t.numberOfForkingPoints,
        t.numberOfLeaves, t.numberOfSegments, t.totalLength, t.totalArea, t.totalVolume,
        ...SUMMARIES.flatMap((k) => [(t[k] as Summary).mean, (t[k] as Summary).max]),
        ...(t.boundingBox ? [...t.boundingBox.min, ...t.boundingBox.max] : [null, null, null, null, null, null]),
        ...sholl,
      ];
      rows.push(values.map(cell).join(','));
    }
  }
  return rows.join('\n') + '\n';
}
