/**
 * The bridge serialises replies in slices (main/server/reply-json.ts): the text must be exactly
 * JSON.stringify's, and a large reply must not hold the event loop for the whole serialisation.
 */
import { describe, expect, it } from 'vitest';
import { replyJson } from '../../main/server/reply-json.js';

describe('reply JSON in slices', () => {
  it('writes exactly what JSON.stringify writes', async () => {
    const samples = Array.from({ length: 20_000 }, (_, i) => (i % 997 === 0 ? null : Math.sin(i) * 123.456789));
    const values: unknown[] = [
      { id: 3, ok: true, result: { channels: [{ label: 'Fp1-Avg', data: samples, decimated: false }, { label: 'é"\\', data: [] }] } },
      { id: null, ok: false, error: { code: 'bad-request', message: 'x' }, skipped: undefined, fn: () => 1 },
      [1, undefined, () => 2, Symbol('s'), Number.NaN, Number.POSITIVE_INFINITY, -0, 'a', true, null, [[], {}], { toJSON: () => 'custom' }],
      { powerDb: Array.from({ length: 5000 }, (_, e) => Array.from({ length: 60 }, (_, f) => e * 0.01 - f)), when: new Date(0) },
      Array.from({ length: 30_000 }, (_, i) => (i % 3 ? i : { i, nested: [i, undefined] })),
      Object.assign(Object.create(null) as object, { a: 1, b: [2] }),
      'text',
      42,
      null,
    ];
    for (const value of values) expect(await replyJson(value)).toBe(JSON.stringify(value));
  });

  it('yields to the event loop while serialising a large reply', async () => {
    const reply = { id: 1, ok: true, result: { channels: Array.from({ length: 16 }, () => ({ data: Array.from({ length: 16_384 }, (_, i) => Math.cos(i) * 77.7) })) } };
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      const text = await replyJson(reply);
      expect(text.length).toBeGreaterThan(1_000_000);
    } finally {
      clearInterval(ticker);
    }
    // JSON.stringify in one go would let the timer run at most once, after it.
    expect(ticks).toBeGreaterThan(1);
  });
});
