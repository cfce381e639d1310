/**
 * The pixel ratio to draw a moving view at, adapted to what the machine draws within a frame budget
 * (dynamic resolution): the cost of a NiiVue frame is mostly per pixel (a ray cast per pixel in 3D),
 * and how many pixels fit in 33 ms differs by orders of magnitude between a GPU and SwiftShader on a
 * busy CPU. A fixed ratio is either too coarse on the first or too slow on the second; this one
 * starts from a guess, measures the frames it draws, and moves the ratio towards the budget: down
 * by the square root of the overshoot (pixels go with the ratio squared), up by a fixed step when a
 * frame takes well under the budget. What it learns is kept for the next drag.
 */

export interface FrameBudgetOptions {
  /** Target frame time (ms); the issue asks for ≥ 30 frames/s, so under 33 ms with a margin. */
  targetMs: number;
  /** The ratio the first interaction starts at. */
  initial: number;
  /** Below this the moving image is no longer readable: the floor even when frames are slower. */
  min: number;
  /** The display's own ratio: never finer than the still image. */
  max: number;
}

/** Frames measured at one ratio before it is judged, by their median: one can be an outlier. */
const SAMPLES = 3;
/** A frame under this fraction of the budget leaves room for more pixels. */
const HEADROOM = 0.5;
const GROWTH = 1.25;

export class FrameBudget {
  private current: number;
  private samples: number[] = [];

  constructor(private readonly options: FrameBudgetOptions) {
    this.current = clamp(options.initial, options.min, options.max);
  }

  /** The pixel ratio to draw the next moving frame at. */
  get ratio(): number {
    return this.current;
  }

  /** A frame drawn at `ratio` took `ms` (from its animation frame to the next). */
  record(ms: number, ratio: number): void {
    // A frame drawn at a ratio since left says nothing about the current one.
    if (ratio !== this.current || !(ms > 0)) return;
    this.samples.push(ms);
    if (this.samples.length < SAMPLES) return;
    const typical = [...this.samples].sort((a, b) => a - b)[Math.floor(SAMPLES / 2)]!;
    this.samples = [];
    const { targetMs, min, max } = this.options;
    let next = this.current;
    if (typical > targetMs) next = this.current * Math.sqrt(targetMs / typical);
    else if (typical < targetMs * HEADROOM) next = this.current * GROWTH;
    next = clamp(Math.round(next * 100) / 100, min, max);
    this.current = next;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
