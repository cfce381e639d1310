/**
 * Looking up a brain recording of the project for a call, with a clear error when it is missing
 * (NotFoundError) or of another kind or type than the call reads (ValidationError naming the
 * recording and what it is).
 */
import { basename } from 'node:path';
import { RECORDING_KIND_NAMES, recordingKind, type BrainMetadata, type Recording, type RecordingKind } from '../../../shared/api/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Store } from '../../store/index.js';

export type BrainType = BrainMetadata['type'];

/** A recording with its brain metadata present (every brain recording has it). */
export type BrainRecording = Recording & { metadata: Recording['metadata'] & { brain: BrainMetadata } };

/** How a message names a brain type. */
const TYPE_NAMES: Readonly<Record<BrainType, string>> = {
  bold: 'a 4D BOLD run',
  volume: 'a 3D volume',
  atlas: 'a label atlas',
  surface: 'a surface mesh',
  'surface-values': 'per-vertex values',
  'surface-labels': 'per-vertex labels',
  'roi-series': 'an ROI time series',
  cohort: 'a cohort',
  nodes: 'a node file',
  edges: 'an edge file',
};

/** What a recording is, for messages: "recording 3 (AAL2.nii, a label atlas)". */
export function describeRecording(recording: Recording): string {
  const brain = recording.metadata.brain;
  const kind = recordingKind(recording);
  const what = brain ? TYPE_NAMES[brain.type] : `${RECORDING_KIND_NAMES[kind].article} ${RECORDING_KIND_NAMES[kind].name} recording`;
  return `recording ${recording.id} (${basename(recording.sourcePath)}, ${what})`;
}

/**
 * The recording `id` when it is one of `types` (brain types; the kinds follow from them);
 * `field` names the parameter in errors, `wanted` says what the call reads.
 */
export function brainRecording(store: Store, id: number, types: readonly BrainType[], wanted: string, field = 'recordingId'): BrainRecording {
  const recording = store.recordings.get(id);
  if (!recording) throw new NotFoundError(`recording ${id}`);
  const brain = recording.metadata.brain;
  if (!brain || !types.includes(brain.type)) throw new ValidationError(field, `${describeRecording(recording)} is not ${wanted}`);
  return recording as BrainRecording;
}

export const BRAIN_KIND_OF_TYPE: Readonly<Record<BrainType, RecordingKind>> = {
  bold: 'fmri',
  volume: 'brain-map',
  atlas: 'brain-map',
  surface: 'brain-map',
  'surface-values': 'brain-map',
  'surface-labels': 'brain-map',
  'roi-series': 'roi-series',
  cohort: 'cohort',
  nodes: 'brain-graph',
  edges: 'brain-graph',
};

/** The name shown for a recording: its file name without the brain extensions. */
export function recordingName(recording: Recording): string {
  return basename(recording.sourcePath).replace(/\.(nii|gii|mz3|mat|csv|tsv|1d|txt|node|edge)(\.gz)?$/i, '');
}
