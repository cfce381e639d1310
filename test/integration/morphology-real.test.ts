/**
 * The four NeuroMorpho.Org SWC files in ../shared/data/morphology give NeuroM's morphometrics: the
 * expected values come from test/fixtures/reference/morphology/neurom-features.json, derived by an
 * independent Python implementation of NeuroM's definitions (derive_neurom.py, which names the
 * NeuroM source of each definition), never by this code. Relative tolerance 1e-9.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSwc } from '../../main/io/swc/index.js';
import { computeMorphometrics, type NeuriteMetrics, type NeuriteTypeName, type Summary } from '../../main/pipelines/morphology/index.js';
import { REPO_ROOT, SKIP_NO_DATA, dataFile, hasSharedData } from '../helpers/data.js';

interface RefSummary { count: number; sum: number; mean: number | null; min: number | null; max: number | null }
interface RefType {
  number_of_neurites: number; number_of_sections: number; number_of_bifurcations: number;
  number_of_forking_points: number; number_of_leaves: number; number_of_segments: number;
  total_length: number; total_area: number; total_volume: number;
  section_lengths: RefSummary; terminal_path_lengths: RefSummary; section_branch_orders: RefSummary;
  section_strahler_orders: RefSummary; partition_asymmetry: RefSummary;
  bounding_box: { min: number[]; max: number[] } | null; sholl_crossings: number[];
}
interface Reference {
  neurom_commit: string;
  sholl_radii: number[];
  files: Record<string, { soma: { type: string; center: number[] | null; radius: number; surface_area: number }; types: Record<string, RefType> }>;
}

const reference = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test/fixtures/reference/morphology/neurom-features.json'), 'utf8'),
) as Reference;

function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

function sameSummary(actual: Summary, expected: RefSummary, what: string): void {
  expect(actual.count, `${what}.count`).toBe(expected.count);
  for (const k of ['sum', 'mean', 'min', 'max'] as const) close(actual[k], expected[k], `${what}.${k}`);
}

describe.skipIf(!hasSharedData())('NeuroM morphometrics of the real SWC files', () => {
  if (!hasSharedData()) it.skip(SKIP_NO_DATA, () => {});
  it('the fixture covers the four files', () => {
    expect(Object.keys(reference.files)).toHaveLength(4);
  });
  for (const [name, expected] of Object.entries(reference.files)) {
    it(name, async () => {
      const morphology = await readSwc(dataFile('morphology', name));
      const metrics = computeMorphometrics(morphology, { shollRadii: reference.sholl_radii });
      expect(metrics.soma.kind).toBe(expected.soma.type);
      close(metrics.soma.radius, expected.soma.radius, 'soma radius');
      close(metrics.soma.surfaceArea, expected.soma.surface_area, 'soma surface area');
      expect(metrics.soma.center).toEqual(expected.soma.center);
      for (const [type, ref] of Object.entries(expected.types)) {
        const t: NeuriteMetrics = metrics.byType[type as NeuriteTypeName];
        const w = `${name} ${type}`;
        expect(t.numberOfNeurites, `${w} neurites`).toBe(ref.number_of_neurites);
        expect(t.numberOfSections, `${w} sections`).toBe(ref.number_of_sections);
        expect(t.numberOfBifurcations, `${w} bifurcations`).toBe(ref.number_of_bifurcations);
        expect(t.numberOfForkingPoints, `${w} forking points`).toBe(ref.number_of_forking_points);
        expect(t.numberOfLeaves, `${w} leaves`).toBe(ref.number_of_leaves);
        expect(t.numberOfSegments, `${w} segments`).toBe(ref.number_of_segments);
        close(t.totalLength, ref.total_length, `${w} total length`);
        close(t.totalArea, ref.total_area, `${w} total area`);
        close(t.totalVolume, ref.total_volume, `${w} total volume`);
        sameSummary(t.sectionLengths, ref.section_lengths, `${w} section lengths`);
        sameSummary(t.terminalPathLengths, ref.terminal_path_lengths, `${w} terminal path lengths`);
        sameSummary(t.sectionBranchOrders, ref.section_branch_orders, `${w} branch orders`);
        sameSummary(t.sectionStrahlerOrders, ref.section_strahler_orders, `${w} Strahler orders`);
        sameSummary(t.partitionAsymmetry, ref.partition_asymmetry, `${w} partition asymmetry`);
        expect(t.boundingBox, `${w} bounding box`).toEqual(ref.bounding_box);
        expect(t.shollCrossings, `${w} Sholl`).toEqual(ref.sholl_crossings);
      }
    });
  }
});
