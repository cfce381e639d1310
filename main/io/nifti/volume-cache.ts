/**
 * The most recently decoded volumes of one image, least recently used out first, within a byte
 * budget. Deflate cannot seek, so going back in a .nii.gz means inflating again from the start;
 * a view scrubbing back and forth over the last few volumes is served from here instead.
 * Entries are never handed out: callers get copies, so they may modify what they receive.
 */
export class VolumeCache {
  private readonly entries = new Map<number, Float32Array>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  get(t: number): Float32Array | null {
    const data = this.entries.get(t);
    if (!data) return null;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(t);
    this.entries.set(t, data);
    return data.slice();
  }

  /** Keeps a copy of `data` as volume t (nothing when one volume exceeds the budget). */
  put(t: number, data: Float32Array): void {
    if (data.byteLength > this.budgetBytes || this.entries.has(t)) return;
    while (this.bytes + data.byteLength > this.budgetBytes) {
      const oldest = this.entries.keys().next().value as number;
      this.bytes -= this.entries.get(oldest)!.byteLength;
      this.entries.delete(oldest);
    }
    this.entries.set(t, data.slice());
    this.bytes += data.byteLength;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
