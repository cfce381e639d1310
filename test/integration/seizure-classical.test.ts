/**
 * The classical detector on real seizure EEG (Ombao: 8 channels at 100 Hz, pre-seizure first half,
 * seizure second half; reference event from the EDF+ annotations) and on a 40-minute synthetic
 * 19-channel recording with two embedded seizures. Onsets and offsets are checked against the
 * SzCORE tolerances (30 s before, 60 s after); latencies are printed for the README.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { EdfReader } from '../../main/io/edf/index.js';
import { detectClassical, ClassicalDetectionParams } from '../../main/pipelines/seizure/index.js';
import { selectInputChannels } from '../../main/pipelines/seizure/input.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { initProjectWith } from '../helpers/cli.js';

if (!hasSharedData()) console.warn(`seizure-classical: real-data tests skipped: ${SKIP_NO_DATA}`);
import { writeSeizureEdf } from '../helpers/seizure-edf.js';
import { tempDir } from '../helpers/tmp.js';

const defaults = ClassicalDetectionParams.parse({});

describe('classical seizure detector', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it.skipIf(!hasSharedData())('detects the seizure of the real Ombao recording within SzCORE tolerance', () => {
    const file = dataFile('eeg', 'derived', 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf');
    const reader = EdfReader.open(file);
    const reference = reader.annotations().find((a) => a.text.startsWith('seizure'))!;
    reader.close();
    const { events, probabilities, electrodes, missing } = detectClassical(file, defaults);
    expect(electrodes).toEqual(['C3', 'C4', 'Cz', 'P3', 'P4', 'T7', 'T8', 'P7']);
    expect(missing).toHaveLength(11);
    expect(probabilities).toHaveLength(326);
    expect(events).toHaveLength(1);
    const [event] = events;
    const latencyS = event!.onsetS - reference.onsetS;
    console.log(`Ombao: reference ${reference.onsetS}–${reference.onsetS + reference.durationS} s, detected ${event!.onsetS}–${event!.onsetS + event!.durationS} s, onset latency ${latencyS.toFixed(1)} s`);
    expect(latencyS).toBeGreaterThan(-30);
    expect(latencyS).toBeLessThan(60);
    // No detection in the pre-seizure half.
    expect(Math.max(...probabilities.slice(0, 150))).toBeLessThan(defaults.onThreshold);
  });

  it.skipIf(!hasSharedData())('refuses the SzCORE standard input when channels are missing, naming them', () => {
    const file = dataFile('eeg', 'derived', 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf');
    const reader = EdfReader.open(file);
    expect(() => selectInputChannels(reader, { requireAll: true })).toThrow(/lacks 11 of the 19 SzCORE 10-20 channels: Fp1, F3, O1, F7, Fz, Pz, Fp2, F4, O2, F8, P8/);
    reader.close();
  });

  it('finds both seizures of a 40-minute synthetic recording and nothing else', () => {
    const file = join(tmp.dir, 'synthetic.edf');
    const seizures = [
      { onsetS: 600, durationS: 60 },
      { onsetS: 1800, durationS: 90 },
    ];
    writeSeizureEdf(file, 2400, seizures);
    const { events, electrodes } = detectClassical(file, { ...defaults, requireAllChannels: true });
    expect(electrodes).toHaveLength(19);
    expect(events).toHaveLength(2);
    events.forEach((event, i) => {
      const latencyS = event.onsetS - seizures[i]!.onsetS;
      console.log(`synthetic seizure ${i + 1}: onset latency ${latencyS} s, duration ${event.durationS} s (true ${seizures[i]!.durationS} s), channels ${event.channels.join(' ')}`);
      expect(Math.abs(latencyS)).toBeLessThan(30);
      expect(event.onsetS + event.durationS).toBeLessThan(seizures[i]!.onsetS + seizures[i]!.durationS + 60);
    });
  });

  it.skipIf(!hasSharedData())('cajal seizure detect writes an SzCORE TSV that cajal seizure score reads back', async () => {
    const project = join(tmp.dir, 'cli.cajal');
    const { io, lines } = await initProjectWith(project, [dataFile('eeg', 'derived', 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf')]);
    const hypothesis = join(tmp.dir, 'hyp.tsv');
    expect(await runCli(['seizure', 'detect', project, '1', '--detector', 'classical', '--out', hypothesis], io)).toBe(0);
    const reference = join(tmp.dir, 'ref.tsv');
    writeFileSync(reference, 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n163.39\t162.61\tsz\tn/a\tn/a\tn/a\t326.00\n');
    lines.length = 0;
    expect(await runCli(['seizure', 'score', reference, hypothesis], io)).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/^F1\s+1\.0000\s+0\.94\d\d$/m);
    expect(text).toMatch(/^TP \/ FP \/ ref\s+1 \/ 0 \/ 1/m);
  });
});
