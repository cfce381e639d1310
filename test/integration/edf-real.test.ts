/**
 * Header facts of the real EDF files in ../shared/data/eeg. Expected values were read from the raw
 * header bytes with an independent numpy script (see the RMS fixture below) and match PROVENANCE.md.
 */
import { describe, expect, it } from 'vitest';
import { readEdfHeader } from '../../main/io/edf/index.js';
import { edfMetadata } from '../../main/io/recording.js';
import { SKIP_NO_DATA, dataFile, hasSharedData } from '../helpers/data.js';

interface Expected {
  file: string[];
  variant: string;
  signals: number;
  channels: number;
  sampleRateHz: number;
  durationS: number;
  start: string;
  first: string;
  last: string;
}

const CASES: Expected[] = [
  { file: ['bci2000_motor_imagery_64ch_T0T1T2_annotations.edf'], variant: 'edf+', signals: 65, channels: 64, sampleRateHz: 128, durationS: 124, start: '2009-08-12T16:15:00', first: 'Fc5.', last: 'EDF Annotations' },
  { file: ['nihonkohden_clinical_chtypes_5s.edf'], variant: 'edf+', signals: 43, channels: 42, sampleRateHz: 200, durationS: 5, start: '2015-11-19T19:33:09', first: 'EEG Fp1-Ref', last: 'EDF Annotations' },
  { file: ['siena_PN00-5_first2s.edf'], variant: 'edf+', signals: 36, channels: 35, sampleRateHz: 512, durationS: 2, start: '2016-01-01T22:22:04', first: 'EEG Fp1', last: 'EDF Annotations' },
  { file: ['sleep_edf_SC4001E0_first5min_short_psg.edf'], variant: 'edf', signals: 7, channels: 7, sampleRateHz: 100, durationS: 300, start: '1989-04-24T16:13:00', first: 'EEG Fpz-Cz', last: 'Event marker' },
  { file: ['sleep_edf_SC4001EC-Hypnogram.edf'], variant: 'edf+', signals: 1, channels: 0, sampleRateHz: 0, durationS: 0, start: '1989-04-24T16:13:00', first: 'EDF Annotations', last: 'EDF Annotations' },
  { file: ['chbmit', 'chb05_06_first2s.edf'], variant: 'edf+', signals: 24, channels: 23, sampleRateHz: 256, durationS: 2, start: '2059-03-13T22:21:25', first: 'FP1-F7', last: 'EDF Annotations' },
  { file: ['derived', 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf'], variant: 'edf+', signals: 9, channels: 8, sampleRateHz: 100, durationS: 326, start: '1985-01-01T00:00:00', first: 'EEG C3', last: 'EDF Annotations' },
  { file: ['szcore', 'edf', 'bipolar.edf'], variant: 'edf+', signals: 20, channels: 19, sampleRateHz: 256, durationS: 2, start: '2076-11-06T11:42:54', first: 'FP1-Avg', last: 'EDF Annotations' },
  { file: ['szcore', 'edf', 'unipolar.edf'], variant: 'edf+', signals: 20, channels: 19, sampleRateHz: 256, durationS: 2, start: '2016-01-01T22:22:04', first: 'Fp1-Avg', last: 'EDF Annotations' },
];

describe.skipIf(!hasSharedData())('EDF headers of the real files in ../shared/data/eeg', () => {
  it.each(CASES.map((c) => ({ ...c, name: c.file.join('/') })))('$name', (expected) => {
    const header = readEdfHeader(dataFile('eeg', ...expected.file));
    const metadata = edfMetadata(header);
    expect(header.variant).toBe(expected.variant);
    expect(header.signals).toHaveLength(expected.signals);
    expect(metadata.channelCount).toBe(expected.channels);
    expect(metadata.sampleRateHz).toBe(expected.sampleRateHz);
    expect(metadata.durationS).toBe(expected.durationS);
    expect(metadata.startDateTime).toBe(expected.start);
    expect(header.signals[0]!.label).toBe(expected.first);
    expect(header.signals.at(-1)!.label).toBe(expected.last);
    expect(header.warnings).toEqual([]);
  });
});

if (!hasSharedData()) it.skip(SKIP_NO_DATA, () => {});
