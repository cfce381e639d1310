/**
 * Recognising an EDF-family file by its signature (EDF/EDF+ start with version "0", BDF/BDF+ with
 * 0xFF "BIOSEMI") and what the project stores about it: the header's signals, rates and duration.
 */
import type { RecordingMetadata } from '../../../shared/api/index.js';
import { sha256File } from '../hash.js';
import type { EdfHeader } from './header.js';
import { EdfReader } from './reader.js';

/** Bytes `hasEdfSignature` needs from the start of a file. */
export const EDF_SIGNATURE_BYTES = 8;

/** Whether `head` (the first bytes of a file, as many as were read) starts an EDF-family file. */
export function hasEdfSignature(head: Buffer): boolean {
  if (head[0] === 0xff && head.toString('latin1', 1, 8) === 'BIOSEMI') return true;
  return head.toString('latin1', 0, Math.min(head.length, EDF_SIGNATURE_BYTES)).trim() === '0';
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
 * A file cut inside its data is imported up to its last whole record, with a warning (as EDFbrowser
 * does); one cut inside its header is refused.
 */
export async function inspectEdf(file: string) {
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
