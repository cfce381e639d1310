/**
 * Montages over the label conventions of the real files in ../shared/data/eeg (labels hard-coded as
 * their EDF headers spell them; a guard test checks them against the files when the data is there).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EdfReader } from '../../main/io/edf/index.js';
import { applyMontage, bipolarPair, normaliseLabel, resolveMontage, validateMontage } from '../../main/signal/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';

/** eegmmidb via mne-testing-data: BCI2000 pads 10-10 names to four characters with dots. */
const BCI2000 = ['Fc5.', 'Fc3.', 'Fc1.', 'Fcz.', 'Fc2.', 'Fc4.', 'Fc6.', 'C5..', 'C3..', 'C1..', 'Cz..', 'C2..', 'C4..', 'C6..', 'Cp5.', 'Cp3.', 'Cp1.', 'Cpz.', 'Cp2.', 'Cp4.', 'Cp6.', 'Fp1.', 'Fpz.', 'Fp2.', 'Af7.', 'Af3.', 'Afz.', 'Af4.', 'Af8.', 'F7..', 'F5..', 'F3..', 'F1..', 'Fz..', 'F2..', 'F4..', 'F6..', 'F8..', 'Ft7.', 'Ft8.', 'T7..', 'T8..', 'T9..', 'T10.', 'Tp7.', 'Tp8.', 'P7..', 'P5..', 'P3..', 'P1..', 'Pz..', 'P2..', 'P4..', 'P6..', 'P8..', 'Po7.', 'Po3.', 'Poz.', 'Po4.', 'Po8.', 'O1..', 'Oz..', 'O2..', 'Iz..', 'EDF Annotations'];
/** Nihon Kohden NKC-EEG-1200A export: `EEG X-Ref`, ears, and POL/ECG/SaO2 polygraphy channels. */
const NIHON_KOHDEN = ['EEG Fp1-Ref', 'EEG Fp2-Ref', 'EEG F3-Ref', 'EEG F4-Ref', 'EEG C3-Ref', 'EEG C4-Ref', 'EEG P3-Ref', 'EEG P4-Ref', 'EEG O1-Ref', 'EEG O2-Ref', 'EEG F7-Ref', 'EEG F8-Ref', 'EEG T7-Ref', 'EEG T8-Ref', 'EEG P7-Ref', 'EEG P8-Ref', 'EEG Fz-Ref', 'EEG Cz-Ref', 'EEG Pz-Ref', 'POL E', 'POL PG1', 'POL PG2', 'EEG A1-Ref', 'EEG A2-Ref', 'POL T1', 'POL T2', 'ECG ECG1', 'ECG ECG2', 'EEG F9-Ref', 'EEG T9-Ref', 'EEG P9-Ref', 'EEG F10-Ref', 'EEG T10-Ref', 'EEG P10-Ref', 'SaO2 X9', 'SaO2 X10', 'POL DC01', 'POL DC02', 'POL DC03', 'POL DC04', 'POL $A1', 'POL $A2', 'EDF Annotations'];
/** Siena Scalp EEG: `EEG X`, old names T3-T6, and EKG / SpO2 / HR / marker channels. */
const SIENA = ['EEG Fp1', 'EEG F3', 'EEG C3', 'EEG P3', 'EEG O1', 'EEG F7', 'EEG T3', 'EEG T5', 'EEG Fc1', 'EEG Fc5', 'EEG Cp1', 'EEG Cp5', 'EEG F9', 'EEG Fz', 'EEG Cz', 'EEG Pz', 'EEG Fp2', 'EEG F4', 'EEG C4', 'EEG P4', 'EEG O2', 'EEG F8', 'EEG T4', 'EEG T6', 'EEG Fc2', 'EEG Fc6', 'EEG Cp2', 'EEG Cp6', 'EEG F10', 'EKG EKG', 'SPO2', 'HR', '1', '2', 'MK', 'EDF Annotations'];
/** Sleep-EDF: two bipolar EEG derivations and polysomnography channels. */
const SLEEP_EDF = ['EEG Fpz-Cz', 'EEG Pz-Oz', 'EOG horizontal', 'Resp oro-nasal', 'EMG submental', 'Temp rectal', 'Event marker'];
/** CHB-MIT: recorded bipolar (double banana plus extras), `T8-P8` twice. */
const CHB_MIT = ['FP1-F7', 'F7-T7', 'T7-P7', 'P7-O1', 'FP1-F3', 'F3-C3', 'C3-P3', 'P3-O1', 'FP2-F4', 'F4-C4', 'C4-P4', 'P4-O2', 'FP2-F8', 'F8-T8', 'T8-P8', 'P8-O2', 'FZ-CZ', 'CZ-PZ', 'P7-T7', 'T7-FT9', 'FT9-FT10', 'FT10-T8', 'T8-P8', 'EDF Annotations'];
/** SzCORE standard (epilepsy2bids): average-referenced 10-20, old and upper-case names. */
const SZCORE_UNIPOLAR = ['Fp1-Avg', 'F3-Avg', 'C3-Avg', 'P3-Avg', 'O1-Avg', 'F7-Avg', 'T3-Avg', 'T5-Avg', 'Fz-Avg', 'Cz-Avg', 'Pz-Avg', 'Fp2-Avg', 'F4-Avg', 'C4-Avg', 'P4-Avg', 'O2-Avg', 'F8-Avg', 'T4-Avg', 'T6-Avg', 'EDF Annotations'];
const SZCORE_BIPOLAR_FILE = ['FP1-Avg', 'F3-Avg', 'C3-Avg', 'P3-Avg', 'O1-Avg', 'F7-Avg', 'T7-Avg', 'P7-Avg', 'FZ-Avg', 'CZ-Avg', 'Pz-Avg', 'FP2-Avg', 'F4-Avg', 'C4-Avg', 'P4-Avg', 'O2-Avg', 'F8-Avg', 'T8-Avg', 'P8-Avg', 'EDF Annotations'];
/** Ombao seizure data written as EDF+: 8 channels, old names, `CZ`. */
const OMBAO = ['EEG C3', 'EEG C4', 'EEG CZ', 'EEG P3', 'EEG P4', 'EEG T3', 'EEG T4', 'EEG T5', 'EDF Annotations'];

const FILES: [string, string[]][] = [
  ['eeg/bci2000_motor_imagery_64ch_T0T1T2_annotations.edf', BCI2000],
  ['eeg/nihonkohden_clinical_chtypes_5s.edf', NIHON_KOHDEN],
  ['eeg/siena_PN00-5_first2s.edf', SIENA],
  ['eeg/sleep_edf_SC4001E0_first5min_short_psg.edf', SLEEP_EDF],
  ['eeg/chbmit/chb05_06_first2s.edf', CHB_MIT],
  ['eeg/szcore/edf/unipolar.edf', SZCORE_UNIPOLAR],
  ['eeg/szcore/edf/bipolar.edf', SZCORE_BIPOLAR_FILE],
  ['eeg/derived/ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf', OMBAO],
];

const DOUBLE_BANANA = ['Fp1-F7', 'F7-T7', 'T7-P7', 'P7-O1', 'Fp1-F3', 'F3-C3', 'C3-P3', 'P3-O1', 'Fz-Cz', 'Cz-Pz', 'Fp2-F4', 'F4-C4', 'C4-P4', 'P4-O2', 'Fp2-F8', 'F8-T8', 'T8-P8', 'P8-O2'];
const TRANSVERSE = ['F7-Fp1', 'Fp1-Fp2', 'Fp2-F8', 'F7-F3', 'F3-Fz', 'Fz-F4', 'F4-F8', 'T7-C3', 'C3-Cz', 'Cz-C4', 'C4-T8', 'P7-P3', 'P3-Pz', 'Pz-P4', 'P4-P8', 'O1-O2'];

/** Labels from an EDF header (16 bytes each after the 256-byte fixed part), trimmed as readers do. */
function headerLabels(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const fixed = Buffer.alloc(256);
    readSync(fd, fixed, 0, 256, 0);
    const count = Number(fixed.toString('latin1', 252, 256).trim());
    const labels = Buffer.alloc(16 * count);
    readSync(fd, labels, 0, labels.length, 256);
    return Array.from({ length: count }, (_, i) => labels.toString('latin1', 16 * i, 16 * i + 16).trim());
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!hasSharedData())('label lists are those of the real files', () => {
  it.each(FILES)('%s', (path, labels) => expect(headerLabels(dataFile(path)), SKIP_NO_DATA).toEqual(labels));
});

describe('normaliseLabel', () => {
  it.each([
    ['EEG Fp1-REF', 'Fp1'],
    ['FP1', 'Fp1'],
    ['fp1', 'Fp1'],
    ['Fp1-Avg', 'Fp1'],
    ['EEG FP1-LE', 'Fp1'],
    ['Fp1.', 'Fp1'],
    ['Fc5.', 'FC5'],
    ['C3..', 'C3'],
    ['T10.', 'T10'],
    ['EEG C3-A2', 'C3'],
    ['EEG C3-M1', 'C3'],
    ['EEG T3-Ref', 'T7'],
    ['EEG T4', 'T8'],
    ['T5', 'P7'],
    ['T6-Avg', 'P8'],
    ['EEG Fp1', 'Fp1'],
    ['EEG CZ', 'Cz'],
    ['EEG Fc1', 'FC1'],
    ['EEG A1-Ref', 'A1'],
  ])('%s → %s', (label, electrode) => expect(normaliseLabel(label)).toBe(electrode));

  it.each([
    'ECG', 'ECG ECG1', 'EKG EKG', 'EMG submental', 'EOG horizontal', 'Resp oro-nasal', 'Temp rectal', 'Event marker',
    'EDF Annotations', 'Status', 'SPO2', 'HR', 'MK', '1', 'POL T1', 'POL $A1', 'SaO2 X9',
    'FP1-F7', 'EEG Fpz-Cz', 'FT9-FT10',
  ])('%s is not a referential EEG channel', (label) => expect(normaliseLabel(label)).toBeNull());

  it('recognises channels recorded as bipolar pairs, and only those', () => {
    expect(bipolarPair('FP1-F7')).toEqual(['Fp1', 'F7']);
    expect(bipolarPair('FZ-CZ')).toEqual(['Fz', 'Cz']);
    expect(bipolarPair('EEG Fpz-Cz')).toEqual(['Fpz', 'Cz']);
    expect(bipolarPair('T7-FT9')).toEqual(['T7', 'FT9']);
    expect(bipolarPair('EEG C3-A2')).toBeNull(); // C3 against an ear: referential
    expect(bipolarPair('Fp1-Avg')).toBeNull();
    expect(bipolarPair('ECG ECG1-ECG2')).toBeNull();
  });

  it('maps every EEG channel of the real files and nothing else', () => {
    expect(BCI2000.filter((l) => normaliseLabel(l)).length).toBe(64);
    expect(NIHON_KOHDEN.filter((l) => normaliseLabel(l)).length).toBe(19 + 2 + 6); // 10-20, ears, F9/T9/P9/F10/T10/P10
    expect(SIENA.filter((l) => normaliseLabel(l)).length).toBe(29);
    expect(SLEEP_EDF.filter((l) => normaliseLabel(l))).toEqual([]);
    expect(CHB_MIT.filter((l) => normaliseLabel(l))).toEqual([]);
    expect(CHB_MIT.filter((l) => bipolarPair(l)).length).toBe(23);
    expect(new Set(SZCORE_BIPOLAR_FILE.map(normaliseLabel))).toEqual(new Set(SZCORE_UNIPOLAR.map(normaliseLabel)));
  });
});

describe('resolveMontage over real label sets', () => {
  it('builds the full double banana and transverse montages from BCI2000 labels', () => {
    const derivations = resolveMontage('bipolar-longitudinal', BCI2000);
    expect(derivations.map((d) => d.label)).toEqual(DOUBLE_BANANA);
    expect(derivations[0]).toEqual({ label: 'Fp1-F7', plus: 'Fp1.', minus: 'F7..' });
    expect(resolveMontage('transverse', BCI2000).map((d) => d.label)).toEqual(TRANSVERSE);
    expect(resolveMontage('average', BCI2000)).toHaveLength(64);
    expect(resolveMontage('referential', BCI2000)).toHaveLength(64); // annotations left out
  });

  it('Nihon Kohden: full montages; ears, polygraphy and ECG stay out of the average', () => {
    expect(resolveMontage('bipolar-longitudinal', NIHON_KOHDEN).map((d) => d.label)).toEqual(DOUBLE_BANANA);
    expect(resolveMontage('transverse', NIHON_KOHDEN).map((d) => d.label)).toEqual(TRANSVERSE);
    const average = resolveMontage('average', NIHON_KOHDEN);
    expect(average).toHaveLength(25);
    expect(average[0]).toEqual({ label: 'Fp1-Avg', plus: 'EEG Fp1-Ref', minus: 'avg' });
    for (const excluded of ['EEG A1-Ref', 'EEG A2-Ref', 'ECG ECG1', 'POL T1', 'SaO2 X9']) expect(average.map((d) => d.plus)).not.toContain(excluded);
    expect(resolveMontage('referential', NIHON_KOHDEN)).toHaveLength(42);
  });

  it('Siena: old names T3/T4/T5/T6 fill the temporal chains under their new names', () => {
    const derivations = resolveMontage('bipolar-longitudinal', SIENA);
    expect(derivations.map((d) => d.label)).toEqual(DOUBLE_BANANA);
    expect(derivations.find((d) => d.label === 'T7-P7')).toEqual({ label: 'T7-P7', plus: 'EEG T3', minus: 'EEG T5' });
    expect(derivations.find((d) => d.label === 'T8-P8')).toEqual({ label: 'T8-P8', plus: 'EEG T4', minus: 'EEG T6' });
    expect(resolveMontage('average', SIENA).map((d) => d.plus)).not.toContain('EKG EKG');
    expect(resolveMontage('average', SIENA)).toHaveLength(29);
  });

  it('CHB-MIT: recorded bipolar channels are used as they are', () => {
    const derivations = resolveMontage('bipolar-longitudinal', CHB_MIT);
    expect(derivations.map((d) => d.label)).toEqual(DOUBLE_BANANA);
    expect(derivations.every((d) => d.minus === null)).toBe(true);
    expect(derivations[0]).toEqual({ label: 'Fp1-F7', plus: 'FP1-F7', minus: null });
    expect(derivations.find((d) => d.label === 'Fz-Cz')).toEqual({ label: 'Fz-Cz', plus: 'FZ-CZ', minus: null });
    expect(derivations.find((d) => d.label === 'T8-P8')).toEqual({ label: 'T8-P8', plus: 'T8-P8', minus: null });
    // No referential channels: nothing to average, and of the transverse chain only Fp2-F8 was recorded.
    expect(resolveMontage('average', CHB_MIT)).toEqual([]);
    expect(resolveMontage('transverse', CHB_MIT)).toEqual([{ label: 'Fp2-F8', plus: 'FP2-F8', minus: null }]);
    expect(resolveMontage('referential', CHB_MIT)).toHaveLength(23);
  });

  it('Sleep-EDF: bipolar Fpz-Cz / Pz-Oz fit no built-in chain; referential shows every channel', () => {
    expect(resolveMontage('bipolar-longitudinal', SLEEP_EDF)).toEqual([]);
    expect(resolveMontage('average', SLEEP_EDF)).toEqual([]);
    expect(resolveMontage('referential', SLEEP_EDF).map((d) => d.plus)).toEqual(SLEEP_EDF);
  });

  it('SzCORE and Ombao: the derivations whose electrodes exist, in montage order', () => {
    expect(resolveMontage('bipolar-longitudinal', SZCORE_UNIPOLAR).map((d) => d.label)).toEqual(DOUBLE_BANANA);
    expect(resolveMontage('bipolar-longitudinal', SZCORE_BIPOLAR_FILE)[8]).toEqual({ label: 'Fz-Cz', plus: 'FZ-Avg', minus: 'CZ-Avg' });
    expect(resolveMontage('bipolar-longitudinal', OMBAO).map((d) => d.label)).toEqual(['T7-P7', 'C3-P3', 'C4-P4']);
    expect(resolveMontage('transverse', OMBAO).map((d) => d.label)).toEqual(['T7-C3', 'C3-Cz', 'Cz-C4', 'C4-T8', 'P7-P3']);
  });

  it('names plus and minus by recorded labels that exist', () => {
    for (const [, labels] of FILES) {
      for (const name of ['referential', 'average', 'bipolar-longitudinal', 'transverse']) {
        expect(() => validateMontage(resolveMontage(name, labels), labels)).not.toThrow();
      }
    }
  });

  it('rejects an unknown montage name', () => {
    expect(() => resolveMontage('laplacian', BCI2000)).toThrow(/unknown built-in montage "laplacian"/);
  });
});

/** Deterministic distinct samples per channel. */
const synthetic = (labels: readonly string[], n: number) =>
  labels.map((_, c) => Float64Array.from({ length: n }, (_, i) => Math.sin(0.1 * (c + 1) * i) * (c + 3) + c * 7));

describe('applyMontage', () => {
  it('average reference sums to zero across the EEG channels at every sample', () => {
    for (const labels of [NIHON_KOHDEN, SIENA, BCI2000, SZCORE_UNIPOLAR]) {
      const data = synthetic(labels, 64);
      const derived = applyMontage(resolveMontage('average', labels), labels, data);
      for (let i = 0; i < 64; i++) expect(Math.abs(derived.reduce((sum, channel) => sum + channel[i]!, 0))).toBeLessThan(1e-9);
    }
  });

  it('bipolar derivations are the differences of their channels; recorded pairs are copied', () => {
    for (const labels of [SIENA, CHB_MIT, NIHON_KOHDEN]) {
      const data = synthetic(labels, 32);
      const derivations = resolveMontage('bipolar-longitudinal', labels);
      const derived = applyMontage(derivations, labels, data);
      derivations.forEach((d, k) => {
        const plus = data[labels.indexOf(d.plus)]!;
        const minus = d.minus === null ? null : data[labels.indexOf(d.minus)]!;
        expect(Array.from(derived[k]!)).toEqual(Array.from(plus, (v, i) => v - (minus ? minus[i]! : 0)));
        expect(derived[k]).not.toBe(plus);
      });
    }
  });

  it('a label recorded twice (CHB-MIT T8-P8) resolves to its first channel', () => {
    const data = synthetic(CHB_MIT, 8);
    const [t8p8] = applyMontage([{ label: 'T8-P8', plus: 'T8-P8', minus: null }], CHB_MIT, data);
    expect(t8p8).toEqual(data[CHB_MIT.indexOf('T8-P8')]);
  });

  it('averages only channels at the same rate as the derivation', () => {
    const labels = ['EEG Fp1', 'EEG F7', 'EEG Cz', 'Resp'];
    const data = [new Float64Array([1, 2, 3, 4]), new Float64Array([3, 4, 5, 6]), new Float64Array([8, 8]), new Float64Array([0, 0])];
    const [fp1] = applyMontage([{ label: 'Fp1-Avg', plus: 'EEG Fp1', minus: 'avg' }], labels, data);
    expect(Array.from(fp1!)).toEqual([-1, -1, -1, -1]);
    expect(() => applyMontage([{ label: 'R', plus: 'Resp', minus: 'avg' }], ['Resp', 'EEG Cz'], [new Float64Array(2), new Float64Array(4)])).toThrow(
      /no EEG channels with 2 samples/,
    );
  });

  it('names the derivation and the channel a user montage gets wrong', () => {
    const data = synthetic(SIENA, 4);
    expect(() => applyMontage([{ label: 'X', plus: 'EEG Fp1', minus: 'Cz' }], SIENA, data)).toThrow('derivation X: no channel "Cz" in this recording (did you mean "EEG Cz"?)');
    expect(() => validateMontage([{ label: 'Y', plus: 'Fp1', minus: null }], SIENA)).toThrow(/derivation Y: no channel "Fp1"/);
    expect(() => validateMontage([{ label: 'Z', plus: 'FP1-F7', minus: 'avg' }], CHB_MIT)).toThrow(/no referential EEG channels to average/);
    expect(() => applyMontage([], SIENA, data.slice(1))).toThrow(/36 channel labels but 35/);
  });
});

describe.skipIf(!hasSharedData())('montages on real samples', () => {
  it('Siena: average and double banana computed from the file', () => {
    const reader = EdfReader.open(dataFile('eeg/siena_PN00-5_first2s.edf'));
    try {
      const signals = reader.dataSignals();
      const labels = signals.map((s) => s.signal.label);
      const window = reader.readWindow(0, 1, signals.map((s) => s.index));
      const average = applyMontage(resolveMontage('average', labels), labels, window.data);
      const n = average[0]!.length;
      expect(n).toBeGreaterThan(0);
      const scale = Math.max(...average.map((c) => Math.max(...Array.from(c, Math.abs))));
      for (let i = 0; i < n; i++) expect(Math.abs(average.reduce((sum, c) => sum + c[i]!, 0))).toBeLessThan(1e-9 * scale * average.length);
      const banana = resolveMontage('bipolar-longitudinal', labels);
      const [fp1F7] = applyMontage(banana, labels, window.data);
      const fp1 = window.data[labels.indexOf('EEG Fp1')]!;
      const f7 = window.data[labels.indexOf('EEG F7')]!;
      expect(Array.from(fp1F7!)).toEqual(Array.from(fp1, (v, i) => v - f7[i]!));
    } finally {
      reader.close();
    }
  });
});
