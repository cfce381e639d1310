/**
 * Atlases and brain-graph files: region labels of label atlases (AAL2.xml, NiiVue's aal.json,
 * lookup-table .txt) and the labels file beside an atlas volume; node coordinates (BrainNet .node,
 * Schaefer/Dosenbach/Power/Seitzman tables) and BrainNet .edge matrices; region centroids of a
 * label volume.
 */
export { findAtlasLabels, readAtlasLabels, type RegionLabel } from './labels.js';
export { parseBrainNodes, readBrainNodes, type BrainNode } from './nodes.js';
export { parseBrainNetEdges, readBrainNetEdges, type BrainNetEdges } from './edges.js';
export { brainGraphFileKind, sniffBrainGraph, type BrainGraphFileKind } from './kind.js';
export { labelCentroids, type Point3 } from './centroids.js';
