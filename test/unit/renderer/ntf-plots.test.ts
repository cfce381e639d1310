/**
 * The component panel's plots as numbers: linear scales, round ticks, line paths, the rank sweep's
 * geometry (best error per rank, every restart, similarity on 0–1, the suggested rank marked), the
 * time axis in seconds or bins with epochs, and the ←/→ component keys.
 */
import { describe, expect, it } from 'vitest';
import { componentStepOf, stepComponent } from '../../../renderer/src/ntf/keyboard.js';
import { linePath, linearScale, niceTicks, paddedExtent } from '../../../renderer/src/ntf/plot.js';
import { sweepPlot } from '../../../renderer/src/ntf/sweep.js';
import { epochSpans, timeAxis } from '../../../renderer/src/ntf/timeAxis.js';
import { RESULT } from './ntf-fixtures.js';

describe('plot arithmetic', () => {
  it('maps a domain onto a range, upside down for y', () => {
    const y = linearScale([0, 10], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(2.5)).toBe(75);
    expect(y(10)).toBe(0);
    expect(y.domain).toEqual([0, 10]);
    expect(linearScale([3, 3], [0, 50])(3)).toBe(25);
  });

  it('picks round ticks', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.13, 0.87, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 480, 5)).toEqual([0, 100, 200, 300, 400]);
    expect(niceTicks(-3, 3, 3)).toEqual([-2, 0, 2]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });

  it('pads extents, and survives constant or missing values', () => {
    expect(paddedExtent([0, 10], 0.1)).toEqual([-1, 11]);
    expect(paddedExtent([2, 2], 0.5)).toEqual([1, 3]);
    expect(paddedExtent([0, 0], 0.05)).toEqual([-0.05, 0.05]);
    expect(paddedExtent([Number.NaN])).toEqual([0, 1]);
  });

  it('draws a line path, lifting the pen over gaps', () => {
    const y = linearScale([0, 1], [10, 0]);
    expect(linePath([0, 1, Number.NaN, 0.5], (i) => i * 10, y)).toBe('M0.0,10.0 L10.0,0.0 M30.0,5.0');
  });
});

describe('rank sweep plot', () => {
  const box = { width: 300, height: 160, left: 40, right: 40, top: 10, bottom: 30 };

  it('places each rank with its best error, every restart and the similarity', () => {
    const plot = sweepPlot([...RESULT.sweep].reverse(), RESULT.suggestedRank, box);
    expect(plot.points.map((point) => point.rank)).toEqual([1, 2, 3, 4]);
    // Ranks 0.5 … 4.5 span the inner width 40 … 260.
    expect(plot.points.map((point) => point.x)).toEqual([67.5, 122.5, 177.5, 232.5]);
    expect(plot.points[0]!.bestError).toBeCloseTo(0.75);
    expect(plot.points[3]!.bestError).toBeCloseTo(0.3);
    expect(plot.points[0]!.errors.map((error) => error.value)).toEqual(RESULT.sweep[0]!.errors);
    // Error is up the axis: the lower error of rank 4 is drawn lower; every value lies inside the box.
    expect(plot.points[3]!.yError).toBeGreaterThan(plot.points[0]!.yError);
    for (const point of plot.points) {
      for (const y of [point.yError, point.ySimilarity, ...point.errors.map((error) => error.y)]) {
        expect(y).toBeGreaterThanOrEqual(box.top);
        expect(y).toBeLessThanOrEqual(box.height - box.bottom);
      }
    }
    // Similarity on a fixed 0–1 axis: 0.98 near the top, 0.6 at 60 % of the height.
    expect(plot.points[0]!.ySimilarity).toBeCloseTo(130 - 0.98 * 120);
    expect(plot.points[2]!.ySimilarity).toBeCloseTo(130 - 0.6 * 120);
    expect(plot.suggestedX).toBe(122.5);
    expect(plot.errorTicks.length).toBeGreaterThanOrEqual(2);
    for (const tick of plot.errorTicks) expect(tick).toBeGreaterThanOrEqual(plot.error.domain[0]);
    expect(plot.error.domain[0]).toBeGreaterThanOrEqual(0);
  });

  it('marks no suggested rank outside the sweep and handles one rank', () => {
    expect(sweepPlot(RESULT.sweep, 9, box).suggestedX).toBeNull();
    const single = sweepPlot([RESULT.sweep[1]!], 2, box);
    expect(single.points).toHaveLength(1);
    expect(single.points[0]!.x).toBe(150);
    expect(Number.isFinite(single.points[0]!.yError)).toBe(true);
  });
});

describe('time axis', () => {
  it('counts seconds when the bin duration is known, bins otherwise', () => {
    const seconds = timeAxis(800, 0.6);
    expect(seconds.unit).toBe('s');
    expect(seconds.title).toBe('time (s)');
    expect(seconds.at(10)).toBeCloseTo(6);
    expect(seconds.end).toBeCloseTo(480);
    const bins = timeAxis(800, null);
    expect([bins.unit, bins.title, bins.at(10), bins.end]).toEqual(['bin', 'time bin', 10, 800]);
  });

  it('shades epochs from their first bin to their end boundary, clipped', () => {
    const axis = timeAxis(RESULT.binCount, RESULT.binDurationS);
    const [heat] = epochSpans(RESULT.epochs, axis, RESULT.binCount);
    expect(heat!.label).toBe('heat');
    expect(heat!.from).toBeCloseTo(1.2);
    expect(heat!.to).toBeCloseTo(2.4);
    expect(epochSpans([{ label: 'late', startBin: 6, endBin: 20 }], axis, 8)).toEqual([{ label: 'late', from: axis.at(6), to: axis.at(8) }]);
    expect(epochSpans([{ label: 'none', startBin: 9, endBin: 12 }], axis, 8)).toEqual([]);
    expect(epochSpans([{ label: 'empty', startBin: 3, endBin: 3 }], axis, 8)).toEqual([]);
  });
});

describe('component keys', () => {
  const key = (k: string, mods: Partial<KeyboardEvent> = {}) => componentStepOf({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

  it('steps with ←/→ and jumps with Home/End, clamped', () => {
    expect(key('ArrowRight')).toBe(1);
    expect(key('ArrowLeft')).toBe(-1);
    expect(key('ArrowRight', { altKey: true })).toBeNull();
    expect(key('ArrowRight', { shiftKey: true })).toBeNull();
    expect(key('x')).toBeNull();
    expect(stepComponent(0, 1, 3)).toBe(1);
    expect(stepComponent(2, 1, 3)).toBe(2);
    expect(stepComponent(0, -1, 3)).toBe(0);
    expect(stepComponent(1, key('End')!, 3)).toBe(2);
    expect(stepComponent(2, key('Home')!, 3)).toBe(0);
    expect(stepComponent(0, 1, 0)).toBe(0);
  });
});
