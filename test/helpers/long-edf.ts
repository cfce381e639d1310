/**
 * Long EDF recordings made in code for load tests: hours of scalp EEG written record by record
 * (never held whole). Each channel is a 10 Hz alpha sine plus a slow 0.5 Hz wave and a spike every
 * 7 s, different per channel, so montages and filters have something to do. The records cycle
 * through a small precomputed pool, so writing costs little more than the disk.
 */
import { writeEdfFile } from '../../main/io/edf/index.js';

/** 10–20 electrodes as a clinical system labels them (Temple's `EEG Fp1-REF` style). */
const ELECTRODES = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8', 'P7', 'P3', 'Pz', 'P4', 'P8', 'O1', 'O2'];

export interface LongEdfOptions {
  durationS: number;
  /** At most 19 (one per 10–20 electrode); more are named `EEG X<n>-REF`. */
  channels: number;
  sampleRateHz: number;
}

/** Records in the precomputed pool (2 s of slow wave at 1 s records: a whole number of 0.5 Hz cycles). */
const POOL_RECORDS = 14;

export function writeLongEdf(path: string, options: LongEdfOptions): string {
  const { durationS, channels, sampleRateHz } = options;
  const pool = Array.from({ length: channels }, (_, c) =>
    Array.from({ length: POOL_RECORDS }, (_, r) => {
      const values = new Float64Array(sampleRateHz);
      for (let i = 0; i < sampleRateHz; i++) {
        const t = r + i / sampleRateHz;
        const spike = r % 7 === 3 && Math.abs(i / sampleRateHz - 0.5) < 0.02 ? 150 : 0;
        values[i] = (20 + 3 * c) * Math.sin(2 * Math.PI * 10 * t + c) + 30 * Math.sin(2 * Math.PI * 0.5 * t) + spike;
      }
      return values;
    }),
  );
  writeEdfFile(path, {
    dataRecordDurationS: 1,
    recordCount: durationS,
    startDateTime: '2024-05-06T20:00:00',
    patient: 'X X X Load',
    signals: pool.map((records, c) => ({
      label: `EEG ${ELECTRODES[c] ?? `X${c}`}-REF`,
      physicalDimension: 'uV',
      physicalMin: -500,
      physicalMax: 500,
      samplesPerRecord: sampleRateHz,
      values: (record: number) => records[record % POOL_RECORDS]!,
    })),
  });
  return path;
}
