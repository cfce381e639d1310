/**
 * Clinical montages over whatever labels a file uses. Labels are normalised to 10-10 electrode
 * names (`EEG Fp1-REF`, `FP1`, `Fp1-Avg`, `Fp1.` → Fp1; T3/T4/T5/T6 → T7/T8/P7/P8), recorded
 * bipolar channels (`FP1-F7`, CHB-MIT) are recognised as such, and each built-in montage is
 * resolved to the derivations this recording can compute.
 */
import type { Derivation } from '../../shared/api/index.js';
import { ValidationError } from '../errors.js';

const ELECTRODES = (
  'Fp1 Fpz Fp2 AF7 AF3 AFz AF4 AF8 F9 F7 F5 F3 F1 Fz F2 F4 F6 F8 F10 FT9 FT7 FC5 FC3 FC1 FCz FC2 FC4 FC6 FT8 FT10 ' +
  'T9 T7 C5 C3 C1 Cz C2 C4 C6 T8 T10 TP9 TP7 CP5 CP3 CP1 CPz CP2 CP4 CP6 TP8 TP10 P9 P7 P5 P3 P1 Pz P2 P4 P6 P8 P10 ' +
  'PO7 PO3 POz PO4 PO8 O1 Oz O2 Iz A1 A2 M1 M2'
).split(' ');
const CANONICAL = new Map(ELECTRODES.map((name) => [name.toUpperCase(), name]));
const OLD_NAMES: Record<string, string> = { T3: 'T7', T4: 'T8', T5: 'P7', T6: 'P8' };
const EARS = new Set(['A1', 'A2', 'M1', 'M2']);
/** Reference suffixes meaning "this electrode against a reference", not a bipolar pair. */
const REFERENCES = new Set(['REF', 'AVG', 'AV', 'AR', 'CAR', 'LE', 'RE', 'LER', 'A1', 'A2', 'M1', 'M2', 'A1A2', 'M1M2', 'CMS', 'REFERENCE']);

function electrode(text: string): string | null {
  const upper = text.trim().replace(/\.+$/, '').toUpperCase();
  const renamed = OLD_NAMES[upper] ?? upper;
  return CANONICAL.get(renamed.toUpperCase()) ?? null;
}

function stripPrefix(label: string): string {
  return label.trim().replace(/^(EEG|EEG-)\s*/i, '').replace(/\.+$/, '');
}

/** The electrode a referential channel records, or null (bipolar, or not EEG: ECG, EMG, Resp…). */
export function normaliseLabel(label: string): string | null {
  const text = stripPrefix(label);
  const single = electrode(text);
  if (single) return single;
  const parts = text.split('-');
  if (parts.length === 2 && REFERENCES.has(parts[1]!.trim().toUpperCase().replace(/\+/g, ''))) return electrode(parts[0]!);
  return null;
}

/** The two electrodes of a recorded bipolar channel (`FP1-F7`, `EEG Fpz-Cz`), or null. */
export function bipolarPair(label: string): [string, string] | null {
  const parts = stripPrefix(label).split('-');
  if (parts.length !== 2) return null;
  const a = electrode(parts[0]!);
  const b = electrode(parts[1]!);
  return a && b && !EARS.has(b) ? [a, b] : null;
}

const CHAINS: Record<'bipolar-longitudinal' | 'transverse', [string, string][]> = {
  // ACNS "double banana": left temporal, left parasagittal, midline, right parasagittal, right temporal.
  'bipolar-longitudinal': [
    ['Fp1', 'F7'], ['F7', 'T7'], ['T7', 'P7'], ['P7', 'O1'],
    ['Fp1', 'F3'], ['F3', 'C3'], ['C3', 'P3'], ['P3', 'O1'],
    ['Fz', 'Cz'], ['Cz', 'Pz'],
    ['Fp2', 'F4'], ['F4', 'C4'], ['C4', 'P4'], ['P4', 'O2'],
    ['Fp2', 'F8'], ['F8', 'T8'], ['T8', 'P8'], ['P8', 'O2'],
  ],
  transverse: [
    ['F7', 'Fp1'], ['Fp1', 'Fp2'], ['Fp2', 'F8'],
    ['F7', 'F3'], ['F3', 'Fz'], ['Fz', 'F4'], ['F4', 'F8'],
    ['T7', 'C3'], ['C3', 'Cz'], ['Cz', 'C4'], ['C4', 'T8'],
    ['P7', 'P3'], ['P3', 'Pz'], ['Pz', 'P4'], ['P4', 'P8'],
    ['O1', 'O2'],
  ],
};

export type BuiltinMontage = 'referential' | 'average' | 'bipolar-longitudinal' | 'transverse';

/** Derivations of a built-in montage this recording can compute, in the montage's order. */
export function resolveMontage(name: BuiltinMontage | string, recordedLabels: readonly string[]): Derivation[] {
  if (name === 'referential') return recordedLabels.map((label) => ({ label, plus: label, minus: null }));
  const referential = new Map<string, string>();
  const bipolar = new Map<string, string>();
  for (const label of recordedLabels) {
    const single = normaliseLabel(label);
    if (single) {
      if (!referential.has(single)) referential.set(single, label);
      continue;
    }
    const pair = bipolarPair(label);
    if (pair && !bipolar.has(pair.join('-'))) bipolar.set(pair.join('-'), label);
  }
  if (name === 'average') {
    return [...referential]
      .filter(([electrodeName]) => !EARS.has(electrodeName))
      .map(([electrodeName, label]) => ({ label: `${electrodeName}-Avg`, plus: label, minus: 'avg' as const }));
  }
  if (name === 'bipolar-longitudinal' || name === 'transverse') {
    const derivations: Derivation[] = [];
    for (const [a, b] of CHAINS[name]) {
      const plus = referential.get(a);
      const minus = referential.get(b);
      if (plus && minus) derivations.push({ label: `${a}-${b}`, plus, minus });
      else if (bipolar.has(`${a}-${b}`)) derivations.push({ label: `${a}-${b}`, plus: bipolar.get(`${a}-${b}`)!, minus: null });
    }
    return derivations;
  }
  throw new ValidationError('montage', `unknown built-in montage "${name}"`);
}

/** Throws naming the first derivation that refers to a channel the recording lacks. */
export function validateMontage(derivations: readonly Derivation[], recordedLabels: readonly string[]): void {
  const known = new Set(recordedLabels);
  for (const d of derivations) {
    if (!known.has(d.plus)) throw new ValidationError('montage', `derivation ${d.label}: no channel "${d.plus}" in this recording`);
    if (d.minus !== null && d.minus !== 'avg' && !known.has(d.minus)) {
      throw new ValidationError('montage', `derivation ${d.label}: no channel "${d.minus}" in this recording`);
    }
  }
}

/**
 * Computes each derivation from the recorded channels (data[i] belongs to recordedLabels[i]).
 * 'avg' is the common average of the referential EEG channels (ears excluded) sampled like `plus`.
 */
export function applyMontage(derivations: readonly Derivation[], recordedLabels: readonly string[], data: readonly Float64Array[]): Float64Array[] {
  validateMontage(derivations, recordedLabels);
  const index = new Map(recordedLabels.map((label, i) => [label, i]));
  const averages = new Map<number, Float64Array>();
  const averageFor = (length: number): Float64Array => {
    let average = averages.get(length);
    if (average) return average;
    const members = recordedLabels
      .map((label, i) => ({ single: normaliseLabel(label), channel: data[i]! }))
      .filter(({ single, channel }) => single !== null && !EARS.has(single) && channel.length === length);
    average = new Float64Array(length);
    for (const { channel } of members) for (let i = 0; i < length; i++) average[i] = average[i]! + channel[i]!;
    if (members.length) for (let i = 0; i < length; i++) average[i] = average[i]! / members.length;
    averages.set(length, average);
    return average;
  };
  return derivations.map((d) => {
    const plus = data[index.get(d.plus)!]!;
    if (d.minus === null) return Float64Array.from(plus);
    const minus = d.minus === 'avg' ? averageFor(plus.length) : data[index.get(d.minus)!]!;
    if (minus.length !== plus.length) {
      throw new ValidationError('montage', `derivation ${d.label}: ${d.plus} and ${d.minus} have different sample rates`);
    }
    return plus.map((v, i) => v - minus[i]!);
  });
}
