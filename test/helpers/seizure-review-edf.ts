/**
 * A synthetic 19-channel EEG for the review → improve loop: the background and seizures of
 * seizure-edf.ts (rhythmic spike-and-wave slowing from 5 to 3 Hz, focal then spreading), plus
 * artefact bursts a detector trained on seizures alone tends to mistake for seizures: irregular
 * high-amplitude sharp transients with broadband muscle-like noise over a few frontal channels —
 * large power and line length like a seizure, but no rhythm.
 */
import { writeEdfFile } from '../../main/io/edf/index.js';
import { seededRandom } from '../../shared/random.js';

const ELECTRODES = ['Fp1', 'F3', 'C3', 'P3', 'O1', 'F7', 'T7', 'P7', 'Fz', 'Cz', 'Pz', 'Fp2', 'F4', 'C4', 'P4', 'O2', 'F8', 'T8', 'P8'];
/** Channels the artefacts appear on (frontal: Fp1, F3, F7, Fp2, F4, F8). */
const ARTEFACT_CHANNELS = new Set([0, 1, 5, 11, 12, 16]);

export interface Burst {
  onsetS: number;
  durationS: number;
}

export function writeReviewEdf(path: string, durationS: number, bursts: { seizures: Burst[]; artefacts: Burst[] }, seed = 11, rateHz = 256): void {
  const random = seededRandom(seed);
  const components = ELECTRODES.map(() =>
    Array.from({ length: 40 }, (_, k) => {
      const freq = 1 + (29 * k) / 39 + random() * 0.3;
      return { freq, amplitude: 40 / Math.sqrt(freq) / Math.sqrt(40 / 2), phase: random() * 2 * Math.PI };
    }),
  );
  // Artefact transients: per artefact, a seeded irregular train of sharp spikes (2–6 per second).
  const transients = bursts.artefacts.map(({ onsetS, durationS: d }) => {
    const times: { t: number; amplitude: number; widthS: number }[] = [];
    for (let t = onsetS + random() * 0.3; t < onsetS + d; t += 0.08 + random() * 0.45) {
      times.push({ t, amplitude: (random() < 0.5 ? -1 : 1) * (150 + 250 * random()), widthS: 0.01 + 0.03 * random() });
    }
    return times;
  });
  const noise = seededRandom(seed + 1);
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
        for (let i = 0; i < rateHz; i++) {
          const t = r + i / rateHz;
          let v = 0;
          for (const { freq, amplitude, phase } of components[c]!) v += amplitude * Math.sin(2 * Math.PI * freq * t + phase);
          for (const seizure of bursts.seizures) {
            const into = t - seizure.onsetS;
            const involved = c < 6 || (into > 10 && c < 14);
            if (into >= 0 && into < seizure.durationS && involved) {
              const freq = 5 - (2 * into) / seizure.durationS;
              const phase = (freq * into) % 1;
              const spike = phase < 0.08 ? -200 * Math.sin((Math.PI * phase) / 0.08) : 0;
              v += spike + 90 * Math.sin(2 * Math.PI * phase);
            }
          }
          if (ARTEFACT_CHANNELS.has(c)) {
            bursts.artefacts.forEach((artefact, a) => {
              if (t < artefact.onsetS || t >= artefact.onsetS + artefact.durationS) return;
              v += 60 * (noise() * 2 - 1); // broadband muscle-like noise
              for (const spike of transients[a]!) {
                const x = (t - spike.t) / spike.widthS;
                if (x > -4 && x < 4) v += spike.amplitude * Math.exp(-x * x) * (1 - x * x);
              }
            });
          }
          record[i] = v;
        }
        return record;
      },
    })),
  });
}
