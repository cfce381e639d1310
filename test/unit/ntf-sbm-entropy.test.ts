/**
 * The nested-SBM description length against graph-tool 2.45 itself: for every graph, partition and
 * hierarchy of test/fixtures/sbm/graphtool_entropy.json (made by
 * test/fixtures/reference/sbm_graphtool_entropy.py with Debian's python3-graph-tool), flat and
 * nested, degree-corrected and not, with and without real-exponential weights, our value equals
 * graph-tool's `entropy()` to 1e-6 relative (measured: 3e-11 worst, on the dense graph whose large
 * blocks use graph-tool's asymptotic partition count; 1e-14 elsewhere).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import { flatDescriptionLength, nestedDescriptionLength } from '../../main/pipelines/ntf/communities/entropy/dl.js';
import { graphToolLogQ } from '../../main/pipelines/ntf/communities/entropy/special.js';

interface FixtureGraph {
  name: string;
  n: number;
  edges: number[];
  weights: number[];
  flats: number[][];
  hierarchies: number[][][];
}
interface FixtureCase {
  graph: string;
  weighted: boolean;
  degreeCorrected: boolean;
  flat: number[];
  nested: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sbm/graphtool_entropy.json', import.meta.url), 'utf8'),
) as { graphs: FixtureGraph[]; cases: FixtureCase[] };

const TOLERANCE = 1e-6;

function relative(ours: number, theirs: number): number {
  return Math.abs(ours - theirs) / Math.max(1, Math.abs(theirs));
}

describe('description length vs graph-tool 2.45', () => {
  for (const c of fixture.cases) {
    const g = fixture.graphs.find((x) => x.name === c.graph)!;
    const graph = { n: g.n, edges: Int32Array.from(g.edges), weights: Float64Array.from(g.weights) };
    const opts = { degreeCorrected: c.degreeCorrected, weighted: c.weighted };
    const tag = `${c.graph}, ${c.degreeCorrected ? 'DC' : 'NDC'}, ${c.weighted ? 'weighted' : 'unweighted'}`;
    it(`flat partitions: ${tag}`, () => {
      c.flat.forEach((expected, i) => {
        expect(relative(flatDescriptionLength(graph, g.flats[i]!, opts), expected)).toBeLessThan(TOLERANCE);
      });
    });
    it(`nested hierarchies: ${tag}`, () => {
      c.nested.forEach((expected, i) => {
        expect(relative(nestedDescriptionLength(graph, g.hierarchies[i]!, opts), expected)).toBeLessThan(TOLERANCE);
      });
    });
  }
});

describe('graph-tool 2.45 partition counts', () => {
  it('reproduces its table (which undercounts: q(5, 5) = 2, not 7)', () => {
    // Values read from libinference.log_q after init_q_cache(200).
    const exp = (n: number, k: number): number => Math.round(Math.exp(graphToolLogQ(n, k, 200)));
    expect([1, 2, 3, 4, 5].map((k) => exp(5, k))).toEqual([1, 2, 2, 2, 2]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => exp(10, k))).toEqual([1, 5, 10, 14, 16, 16, 16, 16, 16, 16]);
    expect(graphToolLogQ(32, 8, 200)).toBeCloseTo(7.757478766584178, 12);
  });
  it('uses its approximations above the table', () => {
    // libinference.log_q_approx: the "few parts" form below k = n^{1/4}, Szekeres above.
    expect(graphToolLogQ(100, 3, 99)).toBeCloseTo(6.695180679017199, 10);
    expect(graphToolLogQ(257, 4, 100)).toBeCloseTo(11.653961957080472, 10);
    expect(Math.abs(graphToolLogQ(1000, 100, 100) - 71.8420487112638)).toBeLessThan(1e-7);
    expect(Math.abs(graphToolLogQ(20000, 3000, 10000) - 350.9207847888446)).toBeLessThan(1e-7);
  });
});

describe('input checks', () => {
  const graph = { n: 3, edges: Int32Array.from([0, 1, 1, 2]), weights: Float64Array.from([1, 2]) };
  it('names the bad field', () => {
    expect(() => flatDescriptionLength({ ...graph, edges: Int32Array.from([0, 3]) }, [0, 0, 0], { degreeCorrected: false, weighted: false })).toThrow(ValidationError);
    expect(() => flatDescriptionLength(graph, [0, 0], { degreeCorrected: false, weighted: false })).toThrow(/labels/);
    expect(() => flatDescriptionLength({ ...graph, weights: Float64Array.from([1, -1]) }, [0, 0, 0], { degreeCorrected: false, weighted: true })).toThrow(/weights\[1\]/);
    expect(() => nestedDescriptionLength(graph, [[0, 1, 1], [0]], { degreeCorrected: false, weighted: false })).toThrow(/levels\[1\]/);
  });
});
