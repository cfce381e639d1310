/**
 * EEG signal processing on Float64Arrays, each function validated against the SciPy function it
 * names (test/fixtures/reference/signal_reference.py). No DOM, no Electron: runs in the engine,
 * the CLI and worker threads.
 */
export type { Sos, SosLike, SosSection } from './sos.js';
export { butter, notch, type BandType } from './butterworth.js';
export { cplxreal, zpk2sos } from './zpk2sos.js';
export { sosfilt, sosfiltfilt, sosfiltfiltPadLength, sosfiltZi, type SosState } from './sosfilt.js';
export { applyDisplayFilter, designDisplayFilter, NOTCH_Q } from './display-filter.js';
export { fft, realPowerSpectrum, rfft } from './fft.js';
export { getWindow, hamming, hann, tukey, type WindowSpec } from './windows.js';
export { spectrogram, welch, type Spectrogram, type Spectrum, type WelchOptions } from './spectra.js';
export { compressedSpectralArray, type CompressedSpectralArray, type CsaOptions } from './csa.js';
export { firwinKaiser, resamplePoly } from './resample.js';
export { classifyChannel } from './channel-types.js';
export { applyMontage, bipolarPair, commonAverage, normaliseLabel, resolveMontage, validateMontage, type BuiltinMontage } from './montage.js';
