import { describe, expect, it } from 'vitest';
import { fft, realPowerSpectrum, rfft } from '../../main/signal/index.js';

describe('FFT', () => {
  it('matches a direct DFT for power-of-two and other lengths (Bluestein)', () => {
    for (const n of [8, 64, 100, 400, 1000]) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.3) + 0.2 * Math.cos(i * 1.7) + (i % 7) / 7);
      const { re, im } = fft(x);
      for (const k of [0, 1, Math.floor(n / 3), n - 1]) {
        let dr = 0;
        let di = 0;
        for (let j = 0; j < n; j++) {
          dr += x[j]! * Math.cos((-2 * Math.PI * j * k) / n);
          di += x[j]! * Math.sin((-2 * Math.PI * j * k) / n);
        }
        expect(re[k]).toBeCloseTo(dr, 8);
        expect(im[k]).toBeCloseTo(di, 8);
      }
    }
  });

  it('realPowerSpectrum equals |rfft|² without allocating', () => {
    for (const n of [4, 16, 1024]) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.11) * 30 + ((i * 7919) % 13) - 6);
      const { re, im } = rfft(x);
      const out = new Float64Array(n / 2 + 1);
      realPowerSpectrum(x, out);
      out.forEach((v, k) => expect(v).toBeCloseTo(re[k]! * re[k]! + im[k]! * im[k]!, 6));
    }
    expect(() => realPowerSpectrum(new Float64Array(100), new Float64Array(51))).toThrow(/power-of-two/);
  });
});
