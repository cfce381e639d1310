/**
 * Channel types on the real labels and units of the files in ../shared/data/eeg (read from their
 * EDF headers), what each type is filtered with, and that non-EEG channels stay out of the common
 * average and the compressed spectral array.
 */
import { describe, expect, it } from 'vitest';
import { NO_FILTER, type ChannelType, type FilterSettings } from '../../shared/api/index.js';
import { filterForChannelType } from '../../shared/eeg-channels.js';
import { EdfReader } from '../../main/io/edf/index.js';
import { classifyChannel, resolveMontage } from '../../main/signal/index.js';
import { csaChannels } from '../../main/domains/eeg/csa-channels.js';
import { computePage } from '../../main/domains/eeg/page.js';
import { planPage } from '../../main/domains/eeg/page-budget.js';
import { Slicer } from '../../main/scheduling/cooperative.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';

interface HeaderSignal {
  index: number;
  label: string;
  unit: string;
  sampleRateHz: number;
}

function signalsOf(...path: string[]): HeaderSignal[] {
  const reader = EdfReader.open(dataFile('eeg', ...path));
  try {
    return reader.dataSignals().map((s) => ({ index: s.index, label: s.signal.label, unit: s.signal.physicalDimension, sampleRateHz: s.sampleRateHz }));
  } finally {
    reader.close();
  }
}

/** label → type for every data channel of a file. */
function typesOf(...path: string[]): Record<string, ChannelType> {
  return Object.fromEntries(signalsOf(...path).map((s) => [s.label, classifyChannel(s.label, s.unit)]));
}

if (!hasSharedData()) console.warn(`channel-type tests on real files skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('channel types of the real recordings', () => {
  it('types the Sleep-EDF polysomnography channels by their EDF+ prefixes', () => {
    expect(typesOf('sleep_edf_SC4001E0_first5min_short_psg.edf')).toEqual({
      'EEG Fpz-Cz': 'eeg',
      'EEG Pz-Oz': 'eeg',
      'EOG horizontal': 'eog',
      'Resp oro-nasal': 'resp',
      'EMG submental': 'emg',
      'Temp rectal': 'temp',
      'Event marker': 'event',
    });
  });

  it('types the Nihon Kohden export: EEG, ears as EEG, ECG, SaO2, DC inputs, markers, other POL inputs', () => {
    const types = typesOf('nihonkohden_clinical_chtypes_5s.edf');
    expect(Object.keys(types)).toHaveLength(42);
    const ofType = (type: ChannelType) => Object.keys(types).filter((label) => types[label] === type);
    expect(ofType('eeg')).toHaveLength(27); // 19 10-20 + A1, A2 + F9/T9/P9/F10/T10/P10
    expect(ofType('eeg')).toEqual(expect.arrayContaining(['EEG Fp1-Ref', 'EEG A1-Ref', 'EEG P10-Ref']));
    expect(ofType('ecg')).toEqual(['ECG ECG1', 'ECG ECG2']);
    expect(ofType('spo2')).toEqual(['SaO2 X9', 'SaO2 X10']);
    expect(ofType('dc')).toEqual(['POL DC01', 'POL DC02', 'POL DC03', 'POL DC04']);
    expect(ofType('event')).toEqual(['POL $A1', 'POL $A2']);
    expect(ofType('misc')).toEqual(['POL E', 'POL PG1', 'POL PG2', 'POL T1', 'POL T2']);
  });

  it('types all 64 BCI2000 channels (10-10 names padded with dots) as EEG', () => {
    const types = Object.values(typesOf('bci2000_motor_imagery_64ch_T0T1T2_annotations.edf'));
    expect(types).toHaveLength(64);
    expect(new Set(types)).toEqual(new Set(['eeg']));
  });

  it('types CHB-MIT bipolar pairs as EEG and the Siena polygraphy by label and unit', () => {
    expect(new Set(Object.values(typesOf('chbmit', 'chb05_06_first2s.edf')))).toEqual(new Set(['eeg']));
    const siena = typesOf('siena_PN00-5_first2s.edf');
    expect(siena['EEG T3']).toBe('eeg');
    expect(siena['EKG EKG']).toBe('ecg');
    expect(siena['SPO2']).toBe('spo2');
    expect(siena['HR']).toBe('misc');
    expect(siena['MK']).toBe('event');
  });

  it('keeps non-EEG channels out of the common average', () => {
    const nk = signalsOf('nihonkohden_clinical_chtypes_5s.edf').map((s) => s.label);
    const averaged = resolveMontage('average', nk).map((d) => d.plus);
    expect(averaged).toHaveLength(25); // the 27 EEG channels less the two ears
    expect(averaged.every((label) => label.startsWith('EEG '))).toBe(true);
    expect(averaged).not.toContain('EEG A1-Ref');
    // Sleep-EDF records only bipolar EEG: nothing to average, and its EOG/EMG never stand in.
    const sleep = signalsOf('sleep_edf_SC4001E0_first5min_short_psg.edf').map((s) => s.label);
    expect(resolveMontage('average', sleep)).toEqual([]);
  });

  it('sends each channel of a page with its type, filtered as its type is', async () => {
    const reader = EdfReader.open(dataFile('eeg', 'nihonkohden_clinical_chtypes_5s.edf'));
    try {
      const signals = signalsOf('nihonkohden_clinical_chtypes_5s.edf');
      const derivations = resolveMontage('referential', signals.map((s) => s.label));
      const filter: FilterSettings = { highpassHz: 0.5, lowpassHz: 70, notchHz: 50, order: 4, zeroPhase: false };
      const request = { recordingId: 1, startS: 0, durationS: 5, montage: 'referential', filter, maxPointsPerChannel: 4000 };
      const page = await computePage(reader, planPage(request, derivations, signals, reader.header.dataRecordDurationS), request, new Slicer());
      const byLabel = new Map(page.channels.map((c) => [c.label, c]));
      expect(byLabel.get('EEG Fp1-Ref')!.type).toBe('eeg');
      expect(byLabel.get('ECG ECG1')!.type).toBe('ecg');
      expect(byLabel.get('POL DC01')!.type).toBe('dc');
      // A DC input is shown as recorded (float32), not high-passed towards zero like the EEG.
      const raw = reader.readWindow(0, 5, [signals.find((s) => s.label === 'POL DC01')!.index]).data[0]!;
      expect(Array.from(byLabel.get('POL DC01')!.data)).toEqual(Array.from(Float32Array.from(raw)));
      const fp1 = signals.find((s) => s.label === 'EEG Fp1-Ref')!.index;
      expect(Array.from(byLabel.get('EEG Fp1-Ref')!.data)).not.toEqual(Array.from(Float32Array.from(reader.readWindow(0, 5, [fp1]).data[0]!)));
    } finally {
      reader.close();
    }
  });

  it('computes the spectral overview over EEG channels only', () => {
    const sleep = csaChannels(signalsOf('sleep_edf_SC4001E0_first5min_short_psg.edf'));
    expect(sleep.channels.map((s) => s.label)).toEqual(['EEG Fpz-Cz', 'EEG Pz-Oz']); // not the EOG at the same 100 Hz
    expect(sleep.sampleRateHz).toBe(100);
    const nk = csaChannels(signalsOf('nihonkohden_clinical_chtypes_5s.edf'));
    expect(nk.channels).toHaveLength(27);
    expect(nk.channels.some((s) => /ECG|SaO2|POL/.test(s.label))).toBe(false);
    const siena = csaChannels(signalsOf('siena_PN00-5_first2s.edf'));
    expect(siena.channels.some((s) => /EKG|SPO2|HR|MK/.test(s.label))).toBe(false);
  });
});

describe('channel types from labels and units alone', () => {
  it('reads units where the label says nothing, and keywords where there is no prefix', () => {
    expect(classifyChannel('Rectal', 'degC')).toBe('temp');
    expect(classifyChannel('Sat', '%')).toBe('spo2');
    expect(classifyChannel('LOC-A2', 'uV')).toBe('eog');
    expect(classifyChannel('Chin1-Chin2', 'uV')).toBe('emg');
    expect(classifyChannel('Thorax', '')).toBe('resp');
    expect(classifyChannel('Ch7', 'uV')).toBe('eeg');
    expect(classifyChannel('Ch7', '')).toBe('misc');
  });

  it('gives EEG and EOG the reviewer filter, EMG and ECG their own high-pass, slow signals none', () => {
    const eeg: FilterSettings = { highpassHz: 0.5, lowpassHz: 35, notchHz: 50, order: 4, zeroPhase: false };
    expect(filterForChannelType('eeg', eeg)).toBe(eeg);
    expect(filterForChannelType('eog', eeg)).toBe(eeg);
    expect(filterForChannelType('emg', eeg)).toEqual({ ...eeg, highpassHz: 10, lowpassHz: null });
    expect(filterForChannelType('ecg', eeg)).toEqual({ ...eeg, highpassHz: 0.5, lowpassHz: null });
    for (const slow of ['resp', 'temp', 'spo2', 'event', 'dc', 'misc'] as const) {
      expect(filterForChannelType(slow, eeg)).toEqual(NO_FILTER);
    }
  });
});
