/**
 * Early stopping of one stimulus optimisation, as the reference's optimization/stoppers.py:
 *  - EMA loss: the exponential moving average of the loss (weight 0.9 on the past) must reach a new
 *    minimum at least once every `patience` (100) updates, else stop;
 *  - pixel change (Golan et al. 2020): map the stimulus to 0–255 monitor levels over [vmin, vmax];
 *    stop when the largest change between consecutive stimuli stays below half a level for more
 *    than `patience` (50) updates.
 */

export interface Stopper {
  readonly hit: boolean;
  reset(): void;
}

export class EmaLossStopper implements Stopper {
  private minLoss = 1e10;
  private notDecreased = 0;
  private ema: number | null = null;
  private stopped = false;

  constructor(readonly patience = 100, readonly emaWeight = 0.9) {}

  update(loss: number): void {
    this.ema = this.ema === null ? loss : this.emaWeight * this.ema + (1 - this.emaWeight) * loss;
    if (this.ema < this.minLoss) {
      this.minLoss = this.ema;
      this.notDecreased = 0;
    } else if (++this.notDecreased > this.patience) this.stopped = true;
  }

  get hit(): boolean {
    return this.stopped;
  }

  reset(): void {
    this.minLoss = 1e10;
    this.notDecreased = 0;
    this.ema = null;
    this.stopped = false;
  }
}

export class PixelChangeStopper implements Stopper {
  private previous: Float32Array | null = null;
  private still = 0;
  private stopped = false;

  constructor(readonly vmin: number, readonly vmax: number, readonly patience = 50) {
    if (!(vmax > vmin)) throw new RangeError(`PixelChangeStopper: vmax (${vmax}) must exceed vmin (${vmin})`);
  }

  /** `x`: the stimulus after a step (copied). */
  update(x: ArrayLike<number>): void {
    const scale = 255 / (this.vmax - this.vmin);
    if (this.previous === null) {
      this.previous = Float32Array.from(x);
      return;
    }
    let maxChange = 0;
    for (let i = 0; i < x.length; i++) {
      const change = Math.abs(x[i]! - this.previous[i]!) * scale;
      if (change > maxChange) maxChange = change;
      this.previous[i] = x[i]!;
    }
    if (maxChange >= 0.5) this.still = 0;
    else if (++this.still > this.patience) this.stopped = true;
  }

  get hit(): boolean {
    return this.stopped;
  }

  reset(): void {
    this.previous = null;
    this.still = 0;
    this.stopped = false;
  }
}
