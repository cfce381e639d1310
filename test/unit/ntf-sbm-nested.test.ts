/**
 * The nested SBM fit (nested.ts) against graph-tool 2.45's own minimize_nested_blockmodel_dl on
 * the graphs of test/fixtures/sbm/graphtool_minimize.json (made by
 * test/fixtures/reference/sbm_graphtool_minimize.py): our description length — graph-tool's
 * entropy() of the hierarchy we return — is within 1 % of graph-tool's minimum or shorter (issue
 * #23's goal; measured: equal on 13 of 14 fits, 0.6 % shorter on one), and the hierarchy is well
 * formed. Plus the fit's own contract: deterministic per seed, DC/NDC by description length,
 * input checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import { nestedDescriptionLength } from '../../main/pipelines/ntf/communities/entropy/dl.js';
import { fitNestedSbm, refineNestedSbm, type EdgeListGraph, type NestedSbmResult } from '../../main/pipelines/ntf/communities/nested.js';
import { normalizedMutualInformation } from '../../main/pipelines/ntf/communities/nmi.js';
import { weightedLfr } from '../../main/pipelines/ntf/communities/benchmarks.js';
import { paperLfrSettings, toEdgeList, type GraphToolFit } from '../../main/pipelines/ntf/communities/evaluate.js';

interface Fit {
  descriptionLength: number;
  degreeCorrected: boolean;
  blocks: number[];
}
interface FixtureGraph {
  name: string;
  n: number;
  edges: number[];
  weights: number[];
  truth: number[] | null;
  fits: { weighted: Fit; unweighted: Fit };
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sbm/graphtool_minimize.json', import.meta.url), 'utf8'),
) as { graphs: FixtureGraph[] };

function graphOf(g: FixtureGraph): EdgeListGraph {
  return { n: g.n, edges: Int32Array.from(g.edges), weights: Float64Array.from(g.weights) };
}

function expectWellFormed(result: NestedSbmResult, n: number): void {
  let size = n;
  for (const level of result.levels) {
    expect(level.length).toBe(size);
    const B = Math.max(...level) + 1;
    for (let r = 0; r < B; r++) expect(level.includes(r)).toBe(true); // contiguous labels
    size = B;
  }
  expect(size).toBe(1);
  // Ends at its first one-block level above level 0 (a level above it would hold a single node).
  for (const level of result.levels.slice(1, -1)) expect(Math.max(...level)).toBeGreaterThan(0);
}

describe('nested fit vs graph-tool 2.45 minimize_nested_blockmodel_dl', () => {
  for (const g of fixture.graphs) {
    for (const key of ['unweighted', 'weighted'] as const) {
      it(`${g.name}, ${key}: description length within 1 % of graph-tool's`, () => {
        const graph = graphOf(g);
        const result = fitNestedSbm(graph, { seed: 1, weighted: key === 'weighted' });
        expectWellFormed(result, g.n);
        const exact = nestedDescriptionLength(graph, result.levels, { degreeCorrected: result.degreeCorrected, weighted: key === 'weighted' });
        expect(result.descriptionLength).toBeCloseTo(exact, 8);
        expect(result.descriptionLength).toBeLessThanOrEqual(g.fits[key].descriptionLength * 1.01);
      });
    }
  }

  it('recovers a planted partition graph-tool recovers', () => {
    const g = fixture.graphs.find((x) => x.name === 'planted-48')!;
    const result = fitNestedSbm(graphOf(g), { seed: 3, weighted: false });
    // graph-tool's fit merges two of the four planted groups (3 blocks); so does ours.
    expect(Math.max(...result.levels[0]!) + 1).toBe(g.fits.unweighted.blocks[0]);
    expect(normalizedMutualInformation(result.levels[0]!, Int32Array.from(g.truth!))).toBeGreaterThan(0.8);
  });
});

describe('fitNestedSbm contract', () => {
  const g = fixture.graphs.find((x) => x.name === 'heavy-tailed-50')!;
  it('is deterministic for a seed', () => {
    const a = fitNestedSbm(graphOf(g), { seed: 5, restarts: 1 });
    const b = fitNestedSbm(graphOf(g), { seed: 5, restarts: 1 });
    expect(a.levels.map((l) => Array.from(l))).toEqual(b.levels.map((l) => Array.from(l)));
    expect(a.descriptionLength).toBe(b.descriptionLength);
  });
  it('chooses the variant with the shorter description length', () => {
    const auto = fitNestedSbm(graphOf(g), { seed: 1, weighted: false });
    const dc = fitNestedSbm(graphOf(g), { seed: 1, weighted: false, degreeCorrected: true });
    const ndc = fitNestedSbm(graphOf(g), { seed: 1, weighted: false, degreeCorrected: false });
    expect(dc.degreeCorrected).toBe(true);
    expect(ndc.degreeCorrected).toBe(false);
    expect(auto.descriptionLength).toBe(Math.min(dc.descriptionLength, ndc.descriptionLength));
    expect(auto.degreeCorrected).toBe(true); // heavy-tailed degrees: as graph-tool chooses
  });
  it('handles graphs without edges or nodes', () => {
    const empty = fitNestedSbm({ n: 4, edges: new Int32Array(0) }, { seed: 1 });
    expectWellFormed(empty, 4);
    expect(fitNestedSbm({ n: 0, edges: new Int32Array(0) }, { seed: 1 }).descriptionLength).toBe(0);
  });
  it('names bad input', () => {
    expect(() => fitNestedSbm({ n: 2, edges: Int32Array.from([0, 2]) }, { seed: 1 })).toThrow(ValidationError);
    expect(() => fitNestedSbm({ n: 2, edges: Int32Array.from([0, 1]), weights: Float64Array.from([0]) }, { seed: 1 })).toThrow(/weights\[0\]/);
    expect(() => fitNestedSbm({ n: 2, edges: Int32Array.from([0, 1]) }, { seed: 1, restarts: 0 })).toThrow(/restarts/);
  });
});

describe('refineNestedSbm (exact refinement of every level, upper-refine.ts)', () => {
  for (const name of ['hierarchical-64', 'planted-48']) {
    it(`${name}: from a hierarchy closed at level 1, never longer, and the DL it reports is graph-tool's of what it returns`, () => {
      const g = fixture.graphs.find((x) => x.name === name)!;
      const graph = graphOf(g);
      for (const degreeCorrected of [false, true]) {
        const fit = fitNestedSbm(graph, { seed: 2, restarts: 1, degreeCorrected });
        // Everything above level 0 in one block: what the bottom-up fit produced when it closed early.
        const closed = [fit.levels[0]!, new Int32Array(Math.max(...fit.levels[0]!) + 1)];
        const opts = { degreeCorrected, weighted: true };
        const start = nestedDescriptionLength(graph, closed, opts);
        const refined = refineNestedSbm(graph, closed, { seed: 4, degreeCorrected });
        expectWellFormed(refined, g.n);
        expect(refined.descriptionLength).toBeCloseTo(nestedDescriptionLength(graph, refined.levels, opts), 9);
        expect(refined.descriptionLength).toBeLessThanOrEqual(start + 1e-9);
        // The fit's own answer is a fixed point up to further improvement, never worse.
        const again = refineNestedSbm(graph, fit.levels, { seed: 4, degreeCorrected });
        expect(again.descriptionLength).toBeLessThanOrEqual(fit.descriptionLength + 1e-9);
      }
    });
  }
  it('names bad input', () => {
    const graph = { n: 3, edges: Int32Array.from([0, 1, 1, 2]) };
    expect(() => refineNestedSbm(graph, [], { seed: 1, degreeCorrected: false })).toThrow(/levels/);
    expect(() => refineNestedSbm(graph, [Int32Array.from([0, 1])], { seed: 1, degreeCorrected: false })).toThrow(ValidationError);
  });
});

describe('merge hops', () => {
  it("reach graph-tool's description length on the LFR graph where the exact refinement alone stopped 1.3 % longer", () => {
    // The paper's setting μ_t = 0.25, seed 15 (bench/ntf-graphtool.ts lfr, id 3:15): without the
    // hops the fit kept 10 level-0 blocks at 4382.9 nats against graph-tool's 8 at 4326.6; two of
    // ours are one of graph-tool's, split and placed in different level-1 groups, so each single
    // merge priced with the levels above fixed lengthened the description.
    const reference = JSON.parse(readFileSync(new URL('../fixtures/reference/lfr-graphtool.json', import.meta.url), 'utf8')) as { graphs: GraphToolFit[] };
    const graphTool = reference.graphs.find((g) => g.id === '3:15')!;
    const { graph } = weightedLfr({ ...paperLfrSettings()[3]!.setting, seed: 15 });
    const result = fitNestedSbm(toEdgeList(graph), { seed: 15, degreeCorrected: false, restarts: 1 });
    expectWellFormed(result, 125);
    expect(graphTool.descriptionLength.chosen).toBeCloseTo(4326.6, 1);
    expect(result.descriptionLength).toBeLessThanOrEqual(graphTool.descriptionLength.chosen * 1.01);
  });
});
