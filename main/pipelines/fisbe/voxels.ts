/**
 * Which instances cover a voxel, for sparse label sets. Overlapping instances (FISBe ground truth
 * stores one neuron per channel) give several labels for one voxel.
 */
import type { LabelInstance, PreparedLabels, Shape3 } from './labels.js';

/** Label ids are packed below the voxel index in one float64 so a single typed sort orders both. */
const LABEL_SPAN = 2 ** 21;

export class VoxelLabelIndex {
  /** voxel * LABEL_SPAN + id, sorted. */
  private readonly packed: Float64Array;

  constructor(instances: readonly LabelInstance[]) {
    const total = instances.reduce((n, instance) => n + instance.voxels.length, 0);
    this.packed = new Float64Array(total);
    let at = 0;
    for (const instance of instances) {
      if (instance.id >= LABEL_SPAN) throw new RangeError(`more than ${LABEL_SPAN - 1} instances`);
      for (const voxel of instance.voxels) this.packed[at++] = voxel * LABEL_SPAN + instance.id;
    }
    this.packed.sort();
  }

  static of(labels: PreparedLabels): VoxelLabelIndex {
    return new VoxelLabelIndex(labels.instances);
  }

  /** Calls `visit` for every id covering `voxel`; returns how many there were. */
  forEachLabel(voxel: number, visit: (id: number) => void): number {
    const packed = this.packed;
    const first = voxel * LABEL_SPAN;
    const lo = lowerBound(packed, first);
    let count = 0;
    const end = first + LABEL_SPAN;
    for (let i = lo; i < packed.length && packed[i]! < end; i++) {
      visit(packed[i]! - first);
      count++;
    }
    return count;
  }

  /** Voxels covered by two or more instances, sorted. */
  overlapVoxels(): Uint32Array {
    const out: number[] = [];
    let previous = -1;
    for (let i = 0; i < this.packed.length; i++) {
      const voxel = Math.floor(this.packed[i]! / LABEL_SPAN);
      if (voxel === previous && out[out.length - 1] !== voxel) out.push(voxel);
      previous = voxel;
    }
    return Uint32Array.from(out);
  }
}

/** The first position in an ascending list whose value is not below `value` (binary search). */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether a sorted voxel list holds `voxel`. */
export function containsVoxel(sorted: Uint32Array, voxel: number): boolean {
  const at = lowerBound(sorted, voxel);
  return at < sorted.length && sorted[at] === voxel;
}

/** Sorted `a \ b` for sorted lists. */
export function subtractSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const value = a[i]!;
    while (j < b.length && b[j]! < value) j++;
    if (j < b.length && b[j] === value) continue;
    out[n++] = value;
  }
  return out.slice(0, n);
}

export interface Box3 {
  min: [number, number, number];
  max: [number, number, number];
}

/** Inclusive bounding box [z, y, x] of sorted linear indices. */
export function boundingBox(voxels: Uint32Array, shape: Shape3): Box3 {
  const [, height, width] = shape;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const voxel of voxels) {
    const x = voxel % width;
    const rest = (voxel - x) / width;
    const y = rest % height;
    const z = (rest - y) / height;
    if (z < min[0]) min[0] = z;
    if (z > max[0]) max[0] = z;
    if (y < min[1]) min[1] = y;
    if (y > max[1]) max[1] = y;
    if (x < min[2]) min[2] = x;
    if (x > max[2]) max[2] = x;
  }
  return { min, max };
}
