/**
 * Clinical montages over whatever labels a file uses: each built-in montage is resolved to the
 * derivations this recording can compute (`plus`/`minus` are recorded labels, exactly as the
 * engine looks them up; `label` is the display name), and derivations are computed from the
 * recorded samples. Label parsing lives in electrodes.ts.
 */
import type { Derivation } from '../../shared/api/index.js';
import { ValidationError } from '../errors.js';
import { classifyChannel } from './channel-types.js';
import { bipolarPair, EARS, normaliseLabel } from './electrodes.js';

export { bipolarPair, normaliseLabel } from './electrodes.js';

export type BuiltinMontage = 'referential' | 'average' | 'bipolar-longitudinal' | 'transverse';

const CHAINS: Record<'bipolar-longitudinal' | 'transverse', readonly (readonly [string, string])[]> = {
  // ACNS "double banana": left temporal, left parasagittal, midline, right parasagittal, right temporal.
  'bipolar-longitudinal': [
    ['Fp1', 'F7'], ['F7', 'T7'], ['T7', 'P7'], ['P7', 'O1'],
    ['Fp1', 'F3'], ['F3', 'C3'], ['C3', 'P3'], ['P3', 'O1'],
    ['Fz', 'Cz'], ['Cz', 'Pz'],
    ['Fp2', 'F4'], ['F4', 'C4'], ['C4', 'P4'], ['P4', 'O2'],
    ['Fp2', 'F8'], ['F8', 'T8'], ['T8', 'P8'], ['P8', 'O2'],
  ],
  // Left to right, front to back.
  transverse: [
    ['F7', 'Fp1'], ['Fp1', 'Fp2'], ['Fp2', 'F8'],
    ['F7', 'F3'], ['F3', 'Fz'], ['Fz', 'F4'], ['F4', 'F8'],
    ['T7', 'C3'], ['C3', 'Cz'], ['Cz', 'C4'], ['C4', 'T8'],
    ['P7', 'P3'], ['P3', 'Pz'], ['Pz', 'P4'], ['P4', 'P8'],
    ['O1', 'O2'],
  ],
};

const isAnnotationChannel = (label: string) => /^(EDF|BDF) Annotations$/i.test(label.trim());

/**
 * Scalp electrode → the recorded label of its referential channel, in recording order. Where two
 * channels name the same electrode (`T3` and `T7`), the first wins; ears are left out. This is the
 * set the average montage shows and the common average is taken over. Only channels typed EEG
 * count: an EOG, ECG or polygraphic input never enters the average, whatever its name says.
 */
function scalpChannels(recordedLabels: readonly string[]): Map<string, string> {
  const channels = new Map<string, string>();
  for (const label of recordedLabels) {
    const electrode = normaliseLabel(label);
    if (electrode && !EARS.has(electrode) && !channels.has(electrode) && classifyChannel(label) === 'eeg') channels.set(electrode, label);
  }
  return channels;
}

/** `A-B` → the recorded label of a channel recorded as that bipolar pair (first one if repeated). */
function recordedPairs(recordedLabels: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const label of recordedLabels) {
    if (normaliseLabel(label)) continue;
    const pair = bipolarPair(label);
    if (pair && !pairs.has(pair.join('-'))) pairs.set(pair.join('-'), label);
  }
  return pairs;
}

/**
 * The derivations of a built-in montage that this recording can compute, in the montage's order:
 * - `referential`: every data channel as recorded (annotation channels left out);
 * - `average`: each scalp EEG channel minus the common average of them all (label `Fp1-Avg`);
 * - `bipolar-longitudinal` (double banana) and `transverse`: each pair whose electrodes exist. A
 *   pair recorded as such (CHB-MIT's `FP1-F7`) maps to that channel (minus null); otherwise it is
 *   computed from the two referential channels.
 * Throws ValidationError for an unknown name.
 */
export function resolveMontage(name: BuiltinMontage | string, recordedLabels: readonly string[]): Derivation[] {
  if (name === 'referential') {
    return recordedLabels.filter((label) => !isAnnotationChannel(label)).map((label) => ({ label, plus: label, minus: null }));
  }
  const scalp = scalpChannels(recordedLabels);
  if (name === 'average') {
    return [...scalp].map(([electrode, label]) => ({ label: `${electrode}-Avg`, plus: label, minus: 'avg' as const }));
  }
  if (name === 'bipolar-longitudinal' || name === 'transverse') {
    const pairs = recordedPairs(recordedLabels);
    const derivations: Derivation[] = [];
    for (const [a, b] of CHAINS[name]) {
      const label = `${a}-${b}`;
      const recorded = pairs.get(label);
      const plus = scalp.get(a);
      const minus = scalp.get(b);
      if (recorded) derivations.push({ label, plus: recorded, minus: null });
      else if (plus && minus) derivations.push({ label, plus, minus });
    }
    return derivations;
  }
  throw new ValidationError('montage', `unknown built-in montage "${name}" (built-in: referential, average, bipolar-longitudinal, transverse)`);
}

/**
 * Checks a (user-defined) montage against a recording: every `plus` and `minus` must name a
 * recorded channel exactly, and `avg` needs referential scalp channels to average. Throws a
 * ValidationError naming the first derivation at fault.
 */
export function validateMontage(derivations: readonly Derivation[], recordedLabels: readonly string[]): void {
  const known = new Set(recordedLabels);
  const hint = (name: string) => {
    const close = recordedLabels.filter((label) => label.toLowerCase().includes(name.toLowerCase().trim()));
    return close.length ? ` (did you mean ${close.slice(0, 3).map((l) => `"${l}"`).join(', ')}?)` : '';
  };
  let hasScalp: boolean | null = null;
  for (const d of derivations) {
    if (!known.has(d.plus)) throw new ValidationError('montage', `derivation ${d.label}: no channel "${d.plus}" in this recording${hint(d.plus)}`);
    if (d.minus === 'avg') {
      hasScalp ??= scalpChannels(recordedLabels).size > 0;
      if (!hasScalp) throw new ValidationError('montage', `derivation ${d.label}: this recording has no referential EEG channels to average`);
    } else if (d.minus !== null && !known.has(d.minus)) {
      throw new ValidationError('montage', `derivation ${d.label}: no channel "${d.minus}" in this recording${hint(d.minus)}`);
    }
  }
}

/**
 * The sample-wise mean of channels of one length: their sum in the order given, divided by their
 * count (the review page sums in the same order, so its average montage equals this one's).
 */
export function commonAverage(members: readonly Float64Array[]): Float64Array {
  const average = new Float64Array(members[0]?.length ?? 0);
  for (const member of members) for (let i = 0; i < average.length; i++) average[i] = average[i]! + member[i]!;
  for (let i = 0; i < average.length; i++) average[i] = average[i]! / members.length;
  return average;
}

/**
 * Computes each derivation from the recorded samples (data[i] belongs to recordedLabels[i]; a
 * label recorded twice resolves to its first channel, as everywhere else). `avg` is the common
 * average of the average montage's channels (scalp electrodes, ears and non-EEG left out) that
 * have as many samples as `plus`, i.e. the same rate. Returns new arrays.
 */
export function applyMontage(derivations: readonly Derivation[], recordedLabels: readonly string[], data: readonly Float64Array[]): Float64Array[] {
  if (data.length !== recordedLabels.length) {
    throw new ValidationError('montage', `${recordedLabels.length} channel labels but ${data.length} channels of samples`);
  }
  validateMontage(derivations, recordedLabels);
  const index = new Map<string, number>();
  recordedLabels.forEach((label, i) => index.has(label) || index.set(label, i));
  const channel = (label: string): Float64Array => data[index.get(label)!]!;
  const averages = new Map<number, Float64Array>();
  const averageFor = (length: number): Float64Array => {
    let average = averages.get(length);
    if (average) return average;
    const members = [...scalpChannels(recordedLabels).values()].map(channel).filter((c) => c.length === length);
    if (!members.length) throw new ValidationError('montage', `no EEG channels with ${length} samples (this sampling rate) to average`);
    average = commonAverage(members);
    averages.set(length, average);
    return average;
  };
  return derivations.map((d) => {
    const plus = channel(d.plus);
    if (d.minus === null) return Float64Array.from(plus);
    const minus = d.minus === 'avg' ? averageFor(plus.length) : channel(d.minus);
    if (minus.length !== plus.length) {
      throw new ValidationError('montage', `derivation ${d.label}: "${d.plus}" and "${d.minus}" have different sampling rates (${plus.length} vs ${minus.length} samples)`);
    }
    return plus.map((v, i) => v - minus[i]!);
  });
}
