/**
 * Neuroformer test and bench helpers shared by test/unit/neuroformer-generate.test.ts and
 * bench/neuroformer.bench.ts.
 */
import type { Tfjs } from '../../main/compute/index.js';
import type { NeuroformerModel } from '../../main/pipelines/neuroformer/index.js';

/**
 * Makes EOS (almost) impossible so generation runs every step of a window: the last state block's
 * LayerNorm gets gain 0.5 and shift 1, and the id head's EOS and PAD columns are all −1, so their
 * logit is −Σ(0.5·x̂ + 1) = −embedDim (a LayerNorm output sums to 0) while the neurons' logits stay
 * near 0. Used where a measurement or a comparison needs full-length windows.
 */
export function suppressEos(tf: Tfjs, model: NeuroformerModel): void {
  const { embedDim: c, layers } = model.config;
  const last = `neural_visual_transformer.neural_state_blocks.${layers.state - 1}.ln_f`;
  const set = (name: string, values: Float32Array): void => {
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
