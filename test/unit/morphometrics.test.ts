/**
 * Morphometrics with NeuroM's definitions on hand-built neurons with known answers: a straight line,
 * a Y-shaped axon with a second bifurcation plus a basal stub, the three soma models, sections and
 * unifurcations, Sholl counts (including NeuroM's double count of a point on the sphere), the CSV
 * export and `cajal morphology stats`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { parseSwc } from '../../main/io/swc/index.js';
import { buildSections, computeMorphometrics, morphometricsCsv } from '../../main/pipelines/morphology/index.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-morph-');
afterAll(() => tmp.cleanup());

const LINE = `1 1 0 0 0 1 -1
2 3 1 0 0 0.5 1
3 3 2 0 0 0.5 2
4 3 3 0 0 0.5 3
5 3 4 0 0 0.5 4
6 3 5 0 0 0.5 5
`;

// Axon: trunk (0,1)→(0,3); branch A (0,3)→(3,7) (length 5) splitting into A1 → (3,8) and A2 → (4,7);
// branch B (0,3)→(0,4)→(0,6) (length 3). Basal stub (0,-1)→(0,-2).
const Y = `# Y-shaped axon and a basal stub
1 1 0 0 0 2 -1
2 2 0 1 0 1 1
3 2 0 3 0 1 2
4 2 3 7 0 1 3
5 2 0 4 0 1 3
6 2 0 6 0 1 5
7 2 3 8 0 1 4
8 2 4 7 0 1 4
9 3 0 -1 0 1 1
10 3 0 -2 0 1 9
`;

const close = (actual: number | null, expected: number): void => {
  expect(actual).not.toBeNull();
  expect(actual!).toBeCloseTo(expected, 12);
};

describe('a straight line', () => {
  const metrics = computeMorphometrics(parseSwc(LINE, 'line.swc'), { shollRadii: [0.5, 2, 3.5, 5, 6] });
  const all = metrics.byType.all;

  it('one neurite, one section; the soma-to-first-point gap is not counted (MorphIO/NeuroM)', () => {
    expect([all.numberOfNeurites, all.numberOfSections, all.numberOfBifurcations, all.numberOfLeaves, all.numberOfSegments]).toEqual([1, 1, 0, 1, 4]);
    close(all.totalLength, 4);
    close(all.totalArea, 4 * Math.PI); // 4 cylinders of radius 0.5, height 1: π (r0 + r1) h each
    close(all.totalVolume, Math.PI); // π r² h = π · 0.25 · 4
    expect(all.sectionBranchOrders).toEqual({ count: 1, sum: 0, mean: 0, min: 0, max: 0 });
    expect(all.sectionStrahlerOrders.max).toBe(1);
    expect(all.partitionAsymmetry).toEqual({ count: 0, sum: 0, mean: null, min: null, max: null });
    close(all.terminalPathLengths.max, 4);
    expect(all.boundingBox).toEqual({ min: [1, 0, 0], max: [5, 0, 0] });
    expect(metrics.byType.basal_dendrite.totalLength).toBe(4);
    expect(metrics.byType.axon.numberOfNeurites).toBe(0);
    expect(metrics.byType.axon.boundingBox).toBeNull();
  });

  it('Sholl: segments whose ends straddle each radius, a point on the sphere counted in both its segments', () => {
    expect(metrics.shollRadii).toEqual([0.5, 2, 3.5, 5, 6]);
    expect(all.shollCrossings).toEqual([0, 2, 1, 1, 0]);
  });

  it('single-point soma: radius and sphere area', () => {
    expect(metrics.soma).toEqual({ kind: 'single_point', center: [0, 0, 0], radius: 1, surfaceArea: 4 * Math.PI });
  });

  it('default Sholl radii every 50 units up to the farthest point', () => {
    expect(computeMorphometrics(parseSwc(LINE, 'line.swc')).shollRadii).toEqual([50]);
    expect(computeMorphometrics(parseSwc(LINE, 'line.swc'), { shollStep: 2 }).shollRadii).toEqual([2, 4, 6]);
  });
});

describe('a Y-shaped axon with a basal stub', () => {
  const metrics = computeMorphometrics(parseSwc(Y, 'y.swc'), { shollRadii: [2, 5] });
  const axon = metrics.byType.axon;

  it('sections split at bifurcations; children start at the branch point', () => {
    const { neurites } = buildSections(parseSwc(Y, 'y.swc'));
    expect(neurites.map((n) => n.type)).toEqual([2, 3]);
    const trunk = neurites[0]!;
    expect(trunk.points).toEqual([1, 2]);
    expect(trunk.children.map((c) => c.points)).toEqual([[2, 3], [2, 4, 5]]);
    expect(trunk.children[0]!.children.map((c) => c.points)).toEqual([[3, 6], [3, 7]]);
  });

  it('counts, lengths and path distances', () => {
    expect([axon.numberOfNeurites, axon.numberOfSections, axon.numberOfBifurcations, axon.numberOfLeaves]).toEqual([1, 5, 2, 3]);
    close(axon.totalLength, 2 + 5 + 3 + 1 + 1);
    expect(axon.sectionLengths.max).toBe(5);
    close(axon.sectionLengths.mean, 12 / 5);
    close(axon.terminalPathLengths.sum, 5 + 8 + 8);
    expect(axon.terminalPathLengths.max).toBe(8);
  });

  it('branch orders, Strahler orders, partition asymmetry', () => {
    expect(axon.sectionBranchOrders).toEqual({ count: 5, sum: 6, mean: 1.2, min: 0, max: 2 });
    // Strahler: A1 = A2 = 1 → A = 2; B = 1 → trunk = 2.
    expect(axon.sectionStrahlerOrders).toEqual({ count: 5, sum: 7, mean: 1.4, min: 1, max: 2 });
    // Trunk: subtrees of 3 and 1 sections → |3 − 1| / 4; A: 1 and 1 → 0.
    expect(axon.partitionAsymmetry).toEqual({ count: 2, sum: 0.5, mean: 0.25, min: 0, max: 0.5 });
  });

  it('per type: axon and basal apart, all is their union', () => {
    const basal = metrics.byType.basal_dendrite;
    const all = metrics.byType.all;
    expect([basal.numberOfNeurites, basal.numberOfSections, basal.totalLength]).toEqual([1, 1, 1]);
    expect(all.numberOfNeurites).toBe(2);
    close(all.totalLength, 13);
    expect(all.boundingBox).toEqual({ min: [0, -2, 0], max: [4, 8, 0] });
    expect(axon.boundingBox).toEqual({ min: [0, 1, 0], max: [4, 8, 0] });
    expect(metrics.byType.apical_dendrite.numberOfNeurites).toBe(0);
  });

  it('Sholl crossings per type', () => {
    expect(axon.shollCrossings).toEqual([1, 2]);
    expect(metrics.byType.basal_dendrite.shollCrossings).toEqual([1, 0]);
    expect(metrics.byType.all.shollCrossings).toEqual([2, 2]);
  });
});

describe('soma models (neurom/core/soma.py)', () => {
  it('NeuroMorpho three-point soma: area 2πr·h, radius √(area/4π)', () => {
    const m = computeMorphometrics(parseSwc('1 1 0 0 0 3 -1\n2 1 0 -3 0 3 1\n3 1 0 3 0 3 1\n4 3 0 5 0 1 1\n5 3 0 7 0 1 4\n', 's.swc'));
    expect(m.soma.kind).toBe('three_point_cylinders');
    close(m.soma.surfaceArea, 4 * Math.PI * 9);
    close(m.soma.radius, 3);
  });

  it('cylinders soma: frustum areas between consecutive soma points in file order', () => {
    const m = computeMorphometrics(parseSwc('1 1 0 0 0 2 -1\n2 1 0 4 0 2 1\n3 3 0 6 0 1 2\n', 'c.swc'));
    expect(m.soma.kind).toBe('cylinders');
    close(m.soma.surfaceArea, 2 * Math.PI * 2 * 4);
    close(m.soma.radius, Math.sqrt(16 / 4));
    expect(m.soma.center).toEqual([0, 0, 0]);
  });

  it('three soma points not in the NeuroMorpho id pattern are cylinders', () => {
    const m = computeMorphometrics(parseSwc('1 1 0 0 0 1 -1\n2 1 0 1 0 1 1\n3 1 0 2 0 1 2\n', 'c3.swc'));
    expect(m.soma.kind).toBe('cylinders');
  });

  it('no soma: radius 0, no Sholl centre, a warning; neurites rooted at parent −1 still measured', () => {
    const m = computeMorphometrics(parseSwc('1 2 0 0 0 1 -1\n2 2 3 4 0 1 1\n', 'n.swc'));
    expect(m.soma).toEqual({ kind: 'undefined', center: null, radius: 0, surfaceArea: 0 });
    expect(m.shollRadii).toEqual([]);
    expect(m.byType.axon.totalLength).toBe(5);
    expect(m.warnings.some((w) => w.includes('no soma'))).toBe(true);
  });
});

describe('sections', () => {
  it('unifurcations (single children) stay in one section', () => {
    const { neurites } = buildSections(parseSwc(LINE, 'line.swc'));
    expect(neurites).toHaveLength(1);
    expect(neurites[0]!.points).toEqual([1, 2, 3, 4, 5]);
  });

  it('a type change without a branch splits the section, with a warning', () => {
    const m = parseSwc('1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n3 3 2 0 0 1 2\n4 4 3 0 0 1 3\n5 4 4 0 0 1 4\n', 't.swc');
    const { neurites, warnings } = buildSections(m);
    expect(neurites[0]!.points).toEqual([1, 2]);
    expect(neurites[0]!.children.map((c) => [c.type, c.points])).toEqual([[4, [2, 3, 4]]]);
    expect(warnings[0]).toMatch(/^line 3: the type changes from 3 to 4/);
    expect(computeMorphometrics(m).byType.all.totalLength).toBe(3);
  });

  it('a child starting exactly at the branch point gets no duplicate point', () => {
    const m = parseSwc('1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n3 3 2 0 0 1 2\n4 3 2 0 0 1 3\n5 3 2 1 0 1 4\n6 3 3 0 0 1 3\n', 'd.swc');
    const { neurites } = buildSections(m);
    expect(neurites[0]!.children.map((c) => c.points)).toEqual([[3, 4], [2, 5]]);
  });

  it('several neurites on one soma, in file order', () => {
    const m = parseSwc('1 1 0 0 0 1 -1\n2 4 0 1 0 1 1\n3 2 0 -1 0 1 1\n4 3 1 0 0 1 1\n', 'n.swc');
    expect(buildSections(m).neurites.map((n) => n.type)).toEqual([4, 2, 3]);
    const metrics = computeMorphometrics(m);
    expect([metrics.byType.axon, metrics.byType.basal_dendrite, metrics.byType.apical_dendrite].map((t) => t.numberOfNeurites)).toEqual([1, 1, 1]);
  });

  it('scaled coordinates give scaled lengths', () => {
    const m = computeMorphometrics(parseSwc(LINE, 'line.swc', { scaleUmPerUnit: 0.008 }), { shollRadii: [] });
    close(m.byType.all.totalLength, 4 * 0.008);
    expect(m.unit).toBe('µm');
  });
});

describe('CSV export and the CLI', () => {
  it('one row per neuron and neurite type, Sholl columns from the union of radii', () => {
    const a = computeMorphometrics(parseSwc(Y, 'y.swc'), { shollRadii: [2, 5] });
    const b = computeMorphometrics(parseSwc(LINE, 'line, "odd".swc'), { shollRadii: [5] });
    const lines = morphometricsCsv([a, b]).trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 3)).toEqual(['file', 'neurite_type', 'unit']);
    expect(header.slice(-2)).toEqual(['sholl_2', 'sholl_5']);
    const axon = lines[2]!.split(',');
    expect(axon[1]).toBe('axon');
    expect(Number(axon[header.indexOf('total_length')])).toBeCloseTo(12, 12);
    expect(Number(axon[header.indexOf('partition_asymmetry_mean')])).toBe(0.25);
    expect(axon.slice(-2)).toEqual(['1', '2']);
    expect(lines[5]!.startsWith('"line, ""odd"".swc",all,')).toBe(true);
    expect(lines[5]!.endsWith(',,1')).toBe(true); // no radius 2 for the second neuron
  });

  async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  }

  it('`cajal morphology stats` prints a table per file and writes the CSV', async () => {
    const y = join(tmp.dir, 'y.swc');
    const line = join(tmp.dir, 'line.swc');
    writeFileSync(y, Y);
    writeFileSync(line, LINE.replace('1 1 0 0 0 1 -1', '1 1 0 0 0 0 -1'));
    const csv = join(tmp.dir, 'stats.csv');
    const { code, out, err } = await cli('morphology', 'stats', y, line, '--sholl', '2,5', '--out', csv);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(`${y}: 10 samples, 1 tree, coordinates as given`);
    expect(text).toMatch(/metric\s+all\s+axon\s+basal\n/);
    expect(text).toMatch(/total length \(unit\)\s+13\s+12\s+1\n/);
    expect(text).toMatch(/Sholl crossings r=5\s+2\s+2\s+0/);
    expect(err).toEqual([`cajal: warning: ${line}: line 1: sample 1 has radius 0 (≤ 0); kept as is`]);
    expect(readFileSync(csv, 'utf8').trimEnd().split('\n')).toHaveLength(9);
  });

  it('--scale converts to µm; errors are one line with exit code 1', async () => {
    const y = join(tmp.dir, 'y2.swc');
    writeFileSync(y, Y);
    const scaled = await cli('morphology', 'stats', y, '--scale', '0.5', '--sholl', '1');
    expect(scaled.code).toBe(0);
    expect(scaled.out.join('\n')).toMatch(/total length \(µm\)\s+6.50\s+6\s+0.50/);
    expect((await cli('morphology', 'stats', y, '--scale', 'x')).err).toEqual(['cajal: --scale: expected a positive number, got "x"']);
    expect((await cli('morphology', 'stats')).code).toBe(1);
    expect((await cli('morphology', 'count', y)).code).toBe(1);
    const bad = join(tmp.dir, 'bad.swc');
    writeFileSync(bad, '1 1 0 0 0 1 -1\n2 3 1 0 0 1 9\n');
    const failed = await cli('morphology', 'stats', bad);
    expect(failed.code).toBe(1);
    expect(failed.err).toEqual([`cajal: ${bad}: field "parent" at byte 15: line 2: parent 9 of sample 2 does not exist`]);
  });
});
