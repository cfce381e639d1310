/**
 * The per-channel detectors' input: every channel of a recording that can carry EEG rhythms, each
 * on its own — no re-referencing, so bipolar montages, intracranial contacts and a single
 * derivation all work — resampled to 256 Hz and scaled to µV.
 *
 * A channel qualifies when it is a data signal (not EDF+ annotations), is sampled at ≥ 100 Hz
 * (MIN_SOURCE_RATE_HZ: below that the 20–30 Hz band and the window features are not there), is not
 * labelled as another modality (ECG, EOG, EMG, respiration, temperature, SpO2, events, DC inputs:
 * main/signal/channel-types) and has a voltage unit (nV, µV/uV, mV, V). An empty or unrecognised
 * unit on a channel whose label says nothing else is assumed to be µV, with a warning: many
 * exporters leave the field blank, and refusing those files would refuse a readable recording.
 */
import { ValidationError } from '../../../errors.js';
import type { EdfReader } from '../../../io/edf/index.js';
import { classifyChannel } from '../../../signal/index.js';
import { MIN_SOURCE_RATE_HZ, WINDOW_RATE_HZ } from './feature-set.js';
import { resampleToRate } from './resample.js';

export interface SelectedChannel {
  /** Index in the EDF header. */
  index: number;
  label: string;
  rateHz: number;
  /** Factor from the file's physical unit to µV. */
  toMicrovolts: number;
}

export interface ChannelSelection {
  channels: SelectedChannel[];
  skipped: { label: string; reason: string }[];
  warnings: string[];
}

export interface SelectChannelsOptions {
  /** Only these labels (as in the file, case and surrounding spaces ignored); any other is skipped. */
  channels?: readonly string[];
}

/** µV per unit of a voltage physical dimension; null when the unit is not a voltage. */
export function microvoltsPerUnit(unit: string): number | null {
  const u = unit.trim().replace(/[µμ]/g, 'u');
  const factors: Record<string, number> = { nV: 1e-3, uV: 1, mV: 1e3, V: 1e6 };
  if (factors[u] !== undefined) return factors[u];
  // Upper-case variants ('UV', 'MV' in some exporters) — never megavolts on an EEG channel.
  const lower: Record<string, number> = { nv: 1e-3, uv: 1, mv: 1e3, v: 1e6 };
  return lower[u.toLowerCase()] ?? null;
}

const OTHER_MODALITIES: Record<string, string> = {
  ecg: 'an ECG channel',
  eog: 'an EOG channel',
  emg: 'an EMG channel',
  resp: 'a respiration channel',
  temp: 'a temperature channel',
  spo2: 'an oxygen saturation channel',
  event: 'an event/trigger channel',
  dc: 'a DC input',
};

/** Units that are certainly not voltages (anything else unrecognised is assumed to be µV). */
const NOT_VOLTAGE = /^(%|°c|degc|deg\s*c|mmhg|cmh2o|mbar|k?ohm|bpm|\/min|l\/min|hz|g|m\/s\^?2|m\/s²|lux|db|ms|s)$/i;

const key = (label: string) => label.trim().toLowerCase();

/** Chooses the channels the per-channel detectors read; refuses a file where none qualifies. */
export function selectChannels(reader: EdfReader, options: SelectChannelsOptions = {}): ChannelSelection {
  const file = reader.file;
  const wanted = options.channels ? new Set(options.channels.map(key)) : null;
  const channels: SelectedChannel[] = [];
  const skipped: { label: string; reason: string }[] = [];
  const warnings: string[] = [];
  const found = new Set<string>();
  const signals = reader.dataSignals();
  for (const { index, signal, sampleRateHz } of signals) {
    const label = signal.label.trim();
    found.add(key(label));
    if (wanted && !wanted.has(key(label))) {
      skipped.push({ label, reason: 'not among the channels asked for' });
      continue;
    }
    if (!(sampleRateHz >= MIN_SOURCE_RATE_HZ)) {
      skipped.push({ label, reason: `sampled at ${+sampleRateHz.toFixed(3)} Hz, below the ${MIN_SOURCE_RATE_HZ} Hz the detectors need` });
      continue;
    }
    const unit = signal.physicalDimension.trim();
    const type = classifyChannel(label, unit);
    // A channel asked for by name is read whatever its label says; otherwise other modalities are left out.
    if (!wanted && OTHER_MODALITIES[type]) {
      skipped.push({ label, reason: `${OTHER_MODALITIES[type]}, not EEG` });
      continue;
    }
    let toMicrovolts = microvoltsPerUnit(unit);
    if (toMicrovolts === null) {
      if (NOT_VOLTAGE.test(unit)) {
        skipped.push({ label, reason: `physical unit "${unit}" is not a voltage` });
        continue;
      }
      warnings.push(`${label}: physical unit ${unit ? `"${unit}" is not recognised` : 'is empty'}; values taken as µV`);
      toMicrovolts = 1;
    }
    channels.push({ index, label, rateHz: sampleRateHz, toMicrovolts });
  }
  if (wanted) {
    const absent = [...(options.channels ?? [])].filter((label) => !found.has(key(label)));
    if (absent.length) throw new ValidationError('channels', `${file} has no channel ${absent.map((l) => `"${l}"`).join(', ')} (channels: ${signals.map((s) => s.signal.label.trim()).join(', ') || 'none'})`);
  }
  if (channels.length === 0) {
    const rates = [...new Set(signals.map((s) => +s.sampleRateHz.toFixed(3)))];
    const why = signals.length === 0 ? 'has no data signals (annotations only)' : `has no channel the detectors can read (data signals at ${rates.join(', ')} Hz; ${skipped.map((s) => `${s.label}: ${s.reason}`).join('; ')})`;
    throw new ValidationError('channels', `${file} ${why}; a channel needs ≥ ${MIN_SOURCE_RATE_HZ} Hz sampling and a voltage unit`);
  }
  return { channels, skipped, warnings };
}

/**
 * Reads [startS, startS + durationS) of the selected channels at 256 Hz in µV, one array of
 * durationS·256 samples each. `padS` more seconds on each side go through the resampling filter
 * so chunk edges carry no edge effects; EDF+D gaps (NaN) read as 0 µV.
 */
export function readChannelSeconds(reader: EdfReader, channels: readonly SelectedChannel[], startS: number, durationS: number, padS = 1): Float64Array[] {
  const from = Math.max(0, startS - padS);
  const to = Math.min(reader.durationS, startS + durationS + padS);
  const window = reader.readWindow(from, to - from, channels.map((c) => c.index));
  const offset = Math.round((startS - from) * WINDOW_RATE_HZ);
  const length = Math.round(durationS * WINDOW_RATE_HZ);
  return window.data.map((data, k) => {
    const { toMicrovolts, rateHz } = channels[k]!;
    for (let i = 0; i < data.length; i++) data[i] = Number.isNaN(data[i]!) ? 0 : data[i]! * toMicrovolts;
    const resampled = rateHz === WINDOW_RATE_HZ ? data : resampleToRate(data, rateHz, WINDOW_RATE_HZ);
    const out = new Float64Array(length);
    out.set(resampled.subarray(offset, offset + length));
    return out;
  });
}
