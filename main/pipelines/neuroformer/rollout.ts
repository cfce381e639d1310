/**
 * Spike generation with a trained Neuroformer, as the reference's simulation.generate_spikes: per
 * window, position 0 = SOS; for i = 0 … T − 2 the model runs on the tokens so far and position i's
 * logits of both heads are filtered (nucleus top-p, temperature) and sampled; the sampled id and dt
 * go into position i + 1; a window stops at EOS (or PAD). Spike time = window start + dt value.
 * The released settings: top_p 0.95 on both heads, temperature 1.0, sampling on.
 *
 * Differences, on purpose:
 * - many windows at once (a batch of independent windows, one row each), where the reference runs
 *   batch 1 — its top-p filter (`logits[:, idx] = -inf`) is only right for batch 1; ours filters
 *   per row;
 * - dt is sampled among the current window's dt values only (0 … window − dt): the dt vocabulary
 *   also holds the previous window's longer times, which cannot be a current-window spike;
 * - `rollout`: window after window over a span, each window's previous-window context rebuilt
 *   from the spikes the model itself generated — the released code means to with `true_past=False`
 *   but its NFDataloader.get_interval ignores the data it is handed and reads the recorded spikes,
 *   so in practice it always conditions on the real past. Before the span, the recorded past seeds
 *   the first windows.
 * No key/value cache here (nf-model's generate.ts is where one belongs): the full forward runs per
 * position, as the reference does.
 */
import type { Tfjs } from '../../compute/activate.js';
import { deriveSeed, seededRandom, type Random } from '../../../shared/random.js';
import type { NeuroformerModel } from './model.js';
import { tokenizeWindows, type SpikeCountMatrix } from './tokenizer.js';

export interface SamplingOptions {
  topP: number;
  temperature: number;
  /** Argmax instead of sampling. */
  greedy: boolean;
  seed: number;
}

export const RELEASED_SAMPLING: SamplingOptions = { topP: 0.95, temperature: 1, greedy: false, seed: 0 };

/** Samples an index from logits[from, to) with temperature and nucleus filtering. */
export function sampleLogits(logits: Float32Array, from: number, to: number, options: SamplingOptions, random: Random): number {
  const n = to - from;
  if (options.greedy) {
    let best = 0;
    for (let i = 1; i < n; i++) if (logits[from + i]! > logits[from + best]!) best = i;
    return best;
  }
  const t = Math.max(options.temperature, 1e-6);
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[from + i]! / t);
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += p[i] = Math.exp(logits[from + i]! / t - max);
  const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!);
  // Keep the smallest prefix whose mass reaches top_p (the first token always kept), as the
  // reference's top_k_top_p_filtering (cumulative > top_p removed, shifted right by one).
  let kept = 0;
  let mass = 0;
  const keep: number[] = [];
  for (const i of order) {
    keep.push(i);
    mass += p[i]! / sum;
    kept++;
    if (mass > options.topP) break;
  }
  let total = 0;
  for (const i of keep) total += p[i]!;
  let u = random() * total;
  for (const i of keep) {
    u -= p[i]!;
    if (u <= 0) return i;
  }
  return keep[kept - 1]!;
}

/** One generated window: neuron ids and their dt token indices, in generation order. */
export interface GeneratedWindow {
  ids: number[];
  dts: number[];
}

/**
 * Generates the current window of each end-time from the tokens of `counts` (their previous
 * windows are read from it; their current windows are ignored and generated).
 */
export async function generateWindows(
  tf: Tfjs,
  model: NeuroformerModel,
  counts: SpikeCountMatrix,
  binDtS: number,
  ends: readonly number[],
  stimulus: Float32Array | undefined,
  options: SamplingOptions,
  random: Random,
): Promise<GeneratedWindow[]> {
  const config = model.config;
  const vocab = model.vocab;
  const t = config.blockSize;
  const b = ends.length;
  const tokens = tokenizeWindows(counts, binDtS, ends, config);
  const id = new Int32Array(b * t).fill(vocab.idPAD);
  const dt = new Int32Array(b * t).fill(vocab.dtPAD);
  for (let r = 0; r < b; r++) {
    id[r * t] = vocab.idSOS;
    dt[r * t] = 0;
  }
  const done = new Uint8Array(b);
  const out: GeneratedWindow[] = Array.from({ length: b }, () => ({ ids: [], dts: [] }));
  const maxDt = Math.max(1, Math.round(config.windowS / config.dtS));
  for (let i = 0; i < t - 1; i++) {
    if (done.every((d) => d === 1)) break;
    const batch = { batch: b, idPrev: tokens.idPrev, dtPrev: tokens.dtPrev, id, dt, targetId: id, targetDt: dt, ...(stimulus ? { stimulus } : {}) };
    const logits = model.forward(batch);
    const [idAll, dtAll] = await Promise.all([logits.idLogits.data(), logits.dtLogits.data()]);
    logits.idLogits.dispose();
    logits.dtLogits.dispose();
    for (let r = 0; r < b; r++) {
      if (done[r]) continue;
      const idRow = (r * t + i) * vocab.idSize;
      // Neurons and EOS only: SOS and PAD are never a next token.
      const idEos = vocab.idEOS;
      const logitsId = Float32Array.from({ length: idEos + 1 }, (_, k) => (idAll as Float32Array)[idRow + k]!);
      const next = sampleLogits(logitsId, 0, idEos + 1, options, random);
      if (next >= config.neurons) {
        done[r] = 1;
        id[r * t + i + 1] = vocab.idEOS;
        dt[r * t + i + 1] = vocab.dtEOS;
        continue;
      }
      const dtRow = (r * t + i) * vocab.dtSize;
      const nextDt = sampleLogits(dtAll as Float32Array, dtRow, dtRow + maxDt, options, random);
      id[r * t + i + 1] = next;
      dt[r * t + i + 1] = nextDt;
      out[r]!.ids.push(next);
      out[r]!.dts.push(nextDt);
    }
  }
  void tf;
  return out;
}

/** Window end-times as count-matrix seconds → the bin of a generated spike with dt index k. */
function spikeBin(end: number, k: number, config: { windowS: number; dtS: number }, binDtS: number): number {
  const start = end - config.windowS;
  return Math.round((start + k * config.dtS) / binDtS);
}

/**
 * Rolls the model out over consecutive windows from `startS` (count-matrix seconds; a window
 * boundary) for `windows` windows, in several independent spans at once (`starts`): the recorded
 * counts before each span seed it; inside it, every window's past is the model's own spikes.
 * Returns the working count matrix (recorded outside the spans, generated inside) and per span the
 * generated spike times (count-matrix seconds, at bin starts) and units.
 */
export async function rollout(
  tf: Tfjs,
  model: NeuroformerModel,
  recorded: SpikeCountMatrix,
  binDtS: number,
  starts: readonly number[],
  windows: number,
  stimulusFor: (ends: readonly number[]) => Float32Array | undefined,
  options: SamplingOptions,
  onWindow?: (done: number, total: number) => void,
  signal?: { readonly aborted: boolean },
): Promise<{ counts: Float32Array; spans: { unit: Int32Array; timeS: Float64Array }[] }> {
  const config = model.config;
  const work = Float32Array.from(recorded.counts as ArrayLike<number>);
  const matrix: SpikeCountMatrix = { counts: work, units: recorded.units, bins: recorded.bins };
  const w = config.windowS;
  // Clear the spans first: nothing recorded inside them may reach the model.
  for (const s of starts) {
    const b0 = Math.round(s / binDtS);
    const b1 = Math.min(recorded.bins, Math.round((s + windows * w) / binDtS));
    for (let u = 0; u < recorded.units; u++) work.fill(0, u * recorded.bins + b0, u * recorded.bins + b1);
  }
  const random = seededRandom(deriveSeed(options.seed, 0x6e66));
  const units: number[][] = starts.map(() => []);
  const times: number[][] = starts.map(() => []);
  for (let k = 0; k < windows; k++) {
    if (signal?.aborted) break;
    const ends = starts.map((s) => Number((s + (k + 1) * w).toFixed(6)));
    const generated = await generateWindows(tf, model, matrix, binDtS, ends, stimulusFor(ends), options, random);
    generated.forEach((g, r) => {
      for (let j = 0; j < g.ids.length; j++) {
        const bin = spikeBin(ends[r]!, g.dts[j]!, config, binDtS);
        if (bin < 0 || bin >= recorded.bins) continue;
        work[g.ids[j]! * recorded.bins + bin]! += 1;
        units[r]!.push(g.ids[j]!);
        times[r]!.push(bin * binDtS);
      }
    });
    onWindow?.(k + 1, windows);
  }
  return { counts: work, spans: starts.map((_, r) => ({ unit: Int32Array.from(units[r]!), timeS: Float64Array.from(times[r]!) })) };
}
