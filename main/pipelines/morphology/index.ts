/** Neuron morphometrics with NeuroM's definitions, and their CSV export. */
export {
  computeMorphometrics,
  NEURITE_TYPES,
  type BoundingBox,
  type MorphologyMetrics,
  type MorphometricsOptions,
  type NeuriteMetrics,
  type NeuriteTypeName,
  type SomaMetrics,
  type Summary,
} from './metrics.js';
export { buildSections, preorder, type NeuronTopology, type Section, type SomaKind } from './sections.js';
export { morphometricsCsv } from './csv.js';
