/**
 * The Neuroformer model on its own: parameter counts of the presets, output shapes, input checks,
 * and that the tiny preset learns a sequential firing pattern in a few dozen AdamW steps (the
 * reference's groups and gradient clipping).
 * Run: npx vitest run test/unit/neuroformer-model.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { AdamW, trainStep } from '../../main/compute/nn/index.js';
import { ValidationError } from '../../main/errors.js';
import {
  createNeuroformer,
  loadNeuroformerStateDict,
  neuroformerDecayRule,
  neuroformerParameterCount,
  neuroformerPreset,
  neuroformerStateDict,
  tokenizeWindows,
} from '../../main/pipelines/neuroformer/index.js';
import { seededRandom } from '../../shared/random.js';

/** Neuron u fires in bin b when (b + u) is a multiple of the period: a travelling wave the model can learn. */
function wave(units: number, bins: number, period: number): Uint16Array {
  const random = seededRandom(3);
  return Uint16Array.from({ length: units * bins }, (_, i) => {
    const u = Math.floor(i / bins);
    const b = i % bins;
    return (b + u) % period === 0 && random() < 0.9 ? 1 : 0;
  });
}

describe('Neuroformer model', () => {
  let tf: Tfjs;
  const report: string[] = [];

  beforeAll(async () => {
    tf = await activateBackend('wasm');
  });

  afterAll(() => {
    if (report.length > 0) console.info(`neuroformer-model (${tf.getBackend()}):\n  ${report.join('\n  ')}`);
  });

  it('counts its parameters (tiny built, paper by formula)', () => {
    for (const stimulus of [null, { features: 2, tokens: 5 }]) {
      const config = neuroformerPreset('tiny', { neurons: 49, stimulus });
      const model = createNeuroformer(tf, config, 1);
      expect(model.params.count(true)).toBe(neuroformerParameterCount(config));
      model.dispose();
    }
    const paper = neuroformerParameterCount(neuroformerPreset('paper', { neurons: 386 }));
    const paperStim = neuroformerParameterCount(neuroformerPreset('paper', { neurons: 386, stimulus: { features: 2, tokens: 20 } }));
    report.push(`paper preset, 386 neurons (V1AL): ${(paper / 1e6).toFixed(2)} M without stimulus, ${(paperStim / 1e6).toFixed(2)} M with a 2-feature × 20-token stimulus`);
    expect(paper).toBeGreaterThan(14e6);
  });

  it('gives logits of the vocabulary sizes and refuses bad batches', () => {
    const config = neuroformerPreset('tiny', { neurons: 6 });
    const model = createNeuroformer(tf, config, 2);
    const tokens = tokenizeWindows({ counts: wave(6, 100, 4), units: 6, bins: 100 }, 0.01, [0.5, 0.7], config);
    const out = model.forward(tokens);
    expect(out.idLogits.shape).toEqual([2, config.blockSize, 9]);
    expect(out.dtLogits.shape).toEqual([2, config.blockSize, model.vocab.dtSize]);
    out.idLogits.dispose();
    out.dtLogits.dispose();
    expect(() => model.forward({ ...tokens, id: tokens.id.slice(1) })).toThrow(ValidationError);
    expect(() => model.forward({ ...tokens, id: tokens.id.map(() => 99) })).toThrow(/outside the vocabulary/);
    expect(() => model.forward({ ...tokens, stimulus: new Float32Array(4) })).toThrow(/no stimulus/);
    model.dispose();
  });

  it('round-trips its weights through a torch-layout state dict (released-checkpoint keys)', () => {
    const config = neuroformerPreset('tiny', { neurons: 5 });
    const a = createNeuroformer(tf, config, 1);
    const b = createNeuroformer(tf, config, 2);
    const dict = neuroformerStateDict(a.params);
    expect(dict.get('head_id.weight')!.shape).toEqual([8, config.embedDim]); // torch [out, in]
    const released = new Map([...dict].map(([k, v]) => [`module.${k}`, v]));
    released.set('module.feature_encoder.mask', { shape: [1, 1, 2, 2], data: new Float32Array(4) });
    expect(() => loadNeuroformerStateDict(b.params, released, 'model.pt')).toThrow(/feature_encoder.mask/);
    expect(loadNeuroformerStateDict(b.params, released, 'model.pt', { allowExtra: true })).toEqual(['feature_encoder.mask']);
    for (const e of a.params.list()) expect(Array.from(b.params.get(e.name).dataSync())).toEqual(Array.from(e.variable.dataSync()));
    const missing = new Map(dict);
    missing.delete('pos_emb');
    expect(() => loadNeuroformerStateDict(b.params, missing, 'x.pt')).toThrow(/pos_emb/);
    a.dispose();
    b.dispose();
  });

  it('learns a travelling wave (tiny preset, AdamW with the reference groups)', () => {
    const units = 8;
    const bins = 600;
    const config = neuroformerPreset('tiny', { neurons: units });
    const model = createNeuroformer(tf, config, 4);
    const counts = wave(units, bins, 5);
    const ends = Array.from({ length: 16 }, (_, i) => 0.3 + i * 0.3);
    const tokens = tokenizeWindows({ counts, units, bins }, 0.01, ends, config);
    const opt = new AdamW(model.params, { lr: 3e-3, beta1: 0.9, beta2: 0.95, weightDecay: 0.1, decay: neuroformerDecayRule });
    const losses: number[] = [];
    const start = performance.now();
    for (let step = 0; step < 40; step++) {
      losses.push(trainStep(opt, () => model.loss(tokens, { training: true, dropoutSeed: step }).total, { clipNorm: 1 }).loss);
    }
    const ms = (performance.now() - start) / 40;
    report.push(`tiny, 8 neurons, batch 16: loss ${losses[0]!.toFixed(3)} → ${losses[39]!.toFixed(3)} in 40 steps, ${ms.toFixed(0)} ms/step`);
    expect(losses[39]!).toBeLessThan(0.6 * losses[0]!);
    opt.dispose();
    model.dispose();
  }, 120_000);
});
