/**
 * The whole workflow of the foundation issue on real EDFs: import through the engine (header
 * metadata), run the RMS pipeline in a worker, and compare every channel with numpy decoding the
 * same bytes independently (test/fixtures/reference/edf_rms.py → edf-rms.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/index.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

interface ReferenceChannel {
  label: string;
  rms: number;
  samples: number;
}
const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/edf-rms.json'), 'utf8')) as Record<
  string,
  ReferenceChannel[]
>;

const FILES: Record<string, string[]> = {
  'chb05_06_first2s.edf': ['eeg', 'chbmit', 'chb05_06_first2s.edf'],
  'sleep_edf_SC4001E0_first5min_short_psg.edf': ['eeg', 'sleep_edf_SC4001E0_first5min_short_psg.edf'],
  'siena_PN00-5_first2s.edf': ['eeg', 'siena_PN00-5_first2s.edf'],
  'nihonkohden_clinical_chtypes_5s.edf': ['eeg', 'nihonkohden_clinical_chtypes_5s.edf'],
};

if (!hasSharedData()) console.warn(`rms-real skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('RMS of real EDFs through the engine', () => {
  const tmp = tempDir();
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.open({ projectPath: join(tmp.dir, 'real.cajal'), create: true, maxConcurrent: 1 });
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it.each(Object.keys(FILES))('%s: metadata from the header, RMS equal to numpy', async (name) => {
    const path = dataFile(...FILES[name]!);
    const { imported, errors } = await engine.importRecordings([path]);
    expect(errors).toEqual([]);
    const recording = imported[0]!;
    const expected = reference[name]!;
    expect(recording.metadata.channelCount).toBe(expected.length);

    const run = engine.runner.start('rms', recording.id, {});
    await engine.runner.idle();
    const finished = engine.store.runs.get(run.id)!;
    expect(finished).toMatchObject({ status: 'succeeded', progress: 1, error: null });
    const [result] = engine.store.results.list(run.id);
    const channels = (result!.value as { channels: { label: string; rms: number; samples: number }[] }).channels;
    expect(channels.map((channel) => channel.label)).toEqual(expected.map((channel) => channel.label));
    channels.forEach((channel, index) => {
      const want = expected[index]!;
      expect(channel.samples).toBe(want.samples);
      expect(Math.abs(channel.rms - want.rms)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want.rms)));
    });
    // The per-channel values are also stored as a typed array in the project file.
    expect(result!.array).toEqual({ dtype: 'float64', shape: [expected.length] });
  });

  it('stores the short PSG header as EDFbrowser shows it', async () => {
    const psg = engine.store.recordings.list().find((recording) => recording.sourcePath.endsWith('short_psg.edf'))!;
    expect(psg.format).toBe('edf');
    expect(psg.metadata).toMatchObject({ channelCount: 7, sampleRateHz: 100, durationS: 300, dataRecordCount: 10, dataRecordDurationS: 30 });
    expect(psg.metadata.signals.map((signal) => signal.sampleRateHz)).toEqual([100, 100, 100, 1, 1, 1, 1]);
    expect(psg.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
