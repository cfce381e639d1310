/**
 * Brain-JEPA spatiotemporal masking (main/pipelines/jepa/masks.ts) against a numpy transcription of
 * the reference's MaskCollator_fmri (test/fixtures/reference/jepa_masks_numpy.py → jepa-masks-numpy.json):
 * the fixture's recorded random draws are replayed, so the algorithm is compared draw for draw,
 * independently of the random generator.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import {
  REFERENCE_MASK_CONFIG,
  maskGrid,
  maskRandom,
  sampleMasks,
  sampleMasksWith,
  type BatchMasks,
  type MaskConfig,
  type MaskDraws,
} from '../../main/pipelines/jepa/masks.js';
import { seededRandom } from '../../shared/random.js';

type Draw = ['u', number] | ['s', number, number, number[]] | ['i', number, number];
interface FixtureCase {
  name: string;
  rois: number;
  patches: number;
  batch: number;
  draws: Draw[];
  quirk: boolean[];
  context: number[][];
  target: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/reference/jepa-masks-numpy.json', import.meta.url), 'utf8')) as {
  config: MaskConfig;
  cases: FixtureCase[];
};

/** Hands out recorded draws, failing on any request the numpy transcription did not make. */
function replay(log: readonly Draw[]): MaskDraws & { left(): number } {
  let next = 0;
  const take = (kind: Draw[0], args: number[]): Draw => {
    const draw = log[next];
    const where = `draw ${next}`;
    expect(draw, `${where}: asked for ${kind}(${args.join(', ')}) past the recorded draws`).toBeDefined();
    expect([draw![0], ...draw!.slice(1, 1 + args.length)], where).toEqual([kind, ...args]);
    next++;
    return draw!;
  };
  return {
    sizeUniform: () => take('u', [])[1] as number,
    subset: (n, k) => take('s', [n, k])[3] as number[],
    integer: (n) => take('i', [n])[2] as number,
    left: () => log.length - next,
  };
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Properties every batch must have: equal lengths, tokens in range, context sorted and disjoint from target. */
function expectWellFormed(masks: BatchMasks, rois: number, nPatches: number, minKeep: number): void {
  const tokens = rois * nPatches;
  const contextLength = masks.context[0]!.length;
  const targetLength = masks.target[0]!.length;
  expect(contextLength).toBeGreaterThan(minKeep);
  expect(targetLength).toBeGreaterThan(0);
  const problems: string[] = []; // collected, so that one expect checks thousands of tokens
  masks.context.forEach((context, b) => {
    const target = masks.target[b]!;
    if (context.length !== contextLength || target.length !== targetLength) problems.push(`${b}: lengths differ`);
    const inContext = new Uint8Array(tokens);
    context.forEach((k, i) => {
      if (!(k >= 0 && k < tokens)) problems.push(`${b}: context token ${k} out of range`);
      if (i > 0 && k <= context[i - 1]!) problems.push(`${b}: context not strictly ascending at ${i}`);
      inContext[k] = 1;
    });
    for (const k of target) {
      if (!(k >= 0 && k < tokens)) problems.push(`${b}: target token ${k} out of range`);
      else if (inContext[k]) problems.push(`${b}: token ${k} in context and target`);
    }
  });
  expect(problems).toEqual([]);
}

describe('Brain-JEPA masks: the reference algorithm, draw for draw', () => {
  it('uses the reference yaml mask block', () => {
    expect(REFERENCE_MASK_CONFIG).toEqual({ ...fixture.config, encScale: [0.84, 1], predTScale: [0, 0.4] });
  });

  for (const c of fixture.cases) {
    it(`matches the numpy transcription: ${c.name}`, () => {
      const draws = replay(c.draws);
      const masks = sampleMasksWith(c.rois, c.patches, c.batch, REFERENCE_MASK_CONFIG, draws);
      expect(draws.left()).toBe(0);
      expect(masks.context.map((m) => Array.from(m))).toEqual(c.context);
      expect(masks.target.map((m) => Array.from(m))).toEqual(c.target);
      expectWellFormed(masks, c.rois, c.patches, REFERENCE_MASK_CONFIG.minKeep);
    });
  }

  it('the fixture exercises the lone-unobserved-ROI quirk where it changes the pools', () => {
    expect(fixture.cases.some((c) => c.quirk.some(Boolean))).toBe(true);
  });
});

describe('Brain-JEPA masks: behaviour', () => {
  it('reference grid 450 × 10, B = 16: mean sizes after the batch-min cut as the research guide (≈824 / ≈864)', () => {
    const context: number[] = [];
    const target: number[] = [];
    for (let iteration = 0; iteration < 1000; iteration++) {
      const masks = sampleMasks(450, 10, 16, REFERENCE_MASK_CONFIG, maskRandom(11, iteration), iteration);
      context.push(masks.context[0]!.length);
      target.push(masks.target[0]!.length);
    }
    // numpy transcription (--stats, 2 000 batches): 821.7 and 864.1; guide: 824 and 864. The sizes are
    // drawn per batch, so batch SDs are large (≈ 120 context, ≈ 280 target): 1 000 batches give standard
    // errors ≈ 4 and ≈ 9; the bounds are ≈ 3 combined standard errors. Leaving out the batch-min cut
    // (≈ 1240 / 1130) or a block's removal from the context misses them by hundreds of tokens.
    expect(Math.abs(mean(context) - 823)).toBeLessThan(15);
    expect(Math.abs(mean(target) - 864)).toBeLessThan(35);
  });

  it('gives well-formed masks on the reference grid and short AAL grids', () => {
    for (const [rois, nPatches] of [
      [450, 10],
      [116, 5],
      [116, 6],
      [116, 10],
      [12, 8],
    ] as const) {
      for (let iteration = 0; iteration < 20; iteration++) {
        const masks = sampleMasks(rois, nPatches, 8, REFERENCE_MASK_CONFIG, maskRandom(3, iteration), iteration);
        expectWellFormed(masks, rois, nPatches, REFERENCE_MASK_CONFIG.minKeep);
      }
    }
  });

  it('repeats a target token only where an α token lies in a β/γ column, at most twice', () => {
    let repeated = 0;
    for (let iteration = 0; iteration < 40; iteration++) {
      const masks = sampleMasks(450, 10, 4, REFERENCE_MASK_CONFIG, maskRandom(5, iteration), iteration);
      for (const target of masks.target) {
        const count = new Map<number, number>();
        for (const k of target) count.set(k, (count.get(k) ?? 0) + 1);
        for (const [k, n] of count) {
          if (n === 1) continue;
          repeated++;
          expect(n).toBe(2);
          // α never reaches column 9 (the observation ends before it); side columns are 0-2 and 7-9.
          expect([0, 1, 2, 7, 8]).toContain(k % 10);
        }
      }
    }
    expect(repeated).toBeGreaterThan(0);
  });

  it('is a pure function of (seed, iteration)', () => {
    const a = sampleMasks(116, 10, 4, REFERENCE_MASK_CONFIG, maskRandom(7, 3), 3);
    const b = sampleMasks(116, 10, 4, REFERENCE_MASK_CONFIG, maskRandom(7, 3), 3);
    const otherIteration = sampleMasks(116, 10, 4, REFERENCE_MASK_CONFIG, maskRandom(7, 4), 4);
    const otherSeed = sampleMasks(116, 10, 4, REFERENCE_MASK_CONFIG, maskRandom(8, 3), 3);
    expect(b).toEqual(a);
    expect(otherIteration).not.toEqual(a);
    expect(otherSeed).not.toEqual(a);
  });
});

describe('Brain-JEPA masks: grids and min_keep', () => {
  it('size ranges on the reference grid are the reference integer arithmetic', () => {
    const grid = maskGrid(450, 10, REFERENCE_MASK_CONFIG);
    expect(grid.alphaRois).toEqual([202, 269]);
    expect(grid.alphaPatches).toEqual([2, 5]);
    expect(grid.observedRois).toEqual([378, 449]);
    expect(grid.observedPatches).toEqual([8, 9]);
    expect(grid.sidePatches).toBe(3); // {0,1,2} and {7,8,9}, as hard-coded there
    expect(grid.minContext).toBe((378 - 269) * 4);
  });

  it('reaches the worst-case context and no lower (min_keep bound is tight)', () => {
    const grid = maskGrid(116, 10, REFERENCE_MASK_CONFIG);
    expect(grid.minContext).toBe(112); // (97 − 69) ROIs × 4 columns
    // Smallest observation, largest α inside it, both side blocks 3 columns wide.
    const uniforms = [0.999999, 0, 0, 0, /* right */ 0, 0.999999, /* left */ 0, 0.999999];
    const first = (n: number, k: number) => Array.from({ length: k }, (_, i) => i);
    const draws: MaskDraws = { sizeUniform: () => uniforms.shift()!, subset: first, integer: () => 0 };
    const masks = sampleMasksWith(116, 10, 1, REFERENCE_MASK_CONFIG, draws);
    expect(masks.context[0]!.length).toBe(112);
    expect(uniforms).toEqual([]);
    expect(() => maskGrid(116, 10, { ...REFERENCE_MASK_CONFIG, minKeep: 111 })).not.toThrow();
    expect(() => maskGrid(116, 10, { ...REFERENCE_MASK_CONFIG, minKeep: 112 })).toThrow(/112 tokens/);
  });

  it('refuses 4 patches (empty α blocks) and names the shortest grid that works', () => {
    const attempt = () => maskGrid(116, 4, REFERENCE_MASK_CONFIG);
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/nPatches: 4 time patches give α target blocks of .* = 0 patches.*5 or more patches/);
    expect(() => sampleMasks(116, 4, 2, REFERENCE_MASK_CONFIG, seededRandom(1), 0)).toThrow(ValidationError);
    // Raising predTRoiScale's floor to 1/4 makes 4 patches valid.
    expect(maskGrid(116, 4, { ...REFERENCE_MASK_CONFIG, predTRoiScale: [0.25, 0.6] }).alphaPatches).toEqual([1, 2]);
  });

  it('refuses grids the reference cannot mask and bad arguments', () => {
    expect(() => maskGrid(116, 3, REFERENCE_MASK_CONFIG)).toThrow(ValidationError);
    expect(() => maskGrid(2, 10, REFERENCE_MASK_CONFIG)).toThrow(/rois/);
    expect(() => maskGrid(116, 10, { ...REFERENCE_MASK_CONFIG, predTScale: [0, 0.7] })).toThrow(/overlap/);
    expect(() => maskGrid(116, 10, { ...REFERENCE_MASK_CONFIG, encScale: [0.5, 1.2] })).toThrow(/mask\.encScale/);
    expect(() => maskGrid(116, 0, REFERENCE_MASK_CONFIG)).toThrow(/nPatches/);
    expect(() => sampleMasks(116, 10, 0, REFERENCE_MASK_CONFIG, seededRandom(1), 0)).toThrow(/batch/);
    expect(() => sampleMasks(116, 10, 2, REFERENCE_MASK_CONFIG, seededRandom(1), -1)).toThrow(/iteration/);
  });
});
