/**
 * Training-step time of the TF.js Neuroformer against the PyTorch transcription on the CPU (same
 * config, same batch, one thread each: wasm's default and torch.set_num_threads(1)). A measurement,
 * not a gate: it runs only with CAJAL_NF_SPEED=1 and prints the ratio (issue #20's goal: ≤ 2×).
 * The torch side trains without dropout; ours is timed without and with the config's dropout.
 *   CAJAL_NF_SPEED=1 npx vitest run test/unit/neuroformer-speed.test.ts
 */
import { describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { AdamW, trainStep } from '../../main/compute/nn/index.js';
import { createNeuroformer, neuroformerDecayRule, neuroformerPreset, neuroformerStateDict, tokenizeWindows, type NeuroformerConfig } from '../../main/pipelines/neuroformer/index.js';
import { seededRandom } from '../../shared/random.js';
import { hasTorch, runTorchScript } from '../helpers/torch.js';

const enabled = process.env.CAJAL_NF_SPEED === '1' && hasTorch();

describe.skipIf(!enabled)('Neuroformer training speed vs PyTorch (CPU)', () => {
  const cases: { label: string; config: NeuroformerConfig; batch: number }[] = [
    { label: 'tiny (49 neurons, C 32, 1+1+1 blocks, T 32/64)', config: neuroformerPreset('tiny', { neurons: 49 }), batch: 32 },
    {
      label: 'mid (49 neurons, C 128, 2+2+2 blocks, T 100/100)',
      config: { ...neuroformerPreset('paper', { neurons: 49 }), name: 'custom', embedDim: 128, heads: 8, layers: { stateHistory: 2, state: 2, stimulus: 0 } },
      batch: 16,
    },
  ];
  for (const { label, config, batch } of cases) {
    it(label, async () => {
      const tf = await activateBackend('wasm');
      const units = config.neurons;
      const bins = 2000;
      const random = seededRandom(1);
      const counts = Uint16Array.from({ length: units * bins }, () => (random() < 0.03 ? 1 : 0));
      const ends = Array.from({ length: batch }, (_, i) => 0.5 + i * 0.5);
      const tokens = tokenizeWindows({ counts, units, bins }, 0.01, ends, config);
      const model = createNeuroformer(tf, config, 1);
      const opt = new AdamW(model.params, { lr: 1e-4, beta1: 0.9, beta2: 0.95, weightDecay: 1, decay: neuroformerDecayRule });
      // Median of 3 steps after 2 warm-up steps; without dropout (as the torch side runs) and with
      // the config's dropout (our masks are drawn in JS from the project PRNG: a real cost).
      const measure = (training: boolean): number => {
        const times: number[] = [];
        for (let step = 0; step < 5; step++) {
          const start = performance.now();
          trainStep(opt, () => model.loss(tokens, { training, dropoutSeed: step }).total, { clipNorm: 1 });
          times.push(performance.now() - start);
        }
        return times.slice(2).sort((a, b) => a - b)[1]!;
      };
      const ours = measure(false);
      const oursDropout = measure(true);
      const weights: Record<string, { shape: number[]; data: number[] }> = {};
      for (const [name, t] of neuroformerStateDict(model.params)) weights[name] = { shape: t.shape, data: Array.from(t.data) };
      const result = runTorchScript<{ bench: { msPerStep: number } }>('neuroformer_torch.py', {
        config,
        counts: Array.from(counts),
        units,
        bins,
        binDtS: 0.01,
        windowEnds: ends,
        weights,
        stimulus: null,
        benchSteps: 3,
      });
      const torchMs = result.bench.msPerStep;
      console.info(
        `neuroformer-speed ${label}, batch ${batch}: torch ${torchMs.toFixed(0)} ms/step (no dropout); TF.js wasm ${ours.toFixed(0)} ms/step without dropout ` +
          `(${(ours / torchMs).toFixed(2)}× torch), ${oursDropout.toFixed(0)} ms/step with the config's dropout`,
      );
      expect(ours).toBeGreaterThan(0);
      opt.dispose();
      model.dispose();
    }, 300_000);
  }
});
