/**
 * Recognises a source file and reads what the project stores about it: format, header metadata,
 * size and SHA-256. Sources are never modified or copied.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { RecordingFormat, RecordingMetadata } from '../../shared/api/index.js';
import { FormatError, fileAccessError } from '../errors.js';
import { EdfReader, type EdfHeader } from './edf/index.js';
import { sha256File } from './hash.js';
import { detectCalcium } from './calcium/index.js';
import { inspectCalcium } from './calcium/inspect.js';
import { inspectSwc, looksLikeSwc } from './swc/inspect.js';

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
  let fd: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
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

/** EDF-family files by their signature; anything else is tried as calcium imaging. */
export async function inspectRecording(file: string): Promise<InspectedRecording> {
  let edf = false;
  try {
    edf = sniffFormat(file) === 'edf-family';
  } catch (error) {
    if (!(error instanceof FormatError) && !statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw error;
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
    durationS = reader.durationS; // reads EDF+D record times, and checks them
    // Annotation-only files (e.g. Sleep-EDF hypnograms) last as long as their annotations reach.
    if (reader.dataSignals().length === 0) {
      durationS = Math.max(durationS, ...reader.annotations().map((a) => a.onsetS + a.durationS));
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
