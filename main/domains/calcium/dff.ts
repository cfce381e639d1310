/**
 * What the Traces view draws for each cell, from what the file holds:
 *  - Raw fluorescence (Suite2p F, NWB without a ΔF/F tag, Flavell `trace_array_original`) becomes
 *    ΔF/F = (F_c − F0_c) / F0, with F_c = F − 0.7·F_neu where neuropil is given (Suite2p's default
 *    coefficient), and F0 Suite2p's "maximin" baseline: a Gaussian of σ = 10 frames
 *    (`sig_baseline`), then the running maximum of the running minimum over 60 s (`win_baseline`).
 *    The denominator is the baseline of the uncorrected F (as CaImAn's `detrend_df_f` divides by
 *    baseline plus background): a neuropil-corrected F sits near zero and would blow ΔF/F up.
 *  - F/F20 (Flavell lab) is already a ratio to a low (20th) percentile: ΔF/F = F/F20 − 1.
 *  - ΔF/F, z-scored, deconvolved and unknown values are drawn as the file holds them, and said so;
 *    so is the deconvolved activity given beside the traces (Suite2p spks.npy), when asked for.
 */
import { gaussianSmooth, slidingMaximum, slidingMinimum } from '../../signal/trace.js';
import type { CalciumRecording } from '../../io/calcium/index.js';

/** Suite2p's defaults (ops `neucoeff`, `sig_baseline` in frames, `win_baseline` in seconds). */
export const NEUROPIL_COEFFICIENT = 0.7;
export const BASELINE_SIGMA_FRAMES = 10;
export const BASELINE_WINDOW_S = 60;
/** The window when the rate is unknown: 600 frames (60 s at 10 Hz), said in the note. */
export const BASELINE_WINDOW_FRAMES_NO_RATE = 600;

export interface DisplayTraces {
  /** cells × frames, row-major, what the view draws. */
  values: Float32Array;
  /** Axis label: `ΔF/F`, `z-score`, `value`… */
  label: string;
  /** How `values` come from the file, in one sentence. */
  note: string;
}

/** Suite2p's maximin baseline of one trace over `windowFrames`. */
export function maximinBaseline(trace: ArrayLike<number>, windowFrames: number): Float64Array {
  const smoothed = gaussianSmooth(trace, BASELINE_SIGMA_FRAMES);
  return slidingMaximum(slidingMinimum(smoothed, windowFrames), windowFrames);
}

/** ΔF/F of one cell: numerator from the corrected trace, denominator from the raw trace's baseline. */
export function deltaFOverF(raw: ArrayLike<number>, neuropil: ArrayLike<number> | null, windowFrames: number): Float32Array {
  const frames = raw.length;
  const corrected = Float64Array.from(raw, (v, t) => (neuropil ? v - NEUROPIL_COEFFICIENT * neuropil[t]! : v));
  const correctedBaseline = neuropil ? maximinBaseline(corrected, windowFrames) : null;
  const rawBaseline = maximinBaseline(raw, windowFrames);
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const f0 = rawBaseline[t]!;
    const numerator = corrected[t]! - (correctedBaseline ? correctedBaseline[t]! : f0);
    out[t] = f0 > 0 ? numerator / f0 : Number.NaN;
  }
  return out;
}

/** The baseline window in frames at `frameRateHz` (unknown: 600 frames), never longer than the recording. */
export function baselineWindowFrames(frameRateHz: number | null, frameCount: number): number {
  const frames = frameRateHz ? Math.round(BASELINE_WINDOW_S * frameRateHz) : BASELINE_WINDOW_FRAMES_NO_RATE;
  return Math.max(3, Math.min(frames, frameCount));
}

const AS_IS: Record<string, { label: string; note: string }> = {
  dff: { label: 'ΔF/F', note: 'ΔF/F as the file holds it' },
  zscore: { label: 'z-score', note: 'z-scored traces as the file holds them (no ΔF/F computed)' },
  deconvolved: { label: 'deconvolved', note: 'deconvolved activity as the file holds it (no ΔF/F computed)' },
  unknown: { label: 'value', note: 'values as the file holds them: the file does not say whether they are ΔF/F or fluorescence, so none is computed' },
};

/** The deconvolved activity the file gives beside its traces (Suite2p spks), drawn as it is; null when absent. */
export function deconvolvedTraces(recording: CalciumRecording): DisplayTraces | null {
  if (!recording.deconvolved) return null;
  return { values: recording.deconvolved, label: 'deconvolved', note: 'deconvolved activity from spks.npy (Suite2p\'s OASIS deconvolution) as the file holds it' };
}

/** The drawn traces of `recording` (its frame rate already the one to use). */
export function displayTraces(recording: CalciumRecording): DisplayTraces {
  const { cellCount, frameCount, traces, neuropil, traceKind } = recording;
  if (traceKind === 'f-over-f20') {
    return { values: traces.map((v) => v - 1), label: 'ΔF/F', note: 'ΔF/F = F/F20 − 1 from the file\'s F/F20 (F0 = the 20th percentile of F)' };
  }
  if (traceKind === 'fluorescence') {
    const window = baselineWindowFrames(recording.frameRateHz, frameCount);
    const values = new Float32Array(cellCount * frameCount);
    for (let c = 0; c < cellCount; c++) {
      const span = [c * frameCount, (c + 1) * frameCount] as const;
      values.set(deltaFOverF(traces.subarray(...span), neuropil ? neuropil.subarray(...span) : null, window), span[0]);
    }
    const windowText = recording.frameRateHz ? `${BASELINE_WINDOW_S} s` : `${BASELINE_WINDOW_FRAMES_NO_RATE} frames (frame rate unknown)`;
    const neuropilText = neuropil ? `F − ${NEUROPIL_COEFFICIENT}·Fneu minus its baseline, ` : 'F minus its baseline, ';
    return {
      values,
      label: 'ΔF/F',
      note: `ΔF/F computed from raw fluorescence: ${neuropilText}over F0 = the maximin baseline of F (Gaussian σ ${BASELINE_SIGMA_FRAMES} frames, running max of running min over ${windowText}), as Suite2p`,
    };
  }
  const asIs = AS_IS[traceKind] ?? AS_IS.unknown!;
  return { values: traces, ...asIs };
}
