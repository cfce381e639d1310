import { describe, expect, it } from 'vitest';
import { estimateRemainingMs, formatRemaining, remainingLabel } from '../../../renderer/src/components/remaining.js';

describe('time remaining of a run', () => {
  it('extrapolates the average pace so far', () => {
    expect(estimateRemainingMs(10_000, 0.25)).toBeCloseTo(30_000);
    expect(estimateRemainingMs(60_000, 0.5)).toBeCloseTo(60_000);
    expect(estimateRemainingMs(90_000, 0.9)).toBeCloseTo(10_000);
  });

  it('makes no estimate during start-up, when done, or from nonsense', () => {
    expect(estimateRemainingMs(1000, 0.5)).toBeNull(); // under 2 s
    expect(estimateRemainingMs(30_000, 0.01)).toBeNull(); // under 2 %
    expect(estimateRemainingMs(30_000, 1)).toBeNull();
    expect(estimateRemainingMs(Number.NaN, 0.5)).toBeNull();
    expect(estimateRemainingMs(30_000, Number.NaN)).toBeNull();
  });

  it('rounds as an estimate should read', () => {
    expect(formatRemaining(4_200)).toBe('about 4 s left');
    expect(formatRemaining(42_000)).toBe('about 40 s left');
    expect(formatRemaining(200_000)).toBe('about 3 min left');
    expect(formatRemaining(3_900_000)).toBe('about 1 h 05 min left');
  });

  it('labels a run from its start time, or not at all without one', () => {
    expect(remainingLabel(0, 0.25, 40_000)).toBe('about 2 min left');
    expect(remainingLabel(null, 0.25, 40_000)).toBeNull();
  });
});
