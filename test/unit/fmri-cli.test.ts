/**
 * `cajal info` on brain images and `cajal fmri extract | connectivity | classify`, on small files
 * written here: text and --json output, files written through write-target (never over an input),
 * connectivity equal to module D's matrix, a project recording (a cohort's subject) as the input,
 * and a cohort whose phenotype table misses a subject: one error, nothing stored.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { parseNpy } from '../../main/io/npy.js';
import { readRoiSeries } from '../../main/io/roi-series/index.js';
import { connectivity } from '../../main/pipelines/fmri/connectivity.js';
import { Store } from '../../main/store/index.js';
import { REPO_ROOT } from '../helpers/data.js';
import { writeNifti } from '../helpers/nifti.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

async function json<T = Record<string, unknown>>(...argv: string[]): Promise<T> {
  const run = await cli(...argv, '--json');
  expect(run.err.filter((line) => line.startsWith('cajal:'))).toEqual([]);
  expect(run.code).toBe(0);
  return JSON.parse(run.out.join('\n')) as T;
}

const tmp = tempDir('cajal-fmri-cli-');
const file = (name: string) => join(tmp.dir, name);

beforeAll(() => {
  const [nx, ny, nz, nt] = [4, 3, 2, 12];
  const bold = new Float32Array(nx * ny * nz * nt);
  for (let t = 0; t < nt; t++) for (let v = 0; v < nx * ny * nz; v++) bold[v + nx * ny * nz * t] = 50 + (v % nx < 2 ? t : Math.sin(t)) + 0.001 * v;
  writeNifti(file('bold.nii.gz'), { dims: [nx, ny, nz, nt], data: bold, trS: 1.5, gzip: true });
  writeNifti(file('atlas.nii'), { dims: [nx, ny, nz], data: Array.from({ length: nx * ny * nz }, (_, v) => (v % nx < 2 ? 3 : 7)), datatype: 'uint8' });
  writeFileSync(file('atlas.txt'), '3 West\n7 East\n');

  const rows = Array.from({ length: 50 }, (_, t) => [Math.sin(t / 4), Math.sin(t / 4) + Math.cos(t / 2), Math.cos(t / 9), Math.sin(t)].map((v) => v.toFixed(8)).join(','));
  writeFileSync(file('series.csv'), `A,B,C,D\n${rows.join('\n')}\n`);

  mkdirSync(file('cohort'));
  const subjects = ['s01', 's02', 's03', 's04', 's05', 's06', 's07', 's08'];
  subjects.forEach((id, s) => {
    const lines = Array.from({ length: 40 }, (_, t) => [Math.sin(t / (2 + (s % 2))), Math.cos(t / 3) + 0.05 * s, Math.sin(t / 5 + s), Math.cos(t / 7) * (s % 2 ? 1 : -1)].map((v) => v.toFixed(8)).join(','));
    writeFileSync(file(`cohort/${id}.csv`), `A,B,C,D\n${lines.join('\n')}\n`);
  });
  writeFileSync(
    file('cohort/participants.tsv'),
    `participant_id\tdiagnosis\tsex\tsite\n${subjects.map((id, s) => `${id}\t${s % 2 ? 'ASD' : 'control'}\t${s % 3 ? 'M' : 'F'}\t${s < 4 ? 'X' : 'Y'}`).join('\n')}\n`,
  );
});

afterAll(() => tmp.cleanup());

describe('cajal info on brain images', () => {
  it('prints a NIfTI header: dimensions, voxel size, TR and the affine', async () => {
    const run = await cli('info', file('bold.nii.gz'));
    expect(run.code).toBe(0);
    const text = run.out.join('\n');
    expect(text).toMatch(/format +NIfTI-1 \(gzip\)/);
    expect(text).toMatch(/dimensions +4 × 3 × 2 × 12 \(12 volumes\)/);
    expect(text).toMatch(/voxel size +2 mm/);
    expect(text).toMatch(/TR +1\.5 s/);
    expect(text).toMatch(/space +MNI \(sform\)/);
    const info = await json<{ dims: number[]; voxelSizeMm: number[]; trS: number; affine: number[] }>('info', file('bold.nii.gz'));
    expect([info.dims, info.voxelSizeMm, info.trS]).toEqual([[4, 3, 2, 12], [2, 2, 2], 1.5]);
    expect(info.affine).toEqual([2, 0, 0, -3, 0, 2, 0, -2, 0, 0, 2, -1, 0, 0, 0, 1]);
  });

  it('prints a GIfTI file’s arrays', async () => {
    writeFileSync(
      file('tri.gii'),
      `<?xml version="1.0"?><GIFTI Version="1.0" NumberOfDataArrays="2"><MetaData></MetaData><LabelTable></LabelTable>
<DataArray Intent="NIFTI_INTENT_POINTSET" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="2" Dim0="3" Dim1="3" Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset=""><MetaData></MetaData><Data>0 0 0 1 0 0 0 1 0</Data></DataArray>
<DataArray Intent="NIFTI_INTENT_TRIANGLE" DataType="NIFTI_TYPE_INT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="2" Dim0="1" Dim1="3" Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset=""><MetaData></MetaData><Data>0 1 2</Data></DataArray></GIFTI>`,
    );
    const run = await cli('info', file('tri.gii'));
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/vertices +3, 1 triangles/);
    const info = await json<{ kind: string; arrays: { intent: string; dims: number[] }[] }>('info', file('tri.gii'));
    expect([info.kind, info.arrays.map((a) => a.dims)]).toEqual(['surface', [[3, 3], [1, 3]]]);
  });
});

describe('cajal fmri extract', () => {
  it('prints the regions, writes time × region CSV that reads back, and --json holds the series', async () => {
    const run = await cli('fmri', 'extract', file('bold.nii.gz'), '--atlas', file('atlas.nii'), '--out', file('out.csv'));
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/2 regions × 12 volumes, TR 1\.5 s/);
    expect(run.out.join('\n')).toMatch(/West/);
    const back = await readRoiSeries(file('out.csv'));
    expect([back.regionCount, back.timepoints, back.regionNames]).toEqual([2, 12, ['West', 'East']]);
    const value = await json<{ regions: { indices: number[]; names: string[] }; series: number[][]; trS: number }>(
      'fmri', 'extract', file('bold.nii.gz'), '--atlas', file('atlas.nii'), '--standardize', '--detrend',
    );
    expect(value.regions).toEqual({ indices: [3, 7], names: ['West', 'East'] });
    expect(value.series[0]).toHaveLength(12);
    const mean = value.series[0]!.reduce((a, b) => a + b, 0) / 12;
    expect(Math.abs(mean)).toBeLessThan(1e-9);
  });

  it('never writes over an input, nor over a file without --overwrite', async () => {
    const over = await cli('fmri', 'extract', file('bold.nii.gz'), '--atlas', file('atlas.nii'), '--out', file('atlas.nii'));
    expect(over.code).toBe(1);
    expect(over.err.join('\n')).toMatch(/--out/);
    const again = await cli('fmri', 'extract', file('bold.nii.gz'), '--atlas', file('atlas.nii'), '--out', file('out.csv'));
    expect(again.code).toBe(1);
    expect((await cli('fmri', 'extract', file('bold.nii.gz'), '--atlas', file('atlas.nii'), '--out', file('out.csv'), '--overwrite')).code).toBe(0);
    expect((await cli('fmri', 'extract', file('bold.nii.gz'))).err.join('\n')).toMatch(/--atlas/);
  });
});

describe('cajal fmri connectivity', () => {
  it('--json prints module D’s matrix', async () => {
    const value = await json<{ kind: string; regionNames: string[]; matrix: number[][] }>('fmri', 'connectivity', file('series.csv'), '--kind', 'partial');
    const expected = connectivity([await readRoiSeries(file('series.csv'))], 'partial').matrices[0]!;
    expect(value.kind).toBe('partial');
    expect(value.regionNames).toEqual(['A', 'B', 'C', 'D']);
    expect(value.matrix.flat()).toEqual(Array.from(expected));
  });

  it('prints the matrix as a table and writes it as .npy or .csv', async () => {
    const run = await cli('fmri', 'connectivity', file('series.csv'), '--out', file('m.npy'));
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/pearson connectivity, 4 regions/);
    const npy = parseNpy(readFileSync(file('m.npy')), file('m.npy'));
    expect([npy.dtype, npy.shape]).toEqual(['float64', [4, 4]]);
    expect((await cli('fmri', 'connectivity', file('series.csv'), '--out', file('m.csv'))).code).toBe(0);
    const csv = readFileSync(file('m.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(Number(csv[0]!.split(',')[0])).toBeCloseTo(1, 12);
    expect((await cli('fmri', 'connectivity', file('series.csv'), '--kind', 'tangent')).err.join('\n')).toMatch(/tangent connectivity is relative to a group mean/);
    expect((await cli('fmri', 'connectivity', file('series.csv'), '--kind', 'spearman')).err.join('\n')).toMatch(/--kind: expected one of pearson, partial, tangent, covariance/);
  });

  it('reads a project’s cohort recording, one subject', async () => {
    const project = file('p.cajal');
    expect((await cli('init', project)).code).toBe(0);
    expect((await cli('import', project, file('cohort'), file('series.csv'))).code).toBe(0);
    const value = await json<{ subject: string; matrix: number[][] }>('fmri', 'connectivity', project, '1', '--subject', 's03', '--kind', 'tangent');
    expect(value.subject).toBe('s03');
    expect(value.matrix).toHaveLength(4);
    const single = await json<{ matrix: number[][] }>('fmri', 'connectivity', project, '2');
    const direct = await json<{ matrix: number[][] }>('fmri', 'connectivity', file('series.csv'));
    expect(single.matrix).toEqual(direct.matrix);
  });
});

describe('cajal fmri classify', () => {
  it('prints a per-fold table with the mean, from a cohort folder and as a project run', async () => {
    const run = await cli('fmri', 'classify', file('cohort'), '--kind', 'pearson', '--folds', '2');
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/8 subjects, diagnosis/);
    expect(run.out.join('\n')).toMatch(/mean/);
    const value = await json<{ folds: unknown[]; subjectCount: number; classes: string[]; runId: number | null }>('fmri', 'classify', file('cohort'), '--kind', 'pearson', '--folds', '2');
    expect([value.folds.length, value.subjectCount, value.classes, value.runId]).toEqual([2, 8, ['ASD', 'control'], null]);
    const stored = await json<{ folds: unknown[]; runId: number }>('fmri', 'classify', file('p.cajal'), '1', '--kind', 'pearson', '--folds', '2', '--target', 'sex');
    expect(stored.folds).toHaveLength(2);
    expect(stored.runId).toBeGreaterThan(0);
    expect((await cli('fmri', 'classify', file('cohort'), '--target', 'handedness')).err.join('\n')).toMatch(/no label "handedness"/);
  });

  it('refuses a cohort with a subject missing from the phenotype table: one error naming it, nothing stored', async () => {
    const dir = file('bad-cohort');
    mkdirSync(dir);
    for (const id of ['s01', 's02', 's03']) writeFileSync(join(dir, `${id}.csv`), 'A,B\n1,2\n3,4\n5,6\n');
    writeFileSync(join(dir, 'participants.tsv'), 'participant_id\tdiagnosis\ns01\tASD\ns02\tcontrol\n');
    const run = await cli('fmri', 'classify', dir);
    expect(run.code).toBe(1);
    expect(run.err.filter((line) => line.startsWith('cajal:'))).toHaveLength(1);
    expect(run.err.join('\n')).toMatch(/s03/);
    const project = file('p.cajal');
    const before = (() => {
      const store = Store.open(project);
      try {
        return store.recordings.list().length;
      } finally {
        store.close();
      }
    })();
    const imported = await cli('import', project, dir);
    expect(imported.code).toBe(1);
    const store = Store.open(project);
    try {
      expect(store.recordings.list()).toHaveLength(before);
    } finally {
      store.close();
    }
  });
});

/** The built command (`npm test` builds first; a dist/ from before the fmri domain is skipped). */
const BUILT = existsSync(join(REPO_ROOT, 'dist', 'main', 'domains', 'fmri', 'cli.js'));

describe.skipIf(!BUILT)('bin/cajal.js (dist/, built by npm test)', () => {
  const cajal = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin', 'cajal.js'), ...args], { cwd: REPO_ROOT, maxBuffer: 16 << 20 });
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  it('info, extract, connectivity and classify print JSON equal to the in-process command', async () => {
    expect((await cajal('info', file('bold.nii.gz'), '--json')).dims).toEqual([4, 3, 2, 12]);
    const extracted = await cajal('fmri', 'extract', file('bold.nii.gz'), '--atlas', file('atlas.nii'), '--json');
    expect(extracted.regions).toEqual({ indices: [3, 7], names: ['West', 'East'] });
    const matrix = await cajal('fmri', 'connectivity', file('series.csv'), '--kind', 'partial', '--json');
    expect((matrix.matrix as number[][]).flat()).toEqual(Array.from(connectivity([await readRoiSeries(file('series.csv'))], 'partial').matrices[0]!));
    const report = await cajal('fmri', 'classify', file('cohort'), '--kind', 'pearson', '--folds', '2', '--json');
    expect([(report.folds as unknown[]).length, report.subjectCount]).toEqual([2, 8]);
  }, 60_000);
});
