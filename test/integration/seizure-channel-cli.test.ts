/**
 * The "done when" on a fresh project: a one-channel EDF (a single bipolar derivation at
 * 200 Hz with an embedded rhythmic high-amplitude seizure, written by the project's EDF writer) is
 * imported and `cajal seizure detect` finds the seizure without any training — auto mode falls
 * back to per-channel detection, the run stores the mode and the channels, and --out writes the
 * SzCORE TSV. Also: --channel-mode standard is refused on it with the reason, and on a 19-channel
 * recording auto keeps the standard input while --channel-mode per-channel scores each channel;
 * a per-channel neural model in the project runs per-channel, and refuses a standard mode.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { runCli } from '../../main/cli/main.js';
import { writeEdfFile } from '../../main/io/edf/index.js';
import { untrainedPerChannelConfig } from '../../main/pipelines/seizure/channel/untrained.js';
import { buildModel, saveNeuralModel } from '../../main/pipelines/seizure/neural/index.js';
import { Store } from '../../main/store/index.js';
import { syntheticChannel, writeOneChannelEdf } from '../helpers/seizure-channel.js';
import { writeSeizureEdf } from '../helpers/seizure-edf.js';
import { initProjectWith } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('cajal seizure detect on any channel set', () => {
  const tmp = tempDir('cajal-channel-cli-');
  afterAll(() => tmp.cleanup());

  it('a one-channel recording: auto → per-channel, the seizure found, mode and channels stored', async () => {
    const edf = join(tmp.dir, 'one-channel.edf');
    writeOneChannelEdf(edf, 900, 200, [{ onsetS: 600, durationS: 70 }], 4);
    const project = join(tmp.dir, 'p.cajal');
    const { io, lines, errors } = await initProjectWith(project, [edf]);
    const out = join(tmp.dir, 'events.tsv');
    // The command on a fresh project: both detectors, the neural one with the shipped model.
    expect(await runCli(['seizure', 'detect', project, '1', '--out', out], io), errors.join('\n')).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/classical detector, run 1, per-channel input on 1 channel\(s\):/);
    expect(text).toMatch(/channels: EEG T3-T5 \(200 Hz\)/);
    expect(text).toMatch(/neural detector, run 2, per-channel input on 1 channel\(s\):/);
    console.log(`one-channel synthetic seizure at 600–670 s, default neural model: ${readFileSync(join(tmp.dir, 'events.neural.tsv'), 'utf8').trim().split('\n').slice(1).join(' | ')}`);
    const tsv = readFileSync(join(tmp.dir, 'events.classical.tsv'), 'utf8').trim().split('\n');
    expect(tsv).toHaveLength(2);
    const [onset, duration, type, , channels] = tsv[1]!.split('\t');
    expect(type).toBe('sz');
    expect(Number(onset)).toBeGreaterThan(590);
    expect(Number(onset)).toBeLessThan(630);
    expect(Number(onset) + Number(duration)).toBeGreaterThan(650);
    expect(channels).toBe('EEG T3-T5');
    const store = Store.open(project, { create: false, readonly: true });
    try {
      const results = store.results.list(1);
      const events = results.find((r) => r.key === 'events')!.value as Record<string, unknown>;
      expect(events).toMatchObject({ detector: 'classical', channelMode: 'per-channel', channels: [{ label: 'EEG T3-T5', rateHz: 200 }], skipped: [] });
      expect(String(events.channelModeReason)).toMatch(/no SzCORE standard input: .* has 0 referential EEG channels/);
      expect(results.map((r) => r.key).sort()).toEqual(['channel-probability', 'events', 'probability']);
      expect(store.results.list(2).find((r) => r.key === 'events')!.value).toMatchObject({ detector: 'neural', channelMode: 'per-channel' });
    } finally {
      store.close();
    }
    errors.length = 0;
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'classical', '--channel-mode', 'standard'], io)).not.toBe(0);
    expect(errors.join('\n')).toMatch(/one-channel\.edf has 0 referential EEG channels/);
    errors.length = 0;
    expect(await runCli(['seizure', 'detect', project, '1', '--channel-mode', 'bipolar'], io)).not.toBe(0);
    expect(errors.join('\n')).toMatch(/--channel-mode.*expected auto, standard, per-channel, got "bipolar"/);
  });

  it('a 19-channel recording: auto keeps the standard input; --channel-mode per-channel scores each channel alone', async () => {
    const edf = join(tmp.dir, 'nineteen.edf');
    writeSeizureEdf(edf, 420, [{ onsetS: 250, durationS: 60 }]);
    const project = join(tmp.dir, 'q.cajal');
    const { io, lines } = await initProjectWith(project, [edf]);
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'classical'], io)).toBe(0);
    expect(lines.join('\n')).toMatch(/run 1, standard input on 19 channel\(s\)/);
    lines.length = 0;
    // Naming channels makes auto per-channel.
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'classical', '--channels', 'EEG Fp1-REF,EEG F3-REF'], io)).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/run 2, per-channel input on 2 channel\(s\)/);
    expect(text).toMatch(/not used: EEG C3-REF: not among the channels asked for/);
    // The seizure starts on the first six electrodes: both channels asked for see it.
    expect(text).toMatch(/EEG Fp1-REF|EEG F3-REF/);
    const store = Store.open(project, { create: false, readonly: true });
    try {
      const events = store.results.list(2).find((r) => r.key === 'events')!.value as { events: { onsetS: number; channels: string[] }[] };
      expect(events.events).toHaveLength(1);
      expect(Math.abs(events.events[0]!.onsetS - 250)).toBeLessThan(30);
    } finally {
      store.close();
    }
  });

  it('a per-channel neural model runs on the one-channel recording; an explicit standard mode is refused or skipped', async () => {
    const edf = join(tmp.dir, 'one-channel-neural.edf');
    const rate = 256;
    writeEdfFile(edf, {
      variant: 'edf+C',
      dataRecordDurationS: 1,
      recordCount: 120,
      signals: [{ label: 'LA1', physicalDimension: 'mV', physicalMin: -3, physicalMax: 3, samplesPerRecord: rate, values: syntheticChannel(120, rate, [], 2).map((v) => v / 1000) }],
    });
    const project = join(tmp.dir, 'n.cajal');
    const { io, lines, errors } = await initProjectWith(project, [edf]);
    const tf = await activateBackend('wasm');
    const neural = buildModel(tf, untrainedPerChannelConfig([0, 2], 1));
    const store = Store.open(project, { create: false });
    try {
      await saveNeuralModel(store, neural, 'untrained per-channel');
    } finally {
      store.close();
      neural.model.dispose();
    }
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'neural'], io), errors.join('\n')).toBe(0);
    expect(lines.join('\n')).toMatch(/neural detector, run 1, per-channel input on 1 channel\(s\):/);
    const check = Store.open(project, { create: false, readonly: true });
    try {
      const probability = check.results.list(1).find((r) => r.key === 'channel-probability')!;
      expect(probability.value).toMatchObject({ rateHz: 1, channels: ['LA1'] });
      expect(check.results.list(1).find((r) => r.key === 'events')!.value).toMatchObject({ channelMode: 'per-channel', modelId: 1 });
    } finally {
      check.close();
    }
    errors.length = 0;
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'neural', '--channel-mode', 'standard'], io)).not.toBe(0);
    expect(errors.join('\n')).toMatch(/model #1 "untrained per-channel" was trained on the per-channel input and cannot run with channelMode "standard"/);
    errors.length = 0;
    lines.length = 0;
    // Both detectors with an explicit standard mode: the neural one is skipped with the reason (then standard fails on one channel).
    await runCli(['seizure', 'detect', project, '1', '--channel-mode', 'standard'], io);
    expect(errors.join('\n')).toMatch(/model \(model #1\) takes the per-channel input, not standard; running the classical detector only/);
  });
});
