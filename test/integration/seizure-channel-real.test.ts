/**
 * Per-channel classical detection on every EDF/BDF under ../shared/data/eeg (found recursively):
 * each file must either give a result (a trace per channel, events with their channels) or be
 * refused with a message saying why nothing can work (an annotation-only hypnogram, no channel at
 * ≥ 100 Hz). The outcome of each file is printed for the report. Also the Ombao seizure recording
 * (8 scalp channels at 100 Hz, re-read channel by channel) against its annotated seizure, and the
 * auto mode's choice on each file. The same files through the default neural model shipped in
 * assets/seizure/default (per-channel), when this checkout has it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { ValidationError } from '../../main/errors.js';
import { EdfReader } from '../../main/io/edf/index.js';
import { detectPerChannel } from '../../main/pipelines/seizure/channel/detect.js';
import { chooseChannelMode } from '../../main/pipelines/seizure/channel/mode.js';
import { hasDefaultSeizureModel, loadDefaultSeizureModel } from '../../main/pipelines/seizure/neural/default-model.js';
import type { NeuralSeizureModel } from '../../main/pipelines/seizure/neural/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';

if (!hasSharedData()) console.warn(`seizure-channel-real: real-data tests skipped: ${SKIP_NO_DATA}`);

function edfFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return edfFiles(path);
    return /\.(edf|bdf)$/i.test(name) ? [path] : [];
  });
}

/** Files where nothing can work, and the reason their refusal must give. */
const CANNOT_WORK: Record<string, RegExp> = {
  'sleep_edf_SC4001EC-Hypnogram.edf': /has no data signals \(annotations only\)/,
};

describe.skipIf(!hasSharedData())('per-channel detection on every EEG file in ../shared/data/eeg', () => {
  const root = hasSharedData() ? dataFile('eeg') : '';
  const files = hasSharedData() ? edfFiles(root).sort() : [];

  it('finds the EDF files', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [relative(root, f), f] as const))('%s: a result, or a refusal saying why nothing can work', (name, file) => {
    const base = name.split('/').pop()!;
    let summary: string;
    try {
      const out = detectPerChannel(file, { kind: 'classical' });
      const channels = out.selection.channels.length;
      const seconds = out.probabilities.length;
      expect(channels).toBeGreaterThan(0);
      expect(out.channelProbabilities.length).toBe(seconds * channels);
      expect(Array.from(out.probabilities).every((p) => p >= 0 && p <= 1)).toBe(true);
      for (const event of out.events) expect(event.channels.length).toBeGreaterThan(0);
      expect(CANNOT_WORK[base], `${name} was expected to be refused`).toBeUndefined();
      const reader = EdfReader.open(file);
      const auto = chooseChannelMode(reader, 'auto', false).mode;
      reader.close();
      summary = `${channels} channel(s) (${out.selection.skipped.length} skipped${out.selection.skipped.length ? `: ${[...new Set(out.selection.skipped.map((s) => s.reason.replace(/\d+(\.\d+)? Hz,/, 'N Hz,')))].join('; ')}` : ''}), ${seconds} s, ${out.events.length} event(s)${out.events.map((e) => ` [${e.onsetS}+${e.durationS} s on ${e.channels.slice(0, 3).join(' ')}${e.channels.length > 3 ? '…' : ''}]`).join('')}; auto mode: ${auto}${out.warnings.length ? `; warnings: ${out.warnings.length} (${out.warnings[0]})` : ''}`;
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const message = (error as Error).message;
      expect(CANNOT_WORK[base], `${name} refused: ${message}`).toBeDefined();
      expect(message).toMatch(CANNOT_WORK[base]!);
      expect(message).toContain(file);
      summary = `refused: ${message.replace(file, base)}`;
    }
    console.log(`per-channel classical | ${name} | ${summary}`);
  });

  describe.skipIf(!hasDefaultSeizureModel())('the default neural model, per channel', () => {
    let neural: NeuralSeizureModel;
    beforeAll(async () => {
      neural = await loadDefaultSeizureModel(await activateBackend('wasm'));
    });

    it.each(files.map((f) => [relative(root, f), f] as const))('%s: a result, or the same refusal', (name, file) => {
      const base = name.split('/').pop()!;
      let summary: string;
      try {
        const out = detectPerChannel(file, { kind: 'neural', neural });
        expect(out.channelProbabilities.length).toBe(out.probabilities.length * out.selection.channels.length);
        expect(Array.from(out.probabilities).every((p) => p >= 0 && p <= 1)).toBe(true);
        expect(CANNOT_WORK[base], `${name} was expected to be refused`).toBeUndefined();
        const peak = Math.max(...out.probabilities);
        summary = `${out.selection.channels.length} channel(s), ${out.probabilities.length} s, peak probability ${peak.toFixed(2)}, ${out.events.length} event(s)${out.events.map((e) => ` [${e.onsetS}+${e.durationS} s on ${e.channels.slice(0, 3).join(' ')}${e.channels.length > 3 ? '…' : ''}]`).join('')}`;
      } catch (error) {
        const message = (error as Error).message;
        expect(CANNOT_WORK[base], `${name} refused: ${message}`).toBeDefined();
        expect(message).toMatch(CANNOT_WORK[base]!);
        summary = `refused: ${message.replace(file, base)}`;
      }
      console.log(`per-channel default neural | ${name} | ${summary}`);
    });
  });

  it('the Ombao seizure is found channel by channel, within SzCORE tolerance', () => {
    const file = dataFile('eeg', 'derived', 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf');
    const reader = EdfReader.open(file);
    const reference = reader.annotations().find((a) => a.text.startsWith('seizure'))!;
    reader.close();
    const out = detectPerChannel(file, { kind: 'classical' });
    expect(out.electrodes).toHaveLength(8);
    const hit = out.events.find((e) => e.onsetS < reference.onsetS + reference.durationS && e.onsetS + e.durationS > reference.onsetS);
    expect(hit, `events ${JSON.stringify(out.events)} vs reference ${reference.onsetS}+${reference.durationS}`).toBeDefined();
    const latencyS = hit!.onsetS - reference.onsetS;
    console.log(`Ombao per-channel: reference ${reference.onsetS}–${reference.onsetS + reference.durationS} s, ${out.events.length} event(s), hit ${hit!.onsetS}–${hit!.onsetS + hit!.durationS} s on ${hit!.channels.join(' ')}, latency ${latencyS.toFixed(1)} s`);
    expect(latencyS).toBeGreaterThan(-30);
    expect(latencyS).toBeLessThan(60);
  });
});
