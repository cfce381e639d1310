/**
 * The spikes domain (issue #20): binning, raster windows, PSTHs, ISI histograms and correlograms on
 * trains built in code with answers worked out by hand or by brute force, and the view over a
 * project (summaries from the stored metadata, the size-bounded cache, errors for bad requests).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spikesCalls } from '../../shared/api/index.js';
import { binCount, correlogram, correlogramPairs, isi, psth, raster } from '../../main/domains/spikes/compute.js';
import { spikesHandlers } from '../../main/domains/spikes/handlers.js';
import { SpikesView } from '../../main/domains/spikes/view.js';
import { inspectSpikes } from '../../main/io/spikes/inspect.js';
import { binSpikes, lowerBound } from '../../main/pipelines/spikes/bin.js';
import { Store } from '../../main/store/index.js';
import { dataFile, hasSharedData } from '../helpers/data.js';
import { writeFloatNpy, writeObjectNpy } from '../helpers/spikes.js';
import { tempDir } from '../helpers/tmp.js';
import { mkdirSync } from 'node:fs';
import { seededRandom } from '../../shared/random.js';

const f64 = (...values: number[]): Float64Array => Float64Array.from(values);

describe('binSpikes', () => {
  it('counts spikes per unit in half-open bins [start + b·dt, start + (b+1)·dt), leaving out spikes at or past the end', () => {
    const binned = binSpikes({ times: [f64(0, 0.05, 0.1, 0.25, 0.3), f64(0.29, 0.31)] }, 0.1, 0, 0.3);
    expect(binned.bins).toBe(3);
    expect(binned.counts).toBeInstanceOf(Uint16Array);
    expect(Array.from(binned.counts)).toEqual([2, 1, 1, 0, 0, 1]);
  });

  it('takes 600 s / 0.01 s as 60000 bins (not 60001 from rounding), and widens to Float32 past 65535 spikes a bin', () => {
    expect(binSpikes({ times: [f64(1)] }, 0.01, 0, 600).bins).toBe(60_000);
    const dense = new Float64Array(70_000).fill(0.5);
    const wide = binSpikes({ times: [dense] }, 1, 0, 1);
    expect(wide.counts).toBeInstanceOf(Float32Array);
    expect(wide.counts[0]).toBe(70_000);
  });

  it('refuses a bin width or window that is not one', () => {
    expect(() => binSpikes({ times: [] }, 0, 0, 1)).toThrow(/bin width 0 s/);
    expect(() => binSpikes({ times: [] }, 0.1, 1, 1)).toThrow(/window 1…1 s is empty/);
  });
});

describe('raster windows', () => {
  const trains = { times: [f64(0.5, 1.5, 2.5, 3.5), f64(1, 2, 3), f64()] };

  it('returns every spike in [start, end) as (row, time after start) within the budget, rows in the order asked', () => {
    const r = raster(trains, [1, 0], 1, 3, 4, 100);
    expect(r.mode).toBe('spikes');
    expect(Array.from(r.spikeRow)).toEqual([0, 0, 1, 1]);
    expect(Array.from(r.spikeTime)).toEqual([0, 1, 0.5, 1.5]);
    expect(r.totalSpikes).toBe(4);
  });

  it('past the budget, counts spikes per unit per column', () => {
    const r = raster(trains, [0, 1, 2], 0, 4, 4, 3);
    expect(r.mode).toBe('counts');
    expect(r.spikeRow).toHaveLength(0);
    expect(Array.from(r.counts)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0]);
    expect(r.totalSpikes).toBe(7);
  });
});

describe('PSTH', () => {
  it('averages spikes per bin over the events whose window is inside the recording, in spikes per second', () => {
    // Events at 10 and 20 (and 0.05, whose window starts before the recording: left out).
    const events = f64(0.05, 10, 20);
    const unit = f64(9.95, 10.01, 10.02, 10.15, 20.05, 20.5);
    const result = psth({ times: [unit] }, events, [0], 0.1, 0.2, 0.1, 0, { startS: 0, endS: 30 }, { maxTrials: 10, maxRasterSpikes: 100 });
    expect(result.eventCount).toBe(2);
    expect(result.bins).toBe(3);
    // Bins [-0.1, 0), [0, 0.1), [0.1, 0.2): counts 1, 3, 1 over 2 events of 0.1 s.
    expect(Array.from(result.rateHz).map((v) => Math.round(v * 1000) / 1000)).toEqual([5, 15, 5]);
    expect(Array.from(result.rasterTrial)).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(result.rasterTime).map((v) => Math.round(v * 1000) / 1000)).toEqual([-0.05, 0.01, 0.02, 0.15, 0.05]);
  });
});

describe('ISI histogram', () => {
  it('bins intervals [k·bin, (k+1)·bin) up to max, and counts the fraction under the refractory period', () => {
    // Intervals 2^-10 s, 0.25 s, 0.5 s and 4.25 s (exact in binary, so no edge falls by rounding).
    const result = isi(f64(0, 0.0009765625, 0.2509765625, 0.7509765625, 5), 0.25, 1.25, 0.002);
    expect(result.intervalCount).toBe(4);
    expect(Array.from(result.counts)).toEqual([1, 1, 1, 0, 0]); // 4.25 s is past max
    expect(result.refractoryViolations).toBe(0.25);
    expect(isi(f64(1), 0.01, 0.05, 0.002).refractoryViolations).toBe(0);
  });
});

describe('correlograms', () => {
  /** Every pair by brute force. */
  function brute(a: Float64Array, b: Float64Array, binS: number, windowS: number, same: boolean): number[] {
    const bins = binCount(2 * windowS, binS);
    const counts = new Array<number>(bins).fill(0);
    a.forEach((ta, i) =>
      b.forEach((tb, j) => {
        const lag = tb - ta;
        if (same && i === j) return;
        if (lag >= -windowS && lag < windowS) counts[Math.min(bins - 1, Math.max(0, Math.floor((lag + windowS) / binS)))]!++;
      }),
    );
    return counts;
  }

  it('a cross-correlogram of b around a, and an auto-correlogram without the zero-lag self pairs, equal brute force', () => {
    const random = seededRandom(7);
    const train = (n: number) => Float64Array.from({ length: n }, () => random() * 20).sort();
    const a = train(400);
    const b = train(300);
    expect(Array.from(correlogram(a, b, 0.005, 0.1, false))).toEqual(brute(a, b, 0.005, 0.1, false));
    expect(Array.from(correlogram(a, a, 0.005, 0.1, true))).toEqual(brute(a, a, 0.005, 0.1, true));
    expect(correlogramPairs(a, b, 0.1)).toBe(brute(a, b, 0.005, 0.1, false).reduce((s, v) => s + v, 0));
  });

  it('puts b 2.5 ms after every a spike in the bin of +2…3 ms', () => {
    const a = f64(1, 2, 3);
    const counts = correlogram(a, f64(1.0025, 2.0025, 3.0025), 0.001, 0.01, false);
    expect(counts).toHaveLength(20);
    expect(counts[12]).toBe(3); // [−0.01 + 12·0.001, …) = [0.002, 0.003)
    expect(counts.reduce((s, v) => s + v, 0)).toBe(3);
  });

  it('lowerBound finds the first time at or after t', () => {
    expect(lowerBound(f64(1, 2, 2, 3), 2)).toBe(1);
    expect(lowerBound(f64(1, 2, 2, 3), 4)).toBe(4);
  });
});

describe('the Spikes view over a project', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    tmp = tempDir('cajal-spikes-view-');
    store = Store.open(join(tmp.dir, 'p.cajal'));
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  async function importFixture(name: string, trains: Float64Array[], stimulus?: Float64Array): Promise<number> {
    const folder = join(tmp.dir, name);
    mkdirSync(folder, { recursive: true });
    writeObjectNpy(join(folder, 'spikes.npy'), trains);
    if (stimulus) writeFloatNpy(join(folder, 'stimchanges.npy'), stimulus);
    return store.recordings.add(await inspectSpikes(folder)).recording.id;
  }

  it('lists and summarises spike recordings from what the import stored, and answers every call through the handlers', async () => {
    const id = await importFixture('rec', [f64(1, 2, 3, 4), f64(2.5, 9)], f64(2, 5));
    const view = new SpikesView(store);
    const handlers = spikesHandlers(view);
    const [summary] = await handlers['spikes.list']({});
    expect(summary).toMatchObject({ recordingId: id, name: 'rec', format: 'npy-spike-trains', unitCount: 2, spikeCount: 6, startS: 1, endS: 9 });
    expect(summary!.units[0]).toEqual({ index: 0, id: '1', cellType: null, spikeCount: 4, rateHz: 0.5 });
    expect(summary!.eventSets).toEqual([{ name: 'stimulus changes', count: 2, source: 'stimchanges.npy' }]);
    const call = <N extends keyof typeof spikesCalls>(name: N, params: unknown) => handlers[name](spikesCalls[name].params.parse(params) as never);
    const r = await call('spikes.raster', { recordingId: id, units: [0, 1], startS: 0, endS: 10, columns: 10 });
    expect(spikesCalls['spikes.raster'].result.parse(r)).toMatchObject({ mode: 'spikes', totalSpikes: 6 });
    const p = await call('spikes.psth', { recordingId: id, eventSet: 'stimulus changes', units: [0], preS: 0.5, postS: 1, binS: 0.5, rasterUnit: 0 });
    expect(spikesCalls['spikes.psth'].result.parse(p)).toMatchObject({ eventCount: 2 });
    const i = await call('spikes.isi', { recordingId: id, unit: 0, binS: 0.5, maxS: 2 });
    expect(Array.from(spikesCalls['spikes.isi'].result.parse(i).counts)).toEqual([0, 0, 3, 0]);
    const c = await call('spikes.correlogram', { recordingId: id, unitA: 0, unitB: 1, binS: 1, windowS: 2 });
    expect(spikesCalls['spikes.correlogram'].result.parse(c).counts).toHaveLength(4);
  });

  it('refuses units past the recording, unknown event sets and recordings of another kind, naming the field', async () => {
    const id = await importFixture('rec', [f64(1, 2)]);
    const view = new SpikesView(store);
    await expect(view.raster(id, [3], 0, 1, 10)).rejects.toThrow(/units: unit 3 is past the 1 units of rec/);
    await expect(view.psth(id, 'trials', [0], 0, 1, 0.1)).rejects.toThrow(/eventSet: recording \d+ has no event set "trials" \(it has none\)/);
    await expect(view.raster(999, [0], 0, 1, 10)).rejects.toThrow(/recording 999 not found/);
  });

  it('keeps read trains in a cache bounded by size: the least recently used recording goes first', async () => {
    const a = await importFixture('a', [new Float64Array(1000).map((_, i) => i)]);
    const b = await importFixture('b', [new Float64Array(1000).map((_, i) => i)]);
    const view = new SpikesView(store, 10_000); // room for one recording of 1000 spikes
    await view.trains(a);
    expect(view.cachedRecordings).toBe(1);
    await view.trains(b);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(view.cachedRecordings).toBe(1);
  });

  it.skipIf(!hasSharedData())('the retina recording: PSTH around the 1197 reversals, and a raster of all 49 units over 864 s in counts', async () => {
    const id = store.recordings.add(await inspectSpikes(dataFile('spikes', 'marmoset_retina_parasol_reversing_gratings'))).recording.id;
    const view = new SpikesView(store);
    const units = Array.from({ length: 49 }, (_, u) => u);
    const full = await view.raster(id, units, 0, 865, 1000, 200_000);
    expect(full.mode).toBe('counts');
    expect(full.totalSpikes).toBe(318_895);
    expect(full.counts.reduce((s, v) => s + v, 0)).toBe(318_895);
    const p = await view.psth(id, 'stimulus changes', units, 0.5, 1, 0.01, 0);
    expect(p.eventCount).toBe(1197);
    expect(p.rateHz).toHaveLength(49 * 150);
  });
});
