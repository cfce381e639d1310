/**
 * Neuroformer configuration (Antoniades et al., ICLR 2024; reference code a-antoniades/Neuroformer
 * at 36ed940: neuroformer/model_neuroformer.py, neuroformer/data_utils.py, configs/V1AL/mconf.yaml,
 * configs/Visnav/lateral/mconf_pretrain.yaml) and the vocabularies the tokeniser and heads share.
 *
 * Names map to the reference's YAML keys:
 *   dtS            resolution.dt (the time resolution of the dt tokens; the reference bins at the same dt)
 *   windowS        window.curr (the current window, the one predicted)
 *   windowPrevS    window.prev (the previous window, the neural-state history)
 *   blockSize      block_size.id (tokens per current window, with SOS/EOS/PAD)
 *   blockSizePrev  block_size.prev_id
 *   layers         layers.state_history / layers.state / layers.stimulus (the last counts both the
 *                  stimulus self-attention encoder and the stimulus cross-attention, as the reference)
 *   stimulus       our replacement of the video encoder: a feature vector per stimulus bin, projected
 *                  to tokens (null: no stimulus pathway is built)
 */
import { ValidationError } from '../../errors.js';

export interface NeuroformerDropout {
  /** dropout.attn: on the attention probabilities. */
  attn: number;
  /** dropout.resid: after the attention output projection and after the MLP. */
  resid: number;
  /** dropout.id: on the summed token + temporal + position embeddings (id_drop). */
  id: number;
  /** dropout.im: on the stimulus tokens (im_drop). */
  im: number;
  /**
   * Inside LearntTemporalEmbedding. The reference constructs it without passing the config, so
   * its default 0.2 applies whatever dropout.temp says.
   */
  temp: number;
}

export interface NeuroformerStimulusConfig {
  /** Features per stimulus bin (e.g. 2 for the grating phase as cos/sin). */
  features: number;
  /** Stimulus tokens per sample (bins of stimulus features ending at the window end). */
  tokens: number;
  /**
   * A learned, zero-initialised position per stimulus token. The reference computes a 3-D
   * positional encoding for its frame tokens and then discards it (model_neuroformer.py,
   * process_features: `frame_embeddings = rearrange(frames, ...)` uses `frames`, not the sum), so its
   * stimulus tokens carry no position; true here fixes that on purpose, false reproduces it.
   */
  positions: boolean;
}

export interface NeuroformerConfig {
  name: 'tiny' | 'paper' | 'custom';
  /** Number of neurons: ID tokens 0..neurons−1, then SOS, EOS, PAD. */
  neurons: number;
  dtS: number;
  windowS: number;
  windowPrevS: number;
  blockSize: number;
  blockSizePrev: number;
  embedDim: number;
  heads: number;
  layers: { stateHistory: number; state: number; stimulus: number };
  stimulus: NeuroformerStimulusConfig | null;
  dropout: NeuroformerDropout;
  /**
   * Weights of the two cross-entropies. The reference computes (3/5)(1−1/n)·CE_id + (2/5)(1−1/n)·CE_dt
   * with n = 4 whenever the config has a `contrastive:` section, even with contrastive learning off
   * (`n = inf if not config.contrastive else 4` tests the section object, always truthy), so the
   * released weights are 0.45 and 0.30; the intended weights without contrastive loss are 0.6/0.4.
   * We keep the released 0.45/0.30 by default (same optimum, same gradient direction; the loss
   * scale matches the reference's logged curves) and let a config choose otherwise.
   */
  lossWeights: { id: number; dt: number };
}

/** The released loss weights (n = 4 quirk): 0.6·0.75 and 0.4·0.75. */
export const RELEASED_LOSS_WEIGHTS = Object.freeze({ id: (3 / 5) * (1 - 1 / 4), dt: (2 / 5) * (1 - 1 / 4) });

/** LayerNorm eps everywhere: torch's nn.LayerNorm default. */
export const NF_LN_EPS = 1e-5;
/** Init std of every Linear and Embedding weight (Neuroformer._init_weights: normal_(0, 0.02), not truncated). */
export const NF_INIT_STD = 0.02;

export interface NeuroformerPresetOptions {
  neurons: number;
  stimulus?: { features: number; tokens: number } | null;
}

/**
 * `paper`: the released V1AL sizes (configs/V1AL/mconf.yaml: n_embd 256, 8 heads, 6 layers per
 * stack, block sizes 100/100, windows 0.05/0.15 s, dt 0.01 s, dropout 0.2) — a GPU configuration.
 * `tiny`: the same structure at width 32 and one layer per stack, shorter blocks and less
 * dropout, so a model over ~50 neurons trains in minutes on two CPU cores (the tests' size).
 */
export function neuroformerPreset(name: 'tiny' | 'paper', options: NeuroformerPresetOptions): NeuroformerConfig {
  const stimulus = options.stimulus ? { ...options.stimulus, positions: true } : null;
  if (name === 'paper') {
    return {
      name,
      neurons: options.neurons,
      dtS: 0.01,
      windowS: 0.05,
      windowPrevS: 0.15,
      blockSize: 100,
      blockSizePrev: 100,
      embedDim: 256,
      heads: 8,
      layers: { stateHistory: 6, state: 6, stimulus: stimulus ? 6 : 0 },
      stimulus,
      dropout: { attn: 0.2, resid: 0.2, id: 0.2, im: 0.2, temp: 0.2 },
      lossWeights: { ...RELEASED_LOSS_WEIGHTS },
    };
  }
  return {
    name,
    neurons: options.neurons,
    dtS: 0.01,
    windowS: 0.05,
    windowPrevS: 0.15,
    blockSize: 32,
    blockSizePrev: 64,
    embedDim: 32,
    heads: 4,
    layers: { stateHistory: 1, state: 1, stimulus: stimulus ? 1 : 0 },
    stimulus,
    dropout: { attn: 0.1, resid: 0.1, id: 0.1, im: 0.1, temp: 0.1 },
    lossWeights: { ...RELEASED_LOSS_WEIGHTS },
  };
}

/** Python's round() on a float: half to even. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  if (Math.abs(v - Math.trunc(v)) === 0.5) return 2 * Math.round(v / 2);
  return r;
}

/** Python's round(x, 6) (correctly rounded; exact decimal ties cannot occur for these values). */
export function round6(x: number): number {
  const v = Number(x.toFixed(6));
  return Object.is(v, -0) ? 0 : v;
}

/** data_utils.round_n (the second definition, which wins): round(base·round(x/base), 6). */
export function roundN(x: number, base: number): number {
  return round6(base * roundHalfEven(x / base));
}

/** numpy.arange(start, stop, step) for floats: ceil((stop − start)/step) values start + i·step. */
function arange(start: number, stop: number, step: number): number[] {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return Array.from({ length: n }, (_, i) => start + i * step);
}

/**
 * The dt token values as the reference builds them (neuroformer_train.configure_token_types, then
 * Tokenizer with a resolution): round_n over arange(0, max(window.curr, window.prev) + dt, dt),
 * then round_n over arange(min, max + dt, dt) of those. SOS, EOS, PAD follow at K, K+1, K+2.
 */
export function dtTokenValues(config: Pick<NeuroformerConfig, 'dtS' | 'windowS' | 'windowPrevS'>): number[] {
  const dt = config.dtS;
  const maxWindow = Math.max(config.windowS, config.windowPrevS);
  const first = arange(0, maxWindow + dt, dt).map((x) => roundN(x, dt));
  const lo = Math.min(...first);
  const hi = Math.max(...first);
  return arange(lo, hi + dt, dt).map((x) => roundN(x, dt));
}

export interface NeuroformerVocab {
  idSize: number;
  idSOS: number;
  idEOS: number;
  idPAD: number;
  dtValues: number[];
  dtSize: number;
  dtSOS: number;
  dtEOS: number;
  dtPAD: number;
}

export function neuroformerVocab(config: NeuroformerConfig): NeuroformerVocab {
  const n = config.neurons;
  const dtValues = dtTokenValues(config);
  const k = dtValues.length;
  return { idSize: n + 3, idSOS: n, idEOS: n + 1, idPAD: n + 2, dtValues, dtSize: k + 3, dtSOS: k, dtEOS: k + 1, dtPAD: k + 2 };
}

function positiveInt(field: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new ValidationError(field, `${v} is not an integer ≥ ${min}`);
}

function positive(field: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new ValidationError(field, `${v} is not a positive number`);
}

export function validateNeuroformerConfig(config: NeuroformerConfig): void {
  positiveInt('neurons', config.neurons);
  positive('dtS', config.dtS);
  positive('windowS', config.windowS);
  // The model always attends to a previous window (the reference's model needs x['id_prev']).
  positive('windowPrevS', config.windowPrevS);
  // Both block sizes keep SOS + EOS + at least one spike (the reference slices [-(block − 2):]).
  positiveInt('blockSize', config.blockSize, 3);
  positiveInt('blockSizePrev', config.blockSizePrev, 3);
  positiveInt('embedDim', config.embedDim, 2);
  positiveInt('heads', config.heads);
  if (config.embedDim % config.heads !== 0) throw new ValidationError('heads', `${config.heads} heads do not divide embedDim ${config.embedDim}`);
  if (config.embedDim % 2 !== 0) throw new ValidationError('embedDim', 'must be even (the temporal MLP is embedDim/2 wide)');
  positiveInt('layers.stateHistory', config.layers.stateHistory, 0);
  positiveInt('layers.state', config.layers.state, 0);
  positiveInt('layers.stimulus', config.layers.stimulus, 0);
  if (config.stimulus) {
    positiveInt('stimulus.features', config.stimulus.features);
    positiveInt('stimulus.tokens', config.stimulus.tokens);
  }
  for (const [key, rate] of Object.entries(config.dropout)) {
    if (!(rate >= 0 && rate < 1)) throw new ValidationError(`dropout.${key}`, `${rate} is not in [0, 1)`);
  }
  if (!(Number.isFinite(config.lossWeights.id) && Number.isFinite(config.lossWeights.dt))) throw new ValidationError('lossWeights', 'must be finite');
}

/**
 * Trainable parameters of a model built from `config` (test/unit/neuroformer-model.test.ts checks
 * it against the built model). Per block 12C² + 15C (query/key/value/proj with biases, the 4×
 * MLP, three LayerNorms); blocks: 2·state (feature encoder + multimodal) + state_history
 * (+ 2·stimulus with a stimulus pathway).
 */
export function neuroformerParameterCount(config: NeuroformerConfig): number {
  const c = config.embedDim;
  const v = neuroformerVocab(config);
  const block = 12 * c * c + 15 * c;
  const stim = config.stimulus;
  const blocks = 2 * config.layers.state + config.layers.stateHistory + (stim ? 2 * config.layers.stimulus : 0);
  const temporal = c / 2 + c / 2 + (c / 2) * c + c;
  const stimulus = stim ? stim.features * c + c + 2 * c + (stim.positions ? stim.tokens * c : 0) : 0;
  return v.idSize * c + (config.blockSize + config.blockSizePrev) * c + 2 * temporal + stimulus + blocks * block + c * (v.idSize + v.dtSize);
}
