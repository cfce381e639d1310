/**
 * The viewer's defaults for real recordings, in Node: automatic scales from the signals' robust
 * amplitude (per channel type, in each type's unit), filter menus below the Nyquist frequency of
 * the EEG channels, per-row centring, and hiding/reordering channels.
 */
import { describe, expect, it } from 'vitest';
import type { ChannelType, PageChannel } from '../../../shared/api/index.js';
import { EdfReader } from '../../../main/io/edf/index.js';
import { classifyChannel } from '../../../main/signal/index.js';
import { autoScales, robustAmplitude, robustCentre, stepAtLeast } from '../../../renderer/src/eeg/autoScale.js';
import { HIGHPASS_HZ, LOWPASS_HZ, NOTCH_HZ, pxPerMm, SENSITIVITY_STEPS_UV_PER_MM } from '../../../renderer/src/eeg/calibration.js';
import { displayUnit, scaleSteps } from '../../../renderer/src/eeg/channelTypes.js';
import { arrangedList, arrangedRows, moveChannel, NO_ARRANGEMENT, setChannelHidden } from '../../../renderer/src/eeg/channelView.js';
import { choicesBelow, effectiveFilter, menuNyquistHz } from '../../../renderer/src/eeg/filterChoices.js';
import { rowScales } from '../../../renderer/src/eeg/rowScales.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../../helpers/data.js';

const sine = (amplitude: number, offset = 0, n = 1000) => Float32Array.from({ length: n }, (_, i) => offset + amplitude * Math.sin((2 * Math.PI * 7 * i) / 250));
const channel = (type: ChannelType, data: Float32Array, unit = 'uV', sampleRateHz = 250): PageChannel => ({
  label: type,
  type,
  unit,
  sampleRateHz,
  data,
  decimated: false,
  bucketSamples: 1,
});

describe('automatic scales', () => {
  it('fits a type to its robust amplitude: the smallest step at which it fills 80 % of a lane', () => {
    // ±50 µV: 2nd–98th percentile ≈ 99.6 µV; 10 mm lanes × 0.8 → 12.4 µV/mm → the 15 µV/mm step.
    expect(robustAmplitude(channel('eeg', sine(50)))).toBeCloseTo(99.6, 0);
    expect(autoScales([channel('eeg', sine(50))], 10)).toEqual({ eeg: 15 });
    // Half the lane height, twice the scale's value (within the clinical steps).
    expect(autoScales([channel('eeg', sine(50))], 5)).toEqual({ eeg: 30 });
  });

  it('scales each type apart, in µV for voltages whatever their unit and in its own unit otherwise', () => {
    const scales = autoScales(
      [channel('eeg', sine(50)), channel('ecg', sine(1, 0), 'mV'), channel('temp', sine(0.05, 36.6), 'degC')],
      10,
    );
    expect(scales.eeg).toBe(15);
    expect(scales.ecg).toBe(stepAtLeast(scaleSteps('ecg'), 1992 / 8)); // ±1 mV = ±1000 µV → 500 µV/mm
    expect(scales.ecg).toBe(500);
    expect(scales.temp).toBe(0.02); // ±0.05 °C over 8 mm: 0.0125 → 0.02 °C/mm, the 36.6 °C offset plays no part
    expect(displayUnit('degC')).toBe('°C');
    expect(displayUnit('')).toBe('units');
  });

  it('lets the larger channels of a type set its scale, so one flat channel does not blow the others up', () => {
    const eeg = [sine(10), sine(50), sine(50), sine(50)].map((d) => channel('eeg', d));
    expect(autoScales(eeg, 10).eeg).toBe(15);
  });

  it('falls back to the full range for a step marker and to 1 unit/mm for a flat channel', () => {
    const marker = Float32Array.from({ length: 1000 }, (_, i) => (i === 500 ? 10 : 0));
    expect(robustAmplitude(channel('event', marker, ''))).toBe(10);
    expect(autoScales([channel('event', new Float32Array(100), '')], 10)).toEqual({ event: 1 });
  });

  it('centres each row on its median, so an offset channel sits in its lane', () => {
    const temp = channel('temp', sine(0.05, 36.6), 'degC');
    expect(robustCentre(temp)).toBeCloseTo(36.6, 3);
    const [row] = rowScales([temp], { temp: 0.02 }, [2], 1);
    expect(row).toMatchObject({ type: 'temp', unit: '°C', factor: 1, unitsPerMm: 0.02 });
    expect(row!.pxPerUnit).toBeCloseTo((pxPerMm(1) / 0.02) * 2, 9);
  });
});

if (!hasSharedData()) console.warn(`auto-scale test on the Sleep-EDF PSG skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('automatic scales on the Sleep-EDF PSG', () => {
  it('gives the EEG a clinical step and the ±5 µV submental EMG a much finer scale of its own', () => {
    const reader = EdfReader.open(dataFile('eeg', 'sleep_edf_SC4001E0_first5min_short_psg.edf'));
    try {
      const signals = reader.dataSignals();
      const window = reader.readWindow(0, 10, signals.map((s) => s.index));
      const channels = signals.map((s, i): PageChannel => ({
        ...channel(classifyChannel(s.signal.label, s.signal.physicalDimension), Float32Array.from(window.data[i]!), s.signal.physicalDimension, s.sampleRateHz),
        label: s.signal.label,
      }));
      const scales = autoScales(channels, 17); // 7 lanes in about 450 px
      expect(SENSITIVITY_STEPS_UV_PER_MM).toContain(scales.eeg);
      expect(scales.eeg).toBeGreaterThanOrEqual(3);
      expect(scales.eeg).toBeLessThanOrEqual(30);
      expect(scales.emg).toBeLessThan(scales.eeg! / 10);
      expect(Object.keys(scales).sort()).toEqual(['eeg', 'emg', 'eog', 'event', 'resp', 'temp']);
    } finally {
      reader.close();
    }
  });
});

describe('filter menus below Nyquist', () => {
  const at = (rate: number, type: ChannelType = 'eeg') => ({ type, sampleRateHz: rate });

  it('offers nothing at or above 50 Hz on 100 Hz EEG, whatever rate the slow channels have', () => {
    const nyquist = menuNyquistHz([at(100), at(100, 'eog'), at(1, 'resp'), at(1, 'temp')], 100);
    expect(nyquist).toBe(50);
    expect(choicesBelow(LOWPASS_HZ, nyquist)).toEqual([15, 30, 35, 40]);
    expect(choicesBelow(NOTCH_HZ, nyquist)).toEqual([]);
    expect(choicesBelow(HIGHPASS_HZ, nyquist)).toEqual([...HIGHPASS_HZ]);
    // 128 Hz keeps both notches but not the 70 and 100 Hz low-pass; 256 Hz keeps everything.
    expect(choicesBelow(LOWPASS_HZ, menuNyquistHz([at(128)], 128))).toEqual([15, 30, 35, 40]);
    expect(choicesBelow(NOTCH_HZ, menuNyquistHz([at(128)], 128))).toEqual([50, 60]);
    expect(choicesBelow(LOWPASS_HZ, menuNyquistHz([at(256), at(64, 'ecg')], 256))).toEqual([...LOWPASS_HZ]);
    // Before a page arrives (or with no EEG), the rate given or all channels decide.
    expect(menuNyquistHz([], 200)).toBe(100);
    expect(menuNyquistHz([at(200, 'ecg')], 500)).toBe(100);
  });

  it('turns off a stored cut-off the data cannot carry', () => {
    const stored = { highpassHz: 0.5, lowpassHz: 70, notchHz: 60 as const, order: 4, zeroPhase: false };
    expect(effectiveFilter(stored, 50)).toEqual({ ...stored, lowpassHz: null, notchHz: null });
    expect(effectiveFilter(stored, 128)).toEqual(stored);
  });
});

describe('hiding and reordering channels', () => {
  const labels = ['EEG Fpz-Cz', 'EEG Pz-Oz', 'EOG horizontal', 'Resp oro-nasal', 'EMG submental', 'Temp rectal', 'Event marker'];

  it('draws all channels in montage order by default', () => {
    expect(arrangedRows(labels, NO_ARRANGEMENT)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('hides a channel, moves another past it, and keeps the hidden one in its place', () => {
    let arrangement = setChannelHidden(NO_ARRANGEMENT, 'Event marker', true);
    expect(arrangedRows(labels, arrangement)).toEqual([0, 1, 2, 3, 4, 5]);
    arrangement = moveChannel(labels, arrangement, 'Temp rectal', -1);
    expect(arrangedRows(labels, arrangement).map((i) => labels[i])).toEqual(['EEG Fpz-Cz', 'EEG Pz-Oz', 'EOG horizontal', 'Resp oro-nasal', 'Temp rectal', 'EMG submental']);
    expect(arrangedList(labels, arrangement).at(-1)).toEqual({ label: 'Event marker', index: 6, hidden: true });
    arrangement = setChannelHidden(arrangement, 'Event marker', false);
    expect(arrangedRows(labels, arrangement)).toEqual([0, 1, 2, 3, 5, 4, 6]);
    // Moving past either end changes nothing.
    expect(moveChannel(labels, arrangement, 'EEG Fpz-Cz', -1)).toBe(arrangement);
  });

  it('places labels the arrangement does not know (another montage) after the arranged ones, in montage order', () => {
    const arrangement = moveChannel(labels, NO_ARRANGEMENT, 'EEG Pz-Oz', -1);
    expect(arrangedRows(['EEG Pz-Oz', 'X', 'EEG Fpz-Cz', 'Y'], arrangement)).toEqual([0, 2, 1, 3]);
  });
});
