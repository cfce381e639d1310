/**
 * The per-channel detectors' window features: what each number is, so the model configuration,
 * the extractor (./features.ts) and the training data agree. Every feature is computed from one
 * 4 s window of one channel at 256 Hz alone — no running background — so a 5 s segment, a 24 h
 * recording and a single intracranial contact are described alike. Amplitude is in µV.
 *   0–7  log10 share of 0.5–30 Hz power in 0.5–2, 2–4, 4–6, 6–8, 8–10, 10–13, 13–20, 20–30 Hz;
 *   8    log10 RMS amplitude of the 0.5–30 Hz band, µV;
 *   9    log10 line length over standard deviation (mean |Δx| / σ, at 256 Hz);
 *   10   log2 rhythmicity: the strongest 2–12 Hz bin over that band's mean;
 *   11   spectral edge: the frequency below which 90 % of 0.5–30 Hz power lies, / 10 Hz;
 *   12   log10 Hjorth complexity;
 *   13   asinh of the excess kurtosis (spikes and sharp waves).
 */
export const WINDOW_FEATURE_VERSION = 'cajal-seizure-window-features-1';
export const WINDOW_RATE_HZ = 256;
export const WINDOW_S = 4;
/** Below this sampling rate a channel cannot carry the 0.5–30 Hz bands the features need. */
export const MIN_SOURCE_RATE_HZ = 100;

/** The 0.5–30 Hz bands whose power shares both feature sets (standard and window) describe. */
export const SPECTRAL_BANDS_HZ: readonly (readonly [number, number])[] = [
  [0.5, 2],
  [2, 4],
  [4, 6],
  [6, 8],
  [8, 10],
  [10, 13],
  [13, 20],
  [20, 30],
];

export const WINDOW_FEATURE_NAMES: readonly string[] = [
  'log10 share 0.5-2 Hz',
  'log10 share 2-4 Hz',
  'log10 share 4-6 Hz',
  'log10 share 6-8 Hz',
  'log10 share 8-10 Hz',
  'log10 share 10-13 Hz',
  'log10 share 13-20 Hz',
  'log10 share 20-30 Hz',
  'log10 RMS 0.5-30 Hz (uV)',
  'log10 line length / SD',
  'log2 rhythmicity 2-12 Hz',
  'spectral edge 90% / 10 Hz',
  'log10 Hjorth complexity',
  'asinh excess kurtosis',
];
export const WINDOW_FEATURE_COUNT = WINDOW_FEATURE_NAMES.length;
