/**
 * The spike readers (issue #20) on the real files of ../shared/data (the retina folder, the
 * pynapple NWB units file, the nitime grasshopper texts), checked against numpy where numpy can
 * read the file, and on fixtures built in code for every format: what each reads, and that bad
 * input is refused naming the file and what is wrong (NaN → error, unsorted → sorted with a
 * warning, an index past the data → error).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { inspectRecording } from '../../main/io/recording.js';
import { detectSpikes, readSpikes, spikeCount } from '../../main/io/spikes/index.js';
import { detectTimeUnit } from '../../main/io/spikes/text.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { asyncFormatErrorOf } from '../helpers/format-error.js';
import { writeFloatNpy, writeKilosort, writeNwbUnits, writeObjectNpy } from '../helpers/spikes.js';
import { tempDir } from '../helpers/tmp.js';

const RETINA = dataFile('spikes', 'marmoset_retina_parasol_reversing_gratings');
const NWB = dataFile('spikes', 'pynapple_A8604-211122_units.nwb');
const HOPPER1 = dataFile('spikes', 'nitime_grasshopper_spike_times1_us.txt');
const HOPPER2 = dataFile('spikes', 'nitime_grasshopper_spike_times2_us.txt');

const tmp = tempDir('cajal-spikes-io-');
afterAll(() => tmp.cleanup());
let fixtures = 0;
const fresh = (name: string): string => {
  const dir = join(tmp.dir, `f${fixtures++}`);
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
};

/** numpy's own reading of the retina spikes, or null without numpy. */
function numpyRetina(): { counts: number[]; first: number[]; last: number[]; stim: number[] } | null {
  const script = [
    'import json, numpy as np',
    `a = np.load(${JSON.stringify(join(RETINA, 'spikes.npy'))}, allow_pickle=True)`,
    `s = np.load(${JSON.stringify(join(RETINA, 'stimchanges.npy'))})`,
    'print(json.dumps({"counts": [int(len(x)) for x in a], "first": [float(np.min(x)) for x in a], "last": [float(np.max(x)) for x in a], "stim": [int(len(s)), float(s.min()), float(s.max())]}))',
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
  return run.status === 0 ? JSON.parse(run.stdout) : null;
}

describe.skipIf(!hasSharedData())(`the real spike files (${SKIP_NO_DATA.split(' (')[0]} when absent)`, () => {
  it('retina folder: 49 units, 318,895 spikes over 0.003–864.8 s, 1197 stimulus changes, 31 OFF / 18 ON parasol', async () => {
    expect(await detectSpikes(RETINA)).toBe('npy-spike-trains');
    const trains = await readSpikes(RETINA);
    expect(trains.format).toBe('npy-spike-trains');
    expect(trains.times).toHaveLength(49);
    expect(spikeCount(trains)).toBe(318_895);
    expect(trains.startS).toBeCloseTo(0.00264, 5);
    expect(trains.endS).toBeCloseTo(864.79764, 5);
    expect(trains.events).toHaveLength(1);
    expect(trains.events[0]!.name).toBe('stimulus changes');
    expect(trains.events[0]!.times).toHaveLength(1197);
    expect(trains.cellTypes.filter((t) => t === 'Off parasol')).toHaveLength(31);
    expect(trains.cellTypes.filter((t) => t === 'On parasol')).toHaveLength(18);
    // Rows are matched in sorted cluster-id order: the first and last ids of the table.
    expect(trains.unitIds.slice(0, 2)).toEqual(['1479', '1493']);
    expect(trains.unitIds[48]).toBe('3953');
    expect(trains.times[0]).toHaveLength(2237);
    expect(trains.warnings).toEqual([]);
    // spikes.npy itself reads with the same parts beside it.
    const viaFile = await readSpikes(join(RETINA, 'spikes.npy'));
    expect(spikeCount(viaFile)).toBe(318_895);
    expect(viaFile.cellTypes).toEqual(trains.cellTypes);
  });

  it('retina folder: every unit as numpy reads it (count, first, last spike) and the stimulus times', async (context) => {
    const reference = numpyRetina();
    if (!reference) return context.skip('numpy is not available to /usr/bin/python3');
    const trains = await readSpikes(RETINA);
    expect(trains.times.map((t) => t.length)).toEqual(reference.counts);
    trains.times.forEach((t, u) => {
      expect(t[0]).toBe(reference.first[u]);
      expect(t[t.length - 1]).toBe(reference.last[u]);
    });
    const stim = trains.events[0]!.times;
    expect([stim.length, stim[0], stim[stim.length - 1]]).toEqual(reference.stim);
  });

  it('retina folder imports as ONE recording of 49 units with its stimulus times and cell types', async () => {
    const inspected = await inspectRecording(RETINA);
    expect(inspected.format).toBe('npy-spike-trains');
    expect(inspected.metadata.modality).toBe('spikes');
    expect(inspected.metadata.channelCount).toBe(49);
    const spikes = inspected.metadata.spikes!;
    expect(spikes.unitCount).toBe(49);
    expect(spikes.spikeCount).toBe(318_895);
    expect(spikes.eventSets).toEqual([{ name: 'stimulus changes', count: 1197, source: 'stimchanges.npy' }]);
    expect(spikes.units[0]).toEqual({ id: '1479', cellType: 'Off parasol', spikeCount: 2237 });
    expect(inspected.metadata.durationS).toBeCloseTo(864.795, 3);
    expect(inspected.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('NWB units: 3 units (ids 6, 191, 206) with 11020/4690/5644 spikes; epoch "wake" 0–1087.53 s', async () => {
    expect(await detectSpikes(NWB)).toBe('nwb-units');
    const trains = await readSpikes(NWB);
    expect(trains.unitIds).toEqual(['6', '191', '206']);
    expect(trains.times.map((t) => t.length)).toEqual([11020, 4690, 5644]);
    expect(trains.cellTypes).toEqual([null, null, null]); // its "location" column is blank
    expect(trains.events.map((e) => e.name)).toEqual(['wake']);
    expect(trains.events[0]!.times[0]).toBe(0);
    expect(trains.events[0]!.stopTimes![0]).toBeCloseTo(1087.5289, 4);
    expect(trains.startS).toBe(0);
    expect(trains.endS).toBeCloseTo(1087.5289, 4);
    expect(trains.times[0]![0]).toBeCloseTo(0.0303, 3);
    const inspected = await inspectRecording(NWB);
    expect([inspected.format, inspected.metadata.modality]).toEqual(['nwb-units', 'spikes']);
  });

  it('grasshopper text: 929 and 868 spikes in µs (said by the file name), with stimulus 1 beside the first', async () => {
    const one = await readSpikes(HOPPER1);
    const two = await readSpikes(HOPPER2);
    expect(one.format).toBe('spike-times-text');
    expect(spikeCount(one)).toBe(929);
    expect(spikeCount(two)).toBe(868);
    expect(one.times[0]![0]).toBe(0.0067);
    expect(one.endS).toBeCloseTo(9.9993, 6);
    expect(one.warnings).toEqual(['times read in µs (from "_us" in the file name)']);
    expect(one.stimuli).toHaveLength(1);
    expect(one.stimuli![0]!.values).toHaveLength(200_000);
    expect(one.stimuli![0]!.rateHz).toBeCloseTo(20_000, 3);
    expect(two.stimuli).toEqual([]);
    // The stimulus is not a spike file, and the cell table alone is not a recording.
    expect(await detectSpikes(dataFile('spikes', 'nitime_grasshopper_stimulus1.txt'))).toBeNull();
    expect(await detectSpikes(join(RETINA, 'cell_classification.txt'))).toBeNull();
    expect(await detectSpikes(join(RETINA, 'stimchanges.npy'))).toBeNull();
  });
});

describe.skipIf(!hasSharedData())('cajal info and cajal import on spike recordings', () => {
  async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  }

  it('info on the retina folder: units, spikes per unit, span and the stimulus changes; --json gives the same as one document', async () => {
    const text = await cli('info', RETINA);
    expect(text.code).toBe(0);
    expect(text.out.join('\n')).toMatch(/units +49\nspikes +318895\nspan +0\.0026 s … 864\.7976 s/);
    expect(text.out.join('\n')).toMatch(/events +"stimulus changes": 1197 times from stimchanges\.npy/);
    expect(text.out.join('\n')).toMatch(/^1 +1479 +Off parasol +2237 /m);
    const json = await cli('info', NWB, '--json');
    const doc = JSON.parse(json.out.join('\n')) as { unitCount: number; units: { id: string; spikeCount: number }[]; eventSets: { name: string; intervals: number[][] }[] };
    expect(doc.unitCount).toBe(3);
    expect(doc.units.map((u) => [u.id, u.spikeCount])).toEqual([['6', 11020], ['191', 4690], ['206', 5644]]);
    expect(doc.eventSets[0]!.name).toBe('wake');
    expect(doc.eventSets[0]!.intervals[0]![1]).toBeCloseTo(1087.5289, 4);
  });

  it('import makes ONE recording of the retina folder (49 units), listed as a spike train', async () => {
    const project = join(tmp.dir, 'spikes.cajal');
    expect((await cli('init', project)).code).toBe(0);
    const imported = await cli('import', project, RETINA);
    expect(imported.code).toBe(0);
    expect(imported.out).toHaveLength(1);
    expect(imported.out[0]).toMatch(/imported #1 .*marmoset_retina_parasol_reversing_gratings \(NPY-SPIKE-TRAINS, 49 units, 318,895 spikes/);
    const ls = await cli('ls', project, '--json');
    const { recordings } = JSON.parse(ls.out.join('\n')) as { recordings: { metadata: { modality: string; spikes: { unitCount: number; eventSets: unknown[] } } }[] };
    expect(recordings).toHaveLength(1);
    expect(recordings[0]!.metadata.modality).toBe('spikes');
    expect(recordings[0]!.metadata.spikes.unitCount).toBe(49);
    expect(recordings[0]!.metadata.spikes.eventSets).toEqual([{ name: 'stimulus changes', count: 1197, source: 'stimchanges.npy' }]);
  });
});

describe('NumPy object arrays of spike trains (fixtures)', () => {
  it('reads each cell as a vector (array or list), sorts unsorted trains with a warning, and numbers the cells from 1', async () => {
    const file = writeObjectNpy(fresh('trains.npy'), [Float64Array.of(0.5, 1, 2.25), [3, 1, 2], Float64Array.of()]);
    expect(await detectSpikes(file)).toBe('npy-spike-trains');
    const trains = await readSpikes(file);
    expect(trains.times.map((t) => Array.from(t))).toEqual([[0.5, 1, 2.25], [1, 2, 3], []]);
    expect(trains.unitIds).toEqual(['1', '2', '3']);
    expect(trains.warnings).toEqual(['1 unit had spike times out of order (2); sorted', '1 unit has no spikes (3)']);
    expect([trains.startS, trains.endS]).toEqual([0.5, 3]);
  });

  it('refuses a NaN spike time naming the file and unit, and an item that is not a vector', async () => {
    const nan = writeObjectNpy(fresh('spikes.npy'), [Float64Array.of(0.1, NaN)]);
    const error = await asyncFormatErrorOf(readSpikes(nan));
    expect(error.file).toBe(nan);
    expect(error.message).toMatch(/unit 1: time 1 is NaN; spike and event times must be finite/);
    const none = writeObjectNpy(fresh('spikes.npy'), [Float64Array.of(0.1), 'none']);
    expect(await detectSpikes(none)).toBeNull();
    expect((await asyncFormatErrorOf(readSpikes(none))).message).toMatch(/not spike trains Cajal reads/);
  });

  it('the folder form: stimchanges.npy as "stimulus changes", a cell table in the folder or above, checked', async () => {
    const parent = join(tmp.dir, `f${fixtures++}`);
    const folder = join(parent, 'run');
    mkdirSync(folder, { recursive: true });
    writeObjectNpy(join(folder, 'spikes.npy'), [Float64Array.of(1, 2), Float64Array.of(3), Float64Array.of(4)]);
    writeFloatNpy(join(folder, 'stimchanges.npy'), Float64Array.of(0.5, 1.5, 2.5));
    // Rows out of id order are matched in sorted id order, with a warning.
    writeFileSync(join(parent, 'cell_classification.txt'), '# Cluster_id\tCell type\n30\tOn parasol\n10\tOff parasol\n20\tOff midget\n');
    const trains = await readSpikes(folder);
    expect(trains.unitIds).toEqual(['10', '20', '30']);
    expect(trains.cellTypes).toEqual(['Off parasol', 'Off midget', 'On parasol']);
    expect(trains.events).toEqual([{ name: 'stimulus changes', source: 'stimchanges.npy', times: Float64Array.of(0.5, 1.5, 2.5) }]);
    expect(trains.warnings.join('\n')).toMatch(/rows are not in cluster-id order/);
    // A table with another number of rows is not used (warning); a duplicate id is an error.
    writeFileSync(join(folder, 'cell_classification.txt'), '1 a\n2 b\n');
    expect((await readSpikes(folder)).warnings.join('\n')).toMatch(/2 cell-type rows for 3 spike trains; cell types not used/);
    writeFileSync(join(folder, 'cell_classification.txt'), '1 a\n2 b\n1 c\n');
    const duplicate = await asyncFormatErrorOf(readSpikes(folder));
    expect(duplicate.message).toMatch(/cell_classification.txt: field "line 3": cluster id 1 appears twice/);
    writeFileSync(join(folder, 'cell_classification.txt'), '1 a\n2 b\n3 c\n');
    writeFloatNpy(join(folder, 'stimchanges.npy'), Float64Array.of(0.5, Infinity));
    const inf = await asyncFormatErrorOf(readSpikes(folder));
    expect(inf.file).toBe(join(folder, 'stimchanges.npy'));
    expect(inf.message).toMatch(/stimulus times: time 1 is Infinity/);
  });
});

describe('Kilosort/Phy folders (fixtures)', () => {
  it('turns samples into seconds with params.py, groups spikes by cluster (sorted ids), labels from cluster_group.tsv', async () => {
    const folder = writeKilosort(join(tmp.dir, `ks${fixtures++}`), { sampleRateHz: 20000, samples: [20, 40000, 60, 100], clusters: [5, 2, 5, 7], groups: { 2: 'good', 5: 'mua', 7: 'noise' } });
    expect(await detectSpikes(folder)).toBe('kilosort');
    const trains = await readSpikes(folder);
    expect(trains.unitIds).toEqual(['2', '5', '7']);
    expect(trains.times.map((t) => Array.from(t))).toEqual([[2], [0.001, 0.003], [0.005]]);
    expect(trains.cellTypes).toEqual(['good', 'mua', 'noise']);
    expect(trains.description).toMatch(/4 spikes at 20000 Hz, 3 clusters/);
    const inspected = await inspectRecording(folder);
    expect([inspected.format, inspected.metadata.spikes!.unitCount]).toEqual(['kilosort', 3]);
  });

  it("falls back to Kilosort's KSLabel, and refuses a folder without params.py or with mismatched lengths", async () => {
    const labelled = writeKilosort(join(tmp.dir, `ks${fixtures++}`), { samples: [30, 60], clusters: [1, 1], ksLabels: { 1: 'good' } });
    expect((await readSpikes(labelled)).cellTypes).toEqual(['good']);
    const noParams = writeKilosort(join(tmp.dir, `ks${fixtures++}`), { sampleRateHz: null, samples: [30], clusters: [1] });
    const error = await asyncFormatErrorOf(readSpikes(noParams));
    expect(error.message).toMatch(/field "params.py": no params.py: the sample rate \(sample_rate\) is needed/);
    const mismatch = writeKilosort(join(tmp.dir, `ks${fixtures++}`), { samples: [30, 60, 90], clusters: [1, 2] });
    expect((await asyncFormatErrorOf(readSpikes(mismatch))).message).toMatch(/spike_clusters.npy: field "shape": 2 cluster ids for the 3 spikes/);
  });
});

describe('NWB units tables (fixtures)', () => {
  it('reads ragged spike_times by spike_times_index, ids, a cell_type column and tagged epochs', async () => {
    const file = await writeNwbUnits(fresh('units.nwb'), { ids: [4, 9], times: [[0.1, 0.2], [0.3]], cellTypes: ['pyramidal', ''], epochs: [{ start: 0, stop: 5, tag: 'run' }, { start: 6, stop: 8, tag: 'sleep' }] });
    const trains = await readSpikes(file);
    expect(trains.unitIds).toEqual(['4', '9']);
    expect(trains.times.map((t) => Array.from(t))).toEqual([[0.1, 0.2], [0.3]]);
    expect(trains.cellTypes).toEqual(['pyramidal', null]);
    expect(trains.events.map((e) => [e.name, Array.from(e.times), Array.from(e.stopTimes!)])).toEqual([['run', [0], [5]], ['sleep', [6], [8]]]);
    expect([trains.startS, trains.endS]).toEqual([0, 8]);
  });

  it('refuses an index past the data or going backwards, naming spike_times_index', async () => {
    const past = await writeNwbUnits(fresh('units.nwb'), { ids: [1, 2], times: [[0.1], [0.2]], index: [1, 5] });
    const error = await asyncFormatErrorOf(readSpikes(past));
    expect(error.field).toBe('units/spike_times_index');
    expect(error.message).toMatch(/row 1 ends at 5, past the 2 values of the data; the index is out of range/);
    const back = await writeNwbUnits(fresh('units.nwb'), { ids: [1, 2], times: [[0.1], [0.2]], index: [2, 1] });
    expect((await asyncFormatErrorOf(readSpikes(back))).message).toMatch(/row 1 ends at 1, before the previous row's end 2/);
    const nan = await writeNwbUnits(fresh('units.nwb'), { ids: [1], times: [[0.1, NaN]] });
    expect((await asyncFormatErrorOf(readSpikes(nan))).message).toMatch(/field "units\/spike_times": unit 1: time 1 is NaN/);
  });
});

describe('text spike times (fixtures)', () => {
  it('takes the unit from the file name, else from a comment about the spike times, else seconds (always saying which)', () => {
    expect(detectTimeUnit('/x/cell_times_ms.txt', []).name).toBe('ms');
    expect(detectTimeUnit('/x/cell.txt', ['stimulus length (msec): 1000', 'spike times (us)']).name).toBe('µs');
    expect(detectTimeUnit('/x/cell.txt', ['duration (msec): 1000']).why).toMatch(/seconds assumed/);
  });

  it('reads one column as one unit and "id time" rows as several; a bad line is an error naming it', async () => {
    const one = fresh('cell_ms.txt');
    writeFileSync(one, '# spike times of cell 3\n10\n20\n5\n');
    const trains = await readSpikes(one);
    expect(Array.from(trains.times[0]!)).toEqual([0.005, 0.01, 0.02]);
    expect(trains.warnings).toEqual(['times read in ms (from "_ms" in the file name)', '1 unit had spike times out of order (1); sorted']);
    const many = fresh('sorted.txt');
    writeFileSync(many, '# spike times (s)\n3 0.5\n1 0.25\n3 0.75\n1 1.5\n');
    expect(await detectSpikes(many)).toBe('spike-times-text');
    const units = await readSpikes(many);
    expect(units.unitIds).toEqual(['1', '3']);
    expect(units.times.map((t) => Array.from(t))).toEqual([[0.25, 1.5], [0.5, 0.75]]);
    const bad = fresh('bad_s.txt');
    writeFileSync(bad, `${Array.from({ length: 30 }, (_, i) => i / 10).join('\n')}\nabc\n`);
    const error = await asyncFormatErrorOf(readSpikes(bad));
    expect(error.message).toMatch(/field "line 31": line 31 "abc" is not 1 to 2 numbers/);
    const nan = fresh('nan_s.txt');
    writeFileSync(nan, `${Array.from({ length: 30 }, (_, i) => i / 10).join('\n')}\nNaN\n`);
    expect((await asyncFormatErrorOf(readSpikes(nan))).message).toMatch(/field "line 31": line 31: NaN is not a finite time/);
  });
});
