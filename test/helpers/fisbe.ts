/** Comparing our FISBe metrics with the official evaluator's output. */
import { expect } from 'vitest';

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
