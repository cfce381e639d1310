/**
 * Per-channel seizure input and detection: which channels qualify and why others are skipped,
 * reading any rate and unit as 256 Hz µV in chunks, and detection — classical and a per-channel
 * neural model — on one channel or a few, with the channels involved named on each event.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { ValidationError } from '../../main/errors.js';
import { EdfReader, writeEdfFile, type EdfSignalToWrite } from '../../main/io/edf/index.js';
import { CancelledError } from '../../main/jobs/pipeline.js';
import { combineChannels, detectPerChannel, detectPerChannelSamples } from '../../main/pipelines/seizure/channel/detect.js';
import { untrainedPerChannelConfig } from '../../main/pipelines/seizure/channel/untrained.js';
import { microvoltsPerUnit, readChannelSeconds, selectChannels } from '../../main/pipelines/seizure/channel/input.js';
import { buildModel, untrainedConfig } from '../../main/pipelines/seizure/neural/index.js';
import { syntheticChannel } from '../helpers/seizure-channel.js';
import { tempDir } from '../helpers/tmp.js';

const signal = (label: string, rateHz: number, values: ArrayLike<number>, physicalDimension = 'uV', range = 3000): EdfSignalToWrite => ({
  label,
  physicalDimension,
  physicalMin: -range,
  physicalMax: range,
  samplesPerRecord: rateHz,
  values,
});

const perChannelConfig = untrainedPerChannelConfig;

describe('per-channel input', () => {
  const tmp = tempDir('cajal-channel-');
  afterAll(() => tmp.cleanup());

  it('reads voltage units as µV factors', () => {
    expect(microvoltsPerUnit('uV')).toBe(1);
    expect(microvoltsPerUnit(' µV ')).toBe(1);
    expect(microvoltsPerUnit('mV')).toBe(1000);
    expect(microvoltsPerUnit('V')).toBe(1e6);
    expect(microvoltsPerUnit('nV')).toBe(0.001);
    expect(microvoltsPerUnit('degC')).toBeNull();
  });

  it('takes every EEG-like channel ≥ 100 Hz in a voltage unit and says why it skips the others', () => {
    const file = join(tmp.dir, 'mixed.edf');
    const n = 10;
    const sine = (rate: number, scale: number) => Float64Array.from({ length: n * rate }, (_, i) => scale * 50 * Math.sin((2 * Math.PI * 6 * i) / rate));
    writeEdfFile(file, {
      variant: 'edf+C',
      dataRecordDurationS: 1,
      recordCount: n,
      signals: [
        signal('EEG Fp1-F7', 256, sine(256, 1)),
        signal('LA3', 500, sine(500, 0.001), 'mV', 3),
        signal('ECG', 256, sine(256, 1)),
        signal('EEG slow', 50, sine(50, 1)),
        signal('X1', 200, sine(200, 1), ''),
        signal('Temp', 256, sine(256, 0.01), 'degC', 100),
      ],
    });
    const reader = EdfReader.open(file);
    try {
      const selection = selectChannels(reader);
      expect(selection.channels.map((c) => [c.label, c.rateHz, c.toMicrovolts])).toEqual([
        ['EEG Fp1-F7', 256, 1],
        ['LA3', 500, 1000],
        ['X1', 200, 1],
      ]);
      expect(selection.skipped).toEqual([
        { label: 'ECG', reason: 'an ECG channel, not EEG' },
        { label: 'EEG slow', reason: 'sampled at 50 Hz, below the 100 Hz the detectors need' },
        { label: 'Temp', reason: 'a temperature channel, not EEG' },
      ]);
      expect(selection.warnings).toEqual(['X1: physical unit is empty; values taken as µV']);
      // Every channel comes back as the same 6 Hz, 50 µV sine at 256 Hz, whole or in chunks.
      const whole = readChannelSeconds(reader, selection.channels, 0, n);
      const expected = (i: number) => 50 * Math.sin((2 * Math.PI * 6 * i) / 256);
      for (const channel of whole) {
        expect(channel.length).toBe(n * 256);
        for (let i = 512; i < channel.length - 512; i += 37) expect(channel[i]!).toBeCloseTo(expected(i), 0);
      }
      const chunks = [0, 3, 6].map((s) => readChannelSeconds(reader, selection.channels, s, Math.min(3, n - s)));
      selection.channels.forEach((_, c) => {
        const joined = Float64Array.from(chunks.flatMap((chunk) => Array.from(chunk[c]!)));
        for (let i = 0; i < 9 * 256; i++) expect(Math.abs(joined[i]! - whole[c]![i]!)).toBeLessThan(1e-6);
      });
      expect(selectChannels(reader, { channels: ['la3'] }).channels.map((c) => c.label)).toEqual(['LA3']);
      expect(() => selectChannels(reader, { channels: ['Cz'] })).toThrow(/has no channel "Cz" \(channels: EEG Fp1-F7, LA3, ECG/);
    } finally {
      reader.close();
    }
  });

  it('refuses a file where no channel can work, naming the rates found', () => {
    const slow = join(tmp.dir, 'slow.edf');
    writeEdfFile(slow, { dataRecordDurationS: 1, recordCount: 5, signals: [signal('Fpz-Cz', 50, new Float64Array(250)), signal('Pz-Oz', 64, new Float64Array(320))] });
    expect(() => detectPerChannel(slow, { kind: 'classical' })).toThrow(ValidationError);
    expect(() => detectPerChannel(slow, { kind: 'classical' })).toThrow(/slow\.edf has no channel the detectors can read \(data signals at 50, 64 Hz; Fpz-Cz: sampled at 50 Hz/);
    const annotationsOnly = join(tmp.dir, 'hypnogram.edf');
    writeEdfFile(annotationsOnly, { variant: 'edf+C', dataRecordDurationS: 1, recordCount: 3, signals: [], annotations: [{ onsetS: 0, durationS: 1, text: 'Sleep stage W' }] });
    expect(() => detectPerChannel(annotationsOnly, { kind: 'classical' })).toThrow(/hypnogram\.edf has no data signals \(annotations only\)/);
  });
});

describe('per-channel detection', () => {
  const tmp = tempDir('cajal-channel-detect-');
  let tf: Tfjs;
  beforeAll(async () => {
    tf = await activateBackend('wasm');
  });
  afterAll(() => tmp.cleanup());

  it('the classical detector finds a seizure on a one-channel 200 Hz EDF and names the channel', () => {
    const file = join(tmp.dir, 'one.edf');
    const rate = 200;
    const x = syntheticChannel(600, rate, [{ onsetS: 400, durationS: 60 }]);
    writeEdfFile(file, { variant: 'edf+C', dataRecordDurationS: 1, recordCount: 600, signals: [signal('T3-T5', rate, x)] });
    const progress: number[] = [];
    const out = detectPerChannel(file, { kind: 'classical' }, {}, { onProgress: (done) => progress.push(done) });
    expect(out.electrodes).toEqual(['T3-T5']);
    expect(out.probabilities.length).toBe(600);
    expect(out.channelProbabilities.length).toBe(600);
    expect(progress[progress.length - 1]).toBe(600);
    expect(out.events).toHaveLength(1);
    const [event] = out.events;
    expect(event!.onsetS).toBeGreaterThan(390);
    expect(event!.onsetS).toBeLessThan(410);
    expect(event!.onsetS + event!.durationS).toBeGreaterThan(450);
    expect(event!.onsetS + event!.durationS).toBeLessThan(480);
    expect(event!.channels).toEqual(['T3-T5']);
  });

  it('a focal seizure on one of three channels: one event naming that channel only', () => {
    const rate = 256;
    const channels = [0, 1, 2].map((c) => ({ label: `LA${c + 1}`, rateHz: rate, samples: syntheticChannel(500, rate, c === 1 ? [{ onsetS: 300, durationS: 45 }] : [], c + 1) }));
    const out = detectPerChannelSamples(channels, { kind: 'classical' });
    expect(out.events).toHaveLength(1);
    expect(out.events[0]!.channels).toEqual(['LA2']);
    expect(out.channelProbabilities.length).toBe(500 * 3);
    // The recording trace is the maximum of the smoothed channel traces.
    const { probabilities } = combineChannels(out.channelProbabilities, 3);
    expect(Array.from(out.probabilities)).toEqual(Array.from(probabilities));
    const quiet = detectPerChannelSamples([channels[0]!], { kind: 'classical' });
    expect(quiet.events).toEqual([]);
  });

  it('combines channels as the maximum of 3 s centred means', () => {
    // Channel 0: one spike at t = 2; channel 1: high from t = 4.
    const traces = Float32Array.from([0, 0, 0, 0, 0.9, 0, 0, 0.9, 0, 0.9, 0, 0.9]);
    const { probabilities } = combineChannels(traces, 2);
    expect(Array.from(probabilities).map((v) => +v.toFixed(4))).toEqual([0, 0.3, 0.3, 0.6, 0.9, 0.9]);
  });

  it('a per-channel neural model scores each channel alone, any length, and stops when asked', () => {
    const neural = buildModel(tf, perChannelConfig([0, 2], 4));
    const channels = [0, 1].map((c) => ({ label: `C${c}`, rateHz: 173.61, samples: syntheticChannel(100, 173.61, [], c) }));
    const out = detectPerChannelSamples(channels, { kind: 'neural', neural });
    expect(out.channelProbabilities.length).toBe(100 * 2);
    // Seconds before the first full window are not scored; after it every value is a probability.
    expect(Array.from(out.channelProbabilities.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.channelProbabilities.subarray(6)).every((p) => p > 0 && p < 1)).toBe(true);
    // Each channel alone gives its own column (channels do not see each other).
    const alone = detectPerChannelSamples([channels[1]!], { kind: 'neural', neural });
    for (let t = 3; t < 100; t++) expect(alone.channelProbabilities[t]).toBeCloseTo(out.channelProbabilities[t * 2 + 1]!, 5);
    // Streaming in chunks equals scoring the whole recording: a 700 s channel crosses a chunk edge.
    const long = [{ label: 'L', rateHz: 256, samples: syntheticChannel(700, 256, [], 9) }];
    const whole = detectPerChannelSamples(long, { kind: 'neural', neural });
    const head = detectPerChannelSamples([{ ...long[0]!, samples: long[0]!.samples.subarray(0, 650 * 256) }], { kind: 'neural', neural });
    for (let t = 3; t < 650; t++) expect(whole.channelProbabilities[t]).toBeCloseTo(head.channelProbabilities[t]!, 5);
    // Two seconds: one score from all of it, with a warning.
    const short = detectPerChannelSamples([{ label: 'S', rateHz: 256, samples: syntheticChannel(2, 256) }], { kind: 'neural', neural });
    expect(short.channelProbabilities[1]).toBeGreaterThan(0);
    expect(short.warnings.join()).toMatch(/less than one 4 s window/);
    const controller = new AbortController();
    controller.abort();
    expect(() => detectPerChannelSamples(channels, { kind: 'neural', neural }, {}, { signal: controller.signal })).toThrow(CancelledError);
    // A standard-input model is refused with the reason.
    const standard = buildModel(tf, untrainedConfig([0], 1));
    expect(() => detectPerChannelSamples(channels, { kind: 'neural', neural: standard })).toThrow(/trained on the standard input/);
  });

  it('refuses signals that cannot work', () => {
    expect(() => detectPerChannelSamples([{ label: 'A', rateHz: 64, samples: new Float64Array(640) }], { kind: 'classical' })).toThrow(/A is sampled at 64 Hz/);
    expect(() => detectPerChannelSamples([], { kind: 'classical' })).toThrow(/at least one channel/);
  });
});
