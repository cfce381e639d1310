/**
 * Format-blind mutators and the seeded choices every format mutator shares. Randomness comes only
 * from the `Random` handed in (shared/random.ts), so a case is a pure function of its seed.
 */
import type { Random } from '../../../../shared/random.js';

export type { Random };

/** What the file's own rules say must happen to a mutated file, where that is certain. */
export interface Oracle {
  /** The file is certainly invalid (why): accepting it is silently wrong. */
  reject?: string;
  /** Accepting it is right only with a warning matching `warning` (a case-insensitive regex source). */
  flag?: { why: string; warning: string };
  /** The file is certainly still valid (why): refusing it is wrong ('refused-valid'). */
  accept?: string;
}

export interface Mutation {
  /** One line: what was done, to which file and where. */
  description: string;
  oracle?: Oracle;
  /** Origin of a zarr chunk the mutation touched (the sampled read must cover it). */
  focus?: number[];
}

export const pickOne = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Uniform integer in [lo, hi); lo when the range is empty. */
export const between = (random: Random, lo: number, hi: number): number => (hi <= lo ? lo : lo + Math.floor(random() * (hi - lo)));

/** One of `options` with probability proportional to its weight. */
export function weighted<T>(random: Random, options: readonly (readonly [number, T])[]): T {
  const total = options.reduce((sum, [weight]) => sum + weight, 0);
  let r = random() * total;
  for (const [weight, value] of options) {
    if ((r -= weight) < 0) return value;
  }
  return options[options.length - 1]![1];
}

/** A region of a file a mutation may touch: [lo, hi). */
export interface Region {
  name: string;
  lo: number;
  hi: number;
}

const PATTERNS: readonly [string, (random: Random) => number][] = [
  ['zeros', () => 0],
  ['0xff bytes', () => 0xff],
  ['random bytes', (random) => between(random, 0, 256)],
  ['spaces', () => 0x20],
  ['ASCII digits', (random) => 0x30 + between(random, 0, 10)],
];

/**
 * A blind mutation of `bytes` inside one of `regions`: a cut, bit flips or an overwritten run.
 * `truncation` is the oracle for a cut at a given offset (formats that cannot lose bytes say reject).
 */
export function blindMutation(
  bytes: Buffer,
  random: Random,
  file: string,
  regions: readonly Region[],
  truncation: (at: number) => Oracle | undefined = () => undefined,
): { bytes: Buffer; mutation: Mutation } {
  const usable = regions.filter((region) => region.hi > region.lo);
  const region = usable.length ? pickOne(random, usable) : { name: 'file', lo: 0, hi: bytes.length };
  const op = weighted(random, [
    [2, 'truncate'],
    [3, 'flip'],
    [2, 'run'],
  ] as const);
  if (op === 'truncate' || bytes.length === 0) {
    const at = between(random, region.lo, region.hi);
    const oracle = truncation(at);
    return {
      bytes: bytes.subarray(0, at),
      mutation: { description: `${file}: truncated at byte ${at} of ${bytes.length} (in ${region.name})`, ...(oracle ? { oracle } : {}) },
    };
  }
  const out = Buffer.from(bytes);
  if (op === 'flip') {
    const count = weighted(random, [
      [4, 1],
      [2, 2],
      [1, 8],
    ] as const);
    const offsets: number[] = [];
    for (let k = 0; k < count; k++) {
      const at = between(random, region.lo, region.hi);
      const bit = between(random, 0, 8);
      out[at] = out[at]! ^ (1 << bit);
      offsets.push(at);
    }
    return { bytes: out, mutation: { description: `${file}: ${count} bit flip(s) at byte ${offsets.join(', ')} (in ${region.name})` } };
  }
  const length = weighted(random, [
    [3, between(random, 1, 5)],
    [2, between(random, 5, 65)],
    [1, between(random, 65, 1025)],
  ] as const);
  const at = between(random, region.lo, region.hi);
  const end = Math.min(out.length, at + length);
  const [patternName, pattern] = pickOne(random, PATTERNS);
  for (let i = at; i < end; i++) out[i] = pattern(random);
  return { bytes: out, mutation: { description: `${file}: bytes ${at}..${end - 1} overwritten with ${patternName} (in ${region.name})` } };
}

/** Odd values for numeric text fields, each with whether it is a plain decimal a strict reader accepts. */
export const ODD_NUMBERS: readonly (readonly [string, 'decimal' | 'not-decimal'])[] = [
  ['0', 'decimal'],
  ['-0', 'decimal'],
  ['1e308', 'not-decimal'],
  ['-1e308', 'not-decimal'],
  ['1e-300', 'not-decimal'],
  ['0x10', 'not-decimal'],
  ['NaN', 'not-decimal'],
  ['Infinity', 'not-decimal'],
  ['-1', 'decimal'],
  ['-5', 'decimal'],
  ['99999999', 'decimal'],
  ['1.5', 'decimal'],
  ['', 'not-decimal'],
  ['1 2', 'not-decimal'],
  ['\u00e9', 'not-decimal'],
  ['abc', 'not-decimal'],
];
