/**
 * The pixel ratio to draw a moving view at, adapted to what the machine draws within a frame budget
 * (dynamic resolution): the cost of a NiiVue frame is mostly per pixel (a ray cast per pixel in 3D),
 * and how many pixels fit in 33 ms differs by orders of magnitude between a GPU and SwiftShader on a
 * busy CPU. A fixed ratio is either too coarse on the first or too slow on the second; this one
 * starts from a guess, measures the frames it draws, and moves the ratio towards the budget: down
 * at once by the square root of the overshoot (pixels go with the ratio squared), up by a small
 * step only after frames have kept well under the budget for a while (quick to coarsen, slow to
 * refine, so the resolution does not flicker). What it learns is kept for the next drag.
 */

export interface FrameBudgetOptions {
  /** The mean frame time (ms) to stay within: 30 frames/s. */
  targetMs: number;
  /** The ratio the first interaction starts at. */
  initial: number;
  /** Below this the moving image is no longer readable: the floor even when frames are slower. */
  min: number;
  /** The display's own ratio: never finer than the still image. */
  max: number;
}

/**
 * Frames measured at one ratio before it is judged, by their mean (the rate is a mean: one frame of
 * three display periods among three of two already makes it 26.7 frames/s).
 */
const WINDOW = 4;
/** A single stall (a garbage collection, another process) must not take the ratio to the floor. */
const MAX_STEP_DOWN = 0.5;
/** Frames under this fraction of the budget leave room for more pixels... */
const HEADROOM = 0.55;
/** ...when they do so for this many windows running. */
const HEADROOM_WINDOWS = 2;
const GROWTH = 1.2;

export class FrameBudget {
  private current: number;
  private samples: number[] = [];
  private roomyWindows = 0;

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
    if (this.samples.length < WINDOW) return;
    const mean = this.samples.reduce((sum, t) => sum + t, 0) / this.samples.length;
    this.samples = [];
    const { targetMs, min, max } = this.options;
    let next = this.current;
    if (mean > targetMs) {
      this.roomyWindows = 0;
      next = this.current * Math.max(MAX_STEP_DOWN, Math.sqrt(targetMs / mean));
    } else if (mean < targetMs * HEADROOM) {
      this.roomyWindows += 1;
      if (this.roomyWindows >= HEADROOM_WINDOWS) {
        this.roomyWindows = 0;
        next = this.current * GROWTH;
      }
    } else this.roomyWindows = 0;
    this.current = clamp(Math.round(next * 100) / 100, min, max);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
