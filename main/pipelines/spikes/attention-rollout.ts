/**
 * Directed neuron × neuron connectivity from Neuroformer's current → previous-window
 * cross-attention, as `attention_vis.get_att_neurons` + `rollout_attentions` (a-antoniades/
 * Neuroformer). For one sample, the layers' maps [heads, T, Tprev] are combined into one [T, Tprev]
 * matrix; row `step` (the current position whose next token is target id y[step]) is then added into
 * A[y[step], sourceIds[…]] — row = predicted neuron (post), column = attended past neuron (pre),
 * the same A[post·N + pre] layout as the simulator's W. Sum the result over samples.
 *
 * What the reference's rollout does (mode 'reference', reproduced exactly):
 *  - R starts as the rectangular identity eye(T, Tprev);
 *  - layer 0 is SKIPPED (`if i == 0: continue`), so with a single layer R stays the identity;
 *  - for every later layer: a = max over heads; a = (a + eye(T, Tprev)) / 2; rows normalised to 1;
 *    if a's column count equals R's row count (square maps, T = Tprev) R ← a @ R, else R ← a ⊙ R.
 *  For rectangular cross-attention (T ≠ Tprev, the usual case) R therefore stays diagonal: position
 *  `step` keeps only its weight on past token `step`, i.e. the result says which neuron sat at the
 *  same index of the previous window — not a meaningful connectivity. We reproduce it for parity.
 *  - Scatter: the reference does `att[y][id_prev] += row` with numpy fancy indexing, so when a neuron
 *    appears several times in the previous window only its LAST occurrence's weight is added
 *    (buffered assignment); 'reference' reproduces that too.
 *  - Valid lengths: the reference slices the past with `T − pad_prev` (T = current block size), not
 *    `Tprev − pad_prev`; we take `sourceIds.length` past tokens (the caller passes the non-PAD ones).
 *
 * Mode 'mean' (what we use for connectivity): per layer max over heads and row-normalise (no
 * identity: the keys are the raw previous-window embeddings at every layer, there is no residual
 * path from past token j to past token j to account for), average over ALL layers, and sum the
 * weights of repeated neurons. This is the natural reading of "which past spikes did the
 * prediction of this spike look at" for a stack of cross-attention layers over a fixed memory.
 */
import { ValidationError } from '../../errors.js';

export interface AttentionLayers {
  /** One map per layer, [heads, T, Tprev] row-major (softmax rows). */
  layers: readonly Float32Array[];
  heads: number;
  t: number;
  tPrev: number;
}

export type RolloutMode = 'reference' | 'mean';

/** The combined [T, Tprev] map of one sample (row-major Float64Array). */
export function rolloutAttentions(maps: AttentionLayers, mode: RolloutMode = 'mean'): Float64Array {
  const { layers, heads, t, tPrev } = maps;
  const size = heads * t * tPrev;
  layers.forEach((layer, l) => {
    if (layer.length !== size) throw new ValidationError(`layers[${l}]`, `expected ${heads}×${t}×${tPrev} = ${size} values, got ${layer.length}`);
  });
  if (layers.length === 0) throw new ValidationError('layers', 'expected at least one attention map');
  const headMax = (layer: Float32Array): Float64Array => {
    const a = new Float64Array(t * tPrev).fill(-Infinity);
    for (let h = 0; h < heads; h++) {
      const offset = h * t * tPrev;
      for (let k = 0; k < t * tPrev; k++) if (layer[offset + k]! > a[k]!) a[k] = layer[offset + k]!;
    }
    return a;
  };
  const normaliseRows = (a: Float64Array): void => {
    for (let i = 0; i < t; i++) {
      let s = 0;
      for (let j = 0; j < tPrev; j++) s += a[i * tPrev + j]!;
      // A zero row divides to NaN in the reference too; keep it (the caller sees it).
      for (let j = 0; j < tPrev; j++) a[i * tPrev + j]! /= s;
    }
  };
  if (mode === 'mean') {
    const out = new Float64Array(t * tPrev);
    for (const layer of layers) {
      const a = headMax(layer);
      normaliseRows(a);
      for (let k = 0; k < a.length; k++) out[k]! += a[k]! / layers.length;
    }
    return out;
  }
  let r = new Float64Array(t * tPrev);
  for (let i = 0; i < Math.min(t, tPrev); i++) r[i * tPrev + i] = 1;
  for (let l = 1; l < layers.length; l++) {
    const a = headMax(layers[l]!);
    for (let i = 0; i < Math.min(t, tPrev); i++) a[i * tPrev + i] = a[i * tPrev + i]! + 1;
    for (let k = 0; k < a.length; k++) a[k]! /= 2;
    normaliseRows(a);
    if (tPrev === t) {
      const next = new Float64Array(t * t);
      for (let i = 0; i < t; i++) {
        for (let m = 0; m < t; m++) {
          const aim = a[i * t + m]!;
          if (aim === 0) continue;
          for (let j = 0; j < t; j++) next[i * t + j]! += aim * r[m * t + j]!;
        }
      }
      r = next;
    } else {
      for (let k = 0; k < r.length; k++) r[k]! *= a[k]!;
    }
  }
  return r;
}

/**
 * Adds one sample's attention into `into` (N×N, A[post·N + pre]; a new zero matrix if absent) and
 * returns it. `targetIds[step]` = the id predicted at current position `step` (y.id), for the
 * `targetIds.length` non-PAD positions; `sourceIds` = the previous window's non-PAD ids (x.id_prev).
 * Ids ≥ `neurons` (SOS/EOS/PAD) are skipped on either side (the reference keeps them in a
 * vocabulary-sized matrix; we keep the neuron block of it).
 */
export function attentionRollout(
  maps: AttentionLayers,
  targetIds: ArrayLike<number>,
  sourceIds: ArrayLike<number>,
  neurons: number,
  options: { mode?: RolloutMode; into?: Float64Array } = {},
): Float64Array {
  const mode = options.mode ?? 'mean';
  const { t, tPrev } = maps;
  if (targetIds.length > t) throw new ValidationError('targetIds', `expected at most T = ${t} ids, got ${targetIds.length}`);
  if (sourceIds.length > tPrev) throw new ValidationError('sourceIds', `expected at most Tprev = ${tPrev} ids, got ${sourceIds.length}`);
  const out = options.into ?? new Float64Array(neurons * neurons);
  if (out.length !== neurons * neurons) throw new ValidationError('into', `expected ${neurons}×${neurons} values, got ${out.length}`);
  const r = rolloutAttentions(maps, mode);
  const row = new Float64Array(neurons);
  const touched = new Uint8Array(neurons);
  for (let step = 0; step < targetIds.length; step++) {
    const post = targetIds[step]!;
    if (!(post >= 0 && post < neurons)) continue;
    row.fill(0);
    touched.fill(0);
    for (let j = 0; j < sourceIds.length; j++) {
      const pre = sourceIds[j]!;
      if (!(pre >= 0 && pre < neurons)) continue;
      const v = r[step * tPrev + j]!;
      if (mode === 'reference') row[pre] = v; // numpy buffered `+=`: the last occurrence wins
      else row[pre]! += v;
      touched[pre] = 1;
    }
    for (let pre = 0; pre < neurons; pre++) if (touched[pre]) out[post * neurons + pre]! += row[pre]!;
  }
  return out;
}
