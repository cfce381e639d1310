/**
 * The MDS dataset builder (main/pipelines/mds/dataset.ts): a simulated-retina folder through the
 * spikes reader, a flash + reversal stimulus derived from stimulus-change times (synthetic here;
 * the real marmoset parasol folder when ../shared/data is present), trial averages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpikeTrains } from '../../main/io/spikes/index.js';
import { buildMdsDataset, datasetFromSimulation, derivedDataset, trialAverage, trialAverages } from '../../main/pipelines/mds/dataset.js';
import { simulateRetina, writeSimulatedRetina } from '../../main/pipelines/mds/simulate/index.js';
import type { FrameRange, MdsDataset } from '../../main/pipelines/mds/types.js';
import { SKIP_NO_DATA, dataFile, hasSharedData } from '../helpers/data.js';

const root = mkdtempSync(join(tmpdir(), 'cajal-mds-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function expectDisjoint(dataset: MdsDataset): void {
  const mark = new Uint8Array(dataset.nFrames);
  const paint = (ranges: readonly FrameRange[], v: number): void => {
    for (const [a, b] of ranges) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(dataset.nFrames);
      for (let f = a; f < b; f++) {
        expect(mark[f], `frame ${f} in two splits`).toBe(0);
        mark[f] = v;
      }
    }
  };
  paint(dataset.trainRanges, 1);
  paint(dataset.validationRanges, 2);
  paint(dataset.test.trialStarts.map((s) => [s, s + dataset.test.lengthFrames] as const), 3);
}

/** Synthetic flash + reversal blocks: 1 s flash then `reversals` reversals every 0.5 s. */
function reversalTrains(blocks: number, reversals: number): SpikeTrains {
  const changes: number[] = [];
  let t = 2;
  for (let b = 0; b < blocks; b++) {
    changes.push(t);
    t += 1;
    for (let r = 0; r < reversals; r++) {
      changes.push(t);
      t += 0.5;
    }
  }
  changes.push(t);
  // Unit 0 fires 25 ms after each flash onset ("ON"), unit 1 20 ms after each flash end ("OFF").
  const on = changes.filter((_, i) => i % (reversals + 1) === 0 && i < blocks * (reversals + 1)).map((c) => c + 0.025);
  const off = changes.filter((_, i) => i % (reversals + 1) === 1).map((c) => c + 0.025);
  return {
    times: [Float64Array.from(on), Float64Array.from(off)],
    unitIds: ['1', '2'],
    cellTypes: ['ON', 'OFF'],
    events: [{ name: 'stimulus changes', source: 'test', times: Float64Array.from(changes) }],
    startS: 0,
    endS: t + 10,
    warnings: [],
  };
}

describe('MDS dataset', () => {
  it('reads a simulated-retina folder as the simulation in memory', async () => {
    const sim = simulateRetina({ seed: 2, cellsPerType: 2, noiseS: 10, testS: 2, testRepeats: 2, trials: 2 });
    const folder = join(root, 'sim');
    writeSimulatedRetina(folder, sim);
    const dataset = await buildMdsDataset({ path: folder });
    const memory = datasetFromSimulation(sim);
    expect(dataset.shape).toEqual(sim.shape);
    expect(dataset.nNeurons).toBe(16);
    expect(Array.from(dataset.stimulus)).toEqual(Array.from(sim.stimulus));
    expect(Array.from(dataset.responses)).toEqual(Array.from(memory.responses));
    expect(dataset.cellTypes).toEqual(memory.cellTypes);
    expect(dataset.protocols).toEqual(sim.protocols);
    expect(dataset.test.name).toBe('repeated noise');
    expectDisjoint(dataset);
    // The spikes.npy path works as the folder does.
    expect((await buildMdsDataset({ path: join(folder, 'spikes.npy') })).nFrames).toBe(sim.shape.frames);
  });

  it('derives a flash + reversal stimulus from stimulus changes', () => {
    const dataset = derivedDataset(reversalTrains(12, 6), reversalTrains(12, 6).events[0]!.times, 'synthetic', { frameRateHz: 100 });
    expect(dataset.shape).toMatchObject({ height: 1, width: 1, channels: 2, frameRateHz: 100, channelNames: ['flash', 'grating'] });
    expect(dataset.protocols).toHaveLength(1);
    const reversal = dataset.protocols[0]!;
    expect(reversal.name).toBe('reversal');
    expect(reversal.trialStarts).toHaveLength(12);
    expect(reversal.lengthFrames).toBe(400);
    // Flash for 100 frames (1 s), then the grating phase alternating every 50 frames, starting +1.
    const at = reversal.trialStarts[3]!;
    const value = (f: number, ch: number): number => dataset.stimulus[(at + f) * 2 + ch]!;
    expect([value(0, 0), value(99, 0), value(100, 0)]).toEqual([1, 1, 0]);
    expect([value(50, 1), value(100, 1), value(149, 1), value(150, 1), value(200, 1)]).toEqual([0, 1, 1, -1, 1]);
    expectDisjoint(dataset);
    expect(dataset.test.trialStarts.length).toBe(3);
    // Trial averages: unit 0 fires 2 frames after the flash onset, unit 1 2 frames after its end.
    const on = trialAverage(dataset, reversal, 0);
    const off = trialAverage(dataset, reversal, 1);
    expect(on.trials).toBe(12);
    expect(on.binS).toBeCloseTo(0.01);
    expect(on.mean[2]).toBeCloseTo(100);
    expect(off.mean[102]).toBeCloseTo(100);
    expect(on.sd[2]).toBe(0);
    expect(on.stimulus[0]).toBe(1);
    const all = trialAverages(dataset, reversal);
    expect(all[2]).toBeCloseTo(100);
    expect(all[400 + 102]).toBeCloseTo(100);
  });

  it('refuses a recording with neither a stimulus file nor stimulus changes', async () => {
    const trains = { ...reversalTrains(4, 2), events: [] };
    await expect(buildMdsDataset({ path: root, trains })).rejects.toThrow(/stimulus/);
    expect(() => trialAverage(derivedDataset(reversalTrains(12, 6), reversalTrains(12, 6).events[0]!.times, 'x'), { name: 'r', trialStarts: [0], lengthFrames: 5 }, 7)).toThrow(/neuron/);
  });

  it.skipIf(!hasSharedData())(`the marmoset parasol folder: 49 cells, 46 reversal blocks, ON cells fire at the flash onset ${hasSharedData() ? '' : SKIP_NO_DATA}`, async () => {
    const dataset = await buildMdsDataset({ path: dataFile('spikes', 'marmoset_retina_parasol_reversing_gratings') });
    expect(dataset.nNeurons).toBe(49);
    expect(dataset.shape).toMatchObject({ height: 1, width: 1, channels: 2, frameRateHz: 50 });
    expect(dataset.protocols[0]!.trialStarts).toHaveLength(46);
    expect(dataset.protocols[0]!.lengthFrames).toBeGreaterThan(660);
    expect(dataset.test.trialStarts).toHaveLength(8);
    expectDisjoint(dataset);
    expect(dataset.warnings.join(' ')).toMatch(/outside the stimulus changes/);
    const share = (neuron: number): number => {
      const a = trialAverage(dataset, dataset.protocols[0]!, neuron).mean;
      const onset = a.slice(0, 10).reduce((s, v) => s + v, 0);
      const end = a.slice(50, 60).reduce((s, v) => s + v, 0);
      return onset / (onset + end);
    };
    const on = dataset.cellTypes.map((t, i) => (t!.startsWith('On') ? share(i) : NaN)).filter((v) => !Number.isNaN(v));
    const off = dataset.cellTypes.map((t, i) => (t!.startsWith('Off') ? share(i) : NaN)).filter((v) => !Number.isNaN(v));
    expect(on).toHaveLength(18);
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean(on)).toBeGreaterThan(mean(off) + 0.2);
  });
});
