/**
 * The network simulator (main/pipelines/spikes/simulate.ts): seeded, wired as asked (Dale's law,
 * hubs, density, no self-edges), stable by construction (ρ(W⁺) as asked, checked by an independent
 * eigenvalue computation), and its firing rates are those of the process it claims to simulate:
 * baseline-only rates, stimulus modulation, and the linear-Hawkes stationary rates (I − W)⁻¹ μ.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import { simulateNetwork, spectralRadiusNonNegative, stimulusAt, stimulusFeatures, toSpikeTrains } from '../../main/pipelines/spikes/simulate.js';

/** Solves A x = b by Gaussian elimination with partial pivoting (small dense systems only). */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k]!, m[c * n + k]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / m[c * n + c]!;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

describe('spectralRadiusNonNegative', () => {
  it('matches known spectra, including periodic and reducible matrices', () => {
    // [[0, 2], [0.5, 0]]: eigenvalues ±1 (periodic: plain power iteration would oscillate).
    expect(spectralRadiusNonNegative(Float64Array.from([0, 2, 0.5, 0]), 2)).toBeCloseTo(1, 8);
    // Reducible upper-triangular: eigenvalues are the diagonal.
    expect(spectralRadiusNonNegative(Float64Array.from([0.3, 5, 0, 0.7]), 2)).toBeCloseTo(0.7, 6);
    // 3-cycle with weight 0.5 each: ρ = 0.5.
    expect(spectralRadiusNonNegative(Float64Array.from([0, 0.5, 0, 0, 0, 0.5, 0.5, 0, 0]), 3)).toBeCloseTo(0.5, 8);
    expect(spectralRadiusNonNegative(new Float64Array(9), 3)).toBe(0);
  });

  it('never reports less than the true radius (it is an upper bound), on a random matrix', () => {
    const n = 12;
    const a = new Float64Array(n * n);
    let s = 7;
    for (let k = 0; k < a.length; k++) {
      s = (s * 16807) % 2147483647;
      a[k] = s % 3 === 0 ? s / 2147483647 : 0;
    }
    const rho = spectralRadiusNonNegative(a, n);
    // ρ = lim ‖A^k‖^(1/k): ‖A^k‖∞^(1/k) ≥ ρ for every k and converges to it.
    let power = Float64Array.from(a);
    for (let k = 1; k < 60; k++) {
      const next = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let m = 0; m < n; m++) for (let j = 0; j < n; j++) next[i * n + j]! += power[i * n + m]! * a[m * n + j]!;
      power = next;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < n; j++) row += power[i * n + j]!;
      norm = Math.max(norm, row);
    }
    expect(rho).toBeGreaterThan(0);
    expect(Math.abs(norm ** (1 / 60) - rho) / rho).toBeLessThan(0.05);
  });
});

describe('simulateNetwork', () => {
  it('is seeded: the same seed gives the same spikes, another seed others', () => {
    const a = simulateNetwork({ neurons: 20, durationS: 5, seed: 3 });
    const b = simulateNetwork({ neurons: 20, durationS: 5, seed: 3 });
    const c = simulateNetwork({ neurons: 20, durationS: 5, seed: 4 });
    expect(a.weights).toEqual(b.weights);
    expect(a.times).toEqual(b.times);
    expect(c.weights).not.toEqual(a.weights);
  });

  it('wires as asked: Dale’s law, no self-edges, density, hubs with many out-edges, ρ(W⁺) as asked', () => {
    const n = 200;
    const sim = simulateNetwork({ neurons: n, durationS: 1, seed: 11, connectionProbability: 0.05, hubs: 4, hubOutProbability: 0.5, spectralRadius: 0.7 });
    const isHub = new Set(sim.hubIndices);
    expect(sim.hubIndices.length).toBe(4);
    let edges = 0;
    let nonHubEdges = 0;
    const outDegree = new Float64Array(n);
    for (let post = 0; post < n; post++) {
      expect(sim.weights[post * n + post]).toBe(0);
      for (let pre = 0; pre < n; pre++) {
        const w = sim.weights[post * n + pre]!;
        if (w === 0) continue;
        edges++;
        outDegree[pre]!++;
        if (!isHub.has(pre)) nonHubEdges++;
        if (sim.excitatory[pre]) expect(w).toBeGreaterThan(0);
        else expect(w).toBeLessThan(0);
      }
    }
    expect(sim.excitatory.reduce((s, v) => s + v, 0)).toBe(160);
    for (const h of sim.hubIndices) {
      expect(sim.excitatory[h]).toBe(1);
      expect(outDegree[h]).toBeGreaterThan(70); // ~0.5 × 199
    }
    const pairs = (n - 4) * (n - 1);
    expect(Math.abs(nonHubEdges / pairs - 0.05)).toBeLessThan(0.01);
    expect(edges).toBeGreaterThan(nonHubEdges);
    // ρ(W⁺) by an independent route: the Perron root of W⁺ via ‖(W⁺)^k‖^(1/k).
    const positive = sim.weights.map((v) => Math.max(v, 0));
    expect(spectralRadiusNonNegative(positive, n)).toBeCloseTo(0.7, 6);
    expect(sim.spectralRadius).toBeCloseTo(0.7, 10);
  });

  it('fires at the baseline rates when unconnected, modulated by the cosine stimulus with each neuron’s gain', () => {
    const n = 10;
    const durationS = 400;
    const sim = simulateNetwork({ neurons: n, durationS, seed: 5, connectionProbability: 0, hubs: 0, refractoryStrength: 0, stimulusDepth: 0.8 });
    for (let i = 0; i < n; i++) {
      const expected = sim.baselineHz[i]! * durationS;
      const count = sim.times[i]!.length;
      expect(Math.abs(count - expected)).toBeLessThan(5 * Math.sqrt(expected)); // Poisson: 5 s.d.
      // Rate while cos > 0 vs while cos < 0: (1 + d·g·2/π) / (1 − d·g·2/π).
      let up = 0;
      let down = 0;
      for (const t of sim.times[i]!) {
        if (stimulusAt(t, sim.params.stimulusPeriodS) > 0) up++;
        else down++;
      }
      const m = (0.8 * sim.stimulusGain[i]! * 2) / Math.PI;
      const expectedUp = (expected / 2) * (1 + m);
      expect(Math.abs(up - expectedUp)).toBeLessThan(5 * Math.sqrt(expectedUp) + 1);
      expect(up + down).toBe(count);
      // Ascending, inside the simulated span.
      const t = sim.times[i]!;
      for (let k = 1; k < t.length; k++) expect(t[k]!).toBeGreaterThanOrEqual(t[k - 1]!);
      if (t.length > 0) expect(t[0]!).toBeGreaterThanOrEqual(0);
      if (t.length > 0) expect(t[t.length - 1]!).toBeLessThan(durationS);
    }
  });

  it('an all-excitatory network fires at the linear-Hawkes stationary rates (I − W)⁻¹ μ', () => {
    const n = 12;
    const durationS = 1500;
    const sim = simulateNetwork({ neurons: n, durationS, seed: 9, excitatoryFraction: 1, connectionProbability: 0.3, hubs: 1, hubOutProbability: 0.9, refractoryStrength: 0, spectralRadius: 0.6 });
    // The cosine drive averages to the baseline over whole periods (1500 periods).
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (i === j ? 1 : 0) - sim.weights[i * n + j]!;
    const rates = solve(a, sim.baselineHz, n);
    for (let i = 0; i < n; i++) {
      const measured = sim.times[i]!.length / durationS;
      // Counts of a Hawkes process are over-dispersed (clusters): allow 5 % (+ the Poisson s.d.).
      expect(Math.abs(measured - rates[i]!) / rates[i]!).toBeLessThan(0.05 + 3 / Math.sqrt(rates[i]! * durationS));
    }
    expect(sim.meanRateHz).toBeGreaterThan(sim.baselineHz.reduce((s, v) => s + v, 0) / n);
  });

  it('stays stable with strong inhibition and refractoriness; rates are finite and plausible', () => {
    const sim = simulateNetwork({ neurons: 100, durationS: 20, seed: 2, spectralRadius: 0.95, inhibitionRatio: 4, refractoryStrength: -2 });
    expect(sim.meanRateHz).toBeGreaterThan(0.5);
    expect(sim.meanRateHz).toBeLessThan(5 / (1 - 0.95));
  });

  it('keeps nearly acyclic small networks at sane rates (ρ ≈ 0 does not blow the weights up)', () => {
    // 4 neurons, p = 0.5, seed 12: a feed-forward wiring whose ρ(W⁺) is 0.
    const sim = simulateNetwork({ neurons: 4, durationS: 40, seed: 12, connectionProbability: 0.5, hubs: 1, baseRateHz: 12 });
    expect(sim.spectralRadius).toBeLessThanOrEqual(0.8 + 1e-9);
    for (let post = 0; post < 4; post++) {
      let s = 0;
      for (let pre = 0; pre < 4; pre++) s += Math.max(sim.weights[post * 4 + pre]!, 0);
      expect(s).toBeLessThanOrEqual(3 * 0.8 + 1e-9);
    }
    expect(sim.meanRateHz).toBeLessThan(100);
  });

  it('exports SpikeTrains-shaped data and per-bin stimulus features', () => {
    const sim = simulateNetwork({ neurons: 10, durationS: 3, seed: 1, hubs: 1 });
    const trains = toSpikeTrains(sim);
    expect(trains.unitIds[3]).toBe('n3');
    expect(trains.cellTypes.filter((c) => c === 'E hub')).toHaveLength(1);
    expect(trains.cellTypes.filter((c) => c === 'I')).toHaveLength(2);
    expect(Array.from(trains.events[0]!.times)).toEqual([0, 1, 2]);
    expect([trains.startS, trains.endS]).toEqual([0, 3]);
    const f = stimulusFeatures(1, 0, 0.25, 4);
    expect(Array.from(f).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.707107, 0.707107, -0.707107, 0.707107, -0.707107, -0.707107, 0.707107, -0.707107]);
  });

  it('rejects unstable or malformed parameters, naming the field', () => {
    expect(() => simulateNetwork({ neurons: 10, durationS: 1, seed: 1, spectralRadius: 1 })).toThrow(ValidationError);
    expect(() => simulateNetwork({ neurons: 10, durationS: 1, seed: 1, spectralRadius: 1 })).toThrow(/spectralRadius/);
    expect(() => simulateNetwork({ neurons: 1, durationS: 1, seed: 1 })).toThrow(/neurons/);
    expect(() => simulateNetwork({ neurons: 10, durationS: 1, seed: 1, hubs: 9 })).toThrow(/hubs/);
    expect(() => simulateNetwork({ neurons: 10, durationS: 1, seed: 1, refractoryStrength: 1 })).toThrow(/refractoryStrength/);
  });
});
