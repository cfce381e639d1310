/**
 * fMRI and brain maps: what the Brain view asks of the engine. Volumes, meshes, per-vertex values
 * and ROI series travel as typed arrays (structured clone over IPC, binary frames on the bridge),
 * never as JSON number arrays. Conventions shared with the engine:
 * - affines are 16 numbers, row-major 4×4, voxel (i, j, k, 1) → mm (x, y, z, 1), as nibabel's;
 * - volumes are x fastest (NIfTI order), float32 after scaling;
 * - ROI series are region-major: `data[r * timepoints + t]`;
 * - matrices are row-major `n × n`.
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();
const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

/** One region of a label atlas (AAL2.xml, aal.json), with its centroid in mm where computed. */
export const AtlasRegion = z.object({ index: z.number().int(), name: z.string(), centroidMm: Vec3.nullable() });
export type AtlasRegion = z.infer<typeof AtlasRegion>;

/** One 3D volume of a NIfTI image (a 4D run's volume `volume`), scaled to float32. */
export const BrainVolume = z.object({
  recordingId: Id,
  name: z.string(),
  dims: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  volume: z.number().int().nonnegative(),
  volumeCount: z.number().int().positive(),
  voxelSizeMm: Vec3,
  affine: z.array(z.number()).length(16),
  trS: z.number().nullable(),
  /** The file's datatype (`int16`, `float32`, …) before scaling. */
  datatype: z.string(),
  data: typedArray('float32'),
  /** Of the finite values. */
  min: z.number(),
  max: z.number(),
  /** 2nd and 98th percentiles of the finite non-zero values: a display window that reads on real scans. */
  robustMin: z.number(),
  robustMax: z.number(),
  /** Non-finite voxels (NaN-filled maps are shown with those voxels empty, and said so). */
  nonFiniteCount: z.number().int().nonnegative(),
  /** A label atlas: integer values naming regions; `regions` lists them (empty when no labels file was found). */
  isAtlas: z.boolean(),
  regions: z.array(AtlasRegion),
});
export type BrainVolume = z.infer<typeof BrainVolume>;

/** A surface mesh (GIfTI pointset + triangles, or mz3). */
export const BrainSurface = z.object({
  recordingId: Id,
  name: z.string(),
  hemisphere: z.enum(['left', 'right']).nullable(),
  /** x, y, z per vertex, mm. */
  vertices: typedArray('float32'),
  /** Three vertex indices per triangle. */
  faces: typedArray('uint32'),
  /** Per-vertex scalars stored in the mesh file itself (mz3), else null. */
  scalars: typedArray('float32').nullable(),
});
export type BrainSurface = z.infer<typeof BrainSurface>;

/** Per-vertex data of a GIfTI shape or label file (sulc, Yeo networks). */
export const SurfaceValues = z.object({
  recordingId: Id,
  name: z.string(),
  hemisphere: z.enum(['left', 'right']).nullable(),
  vertexCount: z.number().int().nonnegative(),
  /** Shape data (sulcal depth, a map), or null for a label file. */
  values: typedArray('float32').nullable(),
  /** Label keys per vertex, or null for shape data. */
  labels: typedArray('int32').nullable(),
  labelTable: z.array(z.object({ key: z.number().int(), name: z.string(), rgba: z.tuple([z.number(), z.number(), z.number(), z.number()]) })),
});
export type SurfaceValues = z.infer<typeof SurfaceValues>;

/** A cluster of supra-threshold voxels (26-connected), with its peak. */
export const BrainCluster = z.object({
  id: z.number().int().positive(),
  sign: z.enum(['positive', 'negative']),
  voxelCount: z.number().int().positive(),
  volumeMm3: z.number(),
  peakValue: z.number(),
  peakVoxel: Vec3,
  peakMm: Vec3,
  /** The atlas region at the peak (null without an atlas, or outside every region). */
  peakRegion: z.string().nullable(),
});
export type BrainCluster = z.infer<typeof BrainCluster>;

/** One subject's ROI × time series (an ROI file, a cohort's subject, or an extraction run's result). */
export const RoiSeriesData = z.object({
  recordingId: Id,
  name: z.string(),
  subject: z.string().nullable(),
  regionCount: z.number().int().positive(),
  timepoints: z.number().int().positive(),
  regionNames: z.array(z.string()),
  trS: z.number().nullable(),
  /** Region-major: data[r * timepoints + t]. */
  data: typedArray('float64'),
});
export type RoiSeriesData = z.infer<typeof RoiSeriesData>;

export const ConnectivityKind = z.enum(['pearson', 'partial', 'tangent', 'covariance']);
export type ConnectivityKind = z.infer<typeof ConnectivityKind>;

export const ConnectivityMatrix = z.object({
  recordingId: Id,
  subject: z.string().nullable(),
  kind: ConnectivityKind,
  regionCount: z.number().int().positive(),
  regionNames: z.array(z.string()),
  /** Row-major regionCount × regionCount. */
  matrix: typedArray('float64'),
});
export type ConnectivityMatrix = z.infer<typeof ConnectivityMatrix>;

/** A cohort's subjects with their labels. */
export const CohortSummary = z.object({
  recordingId: Id,
  name: z.string(),
  phenotypeFile: z.string(),
  labelColumns: z.array(z.string()),
  subjects: z.array(z.object({ id: z.string(), labels: z.record(z.string(), z.union([z.string(), z.number(), z.null()])) })),
  regionCount: z.number().int().positive(),
  timepointsMin: z.number().int().positive(),
  timepointsMax: z.number().int().positive(),
});
export type CohortSummary = z.infer<typeof CohortSummary>;

/** A node of a brain network (BrainNet .node, a coordinate atlas, or an atlas region's centroid). */
export const BrainNode = z.object({
  x: z.number(),
  y: z.number(),
  z: z.number(),
  /** BrainNet's colour value (a module or network index), 0 when none. */
  colour: z.number(),
  size: z.number(),
  label: z.string(),
  network: z.string().nullable(),
});
export type BrainNode = z.infer<typeof BrainNode>;

export const BrainGraph = z.object({
  recordingId: Id,
  name: z.string(),
  nodes: z.array(BrainNode),
  /** Row-major n × n weights (from a .edge file beside the .node file, or the edge recording given), or null. */
  weights: typedArray('float64').nullable(),
});
export type BrainGraph = z.infer<typeof BrainGraph>;

/** A summary of a fold of the cohort classifier, and the whole report (stored as the classify run's result). */
export const FoldScore = z.object({
  fold: z.number().int(),
  trainCount: z.number().int(),
  testCount: z.number().int(),
  accuracy: z.number(),
  balancedAccuracy: z.number(),
  auroc: z.number(),
});
export type FoldScore = z.infer<typeof FoldScore>;

export const ClassifierReport = z.object({
  target: z.string(),
  classes: z.array(z.string()),
  folds: z.array(FoldScore),
  mean: z.object({ accuracy: z.number(), balancedAccuracy: z.number(), auroc: z.number() }),
  featureCount: z.number().int(),
  subjectCount: z.number().int(),
});
export type ClassifierReport = z.infer<typeof ClassifierReport>;

export const fmriCalls = {
  /** One volume of a NIfTI recording (`fmri` or `brain-map` of type volume/atlas). */
  'fmri.volume': { params: z.object({ recordingId: Id, volume: z.number().int().nonnegative().default(0) }).strict(), result: BrainVolume },
  'fmri.surface': { params: z.object({ recordingId: Id }).strict(), result: BrainSurface },
  'fmri.surfaceValues': { params: z.object({ recordingId: Id }).strict(), result: SurfaceValues },
  /**
   * A volume map sampled at a surface's vertices: at points along each vertex normal from
   * `depthsMm` (nilearn's vol_to_surf 'line' kind, averaged), by nearest neighbour or trilinear.
   */
  'fmri.projectToSurface': {
    params: z
      .object({
        volumeRecordingId: Id,
        surfaceRecordingId: Id,
        method: z.enum(['nearest', 'trilinear']).default('trilinear'),
        depthsMm: z.array(z.number().min(-10).max(10)).min(1).max(16).default([0]),
      })
      .strict(),
    result: z.object({ values: typedArray('float32') }),
  },
  /** Clusters of voxels beyond ±threshold, largest first, with the peak's atlas region. */
  'fmri.clusters': {
    params: z
      .object({
        recordingId: Id,
        threshold: z.number().nonnegative(),
        sign: z.enum(['positive', 'negative', 'both']).default('both'),
        minVoxels: z.number().int().positive().max(1_000_000).default(10),
        atlasRecordingId: Id.nullable().default(null),
      })
      .strict(),
    result: z.array(BrainCluster),
  },
  /** The series of an ROI file, or of one cohort subject (`subject`), or of an extraction run (`runId`). */
  'fmri.roiSeries': {
    params: z.object({ recordingId: Id, subject: z.string().max(200).nullable().default(null), runId: Id.nullable().default(null) }).strict(),
    result: RoiSeriesData,
  },
  /** One subject's connectivity matrix, computed now (as `cajal fmri connectivity`). */
  'fmri.connectivity': {
    params: z.object({ recordingId: Id, subject: z.string().max(200).nullable().default(null), kind: ConnectivityKind.default('pearson') }).strict(),
    result: ConnectivityMatrix,
  },
  /**
   * That matrix written to a path the user typed, as `cajal fmri connectivity --out` writes it: CSV
   * (numpy.savetxt's layout, no header) or NumPy .npy (float64, n × n). Never a project file or a
   * source recording; an existing file only with overwrite.
   */
  'fmri.exportConnectivity': {
    params: z
      .object({
        recordingId: Id,
        subject: z.string().max(200).nullable().default(null),
        kind: ConnectivityKind.default('pearson'),
        format: z.enum(['csv', 'npy']),
        /** Absolute. Never a project file or a source recording; an existing file only with overwrite. */
        path: z.string().min(1).max(4096),
        /** The user chose to replace an existing file (the UI asks first; a 'conflict' error says it exists). */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ path: z.string(), regionCount: z.number().int() }),
  },
  'fmri.cohort': { params: z.object({ recordingId: Id }).strict(), result: CohortSummary },
  /** Nodes (and weights) of a brain-graph recording, or an atlas's regions at their centroids. */
  'fmri.graph': { params: z.object({ recordingId: Id, edgesRecordingId: Id.nullable().default(null) }).strict(), result: BrainGraph },
} as const;

export const fmriApi = domainApi('fmri', fmriCalls);
