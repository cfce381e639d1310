/** Montages over the label conventions of real files (labels as their headers spell them). */
import { describe, expect, it } from 'vitest';
import { applyMontage, bipolarPair, normaliseLabel, resolveMontage } from '../../main/signal/index.js';

const BCI2000 = ['Fc5.', 'Fc3.', 'Fc1.', 'Fcz.', 'Fc2.', 'Fc4.', 'Fc6.', 'C5..', 'C3..', 'C1..', 'Cz..', 'C2..', 'C4..', 'C6..', 'Cp5.', 'Cp3.', 'Cp1.', 'Cpz.', 'Cp2.', 'Cp4.', 'Cp6.', 'Fp1.', 'Fpz.', 'Fp2.', 'Af7.', 'Af3.', 'Afz.', 'Af4.', 'Af8.', 'F7..', 'F5..', 'F3..', 'F1..', 'Fz..', 'F2..', 'F4..', 'F6..', 'F8..', 'Ft7.', 'Ft8.', 'T7..', 'T8..', 'T9..', 'T10.', 'Tp7.', 'Tp8.', 'P7..', 'P5..', 'P3..', 'P1..', 'Pz..', 'P2..', 'P4..', 'P6..', 'P8..', 'Po7.', 'Po3.', 'Poz.', 'Po4.', 'Po8.', 'O1..', 'Oz..', 'O2..', 'Iz..'];
const CHB_MIT = ['FP1-F7', 'F7-T7', 'T7-P7', 'P7-O1', 'FP1-F3', 'F3-C3', 'C3-P3', 'P3-O1', 'FP2-F4', 'F4-C4', 'C4-P4', 'P4-O2', 'FP2-F8', 'F8-T8', 'T8-P8', 'P8-O2', 'FZ-CZ', 'CZ-PZ', 'P7-T7', 'T7-FT9', 'FT9-FT10', 'FT10-T8', 'T8-P8'];
const NIHON_KOHDEN = ['EEG Fp1-Ref', 'EEG Fp2-Ref', 'EEG F3-Ref', 'EEG F4-Ref', 'EEG C3-Ref', 'EEG C4-Ref', 'EEG P3-Ref', 'EEG P4-Ref', 'EEG O1-Ref', 'EEG O2-Ref', 'EEG F7-Ref', 'EEG F8-Ref', 'EEG T3-Ref', 'EEG T4-Ref', 'EEG T5-Ref', 'EEG T6-Ref', 'EEG Fz-Ref', 'EEG Cz-Ref', 'EEG Pz-Ref', 'EEG A1-Ref', 'EEG A2-Ref', 'ECG', 'EMG', 'POL X1'];
const SZCORE_UNIPOLAR = ['Fp1-Avg', 'F3-Avg', 'C3-Avg', 'P3-Avg', 'O1-Avg', 'F7-Avg', 'T3-Avg', 'T5-Avg', 'Fz-Avg', 'Cz-Avg', 'Pz-Avg', 'Fp2-Avg', 'F4-Avg', 'C4-Avg', 'P4-Avg', 'O2-Avg', 'F8-Avg', 'T4-Avg', 'T6-Avg'];

describe('normaliseLabel', () => {
  it.each([
    ['EEG Fp1-REF', 'Fp1'],
    ['FP1', 'Fp1'],
    ['Fp1-Avg', 'Fp1'],
    ['EEG FP1-LE', 'Fp1'],
    ['Fp1.', 'Fp1'],
    ['Fc5.', 'FC5'],
    ['C3..', 'C3'],
    ['EEG C3-A2', 'C3'],
    ['EEG T3-Ref', 'T7'],
    ['T5', 'P7'],
    ['EEG Fp1', 'Fp1'],
  ])('%s → %s', (label, electrode) => expect(normaliseLabel(label)).toBe(electrode));

  it.each(['ECG', 'EMG submental', 'Resp oro-nasal', 'EDF Annotations', 'Status', 'FP1-F7', 'EEG Fpz-Cz', 'POL X1'])('%s is not a referential EEG channel', (label) => {
    expect(normaliseLabel(label)).toBeNull();
  });

  it('recognises recorded bipolar channels', () => {
    expect(bipolarPair('FP1-F7')).toEqual(['Fp1', 'F7']);
    expect(bipolarPair('EEG Fpz-Cz')).toEqual(['Fpz', 'Cz']);
    expect(bipolarPair('EEG C3-A2')).toBeNull();
  });
});

describe('resolveMontage', () => {
  it('builds the full double banana from BCI2000 labels', () => {
    const derivations = resolveMontage('bipolar-longitudinal', BCI2000);
    expect(derivations.map((d) => d.label)).toEqual([
      'Fp1-F7', 'F7-T7', 'T7-P7', 'P7-O1', 'Fp1-F3', 'F3-C3', 'C3-P3', 'P3-O1', 'Fz-Cz', 'Cz-Pz',
      'Fp2-F4', 'F4-C4', 'C4-P4', 'P4-O2', 'Fp2-F8', 'F8-T8', 'T8-P8', 'P8-O2',
    ]);
    expect(derivations[0]).toEqual({ label: 'Fp1-F7', plus: 'Fp1.', minus: 'F7..' });
    expect(resolveMontage('transverse', BCI2000)).toHaveLength(16);
    expect(resolveMontage('average', BCI2000)).toHaveLength(64);
  });

  it('maps old 10-20 names and leaves ears and non-EEG channels out of the average', () => {
    const bipolar = resolveMontage('bipolar-longitudinal', NIHON_KOHDEN);
    expect(bipolar.find((d) => d.label === 'F7-T7')).toEqual({ label: 'F7-T7', plus: 'EEG F7-Ref', minus: 'EEG T3-Ref' });
    expect(bipolar).toHaveLength(18);
    const average = resolveMontage('average', NIHON_KOHDEN);
    expect(average).toHaveLength(19);
    expect(average.map((d) => d.plus)).not.toContain('EEG A1-Ref');
    expect(average.map((d) => d.plus)).not.toContain('ECG');
    expect(resolveMontage('bipolar-longitudinal', SZCORE_UNIPOLAR)).toHaveLength(18);
  });

  it('uses channels recorded as bipolar (CHB-MIT) as they are', () => {
    const derivations = resolveMontage('bipolar-longitudinal', CHB_MIT);
    expect(derivations).toHaveLength(18);
    expect(derivations[0]).toEqual({ label: 'Fp1-F7', plus: 'FP1-F7', minus: null });
    expect(derivations.find((d) => d.label === 'T8-P8')).toEqual({ label: 'T8-P8', plus: 'T8-P8', minus: null });
    expect(resolveMontage('average', CHB_MIT)).toEqual([]);
    expect(resolveMontage('referential', CHB_MIT)).toHaveLength(23);
  });
});

describe('applyMontage', () => {
  const labels = ['EEG Fp1-REF', 'EEG F7-REF', 'EEG T7-REF', 'EEG A1-REF', 'ECG'];
  const data = labels.map((_, c) => Float64Array.from({ length: 8 }, (_, i) => (c + 1) * 10 + i * (c - 2)));

  it('computes bipolar differences', () => {
    const [fp1F7] = applyMontage(resolveMontage('bipolar-longitudinal', labels), labels, data);
    expect(Array.from(fp1F7!)).toEqual(Array.from(data[0]!, (v, i) => v - data[1]![i]!));
  });

  it('references to the average of the EEG channels (no ears, no ECG), which then sums to zero', () => {
    const derivations = resolveMontage('average', labels);
    expect(derivations.map((d) => d.label)).toEqual(['Fp1-Avg', 'F7-Avg', 'T7-Avg']);
    const derived = applyMontage(derivations, labels, data);
    for (let i = 0; i < 8; i++) expect(derived.reduce((sum, channel) => sum + channel[i]!, 0)).toBeCloseTo(0, 10);
  });

  it('names the derivation and channel a user montage gets wrong', () => {
    expect(() => applyMontage([{ label: 'X', plus: 'EEG Fp1-REF', minus: 'Cz' }], labels, data)).toThrow('derivation X: no channel "Cz" in this recording');
  });
});
