/** The engine's EEG review service on recordings made in code. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../../shared/api/index.js';
import { Engine } from '../../main/engine/index.js';
import { EdfReader, encodeEdf } from '../../main/io/edf/index.js';
import { tempDir } from '../helpers/tmp.js';

const RATE = 256;
const LABELS = ['EEG Fp1-REF', 'EEG F7-REF', 'EEG T7-REF', 'EEG P7-REF', 'EEG O1-REF', 'ECG'];

describe('EEG review', () => {
  const tmp = tempDir();
  let engine: Engine;
  let recordingId: number;
  let discontinuousId: number;
  const edfPath = join(tmp.dir, 'review.edf');

  beforeAll(async () => {
    // Channel c carries a 10 Hz sine of amplitude 10·(c+1) µV plus a DC offset of 100·c µV.
    writeFileSync(
      edfPath,
      encodeEdf({
        variant: 'edf+C',
        dataRecordDurationS: 1,
        recordCount: 60,
        startDateTime: '2025-02-03T22:15:00',
        annotations: [{ onsetS: 12, durationS: 3, text: 'seizure onset?' }],
        signals: LABELS.map((label, c) => ({
          label,
          physicalDimension: 'uV',
          physicalMin: -3000,
          physicalMax: 3000,
          samplesPerRecord: RATE,
          values: (r: number) => Float64Array.from({ length: RATE }, (_, i) => 100 * c + 10 * (c + 1) * Math.sin((2 * Math.PI * 10 * (r * RATE + i)) / RATE)),
        })),
      }),
    );
    const gapped = join(tmp.dir, 'gapped.edf');
    writeFileSync(
      gapped,
      encodeEdf({
        variant: 'edf+D',
        dataRecordDurationS: 1,
        recordCount: 4,
        recordStartsS: [0, 1, 5, 6],
        signals: [{ label: 'EEG Cz', physicalDimension: 'uV', physicalMin: -100, physicalMax: 100, samplesPerRecord: RATE, values: () => new Float64Array(RATE).fill(5) }],
      }),
    );
    engine = await Engine.open({ projectPath: join(tmp.dir, 'review.cajal'), create: true, maxConcurrent: 1 });
    const outcome = await engine.importRecordings([edfPath, gapped]);
    recordingId = outcome.imported[0]!.id;
    discontinuousId = outcome.imported[1]!.id;
    // EDF+D: the recording lasts to the end of its last record (6 + 1 s), not 4 records × 1 s.
    expect(outcome.imported[1]!.metadata.durationS).toBe(7);
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  const page = (overrides: Partial<Parameters<Engine['services']['eeg']['page']>[0]> = {}) =>
    engine.services.eeg.page({ recordingId, startS: 10, durationS: 10, montage: 'referential', filter: NO_FILTER, maxPointsPerChannel: 100_000, ...overrides });

  it('offers the built-in montages resolved against the recording', () => {
    const montages = engine.services.eeg.montages(recordingId);
    expect(montages.map((m) => m.name)).toEqual(['referential', 'average', 'bipolar-longitudinal', 'transverse']);
    expect(montages[0]!.derivations).toHaveLength(6);
    const bipolar = montages[2]!.derivations.map((d) => `${d.plus}|${d.minus}`);
    expect(bipolar).toContain('EEG Fp1-REF|EEG F7-REF');
  });

  it('serves a referential page in physical units with clock-aligned samples', async () => {
    const result = await page();
    expect(result.channels.map((c) => c.label)).toHaveLength(6);
    const second = result.channels[1]!;
    expect(second.data).toHaveLength(10 * RATE);
    expect(second.decimated).toBe(false);
    const expected = 100 + 20 * Math.sin((2 * Math.PI * 10 * (10 * RATE + 7)) / RATE);
    expect(Math.abs(second.data[7]! - expected)).toBeLessThan(0.2);
    expect(result.startDateTime).toBe('2025-02-03T22:15:00');
    expect(result.recordingDurationS).toBe(60);
  });

  it('applies the bipolar montage as differences of the recorded channels', async () => {
    const referential = await page();
    const bipolar = await page({ montage: 'bipolar-longitudinal' });
    const fp1F7 = bipolar.channels.find((c) => c.label.toUpperCase() === 'FP1-F7')!;
    for (const i of [0, 100, 2000]) {
      // Pages are float32: ~7 significant digits, so 4 decimals at ~100 µV.
      expect(fp1F7.data[i]!).toBeCloseTo(referential.channels[0]!.data[i]! - referential.channels[1]!.data[i]!, 4);
    }
  });

  it('filters: a 1 Hz high-pass removes the DC offset, a 5 Hz low-pass the 10 Hz sine', async () => {
    const highpassed = (await page({ filter: { ...NO_FILTER, highpassHz: 1 } })).channels[4]!.data;
    const mean = highpassed.reduce((a, b) => a + b, 0) / highpassed.length;
    expect(Math.abs(mean)).toBeLessThan(2); // was 400 µV
    const lowpassed = (await page({ filter: { ...NO_FILTER, lowpassHz: 5, zeroPhase: true } })).channels[4]!.data;
    const ripple = Math.max(...lowpassed) - Math.min(...lowpassed);
    expect(ripple).toBeLessThan(5); // was 100 µV peak to peak
  });

  it('decimates to min/max pairs above maxPointsPerChannel', async () => {
    const result = await page({ durationS: 60, startS: 0, maxPointsPerChannel: 1000 });
    const channel = result.channels[0]!;
    expect(channel.decimated).toBe(true);
    expect(channel.data.length).toBeLessThanOrEqual(1000);
    expect(Math.max(...channel.data)).toBeCloseTo(10, 0);
    expect(Math.min(...channel.data)).toBeCloseTo(-10, 0);
  });

  it('returns gaps of EDF+D files as null samples and gap intervals', async () => {
    const result = await engine.services.eeg.page({ recordingId: discontinuousId, startS: 0, durationS: 7, montage: 'referential', filter: NO_FILTER, maxPointsPerChannel: 100_000 });
    expect(result.gaps).toEqual([[2, 5]]);
    expect(result.channels[0]!.data[3 * RATE]).toBeNaN(); // a gap: NaN in the float32 page
    expect(result.channels[0]!.data[5 * RATE]).toBeCloseTo(5, 1);
  });

  it('adds project annotations beside the file\'s, and exports both as EDF+ and BIDS events', () => {
    const added = engine.services.eeg.addAnnotation(recordingId, 30.5, 2, 'spike-wave, reviewed');
    expect(added).toMatchObject({ source: 'project', onsetS: 30.5, durationS: 2, text: 'spike-wave, reviewed' });
    expect(added.author).toBeTruthy();
    const all = engine.services.eeg.annotations(recordingId);
    expect(all.map((a) => [a.source, a.onsetS, a.text])).toEqual([
      ['file', 12, 'seizure onset?'],
      ['project', 30.5, 'spike-wave, reviewed'],
    ]);
    const edf = engine.services.eeg.exportAnnotations(recordingId, 'edf+', join(tmp.dir, 'events.edf'));
    expect(edf.count).toBe(2);
    const reader = EdfReader.open(edf.path);
    expect(reader.annotations()).toEqual([
      { onsetS: 12, durationS: 3, text: 'seizure onset?' },
      { onsetS: 30.5, durationS: 2, text: 'spike-wave, reviewed' },
    ]);
    expect(reader.header.startDateTime).toBe('2025-02-03T22:15:00');
    reader.close();
    const tsv = engine.services.eeg.exportAnnotations(recordingId, 'bids-events', join(tmp.dir, 'events.tsv'));
    expect(readFileSync(tsv.path, 'utf8')).toBe('onset\tduration\ttrial_type\n12\t3\tseizure onset?\n30.5\t2\tspike-wave, reviewed\n');
  });

  it('never overwrites a source recording, and refuses annotations past the end', () => {
    expect(() => engine.services.eeg.exportAnnotations(recordingId, 'bids-events', edfPath)).toThrow(/never overwrites sources/);
    expect(() => engine.services.eeg.addAnnotation(recordingId, 61, 0, 'late')).toThrow(/after the end of the recording/);
  });

  it('saves user montages in the project', async () => {
    engine.services.eeg.saveMontage('temporal chain', 'Left temporal', [{ label: 'F7-T7', plus: 'EEG F7-REF', minus: 'EEG T7-REF' }]);
    const saved = engine.services.eeg.montages(recordingId).find((m) => m.name === 'temporal chain')!;
    expect(saved).toMatchObject({ builtin: false, title: 'Left temporal' });
    const result = await page({ montage: 'temporal chain' });
    expect(result.channels.map((c) => c.label)).toEqual(['F7-T7']);
    expect(() => engine.services.eeg.saveMontage('average', '', [{ label: 'x', plus: 'EEG F7-REF', minus: null }])).toThrow(/built-in/);
  });

  it('computes the compressed spectral array of the whole recording, peaking at 10 Hz', async () => {
    const overview = await engine.services.eeg.overview(recordingId);
    expect(overview.powerDb).toHaveLength(6); // 60 s in 10 s epochs
    const column = overview.powerDb[0]!;
    const peak = overview.freqsHz[column.indexOf(Math.max(...column))]!;
    expect(peak).toBeCloseTo(10, 0);
  });
});
