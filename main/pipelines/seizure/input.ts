/**
 * The detector's input, after SzCORE's standard: the 19 electrodes of the 10-20 system, common
 * average reference, 256 Hz. Labels are mapped from any clinical convention (main/signal/montage);
 * a recording lacking some of the 19 is refused with the list of what is missing, unless the
 * caller accepts a partial montage (the classical detector works on whatever EEG is there).
 */
import { ValidationError } from '../../errors.js';
import type { EdfReader } from '../../io/edf/index.js';
import { normaliseLabel, resamplePoly } from '../../signal/index.js';

export const SZCORE_ELECTRODES = ['Fp1', 'F3', 'C3', 'P3', 'O1', 'F7', 'T7', 'P7', 'Fz', 'Cz', 'Pz', 'Fp2', 'F4', 'C4', 'P4', 'O2', 'F8', 'T8', 'P8'] as const;
export const SZCORE_RATE_HZ = 256;

export interface InputChannels {
  /** Electrode name → header index of the recorded channel. */
  channels: { electrode: string; index: number; label: string }[];
  missing: string[];
  sourceRateHz: number;
}

export function selectInputChannels(reader: EdfReader, options: { requireAll: boolean; minimum?: number }): InputChannels {
  const byElectrode = new Map<string, { index: number; label: string; rate: number }>();
  for (const { index, signal, sampleRateHz } of reader.dataSignals()) {
    const electrode = normaliseLabel(signal.label);
    if (electrode && !byElectrode.has(electrode)) byElectrode.set(electrode, { index, label: signal.label, rate: sampleRateHz });
  }
  const missing = SZCORE_ELECTRODES.filter((electrode) => !byElectrode.has(electrode));
  const file = reader.file;
  if (options.requireAll && missing.length) {
    throw new ValidationError(
      'channels',
      `${file} lacks ${missing.length} of the 19 SzCORE 10-20 channels: ${missing.join(', ')} (referential channels found: ${[...byElectrode.keys()].join(', ') || 'none'})`,
    );
  }
  // Without the full set, use every referential EEG electrode the file has (not only the 19).
  const chosen = options.requireAll
    ? SZCORE_ELECTRODES.map((electrode) => ({ electrode, ...byElectrode.get(electrode)! }))
    : [...byElectrode].filter(([electrode]) => !['A1', 'A2', 'M1', 'M2'].includes(electrode)).map(([electrode, c]) => ({ electrode, ...c }));
  const minimum = options.minimum ?? 4;
  if (chosen.length < minimum) {
    throw new ValidationError('channels', `${file} has ${chosen.length} referential EEG channels; the detector needs at least ${minimum} (bipolar-only recordings cannot be re-referenced)`);
  }
  const rates = new Set(chosen.map((c) => c.rate));
  if (rates.size > 1) throw new ValidationError('channels', `${file}: the EEG channels have different sample rates (${[...rates].join(', ')} Hz)`);
  return { channels: chosen.map(({ electrode, index, label }) => ({ electrode, index, label })), missing, sourceRateHz: chosen[0]!.rate };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Reads [startS, startS + durationS) of the input channels, common-average referenced and
 * resampled to 256 Hz. Reads `padS` more on each side so resampling has no edge effects.
 */
export function readStandardInput(reader: EdfReader, input: InputChannels, startS: number, durationS: number, padS = 1): Float64Array[] {
  const from = Math.max(0, startS - padS);
  const to = Math.min(reader.durationS, startS + durationS + padS);
  const window = reader.readWindow(from, to - from, input.channels.map((c) => c.index));
  const n = window.data[0]!.length;
  const average = new Float64Array(n);
  for (const channel of window.data) for (let i = 0; i < n; i++) average[i] = average[i]! + (Number.isNaN(channel[i]!) ? 0 : channel[i]!);
  for (let i = 0; i < n; i++) average[i] = average[i]! / window.data.length;
  const rate = input.sourceRateHz;
  const g = gcd(Math.round(SZCORE_RATE_HZ), Math.round(rate));
  const up = SZCORE_RATE_HZ / g;
  const down = Math.round(rate) / g;
  const offset = Math.round((startS - from) * SZCORE_RATE_HZ);
  const length = Math.round(durationS * SZCORE_RATE_HZ);
  return window.data.map((channel) => {
    const referenced = channel.map((v, i) => (Number.isNaN(v) ? 0 : v - average[i]!));
    const resampled = up === down ? referenced : resamplePoly(referenced, up, down);
    const out = new Float64Array(length);
    out.set(resampled.subarray(offset, offset + length));
    return out;
  });
}
