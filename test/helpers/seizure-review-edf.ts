/**
 * A synthetic 19-channel EEG for the review → improve loop: the background and seizures of
 * seizure-edf.ts (rhythmic spike-and-wave slowing from 5 to 3 Hz, focal then spreading), plus
 * artefact bursts a detector trained on seizures alone tends to mistake for seizures: irregular
 * high-amplitude sharp transients with broadband muscle-like noise over a few frontal channels —
 * large power and line length like a seizure, but no rhythm.
 */
import { seededRandom } from '../../shared/random.js';
import { addSeizures, backgroundComponents, backgroundValue, writeElectrodeEdf } from './seizure-edf.js';
/** Channels the artefacts appear on (frontal: Fp1, F3, F7, Fp2, F4, F8). */
const ARTEFACT_CHANNELS = new Set([0, 1, 5, 11, 12, 16]);

export interface Burst {
  onsetS: number;
  durationS: number;
}

export function writeReviewEdf(path: string, durationS: number, bursts: { seizures: Burst[]; artefacts: Burst[] }, seed = 11, rateHz = 256): void {
  const random = seededRandom(seed);
  const components = backgroundComponents(random);
  // Artefact transients: per artefact, a seeded irregular train of sharp spikes (2–6 per second).
  const transients = bursts.artefacts.map(({ onsetS, durationS: d }) => {
    const times: { t: number; amplitude: number; widthS: number }[] = [];
    for (let t = onsetS + random() * 0.3; t < onsetS + d; t += 0.08 + random() * 0.45) {
      times.push({ t, amplitude: (random() < 0.5 ? -1 : 1) * (150 + 250 * random()), widthS: 0.01 + 0.03 * random() });
    }
    return times;
  });
  const noise = seededRandom(seed + 1);
  writeElectrodeEdf(path, durationS, rateHz, (c, t) => {
    let v = addSeizures(backgroundValue(components, c, t), c, t, bursts.seizures);
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
    return v;
  });
}
