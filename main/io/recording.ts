/**
 * Recognises a source file and reads what the project stores about it: format, header metadata,
 * size and SHA-256. Sources are never modified or copied.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { RecordingFormat, RecordingMetadata } from '../../shared/api/index.js';
import { FormatError, fileAccessError } from '../errors.js';
import { EdfReader, type EdfHeader } from './edf/index.js';
import { sha256File } from './hash.js';
import { detectCalcium } from './calcium/index.js';
import { inspectCalcium } from './calcium/inspect.js';
import { inspectSwc, looksLikeSwc } from './swc/inspect.js';
import { assertReadableSource } from './source-file.js';

export const SUPPORTED_FORMATS = 'EDF, EDF+, BDF, BDF+; calcium imaging: Suite2p folders, NWB, HDF5, CSV; morphologies: SWC';

export interface InspectedRecording {
  sourcePath: string;
  sizeBytes: number;
  sha256: string;
  format: RecordingFormat;
  metadata: RecordingMetadata;
  warnings: string[];
}

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
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    if (n === 0) throw new FormatError(file, 'file is empty');
    if (head[0] === 0xff && head.toString('latin1', 1, 8) === 'BIOSEMI') return 'edf-family';
    if (head.toString('latin1', 0, n).trim() === '0') return 'edf-family';
    throw new FormatError(file, `unrecognised file format (supported: ${SUPPORTED_FORMATS})`, 'file signature', 0);
  } finally {
    closeSync(fd);
  }
}

/** `durationS`: end of the last record; differs from records × duration in EDF+D files. */
export function edfMetadata(header: EdfHeader, durationS = header.dataRecordCount * header.dataRecordDurationS): RecordingMetadata {
  const data = header.signals.filter((s) => !s.isAnnotation);
  return {
    signals: header.signals.map((s) => ({
      label: s.label,
      unit: s.physicalDimension,
      sampleRateHz: header.dataRecordDurationS > 0 ? s.samplesPerRecord / header.dataRecordDurationS : 0,
      isAnnotation: s.isAnnotation,
    })),
    channelCount: data.length,
    sampleRateHz: data.length && header.dataRecordDurationS > 0
      ? Math.max(...data.map((s) => s.samplesPerRecord / header.dataRecordDurationS))
      : 0,
    durationS,
    startDateTime: header.startDateTime,
    patient: header.patient,
    recordingInfo: header.recording,
    dataRecordCount: header.dataRecordCount,
    dataRecordDurationS: header.dataRecordDurationS,
  };
}

/**
 * EDF-family files by their signature; anything else is tried as SWC, then calcium imaging. A
 * folder can only be a Suite2p plane folder. FIFOs, devices and unreadable paths are refused before
 * anything opens them.
 */
export async function inspectRecording(file: string): Promise<InspectedRecording> {
  if (assertReadableSource(file, { allowDirectory: true }) === 'folder') {
    if ((await detectCalcium(file)) !== 'suite2p') {
      throw new FormatError(file, 'folder is not a recording: the only folders Cajal imports are Suite2p plane folders (with F.npy, or plane0/F.npy)');
    }
    return inspectCalcium(file);
  }
  let edf = false;
  try {
    edf = sniffFormat(file) === 'edf-family';
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
  }
  if (!edf) {
    if (looksLikeSwc(file)) return inspectSwc(file);
    if (!(await detectCalcium(file))) {
      throw new FormatError(file, `unrecognised file format (supported: ${SUPPORTED_FORMATS})`, 'file signature', 0);
    }
    return inspectCalcium(file);
  }
  // A file cut inside its data is imported up to its last whole record, with a warning (as
  // EDFbrowser does); one cut inside its header is refused.
  const reader = EdfReader.open(file, { allowPartial: true });
  let durationS: number;
  try {
    // Reads and checks every annotation block (and EDF+D record time) now, so a broken one is
    // refused at import rather than met in a later view; annotation signals are small.
    const annotations = reader.annotations();
    durationS = reader.durationS;
    // Annotation-only files (e.g. Sleep-EDF hypnograms) last as long as their annotations reach.
    if (reader.dataSignals().length === 0) {
      for (const a of annotations) durationS = Math.max(durationS, a.onsetS + a.durationS);
    }
  } finally {
    reader.close();
  }
  const header = reader.header;
  const sha256 = await sha256File(file);
  return {
    sourcePath: file,
    sizeBytes: header.fileSizeBytes,
    sha256,
    format: header.variant,
    metadata: edfMetadata(header, durationS),
    warnings: header.warnings,
  };
}
