/**
 * Neuroformer generation: the key/value-cache path gives the same samples as the reference's
 * full-prefix path under one seed (with and without a stimulus pathway, sampled and greedy), the
 * nucleus filter keeps what top_k_top_p_filtering keeps, and the cache's speed-up (printed).
 * Run: npx vitest run test/unit/neuroformer-generate.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import {
  RELEASED_SAMPLING,
  createNeuroformer,
  generateWindow,
  generatedSpikeTimes,
  rolloutWindows,
  neuroformerPreset,
  sampleToken,
  tokenizeWindows,
  type NeuroformerConfig,
  type NeuroformerModel,
} from '../../main/pipelines/neuroformer/index.js';
import { seededRandom } from '../../shared/random.js';

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

/**
 * Makes EOS/PAD (almost) impossible so a window runs all its steps: the last block's LayerNorm
 * gets gain 0.5 and shift 1, and the head's EOS/PAD columns are all −1, so their logit is
 * −Σ(0.5·x̂ + 1) = −embedDim (a LayerNorm output sums to 0).
 */
function suppressEos(tf: Tfjs, model: NeuroformerModel): void {
  const { embedDim: c, layers } = model.config;
  const last = `neural_visual_transformer.neural_state_blocks.${layers.state - 1}.ln_f`;
  const set = (name: string, values: Float32Array) => {
    const t = tf.tensor(values, model.params.entry(name).shape as number[]);
    model.params.get(name).assign(t);
    t.dispose();
  };
  set(`${last}.weight`, new Float32Array(c).fill(0.5));
  set(`${last}.bias`, new Float32Array(c).fill(1));
  const v = model.vocab.idSize;
  const head = Float32Array.from(model.params.get('head_id.weight').dataSync() as Float32Array);
  for (let r = 0; r < c; r++) for (const col of [model.vocab.idEOS, model.vocab.idPAD]) head[r * v + col] = -1;
  set('head_id.weight', head);
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
    // The same past, a different "future" from the first generated window on (0.45 s = bin 45).
    const altered = Uint16Array.from(recorded, (c, i) => (i % BINS >= 45 ? 1 - c : c));
    const options = { firstEndS: 0.5, windows: 8, seed: 9, cache: true };
    const a = await rolloutWindows(model, { counts: recorded, units: UNITS, bins: BINS }, 0.01, RELEASED_SAMPLING, options);
    const b = await rolloutWindows(model, { counts: altered, units: UNITS, bins: BINS }, 0.01, RELEASED_SAMPLING, options);
    expect(a.windows.map((w) => Array.from(w.ids))).toEqual(b.windows.map((w) => Array.from(w.ids)));
    expect(Array.from(a.counts.subarray(0, 45))).toEqual(Array.from(recorded.subarray(0, 45)));
    // Each generated window's bins hold exactly its generated spikes.
    a.windows.forEach((w, k) => {
      let total = 0;
      for (let u = 0; u < UNITS; u++) for (let bin = 45 + 5 * k; bin < 50 + 5 * k; bin++) total += a.counts[u * BINS + bin]!;
      expect(total).toBe(w.ids.length);
      w.timesS.forEach((s) => {
        expect(s).toBeGreaterThanOrEqual(0.45 + 0.05 * k - 1e-9);
        expect(s).toBeLessThan(0.5 + 0.05 * k - 0.005);
      });
    });
    expect(a.windows.reduce((n, w) => n + w.ids.length, 0)).toBeGreaterThan(0);
    expect(a.dropped).toBe(b.dropped);
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
