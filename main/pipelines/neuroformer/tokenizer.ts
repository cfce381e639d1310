/**
 * The Neuroformer tokeniser, as the reference's NFDataloader builds a sample from an array of spike
 * counts (a-antoniades/Neuroformer 36ed940, neuroformer/data_utils.py: NFDataloader.calc_intervals,
 * get_interval for dict data, __getitem__; round_n and get_frame_idx; the Tokenizer built by
 * neuroformer_train.configure_token_types). A window end-time T gives
 *   current window  [round_n(T − window), round_n(T − window) + window)
 *   previous window [that start − window_prev, that start)
 * and, for each window, the spikes of its bins in time order, neurons ascending within a bin, each
 * neuron repeated round(count) times. Tokens of a window with block size b:
 *   id  ([SOS] + ids[−(b−2):] + [EOS])[−b:] then PAD up to b + 1
 *   dt  ([0] + dts + [EOS])[−b:] then PAD up to b + 1, dts = round_n(spike bin time − window start)
 *       looked up in the dt vocabulary (values 0, dt, 2dt, …; then SOS, EOS, PAD)
 * and the model sees x = tokens[:−1], predicts y = tokens[1:] (prev: x only).
 *
 * Quirks reproduced on purpose (they define the tokens a reference model was trained on):
 * - When a window holds more than b − 2 spikes, the id stream keeps its last b − 2 spikes after SOS
 *   but the dt stream is cut to its last b entries without re-adding the leading 0, so position 0's
 *   dt is the time of the last dropped spike rather than 0 (the SOS time).
 * - A window starting at or before t = 0 uses absolute bin times as dts (`if interval[0] > 0`);
 *   its bins start at index 0 (get_frame_idx clamps negative indices).
 * - round_n and get_frame_idx use Python's round (half to even); round_n keeps 6 decimals.
 * A window reaching past the last bin is refused (the reference fails an assertion there).
 */
import { ValidationError } from '../../errors.js';
import { neuroformerVocab, roundHalfEven, roundN, validateNeuroformerConfig, type NeuroformerConfig, type NeuroformerVocab } from './config.js';

/** Spike counts per unit and bin, row-major [units × bins], bin i covering [i·dt, (i+1)·dt). */
export interface SpikeCountMatrix {
  readonly counts: ArrayLike<number>;
  readonly units: number;
  readonly bins: number;
}

/**
 * One batch of model inputs, B samples. Every array is row-major int32: idPrev/dtPrev [B, blockSizePrev],
 * id/dt/targetId/targetDt [B, blockSize]; stimulus (when the model has a stimulus pathway)
 * float32 [B, stimulus.tokens, stimulus.features].
 */
export interface NeuroformerBatch {
  readonly batch: number;
  readonly idPrev: Int32Array;
  readonly dtPrev: Int32Array;
  readonly id: Int32Array;
  readonly dt: Int32Array;
  readonly targetId: Int32Array;
  readonly targetDt: Int32Array;
  readonly stimulus?: Float32Array;
}

/** A tokenised batch with the reference's pad counts and the windows it came from. */
export interface NeuroformerTokens extends NeuroformerBatch {
  /** x['pad'] / x['pad_prev']: PAD tokens appended to each window's b + 1 tokens. */
  readonly pad: Int32Array;
  readonly padPrev: Int32Array;
  /** [start, end) of the current and previous window of each sample, seconds (calc_intervals). */
  readonly currentS: Float64Array;
  readonly previousS: Float64Array;
}

/** get_frame_idx: round(t / dt), clamped at 0. */
function frameIndex(t: number, dt: number): number {
  const idx = roundHalfEven(t / dt);
  return idx > 0 ? idx : 0;
}

/** calc_intervals: the previous and current [start, end) of a window ending at `end`. */
export function windowIntervals(end: number, config: Pick<NeuroformerConfig, 'windowS' | 'windowPrevS' | 'dtS'>): { previous: [number, number]; current: [number, number] } {
  const prevEnd = roundN(end - config.windowS, config.dtS);
  return {
    previous: [roundN(prevEnd - config.windowPrevS, config.dtS), prevEnd],
    current: [prevEnd, roundN(prevEnd + config.windowS, config.dtS)],
  };
}

/** A dt lookup as the reference's stoi_dt: float keys produced by round_n (later duplicates win, as a dict). */
function dtLookup(vocab: NeuroformerVocab): Map<number, number> {
  const map = new Map<number, number>();
  vocab.dtValues.forEach((v, i) => map.set(v, i));
  return map;
}

interface WindowTokens {
  ids: number[];
  dts: number[];
  pad: number;
}

/** get_interval for array data: b + 1 id and dt tokens of one window. */
function windowTokens(
  matrix: SpikeCountMatrix,
  binDtS: number,
  interval: [number, number],
  block: number,
  config: NeuroformerConfig,
  vocab: NeuroformerVocab,
  lookup: Map<number, number>,
  field: string,
): WindowTokens {
  const idx0 = frameIndex(interval[0], binDtS);
  const idx1 = frameIndex(interval[1], binDtS);
  if (idx1 > matrix.bins) {
    throw new ValidationError(field, `window [${interval[0]}, ${interval[1]}) s needs bin ${idx1 - 1}, past the last bin ${matrix.bins - 1}`);
  }
  const ids: number[] = [];
  const times: number[] = [];
  for (let b = idx0; b < idx1; b++) {
    const time = b * binDtS;
    for (let u = 0; u < matrix.units; u++) {
      const c = matrix.counts[u * matrix.bins + b]!;
      if (!Number.isFinite(c) || c < 0) throw new ValidationError(field, `count ${c} of unit ${u} at bin ${b} is not a non-negative number`);
      const repeats = roundHalfEven(c);
      for (let r = 0; r < repeats; r++) {
        ids.push(u);
        times.push(time);
      }
    }
  }
  const kept = ids.slice(Math.max(0, ids.length - (block - 2)));
  let idTokens = [vocab.idSOS, ...kept, vocab.idEOS];
  idTokens = idTokens.slice(Math.max(0, idTokens.length - block));
  const pad = block - (idTokens.length + 1 - 2);
  for (let i = 0; i < pad; i++) idTokens.push(vocab.idPAD);

  const offset = interval[0] > 0 ? interval[0] : 0;
  const dtCodes = times.map((t) => {
    const key = roundN(t - offset, config.dtS);
    const code = lookup.get(key);
    if (code === undefined) throw new ValidationError(field, `spike time ${key} s from the window start is outside the dt vocabulary (0–${vocab.dtValues[vocab.dtValues.length - 1]} s)`);
    return code;
  });
  let dtTokens = [0, ...dtCodes, vocab.dtEOS];
  dtTokens = dtTokens.slice(Math.max(0, dtTokens.length - block));
  for (let i = 0; i < pad; i++) dtTokens.push(vocab.dtPAD);
  return { ids: idTokens, dts: dtTokens, pad };
}

/**
 * Tokenises one sample per window end-time (seconds from bin 0's start), exactly as
 * NFDataloader.__getitem__ does with array data. `binDtS` is the counts' bin width (the
 * reference's spikes_dict dt; normally config.dtS).
 */
export function tokenizeWindows(matrix: SpikeCountMatrix, binDtS: number, windowEnds: ArrayLike<number>, config: NeuroformerConfig): NeuroformerTokens {
  validateNeuroformerConfig(config);
  if (matrix.units !== config.neurons) throw new ValidationError('counts', `${matrix.units} units, the model has ${config.neurons} neurons`);
  if (matrix.counts.length !== matrix.units * matrix.bins) {
    throw new ValidationError('counts', `${matrix.counts.length} values for ${matrix.units} units × ${matrix.bins} bins`);
  }
  if (!(Number.isFinite(binDtS) && binDtS > 0)) throw new ValidationError('binDtS', `${binDtS} is not a positive bin width`);
  const vocab = neuroformerVocab(config);
  const lookup = dtLookup(vocab);
  const batch = windowEnds.length;
  const t = config.blockSize;
  const tp = config.blockSizePrev;
  const out = {
    batch,
    idPrev: new Int32Array(batch * tp),
    dtPrev: new Int32Array(batch * tp),
    id: new Int32Array(batch * t),
    dt: new Int32Array(batch * t),
    targetId: new Int32Array(batch * t),
    targetDt: new Int32Array(batch * t),
    pad: new Int32Array(batch),
    padPrev: new Int32Array(batch),
    currentS: new Float64Array(batch * 2),
    previousS: new Float64Array(batch * 2),
  };
  for (let s = 0; s < batch; s++) {
    const end = windowEnds[s]!;
    if (!Number.isFinite(end)) throw new ValidationError(`windowEnds[${s}]`, `${end} is not a finite time`);
    const { previous, current } = windowIntervals(end, config);
    out.currentS.set(current, 2 * s);
    out.previousS.set(previous, 2 * s);
    const prev = windowTokens(matrix, binDtS, previous, tp, config, vocab, lookup, `windowEnds[${s}]`);
    out.idPrev.set(prev.ids.slice(0, tp), s * tp);
    out.dtPrev.set(prev.dts.slice(0, tp), s * tp);
    out.padPrev[s] = prev.pad;
    const cur = windowTokens(matrix, binDtS, current, t, config, vocab, lookup, `windowEnds[${s}]`);
    out.id.set(cur.ids.slice(0, t), s * t);
    out.dt.set(cur.dts.slice(0, t), s * t);
    out.targetId.set(cur.ids.slice(1), s * t);
    out.targetDt.set(cur.dts.slice(1), s * t);
    out.pad[s] = cur.pad;
  }
  return out;
}

/** Stimulus features per stimulus bin, row-major [bins × features], bin i at [i·dt, (i+1)·dt). */
export interface StimulusFeatureMatrix {
  readonly values: ArrayLike<number>;
  readonly bins: number;
  readonly features: number;
}

/**
 * The stimulus tokens of each window, [B, tokens, features], as NFDataloader picks frames:
 * idx = get_frame_idx(T + lookahead, dt) clamped to [tokens, bins], bins [idx − tokens, idx).
 * The reference adds window.curr to the window end T before locating the frames, so the model
 * sees one window of stimulus PAST the window it predicts; `lookaheadS` defaults to that
 * (config.windowS) to reproduce it — pass 0 for stimulus strictly up to the window end.
 */
export function stimulusTokens(
  stimulus: StimulusFeatureMatrix,
  stimulusDtS: number,
  windowEnds: ArrayLike<number>,
  config: NeuroformerConfig,
  options: { lookaheadS?: number } = {},
): Float32Array {
  const spec = config.stimulus;
  if (!spec) throw new ValidationError('stimulus', 'this configuration has no stimulus pathway');
  if (stimulus.features !== spec.features) throw new ValidationError('stimulus', `${stimulus.features} features per bin, the model takes ${spec.features}`);
  if (stimulus.values.length !== stimulus.bins * stimulus.features) throw new ValidationError('stimulus', `${stimulus.values.length} values for ${stimulus.bins} bins × ${stimulus.features} features`);
  if (stimulus.bins < spec.tokens) throw new ValidationError('stimulus', `${stimulus.bins} bins, fewer than the ${spec.tokens} tokens of a window`);
  if (!(Number.isFinite(stimulusDtS) && stimulusDtS > 0)) throw new ValidationError('stimulusDtS', `${stimulusDtS} is not a positive bin width`);
  const lookahead = options.lookaheadS ?? config.windowS;
  const s = spec.tokens;
  const f = spec.features;
  const out = new Float32Array(windowEnds.length * s * f);
  for (let w = 0; w < windowEnds.length; w++) {
    let idx = frameIndex(windowEnds[w]! + lookahead, stimulusDtS);
    idx = Math.min(Math.max(idx, s), stimulus.bins);
    for (let k = 0; k < s; k++) {
      for (let j = 0; j < f; j++) out[(w * s + k) * f + j] = stimulus.values[(idx - s + k) * f + j]!;
    }
  }
  return out;
}
