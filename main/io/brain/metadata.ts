/**
 * What the project stores about a brain recording: `metadata.brain` (BrainMetadata) with the
 * recording's kind as `modality`, and the EEG-era fields every recording carries filled neutrally
 * (no signals, no start time), as SWC morphologies do. Where a brain recording has a time axis
 * (a BOLD run, an ROI series with a known TR) the sample rate and duration say so, so the Library's
 * generic columns read sensibly.
 */
import { statSync } from 'node:fs';
import type { BrainMetadata, RecordingFormat, RecordingKind, RecordingMetadata } from '../../../shared/api/index.js';
import { fileAccessError } from '../../errors.js';
import { sha256File } from '../hash.js';
import type { InspectedRecording } from '../recording.js';

/** The brain kinds (a subset of RecordingKind; `shared/api/domain.ts` lists them as BRAIN_KINDS). */
export type BrainKind = Extract<RecordingKind, 'fmri' | 'brain-map' | 'roi-series' | 'cohort' | 'brain-graph'>;

export interface BrainTime {
  /** Samples along time: volumes of a BOLD run, timepoints of an ROI series. */
  samples: number;
  trS: number | null;
}

export function brainRecordingMetadata(kind: BrainKind, brain: BrainMetadata, options: { channels?: number; time?: BrainTime } = {}): RecordingMetadata {
  const tr = options.time?.trS ?? null;
  const rate = tr !== null && tr > 0 ? 1 / tr : 0;
  return {
    signals: [],
    channelCount: options.channels ?? 0,
    sampleRateHz: rate,
    durationS: rate > 0 && options.time ? options.time.samples * (tr as number) : 0,
    startDateTime: '',
    patient: '',
    recordingInfo: brain.description.slice(0, 2000),
    dataRecordCount: 0,
    dataRecordDurationS: 0,
    modality: kind,
    brain: { ...brain, warnings: brain.warnings.slice(0, 100) },
  };
}

/** One regular file as an InspectedRecording: its size and SHA-256 with the metadata. */
export async function inspectedFile(file: string, format: RecordingFormat, metadata: RecordingMetadata): Promise<InspectedRecording> {
  let sizeBytes: number;
  try {
    sizeBytes = statSync(file).size;
  } catch (error) {
    throw fileAccessError(file, error);
  }
  return { sourcePath: file, sizeBytes, sha256: await sha256File(file), format, metadata, warnings: metadata.brain?.warnings ?? [] };
}

/** "2 mm" for isotropic voxels, "3×3×4 mm" otherwise (to 2 decimals, trailing zeros dropped). */
export function voxelSizeText(sizes: readonly number[]): string {
  const show = (v: number) => String(Number(v.toFixed(2)));
  const [a, b, c] = sizes;
  if (a !== undefined && sizes.every((v) => Math.abs(v - a) < 1e-3)) return `${show(a)} mm`;
  return `${[a, b, c].filter((v): v is number => v !== undefined).map(show).join('×')} mm`;
}

/** NIfTI's xform codes as a space's name (nibabel's names, shortened for a one-line description). */
const XFORM_SPACES: Readonly<Record<number, string>> = { 1: 'scanner', 2: 'aligned', 3: 'Talairach', 4: 'MNI', 5: 'template' };

/**
 * The space the affine maps to, and which transform gave it: the sform when its code is set (as
 * nibabel decides), else the qform, else neither ("voxel grid only").
 */
export function spaceText(sformCode: number, qformCode: number): string {
  if (sformCode > 0) return `${XFORM_SPACES[sformCode] ?? `code ${sformCode}`} (sform)`;
  if (qformCode > 0) return `${XFORM_SPACES[qformCode] ?? `code ${qformCode}`} (qform)`;
  return 'no space (pixdim only)';
}
