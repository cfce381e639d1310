/**
 * Lee-94 thinning against scikit-image's skeletonize_3d, voxel for voxel, on the synthetic cases of
 * test/fixtures/reference/skeleton_skimage.py (lines, tubes, plates, cubes, spheres, tori, branching
 * tubes, random blobs, border-touching and one-slice volumes); and the translation invariance that
 * lets the FISBe metrics thin each instance on its bounding box instead of the whole volume.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import { isEulerInvariant, isSimple, skeletonize3d, skeletonize3dIndices } from '../../main/pipelines/fisbe/skeletonize.js';
import { REPO_ROOT } from '../helpers/data.js';

type Shape3 = [number, number, number];

interface SkeletonCase {
  name: string;
  shape: Shape3;
  voxels: number;
  /** Alternating background / foreground run lengths of the flat mask, background first. */
  inputRuns: number[];
  /** skimage's skeleton, sorted flat indices. */
  skeleton: number[];
}

const fixture = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/skeleton-skimage.json'), 'utf8')) as {
  _versions: string;
  cases: SkeletonCase[];
};

function decodeRuns(runs: readonly number[], size: number): Uint8Array {
  const mask = new Uint8Array(size);
  let at = 0;
  runs.forEach((run, i) => {
    if (i % 2 === 1) mask.fill(1, at, at + run);
    at += run;
  });
  if (at !== size) throw new Error(`runs cover ${at} voxels, expected ${size}`);
  return mask;
}

function indicesOf(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return out;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Copies `mask` (shape `shape`) into a zero volume of shape `outer` at `offset`. */
function embed(mask: Uint8Array, shape: Shape3, outer: Shape3, offset: Shape3): Uint8Array {
  const out = new Uint8Array(size(outer));
  for (let z = 0; z < shape[0]; z++) {
    for (let y = 0; y < shape[1]; y++) {
      const from = (z * shape[1] + y) * shape[2];
      out.set(mask.subarray(from, from + shape[2]), ((z + offset[0]) * outer[1] + y + offset[1]) * outer[2] + offset[2]);
    }
  }
  return out;
}

/** The box [start, start + shape) of a volume of shape `outer`. */
function cut(volume: Uint8Array, outer: Shape3, start: Shape3, shape: Shape3): Uint8Array {
  const out = new Uint8Array(size(shape));
  for (let z = 0; z < shape[0]; z++) {
    for (let y = 0; y < shape[1]; y++) {
      const from = ((z + start[0]) * outer[1] + y + start[1]) * outer[2] + start[2];
      out.set(volume.subarray(from, from + shape[2]), (z * shape[1] + y) * shape[2]);
    }
  }
  return out;
}

function boundingBox(mask: Uint8Array, shape: Shape3): { min: Shape3; max: Shape3 } {
  const min: Shape3 = [Infinity, Infinity, Infinity];
  const max: Shape3 = [-1, -1, -1];
  let i = 0;
  for (let z = 0; z < shape[0]; z++) {
    for (let y = 0; y < shape[1]; y++) {
      for (let x = 0; x < shape[2]; x++, i++) {
        if (!mask[i]) continue;
        [z, y, x].forEach((c, axis) => {
          min[axis] = Math.min(min[axis]!, c);
          max[axis] = Math.max(max[axis]!, c);
        });
      }
    }
  }
  return { min, max };
}

describe('skeletonize3d = skimage.morphology.skeletonize_3d', () => {
  it(`reads the fixture (${fixture._versions})`, () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(50);
  });

  for (const c of fixture.cases) {
    it(`${c.name} (${c.shape.join('×')}, ${c.voxels} voxels → ${c.skeleton.length})`, () => {
      const mask = decodeRuns(c.inputRuns, size(c.shape));
      expect(indicesOf(mask).length).toBe(c.voxels);
      const before = mask.slice();
      const skeleton = skeletonize3d(mask, c.shape);
      expect(mask).toEqual(before); // the input is left alone
      expect(skeleton.length).toBe(mask.length);
      expect(skeleton.every((v) => v === 0 || v === 1)).toBe(true);
      expect(indicesOf(skeleton)).toEqual(c.skeleton);
    });
  }

  it('skeletonize3dIndices: the same skeletons from and to sorted flat indices', () => {
    for (const c of fixture.cases) {
      const input = Uint32Array.from(indicesOf(decodeRuns(c.inputRuns, size(c.shape))));
      const copy = input.slice();
      expect(Array.from(skeletonize3dIndices(input, c.shape)), c.name).toEqual(c.skeleton);
      expect(input).toEqual(copy);
    }
    expect(() => skeletonize3dIndices([3, 2], [2, 2, 2])).toThrow(ValidationError);
    expect(() => skeletonize3dIndices([8], [2, 2, 2])).toThrow(ValidationError);
    expect(() => skeletonize3dIndices([1.5], [2, 2, 2])).toThrow(ValidationError);
    expect(skeletonize3dIndices([], [0, 3, 3]).length).toBe(0);
  });

  it('treats any nonzero value as foreground', () => {
    const c = fixture.cases.find((k) => k.name === 'blob 24^3 seed 0')!;
    const mask = decodeRuns(c.inputRuns, size(c.shape)).map((v, i) => v * (1 + (i % 255)));
    expect(indicesOf(skeletonize3d(mask, c.shape))).toEqual(c.skeleton);
  });

  it('reads masks at any byte offset (views into larger buffers)', () => {
    const c = fixture.cases.find((k) => k.name === 'thick blob 36x44x40')!;
    const mask = decodeRuns(c.inputRuns, size(c.shape));
    for (const offset of [1, 2, 3]) {
      const buffer = new Uint8Array(mask.length + 8);
      buffer.set(mask, offset);
      expect(indicesOf(skeletonize3d(buffer.subarray(offset, offset + mask.length), c.shape))).toEqual(c.skeleton);
    }
  });

  it('rejects a mask whose length does not match the shape', () => {
    expect(() => skeletonize3d(new Uint8Array(10), [2, 2, 2])).toThrow(ValidationError);
    expect(() => skeletonize3d(new Uint8Array(0), [0, -1, 0])).toThrow(ValidationError);
    expect(skeletonize3d(new Uint8Array(0), [0, 4, 4]).length).toBe(0);
  });
});

describe('translation invariance (thinning an instance on its bounding box)', () => {
  // Every case thicker than one slice: a volume one slice thick is skimage's 2D case (four border
  // directions instead of six), so a crop must keep at least two slices (the one-voxel margin does).
  const cases = fixture.cases.filter((c) => c.shape[0] > 1 && c.voxels > 0);

  it.each(cases.map((c) => [c.name, c] as const))('%s: embedded in a larger volume, and cropped to bbox + 1', (_name, c) => {
    const mask = decodeRuns(c.inputRuns, size(c.shape));
    const skeleton = new Uint8Array(size(c.shape));
    for (const i of c.skeleton) skeleton[i] = 1;

    // Embedded at an offset in a larger zero volume: the same skeleton at the same place.
    const offset: Shape3 = [3, 1, 4];
    const outer: Shape3 = [c.shape[0] + 5, c.shape[1] + 3, c.shape[2] + 7];
    const big = skeletonize3d(embed(mask, c.shape, outer, offset), outer);
    expect(indicesOf(big)).toEqual(indicesOf(embed(skeleton, c.shape, outer, offset)));

    // Cropped to the bounding box plus one voxel (clipped to the array): the skeleton's crop.
    const { min, max } = boundingBox(mask, c.shape);
    const start = min.map((m) => Math.max(0, m - 1)) as Shape3;
    const stop = max.map((m, axis) => Math.min(c.shape[axis]!, m + 2)) as Shape3;
    const cropShape = stop.map((s, axis) => s - start[axis]!) as Shape3;
    const cropped = skeletonize3d(cut(mask, c.shape, start, cropShape), cropShape);
    expect(indicesOf(cropped)).toEqual(indicesOf(cut(skeleton, c.shape, start, cropShape)));
    expect(indicesOf(cropped).length).toBe(c.skeleton.length);
  });

  it('a one-slice crop is not equivalent (skimage thins one-slice volumes in 2D mode)', () => {
    const flat = fixture.cases.find((c) => c.name === 'blob in one z slice')!;
    const padded = fixture.cases.find((c) => c.name === 'blob in one z slice, padded to three slices')!;
    const plane = flat.shape[1] * flat.shape[2];
    expect(padded.skeleton.map((i) => i - plane)).not.toEqual(flat.skeleton);
    const mask = decodeRuns(padded.inputRuns, size(padded.shape));
    expect(indicesOf(skeletonize3d(mask.subarray(plane, 2 * plane), flat.shape))).toEqual(flat.skeleton);
  });
});

describe('local predicates', () => {
  const bit = (dz: number, dy: number, dx: number): number => 1 << ((dz + 1) * 9 + (dy + 1) * 3 + dx + 1);
  const centre = bit(0, 0, 0);

  it('Euler invariance: an isolated voxel or a hole-punching voxel is not invariant, a line end is', () => {
    expect(isEulerInvariant(centre)).toBe(false);
    expect(isEulerInvariant(centre | bit(0, 0, -1))).toBe(true);
    let ring = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dy || dx) ring |= bit(0, dy, dx);
    expect(isEulerInvariant(centre | ring)).toBe(false);
  });

  it('simplicity: one 26-connected component of neighbours', () => {
    expect(isSimple(centre)).toBe(true);
    expect(isSimple(centre | bit(-1, -1, -1) | bit(0, 0, -1))).toBe(true);
    expect(isSimple(centre | bit(0, 0, -1) | bit(0, 0, 1))).toBe(false);
    expect(isSimple(centre | bit(-1, -1, -1) | bit(1, 1, 1))).toBe(false);
  });
});
