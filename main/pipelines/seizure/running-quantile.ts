/**
 * A channel's background level: a quantile of its last N values (both detectors compare each
 * second with the channel's own recent past, so a seizure does not raise its own baseline).
 */
/** The last `capacity` values, kept sorted too, for a running quantile. */
export class RunningQuantile {
  private readonly ring: Float64Array;
  private readonly sorted: number[] = [];
  private next = 0;
  private count = 0;
  constructor(capacity: number) {
    this.ring = new Float64Array(capacity);
  }

  private position(value: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  push(value: number): void {
    if (this.count === this.ring.length) {
      this.sorted.splice(this.position(this.ring[this.next]!), 1);
    } else {
      this.count++;
    }
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.ring.length;
    this.sorted.splice(this.position(value), 0, value);
  }

  quantile(q: number): number {
    const n = this.sorted.length;
    if (n === 0) return Number.NaN;
    const at = (n - 1) * q;
    const low = Math.floor(at);
    const high = Math.ceil(at);
    return this.sorted[low]! + (this.sorted[high]! - this.sorted[low]!) * (at - low);
  }
}
