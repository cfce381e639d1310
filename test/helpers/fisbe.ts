/** FISBe test helpers: comparing our metrics with the official evaluator's output, instance records. */
import { expect } from 'vitest';
import type { FisbeInstance } from '../../shared/api/index.js';

/** An instance record as the engine sends it to the view, unmatched unless `over` says otherwise. */
export function fisbeInstance(side: 'gt' | 'pred', id: number, over: Partial<FisbeInstance> = {}): FisbeInstance {
  return {
    side,
    id,
    sourceLabel: id,
    sourceChannel: 0,
    voxels: 100,
    skeletonVoxels: 10,
    bboxMin: [0, 0, 0],
    bboxMax: [4, 4, 4],
    status: 'unmatched',
    matchedId: null,
    matchedClDice: null,
    bestId: null,
    bestClDice: 0,
    coverage: side === 'gt' ? 0 : null,
    mergedIds: [],
    ...over,
  };
}

/**
 * Integers (counts) must be equal; floating values (the evaluator writes some as strings, e.g.
 * "0.384124") must agree to 1e-6. Lists are compared element by element.
 */
export function expectSameMetric(key: string, actual: unknown, expected: unknown): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), key).toBe(true);
    const list = actual as unknown[];
    expect(list.length, `${key} length`).toBe(expected.length);
    expected.forEach((value, i) => expectSameMetric(`${key}[${i}]`, list[i], value));
    return;
  }
  const number = typeof expected === 'string' ? Number(expected) : (expected as number);
  expect(typeof actual, key).toBe('number');
  if (Number.isInteger(number) && Number.isInteger(actual) && !key.includes('cov') && !key.includes('cldice')) {
    expect(actual, key).toBe(number);
  } else {
    expect(Math.abs((actual as number) - number), `${key}: ${String(actual)} vs ${number}`).toBeLessThanOrEqual(1e-6);
  }
}
