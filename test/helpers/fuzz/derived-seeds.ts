/**
 * Two EDF-family variants ../shared/data has no real file of, derived from real recordings with
 * Cajal's EDF writer into the run's temp dir: a BDF (24-bit) of the Sleep-EDF PSG excerpt, and an
 * EDF+D (records with a gap, placed by their time-keeping TALs) of the Ombao seizure recording.
 * They widen what the EDF mutations reach (24-bit samples, record start times); a seed that cannot
 * be derived is left out with a note rather than failing the run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EdfReader, EdfToWrite } from '../../../main/io/edf/index.js';

function signalsOf(reader: EdfReader, records: number) {
  const durationS = reader.header.dataRecordDurationS;
  return reader.dataSignals().map(({ index, signal }) => {
    const window = reader.readWindow(0, records * durationS, [index]);
    return {
      label: signal.label,
      physicalDimension: signal.physicalDimension,
      physicalMin: signal.physicalMin,
      physicalMax: signal.physicalMax,
      samplesPerRecord: signal.samplesPerRecord,
      values: window.data[0]!,
    };
  });
}

/** Writes the derived seeds into `dir`; returns their paths and a note per seed left out. */
export async function writeDerivedEdfSeeds(data: string, dir: string): Promise<{ paths: string[]; notes: string[] }> {
  const paths: string[] = [];
  const notes: string[] = [];
  let edf: typeof import('../../../main/io/edf/index.js');
  try {
    edf = await import('../../../main/io/edf/index.js');
  } catch (error) {
    return { paths, notes: [`none: the EDF modules do not load (${error instanceof Error ? error.message : String(error)})`] };
  }
  const { EdfReader, writeEdfFile } = edf;
  const derive = (name: string, source: string, make: (reader: EdfReader) => EdfToWrite): void => {
    if (!existsSync(source)) return void notes.push(`${name}: ${source} missing`);
    try {
      const reader = EdfReader.open(source);
      try {
        const target = join(dir, name);
        writeEdfFile(target, make(reader));
        paths.push(target);
      } finally {
        reader.close();
      }
    } catch (error) {
      notes.push(`${name}: not derived (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  derive('sleep_psg_24bit_DERIVED.bdf', join(data, 'eeg', 'sleep_edf_SC4001E0_first5min_short_psg.edf'), (reader) => ({
    variant: 'bdf',
    startDateTime: reader.header.startDateTime,
    dataRecordDurationS: reader.header.dataRecordDurationS,
    recordCount: Math.min(4, reader.header.dataRecordCount),
    signals: signalsOf(reader, Math.min(4, reader.header.dataRecordCount)),
  }));
  derive('ombao_gap_DERIVED_edfplusD.edf', join(data, 'eeg', 'derived', 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf'), (reader) => {
    const records = Math.min(20, reader.header.dataRecordCount);
    const durationS = reader.header.dataRecordDurationS;
    return {
      variant: 'edf+D',
      startDateTime: reader.header.startDateTime,
      dataRecordDurationS: durationS,
      recordCount: records,
      // A 5 s gap after the tenth record.
      recordStartsS: Array.from({ length: records }, (_, r) => r * durationS + (r >= 10 ? 5 : 0)),
      annotations: [
        { onsetS: 1, durationS: 2, text: 'spike' },
        { onsetS: 16, durationS: 0, text: 'after the gap' },
      ],
      signals: signalsOf(reader, records),
    };
  });
  return { paths, notes };
}
