export { butter, notch, zpk2sos, type BandType, type Sos } from './butterworth.js';
export { sosfilt, sosfiltfilt, sosfiltZi, sosfiltfiltPadLength, type SosState } from './sosfilt.js';
export { applyDisplayFilter, designDisplayFilter } from './display-filter.js';
export { fft, rfft } from './fft.js';
export { compressedSpectralArray, hann, spectrogram, tukey, welch, type CompressedSpectralArray, type Spectrogram, type Spectrum, type WelchOptions } from './spectra.js';
export { firwinKaiser, resamplePoly } from './resample.js';
export { applyMontage, bipolarPair, normaliseLabel, resolveMontage, validateMontage, type BuiltinMontage } from './montage.js';
