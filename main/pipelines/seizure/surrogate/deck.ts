/**
 * Drawing segments for a surrogate: every segment of a class is used once, in random order, before
 * any is used again (a shuffled deck, reshuffled when empty), so a multi-hour surrogate built from
 * minutes of material repeats all segments equally often and never the same one twice in a row.
 */
import { shuffleInPlace, type Random } from '../../../../shared/random.js';

export interface Draw {
  /** Index into the deck's items. */
  index: number;
  /** 0 on the first pass through the deck, 1 on the second… */
  pass: number;
}

export class SegmentDeck {
  private order: Int32Array;
  private next = 0;
  private pass = 0;
  private last = -1;

  constructor(
    readonly size: number,
    private readonly random: Random,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a deck needs at least one item, not ${size}`);
    this.order = new Int32Array(size);
    for (let i = 0; i < size; i++) this.order[i] = i;
    shuffleInPlace(this.order, random);
  }

  draw(): Draw {
    if (this.next === this.size) {
      shuffleInPlace(this.order, this.random);
      // The first of a new pass must not repeat the last of the previous one (no back-to-back copy).
      if (this.size > 1 && this.order[0] === this.last) {
        const swapWith = 1 + Math.floor(this.random() * (this.size - 1));
        this.order[0] = this.order[swapWith]!;
        this.order[swapWith] = this.last;
      }
      this.next = 0;
      this.pass++;
    }
    const index = this.order[this.next++]!;
    this.last = index;
    return { index, pass: this.pass };
  }
}
