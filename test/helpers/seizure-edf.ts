/**
 * A long synthetic 19-channel EEG with seizure-like discharges embedded, written by the project's
 * EDF writer: background of random-phase 1/f oscillations (1–30 Hz, ~25 µV RMS, different per
 * channel), and seizures of rhythmic spike-and-wave slowing from 5 to 3 Hz over most channels.
 */
import { writeEdfFile } from '../../main/io/edf/index.js';

export const ELECTRODES = ['Fp1', 'F3', 'C3', 'P3', 'O1', 'F7', 'T7', 'P7', 'Fz', 'Cz', 'Pz', 'Fp2', 'F4', 'C4', 'P4', 'O2', 'F8', 'T8', 'P8'];

export interface SyntheticSeizure {
  onsetS: number;
  durationS: number;
}

/** One background sinusoid of a channel. */
interface Component {
  freq: number;
  amplitude: number;
  phase: number;
}

/** Per electrode, 40 sinusoids from 1 to 30 Hz with 1/√f amplitudes and random phases (≈ 25 µV RMS). */
export function backgroundComponents(random: () => number): Component[][] {
  return ELECTRODES.map(() =>
    Array.from({ length: 40 }, (_, k) => {
      const freq = 1 + (29 * k) / 39 + random() * 0.3;
      return { freq, amplitude: 40 / Math.sqrt(freq) / Math.sqrt(40 / 2), phase: random() * 2 * Math.PI };
    }),
  );
}

/** The background of channel c at time t (s). */
export function backgroundValue(components: readonly Component[][], c: number, t: number): number {
  let v = 0;
  for (const { freq, amplitude, phase } of components[c]!) v += amplitude * Math.sin(2 * Math.PI * freq * t + phase);
  return v;
}

/**
 * Adds the seizures' discharge on channel c at time t to v: spike-and-wave slowing from 5 to 3 Hz,
 * focal at the start (the first 6 electrodes), spreading to 14 of 19 after 10 s.
 */
export function addSeizures(v: number, c: number, t: number, seizures: readonly SyntheticSeizure[]): number {
  for (const seizure of seizures) {
    const into = t - seizure.onsetS;
    const involved = c < 6 || (into > 10 && c < 14);
    if (into >= 0 && into < seizure.durationS && involved) {
      const freq = 5 - (2 * into) / seizure.durationS;
      const phase = (freq * into) % 1;
      const spike = phase < 0.08 ? -200 * Math.sin((Math.PI * phase) / 0.08) : 0;
      v += spike + 90 * Math.sin(2 * Math.PI * phase);
    }
  }
  return v;
}

/** A 19-channel EDF+C (1 s records, µV, ±3000) whose sample of channel c at time t is sample(c, t). */
export function writeElectrodeEdf(path: string, durationS: number, rateHz: number, sample: (c: number, t: number) => number): void {
  const record = new Float64Array(rateHz);
  writeEdfFile(path, {
    variant: 'edf+C',
    dataRecordDurationS: 1,
    recordCount: durationS,
    startDateTime: '2025-06-01T02:00:00',
    signals: ELECTRODES.map((electrode, c) => ({
      label: `EEG ${electrode}-REF`,
      physicalDimension: 'uV',
      physicalMin: -3000,
      physicalMax: 3000,
      samplesPerRecord: rateHz,
      values: (r: number) => {
        for (let i = 0; i < rateHz; i++) record[i] = sample(c, r + i / rateHz);
        return record;
      },
    })),
  });
}

export function writeSeizureEdf(path: string, durationS: number, seizures: SyntheticSeizure[], rateHz = 256): void {
  let state = 987654321;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const components = backgroundComponents(random);
  writeElectrodeEdf(path, durationS, rateHz, (c, t) => addSeizures(backgroundValue(components, c, t), c, t, seizures));
}
