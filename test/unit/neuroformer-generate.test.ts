/**
 * Neuroformer generation: the key/value-cache path gives the same samples as the reference's
 * full-prefix path under one seed (with and without a stimulus pathway, sampled and greedy), the
 * nucleus filter keeps what top_k_top_p_filtering keeps, each head samples only its legal tokens
 * (ids: neurons + EOS; dts: the current window's values), the closed-loop rollout, and the cache's
 * speed-up (printed).
 * Run: npx vitest run test/unit/neuroformer-generate.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import {
  RELEASED_SAMPLING,
  createNeuroformer,
  generateWindow,
  generatedSpikeTimes,
  rollout,
  neuroformerPreset,
  samplingSupport,
  sampleToken,
  tokenizeWindows,
  type NeuroformerConfig,
  type NeuroformerModel,
} from '../../main/pipelines/neuroformer/index.js';
import { seededRandom } from '../../shared/random.js';
import { suppressEos } from '../helpers/neuroformer.js';

const UNITS = 12;
const BINS = 200;

function counts(): Uint16Array {
  const random = seededRandom(99);
  return Uint16Array.from({ length: UNITS * BINS }, () => (random() < 0.08 ? 1 : 0));
}

/** Random perturbation of every parameter so the model's distributions are far from uniform. */
function scramble(tf: Tfjs, model: NeuroformerModel, seed: number, scale: number): void {
  const random = seededRandom(seed);
  for (const e of model.params.list()) {
    const values = e.variable.dataSync() as Float32Array;
    const next = Float32Array.from(values, (v) => v + (random() - 0.5) * scale);
    const t = tf.tensor(next, e.shape as number[]);
    e.variable.assign(t);
    t.dispose();
  }
}

describe('Neuroformer generation', () => {
  let tf: Tfjs;
  const report: string[] = [];

  beforeAll(async () => {
    tf = await activateBackend('wasm');
  });

  afterAll(() => {
    if (report.length > 0) console.info(`neuroformer-generate (${tf.getBackend()}):\n  ${report.join('\n  ')}`);
  });

  function setup(config: NeuroformerConfig, windows: number[]) {
    const model = createNeuroformer(tf, config, 3);
    scramble(tf, model, 8, 0.6);
    const tokens = tokenizeWindows({ counts: counts(), units: UNITS, bins: BINS }, 0.01, windows, config);
    const stimulus = config.stimulus ? Float32Array.from({ length: windows.length * config.stimulus.tokens * config.stimulus.features }, (_, i) => Math.sin(i)) : undefined;
    return { model, context: { batch: windows.length, idPrev: tokens.idPrev, dtPrev: tokens.dtPrev, stimulus } };
  }

  it('samples the same windows with and without the key/value cache (one seed)', async () => {
    for (const stim of [null, { features: 2, tokens: 3 }]) {
      const config = neuroformerPreset('tiny', { neurons: UNITS, stimulus: stim });
      const { model, context } = setup({ ...config, layers: { stateHistory: 2, state: 2, stimulus: stim ? 1 : 0 } }, [0.5, 0.9, 1.3]);
      // Without a stimulus the model stops where it samples EOS; with one it runs the whole block.
      if (stim) suppressEos(tf, model);
      for (const sampling of [RELEASED_SAMPLING, { ...RELEASED_SAMPLING, temperature: 1.5, temperatureDt: 0.7, topP: 0.8 }, { ...RELEASED_SAMPLING, sample: false }]) {
        const plain = await generateWindow(model, context, sampling, { seed: 42, cache: false });
        const cached = await generateWindow(model, context, sampling, { seed: 42, cache: true });
        expect(cached.ids.map((a) => Array.from(a))).toEqual(plain.ids.map((a) => Array.from(a)));
        expect(cached.dts.map((a) => Array.from(a))).toEqual(plain.dts.map((a) => Array.from(a)));
        expect(cached.steps).toBe(plain.steps);
        if (stim) expect(plain.steps).toBe(config.blockSize - 1);
      }
      const other = await generateWindow(model, context, RELEASED_SAMPLING, { seed: 43, cache: true });
      const first = await generateWindow(model, context, RELEASED_SAMPLING, { seed: 42, cache: true });
      expect(other.ids.map((a) => Array.from(a))).not.toEqual(first.ids.map((a) => Array.from(a)));
      const times = generatedSpikeTimes(model, first, [0.45, 0.85, 1.25]);
      times.timesS.forEach((row) => row.forEach((s) => expect(s).toBeGreaterThanOrEqual(0.45)));
      expect(tf.memory().numTensors).toBeLessThan(2000);
      model.dispose();
    }
  }, 120_000);

  it('rolls out window after window on its own spikes (closed loop: the recorded future never leaks)', async () => {
    const config = { ...neuroformerPreset('tiny', { neurons: UNITS }), blockSize: 16 };
    const { model } = setup(config, [0.5]);
    const recorded = counts();
    // The same past, a different "future" inside the two spans (bins 45–84 and 120–159).
    const inside = (bin: number) => (bin >= 45 && bin < 85) || (bin >= 120 && bin < 160);
    const altered = Uint16Array.from(recorded, (c, i) => (inside(i % BINS) ? 1 - c : c));
    const run = (c: Uint16Array, cache: boolean) => rollout(model, { counts: c, units: UNITS, bins: BINS }, 0.01, [0.45, 1.2], 8, RELEASED_SAMPLING, { seed: 9, cache });
    const a = await run(recorded, true);
    const b = await run(altered, true);
    expect(a.spans.map((w) => Array.from(w.unit))).toEqual(b.spans.map((w) => Array.from(w.unit)));
    expect(a.spans.map((w) => Array.from(w.timeS))).toEqual(b.spans.map((w) => Array.from(w.timeS)));
    // The reference's full-prefix path samples the same rollout under the same seed.
    const plain = await run(recorded, false);
    expect(plain.spans.map((w) => Array.from(w.unit))).toEqual(a.spans.map((w) => Array.from(w.unit)));
    expect(Array.from(a.counts.subarray(0, 45))).toEqual(Array.from(recorded.subarray(0, 45)));
    // Each span's bins hold exactly its generated spikes, all inside the span.
    [0.45, 1.2].forEach((start, r) => {
      const b0 = Math.round(start / 0.01);
      let total = 0;
      for (let u = 0; u < UNITS; u++) for (let bin = b0; bin < b0 + 40; bin++) total += a.counts[u * BINS + bin]!;
      expect(total).toBe(a.spans[r]!.unit.length);
      a.spans[r]!.timeS.forEach((s) => {
        expect(s).toBeGreaterThanOrEqual(start - 1e-9);
        expect(s).toBeLessThan(start + 0.4 - 0.005);
      });
      a.spans[r]!.unit.forEach((u) => expect(u >= 0 && u < UNITS).toBe(true));
    });
    expect(a.spans.reduce((n, w) => n + w.unit.length, 0)).toBeGreaterThan(0);
    expect(a.outside).toBe(0);
    model.dispose();
  }, 60_000);

  it('samples ids only among the neurons and EOS, dts only among the current window\'s values', async () => {
    const config = neuroformerPreset('tiny', { neurons: UNITS });
    const { model, context } = setup(config, [0.5, 0.9, 1.3, 1.7]);
    const support = samplingSupport(config, model.vocab);
    // Neurons + EOS; 5 dt values (0 … 0.04 s) of a 50-ms window out of the vocabulary's 0 … 0.15 s.
    expect(Array.from(support.id).reduce((s, v) => s + v, 0)).toBe(UNITS + 1);
    expect(support.id[model.vocab.idSOS]).toBe(0);
    expect(support.id[model.vocab.idPAD]).toBe(0);
    expect(Array.from(support.dt).reduce((s, v) => s + v, 0)).toBe(Math.round(config.windowS / config.dtS));
    // Logits that favour the illegal tokens: SOS/PAD and the long dts get all the mass.
    const random = seededRandom(3);
    const logits = Float32Array.from({ length: model.vocab.idSize }, (_, i) => (i === model.vocab.idSOS || i === model.vocab.idPAD ? 20 : 0));
    for (let i = 0; i < 200; i++) expect(support.id[sampleToken(logits, 0.95, 1, true, random, support.id)]).toBe(1);
    expect(sampleToken(logits, 0.95, 1, false, random, support.id)).toBe(0);
    // A scrambled model's windows: every generated dt is a current-window value.
    suppressEos(tf, model);
    const g = await generateWindow(model, context, { ...RELEASED_SAMPLING, topP: 0, topPDt: 0, temperature: 3, temperatureDt: 3 }, { seed: 1, cache: true });
    g.dts.forEach((row) => row.forEach((code) => expect(model.vocab.dtValues[code]!).toBeLessThan(config.windowS - 1e-9)));
    g.ids.forEach((row) => row.forEach((id) => expect(id).toBeLessThan(UNITS)));
    expect(g.ids.reduce((n, row) => n + row.length, 0)).toBeGreaterThan(50);
    model.dispose();
  }, 60_000);

  it('keeps the nucleus as top_k_top_p_filtering does', () => {
    const random = seededRandom(1);
    // probabilities ≈ [0.5, 0.3, 0.15, 0.05]: top-p 0.7 keeps the first two (the second crosses 0.7).
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) seen.add(sampleToken(logits, 0.7, 1, true, random));
    expect([...seen].sort()).toEqual([0, 1]);
    for (let i = 0; i < 400; i++) seen.add(sampleToken(logits, 0, 1, true, random));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(sampleToken(logits, 0.95, 1, false, random)).toBe(0);
    // A token whose probability alone exceeds top-p is the only one kept.
    expect(new Set(Array.from({ length: 50 }, () => sampleToken([5, 0, 0], 0.5, 1, true, random)))).toEqual(new Set([0]));
  });

  it('measures the cache speed-up on the paper block size', async () => {
    // Paper-sized window (block 100) at a small width, so the measurement fits a unit test.
    const config: NeuroformerConfig = {
      ...neuroformerPreset('paper', { neurons: UNITS }),
      name: 'custom',
      embedDim: 64,
      heads: 4,
      layers: { stateHistory: 2, state: 2, stimulus: 0 },
      blockSizePrev: 100,
    };
    const { model, context } = setup(config, [1.0]);
    suppressEos(tf, model); // all 99 steps of the window
    const sampling = { ...RELEASED_SAMPLING, sample: true };
    await generateWindow(model, context, sampling, { seed: 5, cache: true }); // warm-up
    const time = async (cache: boolean) => {
      const start = performance.now();
      const g = await generateWindow(model, context, sampling, { seed: 5, cache });
      return { ms: performance.now() - start, steps: g.steps };
    };
    const plain = await time(false);
    const cached = await time(true);
    expect(cached.steps).toBe(plain.steps);
    const speedup = plain.ms / cached.ms;
    report.push(
      `block 100, width 64, 2+2+2 blocks, 1 window: ${plain.steps} steps; no cache ${plain.ms.toFixed(0)} ms (${((plain.steps * 1000) / plain.ms).toFixed(1)} tokens/s), cache ${cached.ms.toFixed(0)} ms (${((cached.steps * 1000) / cached.ms).toFixed(1)} tokens/s): ${speedup.toFixed(2)}×`,
    );
    model.dispose();
  }, 120_000);
});
