/**
 * The viewer's display filters (signal/display-filter.ts) applied in place and chunk by chunk, with
 * a checkpoint between chunks, so filtering minutes of a high-rate channel neither blocks the event
 * loop nor allocates anything the size of the signal (a copy per chunk would churn megabytes per
 * page and trigger full garbage collections that stall every client). The output equals
 * applyDisplayFilter's sample for sample: each section runs the same recurrence as signal/sosfilt.ts
 * in the same order, carrying its state across chunks, and the zero-phase path repeats
 * sosfiltfilt's steps (odd extension, steady-state initial conditions, forward then backward pass;
 * the backward pass runs from the end instead of over a reversed copy).
 */
import type { FilterSettings } from '../../../shared/api/index.js';
import { designDisplayFilter, sosfilt, sosfiltfiltPadLength, sosfiltZi, type Sos, type SosState } from '../../signal/index.js';
import type { Slicer } from '../../scheduling/cooperative.js';

/** Samples per filter chunk (~1 ms of a 5-section cascade here). */
export const FILTER_CHUNK_SAMPLES = 1 << 16;

const scaled = (state: SosState, factor: number): SosState => state.map((section) => section.map((v) => v * factor));

/** Filters `samples` in place through the display filters of `settings` at this rate. */
export async function filterInPlace(
  samples: Float64Array,
  sampleRateHz: number,
  settings: FilterSettings,
  slicer: Slicer,
  chunkSamples = FILTER_CHUNK_SAMPLES,
): Promise<void> {
  const sos = designDisplayFilter(sampleRateHz, settings);
  if (!sos) return;
  const passes = new Passes(sos, slicer, chunkSamples);
  // Like applyDisplayFilter: a signal too short for sosfiltfilt's padding is filtered causally.
  if (settings.zeroPhase && samples.length > sosfiltfiltPadLength(sos)) await passes.zeroPhase(samples);
  else await passes.run(samples, sos.map(() => Float64Array.of(0, 0)), 1);
}

/**
 * One section over samples[from, to) in place, forward (step 1) or from the end (step −1), from
 * and into `state` ([z0, z1], transposed direct form II): signal/sosfilt.ts's recurrence.
 */
function section([b0, b1, b2, a0, a1, a2]: Sos[number], samples: Float64Array, from: number, to: number, state: Float64Array, step: 1 | -1): void {
  const nb0 = b0 / a0, nb1 = b1 / a0, nb2 = b2 / a0, na1 = a1 / a0, na2 = a2 / a0;
  let z0 = state[0]!;
  let z1 = state[1]!;
  const first = step === 1 ? from : to - 1;
  const end = step === 1 ? to : from - 1;
  for (let i = first; i !== end; i += step) {
    const x = samples[i]!;
    const y = nb0 * x + z0;
    z0 = nb1 * x - na1 * y + z1;
    z1 = nb2 * x - na2 * y;
    samples[i] = y;
  }
  state[0] = z0;
  state[1] = z1;
}

/** The passes of one filter design over chunks of `chunkSamples`, with a checkpoint after each chunk. */
class Passes {
  constructor(
    private readonly sos: Sos,
    private readonly slicer: Slicer,
    private readonly chunkSamples: number,
  ) {}

  /** A causal pass over all samples in place, forward (1) or from the end (−1), updating `state`. */
  async run(samples: Float64Array, state: SosState, step: 1 | -1): Promise<void> {
    const n = samples.length;
    for (let done = 0; done < n; done += this.chunkSamples) {
      const [from, to] = step === 1 ? [done, Math.min(n, done + this.chunkSamples)] : [Math.max(0, n - done - this.chunkSamples), n - done];
      // Section by section over the chunk, as sosfilt does over its input: each section sees the
      // same sequence, so chunking changes nothing.
      this.sos.forEach((coefficients, s) => section(coefficients, samples, from, to, state[s]!, step));
      await this.slicer.checkpoint();
    }
  }

  /** scipy.signal.sosfiltfilt(sos, samples) in place (its default odd padding of sosfiltfiltPadLength). */
  async zeroPhase(samples: Float64Array): Promise<void> {
    const { sos } = this;
    const edge = sosfiltfiltPadLength(sos);
    const n = samples.length;
    const before = new Float64Array(edge);
    const after = new Float64Array(edge);
    for (let i = 0; i < edge; i++) before[i] = 2 * samples[0]! - samples[edge - i]!;
    for (let i = 0; i < edge; i++) after[i] = 2 * samples[n - 1]! - samples[n - 2 - i]!;
    const zi = sosfiltZi(sos);
    // Forward over before ‖ samples ‖ after, starting at steady state for the first extended sample.
    const state = sosfilt(sos, before, scaled(zi, before[0]!)).state;
    await this.run(samples, state, 1);
    const forwardAfter = sosfilt(sos, after, state).output;
    // Backward from the end of the extension; the padding's own outputs are dropped, as SciPy does.
    const tail = forwardAfter.reverse();
    const backward = sosfilt(sos, tail, scaled(zi, tail[0]!)).state;
    await this.run(samples, backward, -1);
  }
}
