/**
 * Domain types and their runtime schemas, shared by the engine, both transports and the renderer.
 * `shared` imports nothing of ours (DESIGN.md layer rule), only zod.
 */
import { z } from 'zod';

/** What a recording holds, which decides the views and pipelines that apply to it. */
export const RecordingKind = z.enum(['eeg', 'calcium', 'morphology', 'fmri', 'brain-map', 'roi-series', 'cohort', 'brain-graph', 'spikes']);
export type RecordingKind = z.infer<typeof RecordingKind>;

/** How a sentence names each kind ("works on EEG recordings"), with its article ("an EEG recording"). */
export const RECORDING_KIND_NAMES: Readonly<Record<RecordingKind, { name: string; article: string }>> = {
  eeg: { name: 'EEG', article: 'an' },
  calcium: { name: 'calcium imaging', article: 'a' },
  morphology: { name: 'morphology', article: 'a' },
  fmri: { name: 'fMRI', article: 'an' },
  'brain-map': { name: 'brain map', article: 'a' },
  'roi-series': { name: 'ROI time series', article: 'an' },
  cohort: { name: 'cohort', article: 'a' },
  'brain-graph': { name: 'brain network', article: 'a' },
  spikes: { name: 'spike train', article: 'a' },
};

/**
 * The brain kinds (issue #18), by what a user does with them:
 * - `fmri`: a 4D BOLD run (NIfTI), from which ROI time series are extracted;
 * - `brain-map`: one 3D image or surface to look at: a statistical map, a template, a label atlas
 *   (NIfTI), a surface mesh, per-vertex values or labels (GIfTI, mz3);
 * - `roi-series`: one subject's ROI × time matrix (.mat, CSV/TSV, AFNI .1D);
 * - `cohort`: a folder of per-subject ROI files with a phenotype table (diagnosis, sex, age, site);
 * - `brain-graph`: nodes with coordinates and optionally edges (BrainNet Viewer .node/.edge,
 *   coordinate atlases such as Power or Dosenbach).
 */
export const BRAIN_KINDS: readonly RecordingKind[] = ['fmri', 'brain-map', 'roi-series', 'cohort', 'brain-graph'];

/** A recording's kind; projects written before calcium imaging have no `modality`: all EEG. */
export function recordingKind(recording: { metadata: { modality?: RecordingKind | undefined } }): RecordingKind {
  return recording.metadata.modality ?? 'eeg';
}

export const RecordingFormat = z.enum([
  'edf', 'edf+', 'bdf', 'bdf+',
  'suite2p', 'nwb', 'calcium-hdf5', 'calcium-csv',
  'swc',
  'nifti1', 'nifti2', 'gifti', 'mz3', 'mat', 'roi-text', 'roi-cohort', 'brainnet-node', 'brainnet-edge', 'coordinates',
  'nwb-units', 'npy-spike-trains', 'kilosort', 'spike-times-text',
]);
export type RecordingFormat = z.infer<typeof RecordingFormat>;

/** One signal (channel) of a recording as described by its file header. */
export const SignalInfo = z.object({
  label: z.string(),
  unit: z.string(),
  sampleRateHz: z.number(),
  isAnnotation: z.boolean(),
});
export type SignalInfo = z.infer<typeof SignalInfo>;

/** A cohort's subject: its id (from the file name), its ROI file and its phenotype labels. */
export const CohortSubject = z.object({
  id: z.string(),
  file: z.string(),
  /** Normalised `diagnosis` ('ASD' | 'control'), `sex` ('M' | 'F'), `age`, `site` where the table has them, and every other column as is. */
  labels: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});
export type CohortSubject = z.infer<typeof CohortSubject>;

/** What a brain recording's file says (NIfTI, GIfTI, mz3, ROI series, cohort, node/edge files). */
export const BrainMetadata = z.object({
  type: z.enum(['bold', 'volume', 'atlas', 'surface', 'surface-values', 'surface-labels', 'roi-series', 'cohort', 'nodes', 'edges']),
  /** One line for the Library: "91×109×91, 2 mm, int16, MNI (sform)". */
  description: z.string(),
  /** Image dimensions (NIfTI dim[1…]). */
  dims: z.array(z.number().int()).optional(),
  voxelSizeMm: z.array(z.number()).optional(),
  /** Voxel → mm, row-major 4×4 (nibabel's `affine`). */
  affine: z.array(z.number()).length(16).optional(),
  /** Repetition time, s (4D images, ROI series where known). */
  trS: z.number().nullable().optional(),
  datatype: z.string().optional(),
  volumeCount: z.number().int().optional(),
  /** Label atlases: the labels file found beside the image (AAL2.xml, aal.json). */
  labelsFile: z.string().nullable().optional(),
  regionCount: z.number().int().optional(),
  timepoints: z.number().int().optional(),
  regionNames: z.array(z.string()).nullable().optional(),
  vertexCount: z.number().int().optional(),
  faceCount: z.number().int().optional(),
  hemisphere: z.enum(['left', 'right']).nullable().optional(),
  nodeCount: z.number().int().optional(),
  cohort: z
    .object({
      phenotypeFile: z.string(),
      labelColumns: z.array(z.string()),
      subjects: z.array(CohortSubject),
      timepointsMin: z.number().int(),
      timepointsMax: z.number().int(),
    })
    .optional(),
  warnings: z.array(z.string()),
});
export type BrainMetadata = z.infer<typeof BrainMetadata>;

/** Header metadata of a time-series recording (EEG and friends). */
export const RecordingMetadata = z.object({
  signals: z.array(SignalInfo),
  /** Number of data (non-annotation) channels. */
  channelCount: z.number().int(),
  /** Highest sample rate among data channels. */
  sampleRateHz: z.number(),
  durationS: z.number(),
  /** Start of the recording as written in the header (local clock, ISO 8601 without zone). */
  startDateTime: z.string(),
  patient: z.string(),
  recordingInfo: z.string(),
  dataRecordCount: z.number().int(),
  dataRecordDurationS: z.number(),
  /**
   * What the recording holds; absent in projects written before calcium imaging was supported
   * (those are all EEG). For calcium recordings `signals` lists the cells (label = neuron name),
   * `channelCount` is the cell count and `sampleRateHz` the frame rate (0 when unknown).
   */
  modality: RecordingKind.optional(),
  /** Calcium recordings: what the file says about the cells. */
  calcium: z
    .object({
      frameCount: z.number().int(),
      traceKind: z.string(),
      labelledCells: z.number().int(),
      hasPositions: z.boolean(),
      assemblyCount: z.number().int(),
      description: z.string(),
      /**
       * True when the user set the frame rate (`calcium.setFrameRate`): `sampleRateHz` is then theirs,
       * and every consumer (the Traces view, NTF) uses it instead of what the file says.
       */
      frameRateSetByUser: z.boolean().optional(),
      /** The frame rate the file states (0 when it states none), kept so a reset can restore it. */
      fileFrameRateHz: z.number().optional(),
    })
    .optional(),
  /** Morphologies (SWC): `channelCount` is the number of samples (nodes). */
  morphology: z
    .object({
      nodeCount: z.number().int(),
      treeCount: z.number().int(),
      somaSamples: z.number().int(),
      /** Total neurite length (soma left out), in the file's unit, µm by convention; absent in projects imported before it was stored. */
      lengthUm: z.number().optional(),
      warnings: z.array(z.string()),
    })
    .optional(),
  /** Brain images, surfaces, ROI series, cohorts and networks (the kinds of `BRAIN_KINDS`). */
  brain: BrainMetadata.optional(),
  /**
   * Spike trains (`modality: 'spikes'`): `channelCount` is the unit count, `durationS` the span from
   * `startS` to the last spike or event; `signals` is empty (the units are in the spikes domain).
   */
  spikes: z
    .object({
      unitCount: z.number().int(),
      spikeCount: z.number().int(),
      startS: z.number(),
      /** Per unit: the file's id and its cell type or quality label (null when none). */
      units: z.array(z.object({ id: z.string(), cellType: z.string().nullable(), spikeCount: z.number().int() })),
      /** Event sets attached to the recording (stimulus changes, epochs). */
      eventSets: z.array(z.object({ name: z.string(), count: z.number().int(), source: z.string() })),
      warnings: z.array(z.string()),
    })
    .optional(),
});
export type RecordingMetadata = z.infer<typeof RecordingMetadata>;

export const Recording = z.object({
  id: z.number().int(),
  sourcePath: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  format: RecordingFormat,
  metadata: RecordingMetadata,
  importedAt: z.string(),
});
export type Recording = z.infer<typeof Recording>;

export const RunStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

export const Run = z.object({
  id: z.number().int(),
  pipeline: z.string(),
  params: z.record(z.string(), z.unknown()),
  recordingId: z.number().int().nullable(),
  codeVersion: z.string(),
  status: RunStatus,
  progress: z.number().min(0).max(1),
  progressMessage: z.string(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type Run = z.infer<typeof Run>;

export const LogLevel = z.enum(['info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevel>;
export const RunLogLine = z.object({ time: z.string(), level: LogLevel, message: z.string() });
export type RunLogLine = z.infer<typeof RunLogLine>;

/** A stored result of a run: a JSON value and optionally a typed array described by dtype/shape. */
export const RunResult = z.object({
  key: z.string(),
  value: z.unknown(),
  array: z.object({ dtype: z.string(), shape: z.array(z.number().int()) }).nullable(),
});
export type RunResult = z.infer<typeof RunResult>;

export const BackendName = z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;

export const BackendProbe = z.object({
  name: BackendName,
  /** npm package providing the backend. */
  provider: z.string(),
  available: z.boolean(),
  /** Why it is available or not, in one line (e.g. "not installed"). */
  detail: z.string(),
});
export type BackendProbe = z.infer<typeof BackendProbe>;

export const BackendReport = z.object({
  selected: BackendName,
  forced: BackendName.nullable(),
  /** One line saying why `selected` was chosen. */
  reason: z.string(),
  chain: z.array(BackendProbe),
});
export type BackendReport = z.infer<typeof BackendReport>;

export const PipelineInfo = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  /** 'recordings': several recordings, named by `params.recordingIds` (e.g. one per animal). */
  input: z.enum(['recording', 'recordings', 'none']),
  /** The kinds of recording it works on (empty for `none`): the Library offers it on those only. */
  recordingKinds: z.array(RecordingKind),
});
export type PipelineInfo = z.infer<typeof PipelineInfo>;

/** Who signs annotations and decisions on this machine. */
export const UserName = z.object({
  name: z.string(),
  /** true: the OS account's name, as none was set in Settings. */
  fromSystem: z.boolean(),
});
export type UserName = z.infer<typeof UserName>;

export const ProjectInfo = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  codeVersion: z.string(),
  apiVersion: z.number().int(),
  transport: z.enum(['ipc', 'bridge']),
  /** Whether the host can show a native file dialog (Electron) or the user types paths (browser). */
  nativeFileDialog: z.boolean(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;
