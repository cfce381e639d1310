/**
 * Recognises a source file and reads what the project stores about it: format, header metadata,
 * size and SHA-256. Sources are never modified or copied.
 *
 * `RECORDING_READERS` is the table of recording formats (as MNE's `_read_raw.py` maps formats to
 * readers): each entry recognises its files by content, never by name, and its reader returns one
 * `InspectedRecording`. `inspectRecording` tries the entries in table order; the readers sit below
 * this module and never import it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { RecordingFormat, RecordingKind, RecordingMetadata } from '../../shared/api/index.js';
import { FormatError, fileAccessError } from '../errors.js';
import { detectCalcium } from './calcium/index.js';
import { inspectCalcium } from './calcium/inspect.js';
import { EDF_SIGNATURE_BYTES, hasEdfSignature, inspectEdf } from './edf/inspect.js';
import { inspectSwc, looksLikeSwc } from './swc/inspect.js';
import {
  inspectBrainGraph,
  inspectCohort,
  inspectGifti,
  inspectMz3,
  inspectNifti,
  inspectRoiSeries,
  looksLikeBrainGraph,
  looksLikeCohort,
  looksLikeMz3,
  looksLikeRoiSeries,
} from './brain/index.js';
import { looksLikeGifti } from './gifti/index.js';
import { looksLikeNifti } from './nifti/index.js';
import { detectSpikes } from './spikes/index.js';
import { inspectSpikes } from './spikes/inspect.js';
import { assertReadableSource } from './source-file.js';

export { edfMetadata } from './edf/inspect.js';

export interface InspectedRecording {
  sourcePath: string;
  sizeBytes: number;
  sha256: string;
  format: RecordingFormat;
  metadata: RecordingMetadata;
  warnings: string[];
}

/** What a recording format yields: the `modality` of its metadata (absent means EEG). */
export type RecordingModality = RecordingKind;

/** One family of recording formats, as `inspectRecording` recognises and reads it. */
export interface RecordingReader {
  readonly id: 'edf-family' | 'nifti' | 'surface' | 'swc' | 'brain-graph' | 'roi-series' | 'spikes' | 'calcium' | 'cohort';
  readonly modality: RecordingModality;
  /** The formats its reader returns (`InspectedRecording.format`). */
  readonly formats: readonly RecordingFormat[];
  /** How the "supported: …" message names the family. */
  readonly label: string;
  /**
   * Whether a regular file is of this family, by its content. False for "not mine"; throws only
   * what must reach the user as is (a file that cannot be opened, a damaged HDF5 file).
   */
  sniff(file: string): boolean | Promise<boolean>;
  /** Whether a folder is a recording of this family; absent for families that are files only. */
  readonly sniffFolder?: (folder: string) => Promise<boolean>;
  /** How the folder message names the folders it reads. */
  readonly folderLabel?: string;
  read(path: string): Promise<InspectedRecording>;
}

/** `sniffFormat` as a yes/no: a FormatError (empty, unrecognised) is "not EDF". */
function isEdfFamily(file: string): boolean {
  try {
    return sniffFormat(file) === 'edf-family';
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    return false;
  }
}

/** A table entry, frozen with its format list. */
const entry = (reader: RecordingReader): RecordingReader => Object.freeze({ ...reader, formats: Object.freeze([...reader.formats]) });

/**
 * In the order they are tried: EDF-family files by their signature, NIfTI by its magic (also inside
 * gzip), surfaces (GIfTI's <GIFTI> root, mz3's magic); then the text formats from the most to the
 * least particular, since calcium imaging's CSV sniff takes any table of numbers: SWC (seven numbers
 * on the first data line), brain networks (BrainNet node/edge files, coordinate tables), ROI time
 * series (.mat, and the ROI text layouts), spike trains (before calcium, whose NWB sniff would take
 * an NWB units file; their text sniff wants one ascending number per line), and calcium last.
 * Folders: spike-train folders (spikes.npy, Kilosort/Phy), Suite2p planes, then cohorts.
 */
export const RECORDING_READERS: readonly RecordingReader[] = Object.freeze([
  entry({
    id: 'edf-family',
    modality: 'eeg',
    formats: ['edf', 'edf+', 'bdf', 'bdf+'],
    label: 'EDF, EDF+, BDF, BDF+',
    sniff: isEdfFamily,
    read: inspectEdf,
  }),
  entry({
    id: 'nifti',
    modality: 'fmri',
    formats: ['nifti1', 'nifti2'],
    label: 'fMRI and brain maps: NIfTI-1, NIfTI-2 (.nii, .nii.gz)',
    sniff: looksLikeNifti,
    read: inspectNifti,
  }),
  entry({
    id: 'surface',
    modality: 'brain-map',
    formats: ['gifti', 'mz3'],
    label: 'brain surfaces: GIfTI, mz3',
    sniff: async (file: string) => (await looksLikeGifti(file)) || (await looksLikeMz3(file)),
    read: async (file: string) => ((await looksLikeGifti(file)) ? inspectGifti(file) : inspectMz3(file)),
  }),
  entry({
    id: 'swc',
    modality: 'morphology',
    formats: ['swc'],
    label: 'morphologies: SWC',
    sniff: looksLikeSwc,
    read: inspectSwc,
  }),
  entry({
    id: 'brain-graph',
    modality: 'brain-graph',
    formats: ['brainnet-node', 'brainnet-edge', 'coordinates'],
    label: 'brain networks: BrainNet .node/.edge, coordinate tables',
    sniff: looksLikeBrainGraph,
    read: inspectBrainGraph,
  }),
  entry({
    id: 'roi-series',
    modality: 'roi-series',
    formats: ['mat', 'roi-text'],
    label: 'ROI time series: MATLAB .mat, CSV/TSV, AFNI .1D',
    sniff: looksLikeRoiSeries,
    read: inspectRoiSeries,
  }),
  entry({
    id: 'spikes',
    modality: 'spikes',
    formats: ['nwb-units', 'npy-spike-trains', 'kilosort', 'spike-times-text'],
    label: 'spike trains: NWB units, NumPy spike-time arrays, Kilosort/Phy folders, text spike times',
    sniff: async (file: string) => (await detectSpikes(file)) !== null,
    sniffFolder: async (folder: string) => (await detectSpikes(folder)) !== null,
    folderLabel: 'spike-train folders (spikes.npy, or Kilosort/Phy spike_times.npy with spike_clusters.npy)',
    read: inspectSpikes,
  }),
  entry({
    id: 'calcium',
    modality: 'calcium',
    formats: ['suite2p', 'nwb', 'calcium-hdf5', 'calcium-csv'],
    label: 'calcium imaging: Suite2p folders, NWB, HDF5, CSV',
    sniff: async (file: string) => (await detectCalcium(file)) !== null,
    sniffFolder: async (folder: string) => (await detectCalcium(folder)) === 'suite2p',
    folderLabel: 'Suite2p plane folders (with F.npy, or plane0/F.npy)',
    read: inspectCalcium,
  }),
  entry({
    id: 'cohort',
    modality: 'cohort',
    formats: ['roi-cohort'],
    label: 'cohorts: folders of ROI files with a phenotype table',
    sniff: () => false,
    sniffFolder: looksLikeCohort,
    folderLabel: 'cohort folders (per-subject ROI files and a phenotype table)',
    read: inspectCohort,
  }),
]);

/** The order the "supported: …" message lists the families in (that of `RecordingMetadata.modality`). */
const MODALITY_ORDER: readonly RecordingModality[] = ['eeg', 'calcium', 'morphology', 'fmri', 'brain-map', 'roi-series', 'cohort', 'brain-graph', 'spikes'];

export const SUPPORTED_FORMATS = [...RECORDING_READERS]
  .sort((a, b) => MODALITY_ORDER.indexOf(a.modality) - MODALITY_ORDER.indexOf(b.modality))
  .map((reader) => reader.label)
  .join('; ');

const unrecognised = (file: string): FormatError =>
  new FormatError(file, `unrecognised file format (supported: ${SUPPORTED_FORMATS})`, 'file signature', 0);

/** Sniffs the format from the first bytes, never from the file name. */
export function sniffFormat(file: string): 'edf-family' {
  assertReadableSource(file); // a regular file: opening it cannot block (a FIFO's open would)
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  try {
    const head = Buffer.alloc(EDF_SIGNATURE_BYTES);
    const n = readSync(fd, head, 0, EDF_SIGNATURE_BYTES, 0);
    if (n === 0) throw new FormatError(file, 'file is empty');
    if (hasEdfSignature(head.subarray(0, n))) return 'edf-family';
    throw unrecognised(file);
  } finally {
    closeSync(fd);
  }
}

/**
 * The first entry of `RECORDING_READERS` that recognises `file` reads it. FIFOs, devices and
 * unreadable paths are refused before anything opens them.
 */
export async function inspectRecording(file: string): Promise<InspectedRecording> {
  if (assertReadableSource(file, { allowDirectory: true }) === 'folder') {
    for (const reader of RECORDING_READERS) {
      if (reader.sniffFolder && (await reader.sniffFolder(file))) return reader.read(file);
    }
    const folders = RECORDING_READERS.flatMap((reader) => (reader.folderLabel ? [reader.folderLabel] : []));
    const listed = folders.length > 1 ? `${folders.slice(0, -1).join(', ')} and ${folders[folders.length - 1]!}` : folders.join('');
    throw new FormatError(file, `folder is not a recording: the only folders Cajal imports are ${listed}`);
  }
  for (const reader of RECORDING_READERS) {
    if (await reader.sniff(file)) return reader.read(file);
  }
  throw unrecognised(file);
}
