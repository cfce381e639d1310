/**
 * Conformance with MNE-Python on every EDF in ../shared/data/eeg: labels, sample rates, values
 * (within one quantisation step) and annotations. Expected values come from
 * test/fixtures/reference/edf_mne.py (command and versions in edf-mne.json's `_command`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EdfReader } from '../../main/io/edf/index.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

interface MneChannel {
  name: string;
  sampleRateHz: number;
  step: number;
  first?: number[];
  spreadIndex?: number[];
  spread?: number[];
  mean?: number;
  rms?: number;
  samples?: number;
}
interface MneFile {
  readRawError?: string;
  sfreq?: number;
  nTimes?: number;
  channels?: MneChannel[];
  annotations: { onsetS: number; durationS: number; text: string }[];
}

const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/edf-mne.json'), 'utf8')) as Record<string, MneFile | string>;
const files = Object.entries(reference).filter((entry): entry is [string, MneFile] => !entry[0].startsWith('_'));

/** MNE makes duplicate channel names unique by appending -0, -1, … to every copy. */
function mneNames(labels: string[]): string[] {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const seen = new Map<string, number>();
  return labels.map((label) => {
    if (counts.get(label)! < 2) return label;
    const index = seen.get(label) ?? 0;
    seen.set(label, index + 1);
    return `${label}-${index}`;
  });
}

const byOnsetThenText = (a: { onsetS: number; text: string }, b: { onsetS: number; text: string }) =>
  a.onsetS - b.onsetS || a.text.localeCompare(b.text);

if (!hasSharedData()) console.warn(`edf-conformance skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('EDF reader conformance with MNE-Python', () => {
  it('covers every EDF in ../shared/data/eeg', () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
  });

  it.each(files)('%s', (name, expected) => {
    const reader = EdfReader.open(dataFile('eeg', ...name.split('/')));
    try {
      const data = reader.dataSignals();
      const annotations = reader.annotations().map(({ onsetS, durationS, text }) => ({ onsetS, durationS, text }));
      expect([...annotations].sort(byOnsetThenText)).toEqual(
        [...expected.annotations]
          .sort(byOnsetThenText)
          .map((a) => ({ ...a, onsetS: expect.closeTo(a.onsetS, 6), durationS: expect.closeTo(a.durationS, 6) })),
      );
      if (!expected.channels) {
        expect(data).toHaveLength(0);
        return;
      }
      expect(mneNames(data.map((d) => d.signal.label))).toEqual(expected.channels.map((c) => c.name));
      expect(data.map((d) => d.sampleRateHz)).toEqual(expected.channels.map((c) => c.sampleRateHz));

      const fullRate = expected.channels.flatMap((channel, k) => (channel.first ? [{ channel, k }] : []));
      const durationS = expected.nTimes! / expected.sfreq!;
      const window = reader.readWindow(0, durationS, fullRate.map(({ k }) => data[k]!.index));
      expect(window.gaps).toEqual([]);
      fullRate.forEach(({ channel }, j) => {
        const values = window.data[j]!;
        const step = channel.step;
        expect(values.length).toBe(channel.samples);
        channel.first!.forEach((value, i) => expect(Math.abs(values[i]! - value)).toBeLessThanOrEqual(step));
        channel.spreadIndex!.forEach((index, i) => expect(Math.abs(values[index]! - channel.spread![i]!)).toBeLessThanOrEqual(step));
        let sum = 0;
        let sumSquares = 0;
        for (const v of values) {
          sum += v;
          sumSquares += v * v;
        }
        expect(Math.abs(sum / values.length - channel.mean!)).toBeLessThanOrEqual(step);
        expect(Math.abs(Math.sqrt(sumSquares / values.length) - channel.rms!)).toBeLessThanOrEqual(step);
      });
    } finally {
      reader.close();
    }
  });
});

describe.skipIf(!hasSharedData())('annotation-only EDF+ import', () => {
  it('gives a hypnogram the duration its annotations span', async () => {
    const { inspectRecording } = await import('../../main/io/recording.js');
    const inspected = await inspectRecording(dataFile('eeg', 'sleep_edf_SC4001EC-Hypnogram.edf'));
    expect(inspected.metadata.channelCount).toBe(0);
    // max(onset + duration) over MNE's 154 annotations (edf-mne.json): 86400 s.
    expect(inspected.metadata.durationS).toBe(86400);
  });
});
