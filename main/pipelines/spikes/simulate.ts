/**
 * A recurrent spiking network with known wiring, for scoring connectivity inference (Neuroformer's
 * attention, cross-correlograms, GLM couplings) against the truth — in the spirit of the paper's
 * "LargeRandNet": random E/I wiring, a few hubs, and a shared cosine stimulus.
 *
 * Model: a discrete-time, rectified-linear multivariate Hawkes process. In bin t (width dtS)
 *   λ_i(t) = [ μ_i(t) + Σ_j W_ij u_j(t) + r·v_i(t) ]₊        (Hz)
 *   n_i(t) ~ Poisson(λ_i(t) · dtS)
 * where u_j is neuron j's spike train filtered by a causal exponential kernel κ(s) = e^(−s/τ)/τ
 * (∫κ = 1, so W_ij is the expected number of extra spikes of i caused by one spike of j), v_i is
 * the same for i's own spikes with a short time constant (refractoriness, r ≤ 0), and
 * μ_i(t) = b_i·(1 + d·g_i·cos(2π t / P)) is the stimulus drive (b_i baseline, g_i ∈ [−1, 1]).
 * A spike in bin t acts from bin t + 1 on (causal).
 *
 * Stability, provably: since every u, v ≥ 0, λ_i ≤ μ_i + Σ_j W⁺_ij u_j with W⁺ = max(W, 0), so the
 * process is dominated (thinning coupling) by a linear Hawkes process with kernel matrix W⁺, whose
 * rates stay finite iff the spectral radius ρ(W⁺) < 1. The weights are scaled so ρ(W⁺) equals
 * `spectralRadius` (< 1) — or less, for nearly acyclic wirings, where the largest row sum of W⁺ is
 * capped at 3·spectralRadius instead; inhibition and refractoriness only lower the rates.
 */
import { ValidationError } from '../../errors.js';
import { deriveSeed, seededRandom, type Random } from '../../../shared/random.js';

export interface NetworkSimParams {
  /** Neurons (Dale's law: the first ⌈excitatoryFraction·N⌉ are excitatory). */
  neurons: number;
  durationS: number;
  seed: number;
  /** Simulation bin; spike times are placed uniformly inside their bin. */
  dtS?: number;
  excitatoryFraction?: number;
  /** Probability of each directed edge between non-hub neurons. */
  connectionProbability?: number;
  /** Excitatory hubs: neurons with many out-edges. */
  hubs?: number;
  /** Out-edge probability of a hub. */
  hubOutProbability?: number;
  /** |w_I| / w_E before the common scaling. */
  inhibitionRatio?: number;
  /** ρ(W⁺) after scaling; must be < 1. */
  spectralRadius?: number;
  /** Coupling kernel time constant. */
  couplingTauS?: number;
  /** Mean baseline rate; per-neuron baselines are lognormal around it. */
  baseRateHz?: number;
  /** Stimulus modulation depth d ∈ [0, 1]. */
  stimulusDepth?: number;
  stimulusPeriodS?: number;
  /** Integrated self-inhibition r ≤ 0 and its time constant. */
  refractoryStrength?: number;
  refractoryTauS?: number;
}

export interface SimulatedNetwork {
  /** Per neuron, ascending spike times in seconds on [0, durationS) (SpikeTrains.times shape). */
  times: Float64Array[];
  /** True integrated coupling W[post·N + pre], diagonal 0 (refractoriness is separate). */
  weights: Float64Array;
  neurons: number;
  excitatory: Uint8Array;
  hubIndices: Int32Array;
  /** Per-neuron stimulus gain g_i and baseline b_i (Hz). */
  stimulusGain: Float64Array;
  baselineHz: Float64Array;
  /** ρ(W⁺) reached (an upper bound): params.spectralRadius, or less for nearly acyclic wirings. */
  spectralRadius: number;
  meanRateHz: number;
  params: Required<NetworkSimParams>;
}

export const SIM_DEFAULTS = {
  dtS: 0.001,
  excitatoryFraction: 0.8,
  connectionProbability: 0.05,
  hubs: 5,
  hubOutProbability: 0.4,
  inhibitionRatio: 2,
  spectralRadius: 0.8,
  couplingTauS: 0.01,
  baseRateHz: 5,
  stimulusDepth: 0.5,
  stimulusPeriodS: 1,
  refractoryStrength: -0.5,
  refractoryTauS: 0.003,
} as const;

/** The shared stimulus s(t) = cos(2π t / P) that drives every neuron (with its own gain). */
export function stimulusAt(tS: number, periodS: number): number {
  return Math.cos((2 * Math.PI * tS) / periodS);
}

function check(field: string, ok: boolean, problem: string): void {
  if (!ok) throw new ValidationError(field, problem);
}

function resolve(params: NetworkSimParams): Required<NetworkSimParams> {
  const p = { ...SIM_DEFAULTS, ...params } as Required<NetworkSimParams>;
  check('neurons', Number.isInteger(p.neurons) && p.neurons >= 2 && p.neurons <= 5000, `expected an integer 2…5000, got ${p.neurons}`);
  check('durationS', Number.isFinite(p.durationS) && p.durationS > 0 && p.durationS <= 36000, `expected 0 < duration ≤ 36000 s, got ${p.durationS}`);
  check('dtS', p.dtS > 0 && p.dtS <= 0.01 && p.durationS / p.dtS <= 2e8, `expected 0 < dt ≤ 0.01 s and at most 2e8 bins, got ${p.dtS}`);
  check('excitatoryFraction', p.excitatoryFraction > 0 && p.excitatoryFraction <= 1, `expected (0, 1], got ${p.excitatoryFraction}`);
  check('connectionProbability', p.connectionProbability >= 0 && p.connectionProbability <= 1, `expected [0, 1], got ${p.connectionProbability}`);
  check('hubOutProbability', p.hubOutProbability >= 0 && p.hubOutProbability <= 1, `expected [0, 1], got ${p.hubOutProbability}`);
  const excitatory = Math.ceil(p.excitatoryFraction * p.neurons);
  check('hubs', Number.isInteger(p.hubs) && p.hubs >= 0 && p.hubs <= excitatory, `expected 0…${excitatory} (hubs are excitatory), got ${p.hubs}`);
  check('spectralRadius', p.spectralRadius > 0 && p.spectralRadius < 1, `expected 0 < ρ < 1 for a stable network, got ${p.spectralRadius}`);
  check('inhibitionRatio', p.inhibitionRatio >= 0, `expected ≥ 0, got ${p.inhibitionRatio}`);
  check('couplingTauS', p.couplingTauS >= p.dtS, `expected ≥ dt, got ${p.couplingTauS}`);
  check('refractoryTauS', p.refractoryTauS >= p.dtS, `expected ≥ dt, got ${p.refractoryTauS}`);
  check('refractoryStrength', p.refractoryStrength <= 0, `expected ≤ 0 (self-inhibition), got ${p.refractoryStrength}`);
  check('baseRateHz', p.baseRateHz > 0 && p.baseRateHz * p.dtS < 0.5, `expected > 0 and rate·dt < 0.5, got ${p.baseRateHz}`);
  check('stimulusDepth', p.stimulusDepth >= 0 && p.stimulusDepth <= 1, `expected [0, 1] (keeps the drive ≥ 0), got ${p.stimulusDepth}`);
  check('stimulusPeriodS', p.stimulusPeriodS > 0, `expected > 0, got ${p.stimulusPeriodS}`);
  return p;
}

function gaussian(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Spectral radius of a non-negative n×n matrix (row-major) by power iteration on A + I: adding the
 * identity shifts the Perron root by exactly 1 and removes the periodicity that can stop plain power
 * iteration from converging. Returns the Collatz–Wielandt upper bound max_i (A x)_i / x_i, which is
 * ≥ ρ(A) for any positive x — so a value < 1 is a proof of stability, not only an estimate.
 */
export function spectralRadiusNonNegative(a: Float64Array, n: number, iterations = 1000, tolerance = 1e-10): number {
  let x = new Float64Array(n).fill(1);
  let y = new Float64Array(n);
  let upper = Infinity;
  for (let it = 0; it < iterations; it++) {
    let lower = Infinity;
    let high = 0;
    for (let i = 0; i < n; i++) {
      let s = x[i]!;
      const row = i * n;
      for (let j = 0; j < n; j++) s += a[row + j]! * x[j]!;
      y[i] = s;
      const ratio = s / x[i]!;
      if (ratio < lower) lower = ratio;
      if (ratio > high) high = ratio;
    }
    const previous = upper;
    upper = Math.min(upper, high - 1);
    // Converged when the bounds meet (irreducible A) or the upper bound stops moving (reducible A,
    // where rows outside the dominant class keep the lower bound down).
    if (high - lower <= tolerance * high || Math.abs(previous - upper) <= tolerance * Math.max(upper, 1e-300)) break;
    let norm = 0;
    for (let i = 0; i < n; i++) norm = Math.max(norm, y[i]!);
    // Keep every entry strictly positive so the Collatz–Wielandt ratios stay defined.
    for (let i = 0; i < n; i++) y[i] = Math.max(y[i]! / norm, 1e-300);
    [x, y] = [y, x];
  }
  return Math.max(upper, 0);
}

/** Random Dale's-law wiring with hubs, scaled so ρ(W⁺) = spectralRadius. */
function buildWeights(p: Required<NetworkSimParams>, random: Random) {
  const n = p.neurons;
  const excitatoryCount = Math.ceil(p.excitatoryFraction * n);
  const excitatory = new Uint8Array(n);
  for (let i = 0; i < excitatoryCount; i++) excitatory[i] = 1;
  // Hubs: the first `hubs` of a random order of the excitatory neurons.
  const order = Array.from({ length: excitatoryCount }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hubIndices = Int32Array.from(order.slice(0, p.hubs)).sort();
  const isHub = new Uint8Array(n);
  for (const h of hubIndices) isHub[h] = 1;
  const w = new Float64Array(n * n);
  for (let pre = 0; pre < n; pre++) {
    const prob = isHub[pre] ? p.hubOutProbability : p.connectionProbability;
    for (let post = 0; post < n; post++) {
      if (post === pre || random() >= prob) continue;
      // Lognormal magnitudes (σ = 0.5): realistic spread, never zero, sign by Dale's law.
      const magnitude = Math.exp(0.5 * gaussian(random));
      w[post * n + pre] = excitatory[pre] ? magnitude : -p.inhibitionRatio * magnitude;
    }
  }
  const positive = w.map((v) => Math.max(v, 0));
  const rawRadius = spectralRadiusNonNegative(positive, n);
  // A nearly acyclic wiring (small networks) has ρ ≈ 0 however strong its weights: scaling it to
  // ρ = target would blow the weights up. Cap the largest excitatory input sum at 3·target too
  // (random networks with hubs have max row sums ≈ 2–2.5·ρ, so the cap leaves them alone).
  let maxRowSum = 0;
  for (let post = 0; post < n; post++) {
    let s = 0;
    for (let pre = 0; pre < n; pre++) s += positive[post * n + pre]!;
    maxRowSum = Math.max(maxRowSum, s);
  }
  const reference = Math.max(rawRadius, maxRowSum / 3);
  const scale = reference > 0 ? p.spectralRadius / reference : 0;
  for (let k = 0; k < w.length; k++) w[k]! *= scale;
  const radius = rawRadius * scale;
  return { w, excitatory, hubIndices, radius };
}

/** Poisson(mean) by inversion: exact, and cheap for the small means (< 0.5) of a 1-ms bin. */
function poisson(mean: number, random: Random): number {
  if (mean <= 0) return 0;
  let p = Math.exp(-mean);
  let cumulative = p;
  const u = random();
  let k = 0;
  while (u > cumulative && k < 1000) {
    k++;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}

export function simulateNetwork(params: NetworkSimParams): SimulatedNetwork {
  const p = resolve(params);
  const n = p.neurons;
  const wiringRandom = seededRandom(deriveSeed(p.seed, 1));
  const spikeRandom = seededRandom(deriveSeed(p.seed, 2));
  const { w, excitatory, hubIndices, radius } = buildWeights(p, wiringRandom);

  const baselineHz = new Float64Array(n);
  const stimulusGain = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Lognormal baseline with mean baseRateHz (σ = 0.5 → mean factor e^{σ²/2}), capped for rate·dt.
    baselineHz[i] = Math.min(p.baseRateHz * Math.exp(0.5 * gaussian(wiringRandom) - 0.125), 0.2 / p.dtS);
    stimulusGain[i] = 2 * wiringRandom() - 1;
  }

  // The discrete kernel is jump·e^{−(k−1)dt/τ} in the k-th bin after the spike (k ≥ 1); this jump
  // makes its sum times dt exactly 1 (1/τ would give (dt/τ)/(1 − e^{−dt/τ}) ≈ 1.05 at dt = τ/10),
  // so W is the integrated effect of the simulated process itself and the stability bound is exact.
  const couplingJump = (1 - Math.exp(-p.dtS / p.couplingTauS)) / p.dtS;
  // Sparse out-lists: a spike of `pre` adds W[post, pre]·jump to post's filtered input.
  const outStart = new Int32Array(n + 1);
  const outPost: number[] = [];
  const outWeight: number[] = [];
  for (let pre = 0; pre < n; pre++) {
    outStart[pre] = outPost.length;
    for (let post = 0; post < n; post++) {
      const v = w[post * n + pre]!;
      if (v !== 0) {
        outPost.push(post);
        outWeight.push(v * couplingJump);
      }
    }
  }
  outStart[n] = outPost.length;

  const bins = Math.floor(p.durationS / p.dtS);
  const couplingDecay = Math.exp(-p.dtS / p.couplingTauS);
  const refractoryDecay = Math.exp(-p.dtS / p.refractoryTauS);
  const refractoryJump = (p.refractoryStrength * (1 - refractoryDecay)) / p.dtS;
  const input = new Float64Array(n); // Σ_j W_ij u_j (Hz)
  const refractory = new Float64Array(n); // r·v_i (Hz)
  const lists: number[][] = Array.from({ length: n }, () => []);
  const fired: number[] = [];
  let total = 0;
  for (let t = 0; t < bins; t++) {
    const tS = t * p.dtS;
    const s = stimulusAt(tS, p.stimulusPeriodS);
    fired.length = 0;
    for (let i = 0; i < n; i++) {
      const drive = baselineHz[i]! * (1 + p.stimulusDepth * stimulusGain[i]! * s);
      const rate = drive + input[i]! + refractory[i]!;
      const count = rate > 0 ? poisson(rate * p.dtS, spikeRandom) : 0;
      for (let k = 0; k < count; k++) {
        lists[i]!.push(tS + spikeRandom() * p.dtS);
        fired.push(i);
      }
      input[i]! *= couplingDecay;
      refractory[i]! *= refractoryDecay;
    }
    // Spikes of this bin act from the next bin on (the decay above already moved to t + 1).
    for (const pre of fired) {
      refractory[pre]! += refractoryJump;
      for (let e = outStart[pre]!; e < outStart[pre + 1]!; e++) input[outPost[e]!]! += outWeight[e]!;
    }
    total += fired.length;
  }
  const times = lists.map((list) => {
    const a = Float64Array.from(list);
    // Several spikes in one bin get independent offsets: sort so each train is ascending.
    return a.sort();
  });
  return {
    times,
    weights: w,
    neurons: n,
    excitatory,
    hubIndices,
    stimulusGain,
    baselineHz,
    spectralRadius: radius,
    meanRateHz: total / n / (bins * p.dtS),
    params: p,
  };
}

/**
 * The simulation in the engine's SpikeTrains shape (main/io/spikes/types.ts): units "n0"…, cell type
 * "E"/"I" (hubs "E hub"), and one event set at the stimulus peaks (cos = 1) for PSTHs.
 */
export function toSpikeTrains(sim: SimulatedNetwork): {
  times: readonly Float64Array[];
  unitIds: readonly string[];
  cellTypes: readonly (string | null)[];
  events: readonly { name: string; source: string; times: Float64Array }[];
  startS: number;
  endS: number;
  warnings: readonly string[];
} {
  const hubs = new Set(sim.hubIndices);
  const { durationS, stimulusPeriodS } = sim.params;
  const peaks = Float64Array.from({ length: Math.ceil(durationS / stimulusPeriodS) }, (_, k) => k * stimulusPeriodS);
  return {
    times: sim.times,
    unitIds: sim.times.map((_, i) => `n${i}`),
    cellTypes: sim.times.map((_, i) => (sim.excitatory[i] ? (hubs.has(i) ? 'E hub' : 'E') : 'I')),
    events: [{ name: 'stimulus peaks', source: 'simulation', times: peaks }],
    startS: 0,
    endS: durationS,
    warnings: [],
  };
}

/**
 * The stimulus as a feature vector per bin, [bins × 2] (cos, sin of the phase at each bin's centre):
 * what a model (Neuroformer's stimulus stream, the GLM) is given about the drive. The phase pair
 * rather than cos alone lets a model tell the rising from the falling half-cycle.
 */
export function stimulusFeatures(periodS: number, startS: number, binS: number, bins: number): Float32Array {
  const out = new Float32Array(bins * 2);
  for (let t = 0; t < bins; t++) {
    const phase = (2 * Math.PI * (startS + (t + 0.5) * binS)) / periodS;
    out[2 * t] = Math.cos(phase);
    out[2 * t + 1] = Math.sin(phase);
  }
  return out;
}
