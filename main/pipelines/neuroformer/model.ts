/**
 * Neuroformer (Antoniades et al., ICLR 2024) in TensorFlow.js on main/compute/nn, transcribed from
 * a-antoniades/Neuroformer 36ed940 (neuroformer/model_neuroformer.py: Neuroformer.process_features,
 * forward, FeatureEncoder, MultimodalTransformer, Block; neuroformer/modules.py
 * LearntTemporalEmbedding). Parameters carry the reference's state-dict names; Linear kernels are
 * stored [in, out] (model-state-dict.ts converts to torch's [out, in]).
 *
 *   embeddings  e      = id_drop(tok_emb(id) + temp_emb(dt) + pos_emb)            current window
 *               e_prev = id_drop(tok_emb(id_prev) + temp_emb_prev(dt_prev) + pos_emb_prev)
 *               temp_emb = Linear(1, C/2) → GELU → Linear(C/2, C) → Dropout on the dt TOKEN INDEX
 *               (as a float), pos_emb zero-initialised; tok_emb shared by both windows
 *   stimulus    (ours, in place of the video encoder) features [B, S, F] → Linear(F, C) → LN → ReLU
 *               (+ learned positions, see config) ; [e[:, 0] ; tokens] → im_drop, as the reference
 *               prepends the current window's SOS embedding to its frame tokens
 *   feature encoder   layers.state causal self-attention blocks on e;
 *                     layers.stimulus self-attention blocks on the stimulus tokens
 *   multimodal        layers.state_history cross-attention blocks: queries x, keys/values the RAW
 *                     e_prev (never passed through a block); layers.stimulus cross-attention blocks
 *                     to the encoded stimulus tokens; layers.state causal self-attention blocks
 *   heads       head_id Linear(C, V_id), head_dt Linear(C, V_dt), no bias
 *   loss        w_id·CE(id) + w_dt·CE(dt), PAD targets ignored (EOS is a target), see config.lossWeights
 * No padding mask anywhere (the reference has none: PAD positions are attended to, only their
 * targets are ignored); MultimodalTransformer.ln_f exists in the reference but is never applied,
 * so it is not built here (it would only be an unused parameter).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/index.js';
import { deriveSeed, seededRandom } from '../../../shared/random.js';
import { gelu } from '../../compute/nn/activations.js';
import { causalBias } from '../../compute/nn/attention.js';
import { dropout } from '../../compute/nn/dropout.js';
import { paramSeed } from '../../compute/nn/init.js';
import { createLinear, type Linear } from '../../compute/nn/linear.js';
import { createLayerNorm, type LayerNorm } from '../../compute/nn/norm.js';
import { decayWeightsOnly, type DecayRule } from '../../compute/nn/optim.js';
import { Params, type ForwardOptions } from '../../compute/nn/params.js';
import { ValidationError } from '../../errors.js';
import { createNfBlock, type NfBlock } from './block.js';
import { NF_INIT_STD, NF_LN_EPS, neuroformerVocab, validateNeuroformerConfig, type NeuroformerConfig, type NeuroformerVocab } from './config.js';
import { neuroformerLoss, type NeuroformerLoss } from './loss.js';
import type { NeuroformerBatch } from './tokenizer.js';

export interface NeuroformerOutput {
  idLogits: tfTypes.Tensor3D;
  dtLogits: tfTypes.Tensor3D;
}

export interface NeuroformerForward {
  training?: boolean;
  /** Dropout masks are drawn from this seed when training (vary it per step). */
  dropoutSeed?: number;
}

/** One state-history layer's attention: probabilities [batch, heads, T, Tprev], row-major. */
export interface AttentionMap {
  readonly shape: [number, number, number, number];
  readonly data: Float32Array;
}

/** The batch as tensors (what generate.ts builds step by step). */
export interface BatchTensors {
  batch: number;
  id: tfTypes.Tensor2D;
  dt: tfTypes.Tensor2D;
  idPrev: tfTypes.Tensor2D;
  dtPrev: tfTypes.Tensor2D;
  stimulus?: tfTypes.Tensor3D;
}

/** Internals generate.ts reuses for its key/value cache. */
export interface NeuroformerParts {
  embedCurrent(id: tfTypes.Tensor2D, dt: tfTypes.Tensor2D, start: number, options: ForwardOptions): tfTypes.Tensor3D;
  embedPrevious(idPrev: tfTypes.Tensor2D, dtPrev: tfTypes.Tensor2D, options: ForwardOptions): tfTypes.Tensor3D;
  encodeStimulus(stimulus: tfTypes.Tensor3D, sos: tfTypes.Tensor3D, options: ForwardOptions): tfTypes.Tensor3D;
  stateBlocks: NfBlock[];
  frameBlocks: NfBlock[];
  historyBlocks: NfBlock[];
  stimulusBlocks: NfBlock[];
  selfBlocks: NfBlock[];
  headId: Linear;
  headDt: Linear;
}

export interface NeuroformerModel {
  readonly config: NeuroformerConfig;
  readonly vocab: NeuroformerVocab;
  readonly params: Params;
  readonly parts: NeuroformerParts;
  forward(batch: NeuroformerBatch, options?: NeuroformerForward): NeuroformerOutput;
  /** forward on tensors (ids as int32 [B, T]); `capture` collects the state-history attention. */
  forwardTensors(batch: BatchTensors, options?: NeuroformerForward & { capture?: tfTypes.Tensor4D[] }): NeuroformerOutput;
  /** Scalars: total = w_id·ceId + w_dt·ceDt. Differentiable w.r.t. params. */
  loss(batch: NeuroformerBatch, options?: NeuroformerForward): NeuroformerLoss;
  /** The state-history cross-attention of every layer (eval mode): connectivity by attention rollout. */
  attentionMaps(batch: NeuroformerBatch): Promise<AttentionMap[]>;
  dispose(): void;
}

/**
 * The reference's AdamW groups (configure_optimizers): weight decay on nn.Linear weights only.
 * Its blacklist also names 'temp_emb', but `no_decay -= decay & no_decay` then removes the temporal
 * MLP's Linear weights from no_decay again, so they ARE decayed there — and here (role 'weight').
 * Embeddings, positions, biases and LayerNorms are not decayed.
 */
export const neuroformerDecayRule: DecayRule = decayWeightsOnly;

/** Plain normal(0, std) values (the reference's weight.data.normal_(0, 0.02), not truncated). */
function normalValues(size: number, seed: number, std: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let u = random();
    while (u <= 0) u = random();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()) * std;
  }
  return out;
}

interface TemporalEmbedding {
  apply(dt: tfTypes.Tensor2D, options: ForwardOptions): tfTypes.Tensor3D;
  dispose(): void;
}

/**
 * Rows of `table` [V, C] for the token ids [B, T] → [B, T, C], as a one-hot matmul: on wasm a
 * GatherV2 of 1,600 rows (and its UnsortedSegmentSum gradient) costs ~3× the one-hot product
 * through XNNPACK, and one-hot · table is exact (every product is 1·w or 0·w).
 */
function lookup(tf: Tfjs, table: tfTypes.Tensor2D, ids: tfTypes.Tensor2D): tfTypes.Tensor3D {
  const [b, len] = ids.shape;
  const [v, c] = table.shape;
  const rows = tf.matMul(tf.oneHot(tf.reshape(ids, [b * len]), v), table);
  return tf.reshape(rows, [b, len, c]);
}

/**
 * LearntTemporalEmbedding: the dt token index (float) → Linear(1, C/2) → GELU → Linear(C/2, C) → Dropout.
 * The MLP is a function of the token index alone, so it is evaluated once per dt VOCABULARY entry
 * (a [V_dt, C] table) and looked up per position: the same values and gradients as running it on
 * every [B, T] position (up to the order of float sums), for V_dt rows instead of B·T.
 */
function createTemporalEmbedding(params: Params, name: string, dim: number, vocabSize: number, rate: number, seed: number, site: number): TemporalEmbedding {
  const tf = params.tf;
  const l0 = createLinear(params, `${name}.temp_emb.0`, { inFeatures: 1, outFeatures: dim / 2, seed });
  const l2 = createLinear(params, `${name}.temp_emb.2`, { inFeatures: dim / 2, outFeatures: dim, seed });
  const index = tf.keep(tf.tensor2d(Float32Array.from({ length: vocabSize }, (_, i) => i), [vocabSize, 1]));
  return {
    apply(dt, options) {
      const table = l2.apply(gelu(tf, l0.apply(index, options)), options) as tfTypes.Tensor2D;
      const y = lookup(tf, table, dt);
      if (!options.training || rate === 0) return y;
      return dropout(tf, y, rate, deriveSeed(options.dropoutSeed ?? 0, site));
    },
    dispose() {
      index.dispose();
    },
  };
}

export function createNeuroformer(tf: Tfjs, config: NeuroformerConfig, seed: number): NeuroformerModel {
  validateNeuroformerConfig(config);
  const vocab = neuroformerVocab(config);
  const c = config.embedDim;
  const t = config.blockSize;
  const tp = config.blockSizePrev;
  const params = new Params(tf);
  const blockConfig = (i: number) => ({ dim: c, heads: config.heads, attnDropout: config.dropout.attn, residDropout: config.dropout.resid, seed: deriveSeed(seed, i) });

  // Registration order follows the reference's module order (state_dict order).
  const tokEmbName = 'tok_emb.weight';
  params.add(tokEmbName, [vocab.idSize, c], new Float32Array(vocab.idSize * c), { role: 'embedding' });
  params.add('pos_emb', [1, t, c], new Float32Array(t * c), { role: 'other' });
  params.add('pos_emb_prev', [1, tp, c], new Float32Array(tp * c), { role: 'other' });
  const tempEmb = createTemporalEmbedding(params, 'temp_emb', c, vocab.dtSize, config.dropout.temp, seed, 0x7431);
  const tempEmbPrev = createTemporalEmbedding(params, 'temp_emb_prev', c, vocab.dtSize, config.dropout.temp, seed, 0x7432);

  let stimProj: Linear | null = null;
  let stimNorm: LayerNorm | null = null;
  const stim = config.stimulus;
  if (stim) {
    stimProj = createLinear(params, 'stimulus_encoder.proj', { inFeatures: stim.features, outFeatures: c, seed });
    stimNorm = createLayerNorm(params, 'stimulus_encoder.norm', { dim: c, eps: NF_LN_EPS });
    if (stim.positions) params.add('stimulus_encoder.pos_emb', [1, stim.tokens, c], new Float32Array(stim.tokens * c), { role: 'other' });
  }
  const stateBlocks = Array.from({ length: config.layers.state }, (_, i) => createNfBlock(params, `feature_encoder.neural_state_blocks.${i}`, blockConfig(100 + i)));
  const frameBlocks = stim ? Array.from({ length: config.layers.stimulus }, (_, i) => createNfBlock(params, `feature_encoder.frame_state_blocks.${i}`, blockConfig(200 + i))) : [];
  const selfBlocks = Array.from({ length: config.layers.state }, (_, i) => createNfBlock(params, `neural_visual_transformer.neural_state_blocks.${i}`, blockConfig(300 + i)));
  const historyBlocks = Array.from({ length: config.layers.stateHistory }, (_, i) =>
    createNfBlock(params, `neural_visual_transformer.neural_state_history_blocks.${i}`, blockConfig(400 + i)),
  );
  const stimulusBlocks = stim
    ? Array.from({ length: config.layers.stimulus }, (_, i) => createNfBlock(params, `neural_visual_transformer.neural_state_stimulus_blocks.${i}`, blockConfig(500 + i)))
    : [];
  const headId = createLinear(params, 'head_id', { inFeatures: c, outFeatures: vocab.idSize, bias: false, seed });
  const headDt = createLinear(params, 'head_dt', { inFeatures: c, outFeatures: vocab.dtSize, bias: false, seed });

  // Reference init (_init_weights): every Linear and Embedding weight ~ N(0, 0.02), biases 0,
  // LayerNorm 1/0 (as created), positions 0.
  for (const entry of params.list()) {
    if (entry.role !== 'weight' && entry.role !== 'embedding') continue;
    const values = tf.tensor(normalValues(entry.variable.size, paramSeed(seed, `nf-init/${entry.name}`), NF_INIT_STD), entry.shape as number[]);
    entry.variable.assign(values);
    values.dispose();
  }

  const causal = tf.keep(tf.tensor2d(causalBias(t), [t, t]));
  let disposed = false;

  function idDrop<T extends tfTypes.Tensor>(x: T, options: ForwardOptions, site: number): T {
    if (!options.training || config.dropout.id === 0) return x;
    return dropout(tf, x, config.dropout.id, deriveSeed(options.dropoutSeed ?? 0, site));
  }

  /** Current-window embeddings of positions [start, start + len) (len = id.shape[1]). */
  function embedCurrent(id: tfTypes.Tensor2D, dt: tfTypes.Tensor2D, start: number, options: ForwardOptions): tfTypes.Tensor3D {
    const p = options.params ?? params;
    const len = id.shape[1];
    const tok = lookup(tf, p.get(tokEmbName) as tfTypes.Tensor2D, id);
    const pos = tf.slice(p.get('pos_emb'), [0, start, 0], [1, len, c]);
    return idDrop(tf.add(tf.add(tok, tempEmb.apply(dt, options)), pos), options, 0x6964);
  }

  function embedPrevious(idPrev: tfTypes.Tensor2D, dtPrev: tfTypes.Tensor2D, options: ForwardOptions): tfTypes.Tensor3D {
    const p = options.params ?? params;
    const tok = lookup(tf, p.get(tokEmbName) as tfTypes.Tensor2D, idPrev);
    return idDrop(tf.add(tf.add(tok, tempEmbPrev.apply(dtPrev, options)), p.get('pos_emb_prev')), options, 0x7072);
  }

  function encodeStimulus(stimulus: tfTypes.Tensor3D, sos: tfTypes.Tensor3D, options: ForwardOptions): tfTypes.Tensor3D {
    const p = options.params ?? params;
    let tokens = tf.relu(stimNorm!.apply(stimProj!.apply(stimulus, options), options)) as tfTypes.Tensor3D;
    if (stim!.positions) tokens = tf.add(tokens, p.get('stimulus_encoder.pos_emb'));
    let frames = tf.concat([sos, tokens], 1) as tfTypes.Tensor3D;
    if (options.training && config.dropout.im > 0) frames = dropout(tf, frames, config.dropout.im, deriveSeed(options.dropoutSeed ?? 0, 0x696d));
    return frames;
  }

  function checkBatch(batch: NeuroformerBatch): void {
    if (disposed) throw new ValidationError('model', 'the Neuroformer model was disposed');
    const b = batch.batch;
    const sizes: [string, Int32Array, number][] = [
      ['idPrev', batch.idPrev, b * tp],
      ['dtPrev', batch.dtPrev, b * tp],
      ['id', batch.id, b * t],
      ['dt', batch.dt, b * t],
      ['targetId', batch.targetId, b * t],
      ['targetDt', batch.targetDt, b * t],
    ];
    for (const [field, arr, n] of sizes) {
      if (arr.length !== n) throw new ValidationError(field, `${arr.length} tokens, expected ${n}`);
    }
    for (const [field, arr, max] of [
      ['idPrev', batch.idPrev, vocab.idSize],
      ['id', batch.id, vocab.idSize],
      ['dtPrev', batch.dtPrev, vocab.dtSize],
      ['dt', batch.dt, vocab.dtSize],
    ] as const) {
      for (let i = 0; i < arr.length; i++) if (arr[i]! < 0 || arr[i]! >= max) throw new ValidationError(field, `token ${arr[i]} at ${i} is outside the vocabulary (0–${max - 1})`);
    }
    if (stim) {
      const n = b * stim.tokens * stim.features;
      if (!batch.stimulus || batch.stimulus.length !== n) throw new ValidationError('stimulus', `${batch.stimulus?.length ?? 0} values, expected ${n} (${b} × ${stim.tokens} × ${stim.features})`);
    } else if (batch.stimulus) {
      throw new ValidationError('stimulus', 'this model has no stimulus pathway');
    }
  }

  function toTensors(batch: NeuroformerBatch): BatchTensors {
    const b = batch.batch;
    return {
      batch: b,
      id: tf.tensor2d(batch.id, [b, t], 'int32'),
      dt: tf.tensor2d(batch.dt, [b, t], 'int32'),
      idPrev: tf.tensor2d(batch.idPrev, [b, tp], 'int32'),
      dtPrev: tf.tensor2d(batch.dtPrev, [b, tp], 'int32'),
      stimulus: stim && batch.stimulus ? tf.tensor3d(batch.stimulus, [b, stim.tokens, stim.features], 'float32') : undefined,
    };
  }

  function forwardTensors(batch: BatchTensors, options: NeuroformerForward & { capture?: tfTypes.Tensor4D[] } = {}): NeuroformerOutput {
    const fwd: ForwardOptions = { training: options.training ?? false, dropoutSeed: options.dropoutSeed };
    if (fwd.training && fwd.dropoutSeed === undefined) throw new ValidationError('dropoutSeed', 'training with dropout needs a seed');
    const seedFor = (i: number) => (fwd.dropoutSeed === undefined ? undefined : deriveSeed(fwd.dropoutSeed, i));
    const len = batch.id.shape[1];
    const bias = len === t ? causal : tf.slice(causal, [0, 0], [len, len]);
    const prev = embedPrevious(batch.idPrev, batch.dtPrev, fwd);
    const cur = embedCurrent(batch.id, batch.dt, 0, fwd);
    let frames: tfTypes.Tensor3D | null = null;
    if (stim && batch.stimulus) frames = encodeStimulus(batch.stimulus, tf.slice(cur, [0, 0, 0], [-1, 1, -1]), fwd);
    let x = cur;
    stateBlocks.forEach((blk, i) => (x = blk.apply(x, null, { ...fwd, bias, dropoutSeed: seedFor(1000 + i) })));
    if (frames) frameBlocks.forEach((blk, i) => (frames = blk.apply(frames!, null, { ...fwd, dropoutSeed: seedFor(2000 + i) })));
    historyBlocks.forEach((blk, i) => (x = blk.apply(x, prev, { ...fwd, dropoutSeed: seedFor(4000 + i), capture: options.capture })));
    if (frames) stimulusBlocks.forEach((blk, i) => (x = blk.apply(x, frames, { ...fwd, dropoutSeed: seedFor(5000 + i) })));
    selfBlocks.forEach((blk, i) => (x = blk.apply(x, null, { ...fwd, bias, dropoutSeed: seedFor(3000 + i) })));
    return { idLogits: headId.apply(x, fwd), dtLogits: headDt.apply(x, fwd) };
  }

  function forward(batch: NeuroformerBatch, options: NeuroformerForward = {}): NeuroformerOutput {
    checkBatch(batch);
    const out = tf.tidy(() => {
      const o = forwardTensors(toTensors(batch), options);
      return { idLogits: o.idLogits, dtLogits: o.dtLogits } as unknown as tfTypes.NamedTensorMap;
    });
    return out as unknown as NeuroformerOutput;
  }

  return {
    config,
    vocab,
    params,
    parts: { embedCurrent, embedPrevious, encodeStimulus, stateBlocks, frameBlocks, historyBlocks, stimulusBlocks, selfBlocks, headId, headDt },
    forward,
    forwardTensors,
    loss(batch, options = {}) {
      checkBatch(batch);
      return tf.tidy(() => {
        const out = forwardTensors(toTensors(batch), options);
        const b = batch.batch;
        const l = neuroformerLoss(tf, out, tf.tensor2d(batch.targetId, [b, t], 'int32'), tf.tensor2d(batch.targetDt, [b, t], 'int32'), vocab, config.lossWeights);
        return { total: l.total, ceId: l.ceId, ceDt: l.ceDt } as unknown as tfTypes.NamedTensorMap;
      }) as unknown as NeuroformerLoss;
    },
    async attentionMaps(batch) {
      checkBatch(batch);
      const capture: tfTypes.Tensor4D[] = [];
      tf.tidy(() => {
        forwardTensors(toTensors(batch), { training: false, capture });
      });
      const maps: AttentionMap[] = [];
      for (const probs of capture) {
        const [b, h, q, k] = probs.shape;
        maps.push({ shape: [b, h, q, k], data: Float32Array.from((await probs.data()) as Float32Array) });
        probs.dispose();
      }
      return maps;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      causal.dispose();
      tempEmb.dispose();
      tempEmbPrev.dispose();
      params.dispose();
    },
  };
}
