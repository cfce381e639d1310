/**
 * One synthetic EEG channel at any rate, µV: a background of random-phase 1/f oscillations
 * (1–30 Hz, ~25 µV RMS; the seed picks the phases) and optional seizures of rhythmic
 * spike-and-wave slowing from 5 to 3 Hz at several times the background's amplitude.
 */
import { writeEdfFile } from '../../main/io/edf/index.js';

export interface ChannelSeizure {
  onsetS: number;
  durationS: number;
}

export function syntheticChannel(durationS: number, rateHz: number, seizures: readonly ChannelSeizure[] = [], seed = 1): Float64Array {
  let state = 987654321 + seed * 7919;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const components = Array.from({ length: 40 }, (_, k) => {
    const freq = 1 + (29 * k) / 39 + random() * 0.3;
    return { freq, amplitude: 40 / Math.sqrt(freq) / Math.sqrt(40 / 2), phase: random() * 2 * Math.PI };
  });
  const n = Math.round(durationS * rateHz);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    let v = 0;
    for (const { freq, amplitude, phase } of components) v += amplitude * Math.sin(2 * Math.PI * freq * t + phase);
    for (const seizure of seizures) {
      const into = t - seizure.onsetS;
      if (into >= 0 && into < seizure.durationS) {
        const freq = 5 - (2 * into) / seizure.durationS;
        const phase = (freq * into) % 1;
        const spike = phase < 0.08 ? -200 * Math.sin((Math.PI * phase) / 0.08) : 0;
        v += spike + 90 * Math.sin(2 * Math.PI * phase);
      }
    }
    out[i] = v;
  }
  return out;
}

/**
 * A one-channel EDF+ ("EEG T3-T5", µV, 1 s records) holding syntheticChannel's signal: the
 * recording the per-channel CLI tests import into a fresh project.
 */
export function writeOneChannelEdf(path: string, durationS: number, rateHz: number, seizures: readonly ChannelSeizure[], seed: number): void {
  writeEdfFile(path, {
    variant: 'edf+C',
    dataRecordDurationS: 1,
    recordCount: durationS,
    signals: [{ label: 'EEG T3-T5', physicalDimension: 'uV', physicalMin: -3000, physicalMax: 3000, samplesPerRecord: rateHz, values: syntheticChannel(durationS, rateHz, seizures, seed) }],
  });
}
