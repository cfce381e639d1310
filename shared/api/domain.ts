/**
 * Domain types and their runtime schemas, shared by the engine, both transports and the renderer.
 * `shared` imports nothing of ours (DESIGN.md layer rule), only zod.
 */
import { z } from 'zod';

/** What a recording holds, which decides the views and pipelines that apply to it. */
export const RecordingKind = z.enum(['eeg', 'calcium', 'morphology']);
export type RecordingKind = z.infer<typeof RecordingKind>;

/** How a sentence names each kind ("works on EEG recordings"), with its article ("an EEG recording"). */
export const RECORDING_KIND_NAMES: Readonly<Record<RecordingKind, { name: string; article: string }>> = {
  eeg: { name: 'EEG', article: 'an' },
  calcium: { name: 'calcium imaging', article: 'a' },
  morphology: { name: 'morphology', article: 'a' },
};

/** A recording's kind; projects written before calcium imaging have no `modality`: all EEG. */
export function recordingKind(recording: { metadata: { modality?: RecordingKind | undefined } }): RecordingKind {
  return recording.metadata.modality ?? 'eeg';
}

export const RecordingFormat = z.enum(['edf', 'edf+', 'bdf', 'bdf+', 'suite2p', 'nwb', 'calcium-hdf5', 'calcium-csv', 'swc']);
export type RecordingFormat = z.infer<typeof RecordingFormat>;

/** One signal (channel) of a recording as described by its file header. */
export const SignalInfo = z.object({
  label: z.string(),
  unit: z.string(),
  sampleRateHz: z.number(),
  isAnnotation: z.boolean(),
});
export type SignalInfo = z.infer<typeof SignalInfo>;

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
