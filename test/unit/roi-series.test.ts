/**
 * readRoiSeries on files built in a temp folder: .mat (known variable names and their layouts, the
 * smaller-dimension rule, a missing variable, a connectivity matrix), CSV/TSV (header names, index
 * and time columns, headerless), AFNI .1D (comments, columns as regions), NaN/Inf refused naming
 * the region and time point, and region names from a sibling list.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { looksLikeRoiSeries, readRoiSeries, seriesLayout, type RoiSeries } from '../../main/io/roi-series/index.js';
import { columnMajor, MatWriter, MX } from '../helpers/mat.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-roi-');
afterAll(() => tmp.cleanup());
let n = 0;
function file(name: string, content: string | Uint8Array): string {
  const dir = join(tmp.dir, `case${n++}`);
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const w = new MatWriter(true);
/** Region r, time t → 100 r + t: every value says where it belongs. */
const value = (r: number, t: number): number => 100 * r + t;
const timeByRegion = (T: number, R: number): number[][] => Array.from({ length: T }, (_, t) => Array.from({ length: R }, (_, r) => value(r, t)));
const regionByTime = (R: number, T: number): number[][] => Array.from({ length: R }, (_, r) => Array.from({ length: T }, (_, t) => value(r, t)));

function expectRegionMajor(series: RoiSeries, R: number, T: number): void {
  expect([series.regionCount, series.timepoints]).toEqual([R, T]);
  for (let r = 0; r < R; r++) for (let t = 0; t < T; t++) expect(series.data[r * T + t]).toBe(value(r, t));
}

async function formatError(promise: Promise<unknown>): Promise<FormatError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormatError);
  return error as FormatError;
}

describe('.mat ROI series', () => {
  it('ROISignals is time × region even with fewer volumes than regions (ABIDE OHSU: 77 × 116)', async () => {
    const path = file('50142.mat', w.file(w.compressed(w.numeric('ROISignals', [5, 8], columnMajor(timeByRegion(5, 8))))));
    const series = await readRoiSeries(path);
    expectRegionMajor(series, 8, 5);
    expect(series.source).toBe('mat:ROISignals');
    expect(series.trS).toBeNull();
  });

  it('tc is region × time (neurolib)', async () => {
    expectRegionMajor(await readRoiSeries(file('tc.mat', w.file(w.numeric('tc', [4, 9], columnMajor(regionByTime(4, 9)))))), 4, 9);
  });

  it('an unknown name: the single 2-D numeric variable, regions the smaller dimension', async () => {
    const path = file('s.mat', w.file(w.char('note', 'hello'), w.numeric('X', [3, 7], columnMajor(regionByTime(3, 7))), w.numeric('TR', [1, 1], [2000])));
    const series = await readRoiSeries(path);
    expectRegionMajor(series, 3, 7);
    expect(series.source).toBe('mat:X');
    expect(series.trS).toBe(2); // 2000 taken as milliseconds
    expect(seriesLayout(7, 3, 'X').layout).toBe('time×region');
    expect(seriesLayout(3, 7, 'whatever').layout).toBe('region×time');
    expect(seriesLayout(77, 116, 'ROISignals').layout).toBe('time×region');
  });

  it('region names from a names variable in the file', async () => {
    const names = w.matrix(MX.CELL, [3, 1], 'names', ['A', 'B', 'C'].map((s) => w.char('', s)));
    const series = await readRoiSeries(file('n.mat', w.file(w.numeric('tc', [3, 4], columnMajor(regionByTime(3, 4))), names)));
    expect(series.regionNames).toEqual(['A', 'B', 'C']);
  });

  it('refuses a .mat without the expected variable, naming what it holds', async () => {
    const error = await formatError(readRoiSeries(file('none.mat', w.file(w.char('subject', 'x'), w.numeric('k', [1, 1], [3])))));
    expect(error.field).toBe('variable');
    expect(error.message).toMatch(/none\.mat: field "variable": no ROI time-series variable \(expected one of ROISignals, tc, .*\); it holds subject \(1×1 char\), k \(1×1 double\)/);
    const two = await formatError(readRoiSeries(file('two.mat', w.file(w.numeric('a', [2, 3], [1, 2, 3, 4, 5, 6]), w.numeric('b', [2, 3], [1, 2, 3, 4, 5, 6])))));
    expect(two.message).toMatch(/2 2-D numeric arrays and none of a known name/);
  });

  it('refuses a connectivity matrix read as a series', async () => {
    const error = await formatError(readRoiSeries(file('sc.mat', w.file(w.numeric('sc', [3, 3], [0, 1, 2, 1, 0, 3, 2, 3, 0])))));
    expect(error.message).toMatch(/square and symmetric: a connectivity matrix/);
  });

  it('refuses NaN and infinity, naming the file, region and time index', async () => {
    const rows = regionByTime(3, 6);
    rows[1]![4] = NaN;
    const error = await formatError(readRoiSeries(file('nan.mat', w.file(w.numeric('tc', [3, 6], columnMajor(rows))))));
    expect(error.message).toMatch(/nan\.mat: field "tc": region 2 of 3, time index 4 \(of 6\) is NaN/);
  });

  it('reads region names from a sibling list one folder up (ABIDE layout)', async () => {
    const dir = join(tmp.dir, 'abide');
    mkdirSync(join(dir, 'Functional'), { recursive: true });
    writeFileSync(join(dir, 'AAL3_ROI_List.csv'), 'num,name,abb,risk_group\n1,Precentral_L,PreCG.L,2\n2,Precentral_R,PreCG.R,0\n3,Frontal_Sup_L,SFGdor.L,2\n');
    writeFileSync(join(dir, 'labels_3.csv'), 'SUB_ID,DX_GROUP\n1,1\n2,2\n3,1\n');
    writeFileSync(join(dir, 'Functional', '1.mat'), w.file(w.numeric('ROISignals', [4, 3], columnMajor(timeByRegion(4, 3)))));
    const series = await readRoiSeries(join(dir, 'Functional', '1.mat'));
    expect(series.regionNames).toEqual(['Precentral_L', 'Precentral_R', 'Frontal_Sup_L']);
    // A list with another row count is not this file's.
    writeFileSync(join(dir, 'Functional', '2.mat'), w.file(w.numeric('ROISignals', [4, 2], columnMajor(timeByRegion(4, 2)))));
    expect((await readRoiSeries(join(dir, 'Functional', '2.mat'))).regionNames).toBeNull();
  });
});

describe('text ROI series', () => {
  it('CSV with a quoted header (nitime): columns are the named regions', async () => {
    const csv = '"WM","Vent","LCau"\n' + timeByRegion(4, 3).map((row) => row.join(',')).join('\n') + '\n';
    const series = await readRoiSeries(file('fmri_timeseries.csv', csv));
    expectRegionMajor(series, 3, 4);
    expect(series.regionNames).toEqual(['WM', 'Vent', 'LCau']);
    expect(series.source).toBe('csv');
  });

  it('TSV with a time column: dropped, and gives the TR', async () => {
    const tsv = 'time\tA\tB\n' + timeByRegion(5, 2).map((row, t) => [t * 2.5, ...row].join('\t')).join('\n') + '\n';
    const series = await readRoiSeries(file('s.tsv', tsv));
    expectRegionMajor(series, 2, 5);
    expect(series.regionNames).toEqual(['A', 'B']);
    expect(series.trS).toBe(2.5);
  });

  it('a pandas index column (empty title) is not a region', async () => {
    const csv = ',r0,r1\n' + timeByRegion(3, 2).map((row, t) => [t, ...row].join(',')).join('\n') + '\n';
    expectRegionMajor(await readRoiSeries(file('p.csv', csv)), 2, 3);
  });

  it('headerless CSV follows the smaller-dimension rule', async () => {
    const csv = regionByTime(2, 6).map((row) => row.join(',')).join('\n') + '\n';
    const series = await readRoiSeries(file('bare.csv', csv));
    expectRegionMajor(series, 2, 6);
    expect(series.regionNames).toBeNull();
  });

  it('AFNI .1D: # comments, whitespace columns, each column a region', async () => {
    const text = '# 3dROIstats output\n#  Mean_1  Mean_2  Mean_3\n' + timeByRegion(4, 3).map((row) => '  ' + row.join('   ')).join('\n') + '  # trailing\n';
    const series = await readRoiSeries(file('sub01_rois.1D', text));
    expectRegionMajor(series, 3, 4);
    expect(series.source).toBe('1D');
  });

  it('refuses ragged rows, non-numbers and Inf with the line and column', async () => {
    expect((await formatError(readRoiSeries(file('r.csv', 'a,b\n1,2\n3\n')))).message).toMatch(/line 3 has 1 values where the first row has 2/);
    expect((await formatError(readRoiSeries(file('x.csv', 'a,b\n1,2\n3,oops\n')))).message).toMatch(/line 3, column "b": "oops" is not a number/);
    const inf = await formatError(readRoiSeries(file('i.1D', '1 2\n3 Inf\n5 6\n')));
    expect(inf.message).toMatch(/i\.1D: field "1D": region 2 of 2, time index 1 \(of 3\) is Infinity/);
    const named = await formatError(readRoiSeries(file('n.csv', 'WM,Vent\n1,2\n3,NaN\n')));
    expect(named.message).toMatch(/region 2 of 2 \("Vent"\), time index 1/);
  });

  it('looksLikeRoiSeries tells series files from others', async () => {
    expect(await looksLikeRoiSeries(file('ok.csv', 'A,B\n1,2\n3,4\n'))).toBe(true);
    expect(await looksLikeRoiSeries(file('ok.mat', w.file(w.numeric('tc', [2, 3], [1, 2, 3, 4, 5, 6]))))).toBe(true);
    expect(await looksLikeRoiSeries(file('list.csv', 'num,name\n1,Precentral_L\n'))).toBe(false);
    expect(await looksLikeRoiSeries(file('sc.mat', w.file(w.numeric('sc', [3, 3], [0, 1, 2, 1, 0, 3, 2, 3, 0]))))).toBe(false);
    expect(await looksLikeRoiSeries(file('image.png', 'xx'))).toBe(false);
  });
});
