/**
 * A classical seizure detector that needs no training, in the tradition of Gotman's and Persyst's
 * trend detectors: every second, a 4 s window per channel is described by
 *   - line length (mean |Δx|), relative to that channel's own recent background (25th percentile
 *     of the last 5 minutes, so a seizure does not raise its own baseline),
 *   - the share of 0.5–30 Hz power in the 3–12 Hz band where ictal rhythms live,
 *   - rhythmicity: how much the strongest 2–12 Hz spectral peak stands above that band's mean;
 * channels vote with a logistic score, the probability of a second is the mean of the top quarter
 * of channels (seizures may be focal), and hysteresis turns the 1 Hz trace into events.
 * All thresholds are patient-independent defaults, listed in DEFAULT_CLASSICAL_PARAMS.
 */
import { hann, realPowerSpectrum } from '../../signal/index.js';
import { RunningQuantile } from './running-quantile.js';

export interface ClassicalParams {
  windowS: number;
  /** Seconds of history for the background line length. */
  backgroundS: number;
  backgroundQuantile: number;
  /** log2(line length / background) at which a channel's score is 0.5. */
  lineLengthLog2Midpoint: number;
  /** Probability above which an event may start / below which it may end. */
  onThreshold: number;
  offThreshold: number;
  /** Seconds the probability must stay above / below its threshold to start / end an event. */
  onHoldS: number;
  offHoldS: number;
  minEventS: number;
}

export const DEFAULT_CLASSICAL_PARAMS: ClassicalParams = {
  windowS: 4,
  backgroundS: 300,
  backgroundQuantile: 0.25,
  lineLengthLog2Midpoint: 1,
  onThreshold: 0.5,
  offThreshold: 0.35,
  onHoldS: 5,
  offHoldS: 10,
  minEventS: 10,
};

export interface DetectedEvent {
  onsetS: number;
  durationS: number;
  /** Mean probability over the event. */
  confidence: number;
  /**
   * Electrodes that voted for the event most often. They are judged on the common-average
   * reference SzCORE prescribes, so a seizure spread over most electrodes also shows, inverted, in
   * the few it spares: read this as "where the change is largest", not as a localisation.
   */
  channels: string[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Streaming detector: feed it one second of 256 Hz input at a time (all channels) and it returns
 * the probability of the window ending at that second; `finish` closes any open event.
 */
export class ClassicalDetector {
  private readonly history: Float64Array[];
  private readonly backgrounds: RunningQuantile[];
  private readonly window: Float64Array;
  private readonly segment: Float64Array;
  private readonly power: Float64Array;
  private secondsSeen = 0;
  readonly probabilities: number[] = [];
  readonly votes: number[][] = [];

  constructor(
    private readonly electrodes: readonly string[],
    private readonly rateHz: number,
    readonly params: ClassicalParams = DEFAULT_CLASSICAL_PARAMS,
  ) {
    const windowSamples = Math.round(params.windowS * rateHz);
    this.history = electrodes.map(() => new Float64Array(windowSamples));
    this.backgrounds = electrodes.map(() => new RunningQuantile(params.backgroundS));
    this.window = hann(windowSamples);
    this.segment = new Float64Array(windowSamples);
    this.power = new Float64Array(Math.floor(windowSamples / 2) + 1);
  }

  /** One second of samples per channel (rateHz samples each). Returns that second's probability. */
  pushSecond(second: readonly Float64Array[]): number {
    const rate = this.rateHz;
    const windowSamples = this.window.length;
    const scores: number[] = [];
    const bins = Math.floor(windowSamples / 2) + 1;
    const binHz = rate / windowSamples;
    const band = (lowHz: number, highHz: number) => [Math.ceil(lowHz / binHz), Math.min(bins - 1, Math.floor(highHz / binHz))] as const;
    const [totalLow, totalHigh] = band(0.5, 30);
    const [ictalLow, ictalHigh] = band(3, 12);
    const [rhythmLow, rhythmHigh] = band(2, 12);
    const { segment, power: spectrum } = this;
    this.secondsSeen++;
    second.forEach((samples, c) => {
      const history = this.history[c]!;
      history.copyWithin(0, rate);
      history.set(samples.subarray(0, rate), windowSamples - rate);
      let lineLength = 0;
      let mean = 0;
      for (let i = 0; i < windowSamples; i++) {
        mean += history[i]!;
        if (i > 0) lineLength += Math.abs(history[i]! - history[i - 1]!);
      }
      lineLength /= windowSamples - 1;
      mean /= windowSamples;
      for (let i = 0; i < windowSamples; i++) segment[i] = (history[i]! - mean) * this.window[i]!;
      realPowerSpectrum(segment, spectrum);
      let total = 0;
      let ictal = 0;
      let rhythmSum = 0;
      let rhythmPeak = 0;
      for (let k = totalLow; k <= totalHigh; k++) {
        const power = spectrum[k]!;
        total += power;
        if (k >= ictalLow && k <= ictalHigh) ictal += power;
        if (k >= rhythmLow && k <= rhythmHigh) {
          rhythmSum += power;
          rhythmPeak = Math.max(rhythmPeak, power);
        }
      }
      const ictalShare = total > 0 ? ictal / total : 0;
      const rhythmicity = rhythmSum > 0 ? rhythmPeak / (rhythmSum / (rhythmHigh - rhythmLow + 1)) : 0;
      const background = this.backgrounds[c]!;
      // Until the window is full of real signal, nothing is scored (the first seconds are zeros).
      const ready = this.secondsSeen >= this.params.windowS;
      const base = background.quantile(this.params.backgroundQuantile);
      const ratio = ready && base > 0 ? Math.log2(lineLength / base) : 0;
      if (ready) background.push(lineLength);
      // Line length carries the decision; band share and rhythmicity sharpen it.
      const score = sigmoid(3 * (ratio - this.params.lineLengthLog2Midpoint) + 2 * (ictalShare - 0.5) + 0.3 * (Math.min(rhythmicity, 6) - 3));
      scores.push(ready ? score : 0);
    });
    const ranked = [...scores].sort((a, b) => b - a);
    const top = Math.max(1, Math.round(ranked.length / 4));
    const probability = ranked.slice(0, top).reduce((sum, v) => sum + v, 0) / top;
    this.probabilities.push(probability);
    this.votes.push(scores);
    return probability;
  }

  /** Hysteresis over the probability trace (second i covers [i, i+1) s, its window ending at i+1). */
  events(): DetectedEvent[] {
    const p = this.probabilities;
    const { onThreshold, offThreshold, onHoldS, offHoldS, minEventS, windowS } = this.params;
    const events: DetectedEvent[] = [];
    let start = -1;
    let above = 0;
    let below = 0;
    const close = (end: number) => {
      // The window of second i spans [i + 1 − windowS, i + 1): an event starts where its first
      // window starts, so onsets are not late by the window length.
      const onsetS = Math.max(0, start + 1 - windowS);
      const durationS = end - onsetS;
      if (durationS >= minEventS) {
        const slice = p.slice(start, end);
        const tally = this.electrodes.map((electrode, c) => ({ electrode, votes: this.votes.slice(start, end).filter((v) => v[c]! > 0.5).length }));
        tally.sort((a, b) => b.votes - a.votes);
        events.push({
          onsetS,
          durationS,
          confidence: slice.reduce((sum, v) => sum + v, 0) / slice.length,
          channels: tally.filter((t) => t.votes > 0).slice(0, 4).map((t) => t.electrode),
        });
      }
      start = -1;
    };
    for (let i = 0; i < p.length; i++) {
      if (start < 0) {
        above = p[i]! > onThreshold ? above + 1 : 0;
        if (above >= onHoldS) {
          start = i - onHoldS + 1;
          below = 0;
        }
      } else {
        below = p[i]! < offThreshold ? below + 1 : 0;
        if (below >= offHoldS) {
          close(i - offHoldS + 1);
          above = 0;
        }
      }
    }
    if (start >= 0) close(p.length);
    return events;
  }
}
