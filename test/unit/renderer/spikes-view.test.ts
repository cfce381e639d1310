/**
 * The Spikes view's arithmetic without a browser or an engine: unit orders (type, rate, id), cell-type
 * colours (ON/OFF convention, stable palette), the raster's time window (zoom about a point, pan,
 * clamping), row heights and the spikes-or-counts budget, density ceilings, PSTH defaults for dense
 * and sparse event sets, per-row normalisation and per-type means, and the ISI histogram re-binned
 * linearly and on log-spaced bins from one fine answer.
 */
import { describe, expect, it } from 'vitest';
import { typeColors, UNTYPED_COLOR } from '../../../renderer/src/spikes/colors.js';
import { conditionalRateHz, linearHistogram, logHistogram } from '../../../renderer/src/spikes/isi.js';
import { defaultOrder, orderUnits } from '../../../renderer/src/spikes/order.js';
import { defaultPsthParams, meanByType, mostModulated, normaliseRows } from '../../../renderer/src/spikes/psth.js';
import { densityCeilings, groupRuns, MAX_ROW_PX, rowHeight, spikeBudget } from '../../../renderer/src/spikes/rasterLayout.js';
import { clampWindow, formatClock, formatInstant, formatSpan, MIN_SPAN_S, panWindow, spanChoices, ticks, zoomWindow } from '../../../renderer/src/spikes/timeWindow.js';

const units = [
  { index: 0, id: '10', cellType: 'ON parasol', rateHz: 5 },
  { index: 1, id: '2', cellType: 'OFF parasol', rateHz: 1 },
  { index: 2, id: '33', cellType: null, rateHz: 50 },
  { index: 3, id: '4', cellType: 'OFF parasol', rateHz: 9 },
];

describe('unit orders', () => {
  it('groups by cell type (untyped last), fastest first within a type', () => {
    expect(orderUnits('type', units)).toEqual([3, 1, 0, 2]);
  });
  it('sorts by rate, by id as numbers, or keeps the file order', () => {
    expect(orderUnits('rate', units)).toEqual([2, 3, 0, 1]);
    expect(orderUnits('id', units)).toEqual([1, 3, 0, 2]);
    expect(orderUnits('file', units)).toEqual([0, 1, 2, 3]);
  });
  it('starts by type where the file names types, else by rate', () => {
    expect(defaultOrder(units)).toBe('type');
    expect(defaultOrder(units.map((u) => ({ ...u, cellType: null })))).toBe('rate');
  });
});

describe('cell-type colours', () => {
  it('gives OFF blue and ON orange, untyped grey, and a legend with counts', () => {
    const colors = typeColors(['OFF parasol', 'ON parasol', 'OFF parasol', null]);
    expect(colors.colorOf('OFF parasol')).toBe('#2456a6');
    expect(colors.colorOf('ON parasol')).toBe('#e07b1a');
    expect(colors.colorOf(null)).toBe(UNTYPED_COLOR);
    expect(colors.legend.map((e) => [e.type, e.count])).toEqual([
      ['OFF parasol', 2],
      ['ON parasol', 1],
      [null, 1],
    ]);
  });
  it('colours other labels from one palette in sorted order, whatever order the units come in', () => {
    const a = typeColors(['mua', 'good']);
    const b = typeColors(['good', 'mua', 'good']);
    expect(a.colorOf('good')).toBe(b.colorOf('good'));
    expect(a.colorOf('good')).not.toBe(a.colorOf('mua'));
  });
});

describe('the raster time window', () => {
  const bounds = { startS: 0, endS: 100 };
  it('zooms about the anchor, keeping the time under it in place', () => {
    const w = zoomWindow({ startS: 0, endS: 100 }, 0.5, 0.25, bounds);
    expect(w.startS).toBeCloseTo(12.5);
    expect(w.endS).toBeCloseTo(62.5);
  });
  it('never zooms out past the recording nor in below the shortest span', () => {
    expect(zoomWindow({ startS: 40, endS: 60 }, 100, 0.5, bounds)).toEqual(bounds);
    const tiny = zoomWindow({ startS: 50, endS: 50.02 }, 0.01, 0.5, bounds);
    expect(tiny.endS - tiny.startS).toBeCloseTo(MIN_SPAN_S);
  });
  it('pans and stops at the ends', () => {
    expect(panWindow({ startS: 10, endS: 20 }, 5, bounds)).toEqual({ startS: 15, endS: 25 });
    expect(panWindow({ startS: 10, endS: 20 }, 500, bounds)).toEqual({ startS: 90, endS: 100 });
    expect(clampWindow({ startS: -5, endS: 5 }, bounds)).toEqual({ startS: 0, endS: 10 });
  });
  it('offers spans shorter than the recording, and labels them', () => {
    expect(spanChoices(864.8).map((c) => c.label)).toEqual(['10 min', '5 min', '1 min', '30 s', '10 s', '5 s', '1 s', '500 ms', '100 ms']);
    expect(formatSpan(0.62)).toBe('620 ms');
    expect(formatSpan(5400)).toBe('1.5 h');
  });
  it('ticks on clock steps and labels minutes as m:ss, hours as h:mm:ss', () => {
    const { values, step } = ticks(0, 864.8, 10, true);
    expect(step).toBe(120);
    expect(values[1]).toBe(120);
    expect(formatClock(125, 864.8, step)).toBe('2:05');
    expect(formatClock(3725, 7200, 600)).toBe('1:02:05');
    expect(formatClock(1.25, 2, 0.25)).toBe('1.25 s');
    // Zoomed into a long recording, labels stay on its clock with the step's decimals.
    expect(formatClock(434.5, 864.8, 0.5)).toBe('7:14.5');
    expect(formatClock(434, 864.8, 1)).toBe('7:14');
    expect(formatClock(59.999, 864.8, 1)).toBe('1:00');
    expect(formatInstant(437.8681)).toBe('7:17.868');
    expect(formatInstant(3725.5)).toBe('1:02:05.500');
    expect(formatInstant(1.2346)).toBe('1.235 s');
  });
});

describe('raster layout', () => {
  it('gives few units tall lanes (capped) and thousands sub-pixel rows', () => {
    expect(rowHeight(3, 400)).toBe(MAX_ROW_PX);
    expect(rowHeight(49, 392)).toBe(8);
    expect(rowHeight(4000, 400)).toBeCloseTo(0.1);
  });
  it('asks for the spikes while there are about one or two per row and column, counts beyond', () => {
    // The retina: 49 units × 1000 columns → 73,500 spikes: 14 min (318,895) come as counts, 1 min as spikes.
    expect(spikeBudget(49, 1000)).toBe(73_500);
    expect(spikeBudget(3, 1000)).toBe(4_500);
    expect(spikeBudget(4000, 4000)).toBe(200_000);
    expect(spikeBudget(1, 10)).toBe(2_000);
  });
  it('scales counts per unit (its own 99th percentile) or shared, never below one spike', () => {
    const counts = Float32Array.from([0, 1, 2, 100, 0, 0, 0, 0]);
    expect(Array.from(densityCeilings(counts, 2, 4, 'unit'))).toEqual([2, 1]);
    expect(Array.from(densityCeilings(counts, 2, 4, 'shared'))).toEqual([2, 2]);
  });
  it('labels thin rows by runs of cell type', () => {
    expect(groupRuns(['OFF', 'OFF', 'ON', 'ON', 'ON'])).toEqual([
      { label: 'OFF', first: 0, count: 2 },
      { label: 'ON', first: 2, count: 3 },
    ]);
  });
});

describe('PSTH', () => {
  it('defaults to 0.5 s before, 1 s after, 10 ms bins for the retina reversals', () => {
    expect(defaultPsthParams(1197, 864.8)).toEqual({ preS: 0.5, postS: 1, binS: 0.01 });
  });
  it('follows a sparse event set (an NWB epoch start) from the event on, in bins of seconds', () => {
    const p = defaultPsthParams(1, 1087.5);
    expect(p.preS).toBe(0);
    expect(p.postS).toBe(272);
    expect((p.preS + p.postS) / p.binS).toBeLessThanOrEqual(10_000);
  });
  it('scales each row to its own peak and averages rows by type', () => {
    const rate = Float32Array.from([1, 2, 4, 0, 0, 0, 3, 3, 6]);
    expect(Array.from(normaliseRows(rate, 3, 3))).toEqual([0.25, 0.5, 1, 0, 0, 0, 0.5, 0.5, 1]);
    const means = meanByType(rate, ['A', null, 'A'], 3);
    expect(means.map((m) => [m.type, m.units, Array.from(m.mean)])).toEqual([
      ['A', 2, [2, 2.5, 5]],
      [null, 1, [0, 0, 0]],
    ]);
  });
});

describe('the units shown first', () => {
  it('takes the most stimulus-locked unit (not the fastest) and the most locked one of another type', () => {
    // Unit 7 fires fast and flat; unit 3 is silent but for one bin; unit 9 (ON) is locked, less so.
    const rate = Float32Array.from([40, 40, 40, 40, 0, 0, 30, 0, 2, 2, 12, 2]);
    expect(mostModulated(rate, [7, 3, 9], ['OFF', 'OFF', 'ON'], 4)).toEqual({ a: 3, b: 9 });
    expect(mostModulated(rate, [7, 3, 9], [null, null, null], 4)).toEqual({ a: 3, b: 9 });
    expect(mostModulated(new Float32Array(0), [], [], 0)).toBeNull();
  });
});

describe('ISI and correlogram display', () => {
  const fine = Float32Array.from({ length: 10_000 }, (_, k) => (k % 7 === 0 ? 1 : 0));
  it('sums 0.5 ms bins into 1 ms bins over the first 100 ms', () => {
    const h = linearHistogram(fine, 0.0005, 0.001, 0.1);
    expect(h.counts.length).toBe(100);
    expect(h.edges[100]).toBeCloseTo(0.1);
    expect(h.counts.reduce((a, b) => a + b)).toBe(Array.from(fine.subarray(0, 200)).reduce((a, b) => a + b));
  });
  it('gathers every fine bin into log-spaced bins from 0.5 ms to 5 s, losing no interval and leaving no comb of empty bins', () => {
    const h = logHistogram(fine, 0.0005, 20);
    expect(h.edges[0]).toBe(0);
    expect(h.edges[1]).toBeCloseTo(0.0005);
    expect(h.edges[h.edges.length - 1]).toBeCloseTo(5);
    // Edges on fine-bin edges, strictly increasing: no bin narrower than a fine bin.
    for (let i = 1; i < h.edges.length; i++) expect(h.edges[i]! - h.edges[i - 1]!).toBeGreaterThanOrEqual(0.0005 - 1e-12);
    // Log-spaced at the long end: 20 per decade.
    const last = h.edges.length - 1;
    expect(h.edges[last]! / h.edges[last - 1]!).toBeCloseTo(10 ** (1 / 20), 2);
    expect(h.counts.length).toBeGreaterThan(60);
    expect(h.counts.reduce((a, b) => a + b)).toBe(fine.reduce((a, b) => a + b));
  });
  it('reads a correlogram as B’s rate around A’s spikes', () => {
    expect(conditionalRateHz([10, 20], 1000, 0.001)).toEqual([10, 20]);
  });
});
