/** Synthetic EDF fixtures made in code (sines of known amplitude, so RMS is known exactly). */
import { writeFileSync } from 'node:fs';
import { encodeEdf } from '../../main/io/edf/index.js';

export interface SineEdfOptions {
  channels: number;
  sampleRateHz: number;
  durationS: number;
  /** Amplitude of channel c is amplitudeUv * (c + 1). */
  amplitudeUv?: number;
}

export function sineEdf(options: SineEdfOptions): Buffer {
  const { channels, sampleRateHz, durationS } = options;
  const amplitude = options.amplitudeUv ?? 50;
  const n = sampleRateHz * durationS;
  return encodeEdf({
    dataRecordDurationS: 1,
    recordCount: durationS,
    startDateTime: '2024-03-01T09:30:00',
    patient: 'X F 01-JAN-1980 Test',
    signals: Array.from({ length: channels }, (_, c) => {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = amplitude * (c + 1) * Math.sin((2 * Math.PI * 10 * i) / sampleRateHz);
      return {
        label: `EEG C${c + 1}`,
        physicalDimension: 'uV',
        physicalMin: -1000,
        physicalMax: 1000,
        samplesPerRecord: sampleRateHz,
        values,
      };
    }),
  });
}

export function writeSineEdf(path: string, options: SineEdfOptions): string {
  writeFileSync(path, sineEdf(options));
  return path;
}
