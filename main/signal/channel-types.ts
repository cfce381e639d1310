/**
 * The type of a recorded channel (EEG, EOG, EMG, ECG, respiration, temperature, SpO2, event, DC,
 * misc) from its label and physical unit, the way EDFbrowser and MNE read EDF headers:
 * 1. the EDF+ signal-type prefix (`EEG Fp1-Ref`, `ECG ECG1`, `EOG horizontal`, `SaO2 X9`, `Resp
 *    oro-nasal`, `Temp rectal`, `Event marker`; Nihon Kohden's `POL DC01` is a DC input);
 * 2. keywords anywhere in the label (`LOC`, `chin`, `EKG`, `thorax`, `SpO2`, `trigger`);
 * 3. the unit (°C is a temperature, % a saturation, bpm a rate);
 * 4. a 10-10 electrode or a bipolar pair of them (`Fc5.`, `FP1-F7`) is EEG; any other channel in
 *    volts is taken as EEG (MNE's default), anything else is misc.
 */
import type { ChannelType } from '../../shared/api/index.js';
import { bipolarPair, normaliseLabel } from './electrodes.js';

/** EDF+ type prefixes (the first word of the label) and what they record. */
const PREFIX_TYPES: Record<string, ChannelType> = {
  EEG: 'eeg',
  EOG: 'eog',
  EMG: 'emg',
  ECG: 'ecg',
  EKG: 'ecg',
  RESP: 'resp',
  FLOW: 'resp',
  TEMP: 'temp',
  SAO2: 'spo2',
  SPO2: 'spo2',
  PLETH: 'spo2',
  EVENT: 'event',
  MARKER: 'event',
  MK: 'event',
  TRIG: 'event',
  TRIGGER: 'event',
  STATUS: 'event',
  STI: 'event',
  DC: 'dc',
  HR: 'misc',
  PULSE: 'misc',
};

/** Keywords anywhere in a label, tried in order (so `ECG` in `EKG ECG` wins before anything else). */
const KEYWORD_TYPES: readonly [RegExp, ChannelType][] = [
  [/\b(ECG|EKG)\d*\b/i, 'ecg'],
  [/\b(EOG|LOC|ROC|HEOG|VEOG)\b/i, 'eog'],
  [/\b(EMG\w*|chin\w*|submental|tibial\w*|leg)\b/i, 'emg'],
  [/\b(resp\w*|thor\w*|abdo\w*|airflow|nasal|snore|effort)\b/i, 'resp'],
  [/\btemp\w*\b/i, 'temp'],
  [/\b(SaO2|SpO2|pleth\w*|oxi\w*)\b/i, 'spo2'],
  [/\b(event|marker|trigger|stim\w*|status)\b/i, 'event'],
  [/^DC\d*$/i, 'dc'],
];

const VOLTS = /^(uv|µv|μv|mv|v|nv)$/i;

function typeFromUnit(unit: string): ChannelType | null {
  const u = unit.trim();
  if (/^(deg\s*c|°c|degc|celsius|c)$/i.test(u)) return 'temp';
  if (u === '%') return 'spo2';
  if (/^(bpm|\/min)$/i.test(u)) return 'misc';
  return null;
}

/** The channel type of a recorded label (and its EDF physical dimension where known). */
export function classifyChannel(label: string, unit = ''): ChannelType {
  const text = label.trim();
  const [first = '', ...rest] = text.split(/\s+/);
  const prefix = first.toUpperCase();
  // Nihon Kohden writes its polygraphic inputs as `POL <name>`: DC inputs by name, others by keyword.
  if (prefix === 'POL') {
    const name = rest.join(' ');
    if (/^DC\d*$/i.test(name)) return 'dc';
    if (name.startsWith('$')) return 'event';
    return keywordType(name) ?? typeFromUnit(unit) ?? 'misc';
  }
  if (rest.length > 0 && PREFIX_TYPES[prefix]) return PREFIX_TYPES[prefix];
  if (normaliseLabel(text) !== null || bipolarPair(text) !== null) return 'eeg';
  const byKeyword = keywordType(text) ?? (PREFIX_TYPES[prefix] ?? null);
  if (byKeyword) return byKeyword;
  const byUnit = typeFromUnit(unit);
  if (byUnit) return byUnit;
  return VOLTS.test(unit.trim()) ? 'eeg' : 'misc';
}

function keywordType(text: string): ChannelType | null {
  for (const [pattern, type] of KEYWORD_TYPES) if (pattern.test(text)) return type;
  return null;
}
