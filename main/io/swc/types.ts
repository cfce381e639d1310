/** SWC neuron morphologies as typed arrays (one entry per sample, in file order). */

/** Standard SWC structure identifiers; other values are custom types, kept as given. */
export const SWC_TYPES = { undefined: 0, soma: 1, axon: 2, basalDendrite: 3, apicalDendrite: 4 } as const;

/** Something the reader repaired or kept with a doubt: the user sees the list. */
export interface SwcWarning {
  /** 1-based line of the sample concerned. */
  line: number;
  message: string;
}

/** One connected tree: a root sample (parent −1) and everything below it. */
export interface SwcTree {
  /** Sample index of the root. */
  rootIndex: number;
  /** Number of samples in the tree. */
  size: number;
  /** SWC type of the root (1 for a soma-rooted neuron). */
  rootType: number;
}

export interface SwcMorphology {
  file: string;
  /** Number of samples. */
  count: number;
  /** The ids as written (positive integers, any order). */
  ids: Uint32Array;
  /** SWC type of each sample (1 soma, 2 axon, 3 basal, 4 apical, others custom). */
  types: Int32Array;
  /** x, y, z of each sample, interleaved; in µm when `scaleUmPerUnit` was given, else as in the file. */
  xyz: Float64Array;
  /** Radius of each sample, same unit as `xyz`. */
  radii: Float64Array;
  /** Index (not id) of each sample's parent, −1 for roots. */
  parentIndex: Int32Array;
  /** 1-based line number of each sample in the file. */
  lines: Uint32Array;
  trees: SwcTree[];
  /** Comment lines (without the leading `#` and surrounding space), in file order. */
  header: string[];
  warnings: SwcWarning[];
  /** The scale applied to coordinates and radii (µm per file unit), or null: kept as given. */
  scaleUmPerUnit: number | null;
}

export interface SwcOptions {
  /** µm per file unit (e.g. 0.008 for hemibrain 8 nm voxels), applied to x, y, z and radius. */
  scaleUmPerUnit?: number;
}
