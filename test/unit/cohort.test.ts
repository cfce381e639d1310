/**
 * readCohort / loadCohortSeries / looksLikeCohort on cohort folders built in a temp dir: the ABIDE
 * layout (Functional/*.mat + labels table + a larger phenotype table), a flat folder of CSV series,
 * FILE_ID-prefixed AFNI files, and each refusal: a subject missing from the phenotype table, two
 * rows or two files for one subject, different region counts, no phenotype table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { loadCohortSeries, looksLikeCohort, readCohort } from '../../main/io/roi-series/index.js';
import { columnMajor, MatWriter } from '../helpers/mat.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-cohort-');
afterAll(() => tmp.cleanup());
const w = new MatWriter(true);
let n = 0;

/** ROISignals of T × R, values 1000·subject + 100·r + t. */
function roiMat(subject: number, T: number, R: number): Uint8Array {
  const rows = Array.from({ length: T }, (_, t) => Array.from({ length: R }, (_, r) => 1000 * subject + 100 * r + t));
  return w.file(w.compressed(w.numeric('ROISignals', [T, R], columnMajor(rows))));
}

const LABELS = 'SUB_ID,FILE_ID,SITE_ID,DX_GROUP,SEX,AGE_AT_SCAN\n50003,Pitt_0050003,PITT,1,1,24.45\n50004,Pitt_0050004,PITT,2,2,19.09\n50010,Olin_0050010,OLIN,1,1,12\n';
const PHENOTYPE = ',Unnamed: 0,SUB_ID,SITE_ID,DX_GROUP,SEX,AGE_AT_SCAN,HANDEDNESS_CATEGORY\n0,1,50002,PITT,1,1,16.77,Ambi\n1,2,50003,PITT,1,1,24.45,R\n2,3,50004,PITT,2,2,19.5,L\n3,4,50010,OLIN,1,1,12,R\n';

/** An ABIDE-like cohort folder: Functional/<id>.mat, labels.csv, phenotype.csv. */
function abide(options: { subjects?: [number, number, number][]; labels?: string; phenotype?: string | null } = {}): string {
  const dir = join(tmp.dir, `abide${n++}`);
  mkdirSync(join(dir, 'Functional'), { recursive: true });
  for (const [id, T, R] of options.subjects ?? [
    [50003, 6, 4],
    [50004, 6, 4],
    [50010, 8, 4],
  ]) {
    writeFileSync(join(dir, 'Functional', `${id}.mat`), roiMat(id, T, R));
  }
  writeFileSync(join(dir, 'labels_3.csv'), options.labels ?? LABELS);
  if (options.phenotype !== null) writeFileSync(join(dir, 'Phenotypic.csv'), options.phenotype ?? PHENOTYPE);
  return dir;
}

async function formatError(promise: Promise<unknown>): Promise<FormatError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormatError);
  return error as FormatError;
}

describe('readCohort, ABIDE layout', () => {
  it('reads subjects, normalised labels and every column; the matching smaller table is primary', async () => {
    const dir = abide();
    const cohort = await readCohort(dir);
    expect(cohort.phenotypeFile).toBe(join(dir, 'labels_3.csv'));
    expect(cohort.subjects.map((s) => [s.id, s.file])).toEqual([
      ['50003', join(dir, 'Functional', '50003.mat')],
      ['50004', join(dir, 'Functional', '50004.mat')],
      ['50010', join(dir, 'Functional', '50010.mat')],
    ]);
    expect([cohort.regionCount, cohort.timepointsMin, cohort.timepointsMax]).toEqual([4, 6, 8]);
    expect(cohort.labelColumns.slice(0, 4)).toEqual(['diagnosis', 'sex', 'age', 'site']);
    expect(cohort.labelColumns).toContain('HANDEDNESS_CATEGORY');
    expect(cohort.labelColumns).not.toContain('Unnamed: 0');
    const [first, second] = cohort.subjects;
    expect(first!.labels).toMatchObject({ diagnosis: 'ASD', sex: 'M', age: 24.45, site: 'PITT', SUB_ID: 50003, FILE_ID: 'Pitt_0050003', DX_GROUP: 1, SEX: 1, HANDEDNESS_CATEGORY: 'R' });
    expect(second!.labels).toMatchObject({ diagnosis: 'control', sex: 'F', age: 19.09, HANDEDNESS_CATEGORY: 'L' });
    // The tables disagree on 50004's age: the primary's value is kept, and the user is told.
    expect(cohort.warnings.join('\n')).toMatch(/50004 AGE_AT_SCAN: 19\.09 in labels_3\.csv, 19\.5 in Phenotypic\.csv/);
    expect(cohort.warnings.join('\n')).toMatch(/1 label columns merged from Phenotypic\.csv/);
  });

  it('reads the same cohort from its Functional/ folder (tables in the parent)', async () => {
    const dir = abide();
    const cohort = await readCohort(join(dir, 'Functional'));
    expect(cohort.subjects).toHaveLength(3);
    expect(cohort.phenotypeFile).toBe(join(dir, 'labels_3.csv'));
  });

  it('loadCohortSeries returns region-major series in subject order and honours an abort', async () => {
    const cohort = await readCohort(abide());
    const series = await loadCohortSeries(cohort);
    expect(series.map((s) => [s.regionCount, s.timepoints])).toEqual([
      [4, 6],
      [4, 6],
      [4, 8],
    ]);
    expect(series[2]!.data[2 * 8 + 5]).toBe(50010 * 1000 + 200 + 5);
    const controller = new AbortController();
    controller.abort();
    await expect(loadCohortSeries(cohort, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a subject missing from the phenotype table: one error naming the file and the field', async () => {
    const dir = abide({ labels: LABELS.replace(/^50010.*\n/m, '') + '50011,Olin_0050011,OLIN,2,1,13\n' });
    // labels_3.csv now names 2 of 3 files; Phenotypic.csv names all 3 and becomes primary.
    expect((await readCohort(dir)).phenotypeFile).toBe(join(dir, 'Phenotypic.csv'));
    const alone = abide({ labels: LABELS.replace(/^50010.*\n/m, ''), phenotype: null });
    const error = await formatError(readCohort(alone));
    expect(error.file).toBe(join(alone, 'Functional', '50010.mat'));
    expect(error.field).toBe('SUB_ID');
    expect(error.message).toMatch(/50010\.mat: field "SUB_ID": subject "50010" has no row in the phenotype table labels_3\.csv \(column SUB_ID\)/);
  });

  it('refuses two rows for one subject', async () => {
    const dir = abide({ labels: LABELS + '50004,Pitt_0050004,PITT,2,2,19.09\n', phenotype: null });
    const error = await formatError(readCohort(dir));
    expect(error.message).toMatch(/labels_3\.csv: field "SUB_ID": subject 50004 \(50004\.mat\) matches 2 rows \(lines 3, 5\)/);
  });

  it('refuses two files for one subject', async () => {
    const dir = abide({ phenotype: null });
    writeFileSync(join(dir, 'Functional', '050003.mat'), roiMat(50003, 6, 4));
    expect((await formatError(readCohort(dir))).message).toMatch(/is subject 50003 of labels_3\.csv, as 050003\.mat is/);
  });

  it('refuses ROI files with different region counts, naming the odd one', async () => {
    const dir = abide({
      subjects: [
        [50003, 6, 4],
        [50004, 6, 5],
        [50010, 6, 4],
      ],
    });
    const error = await formatError(readCohort(dir));
    expect(error.file).toBe(join(dir, 'Functional', '50004.mat'));
    expect(error.message).toMatch(/field "mat:ROISignals": has 5 regions where 2 of the cohort's 3 subjects have 4/);
  });

  it('refuses a folder without a phenotype table', async () => {
    const dir = abide({ labels: 'a,b\n1,2\n', phenotype: null });
    expect((await formatError(readCohort(dir))).message).toMatch(/no phenotype table/);
    expect(await looksLikeCohort(dir)).toBe(false);
  });
});

describe('readCohort, other layouts', () => {
  it('a flat folder of CSV series with a labels table; a region list beside them is skipped', async () => {
    const dir = join(tmp.dir, 'flat');
    mkdirSync(dir);
    for (const id of ['sub-01', 'sub-02']) writeFileSync(join(dir, `${id}.csv`), 'A,B,C\n1,2,3\n4,5,6\n7,8,9\n');
    writeFileSync(join(dir, 'participants.tsv'), 'participant_id\tdiagnosis\tsex\tage\tsite\nsub-01\tASD\tF\t10\tX\nsub-02\tcontrol\tmale\t11\tY\n');
    writeFileSync(join(dir, 'roi_names.csv'), 'num,name\n1,A\n2,B\n3,C\n');
    const cohort = await readCohort(dir);
    expect(cohort.phenotypeFile).toBe(join(dir, 'participants.tsv'));
    expect(cohort.subjects.map((s) => [s.id, s.labels.diagnosis, s.labels.sex, s.labels.age, s.labels.site])).toEqual([
      ['sub-01', 'ASD', 'F', 10, 'X'],
      ['sub-02', 'control', 'M', 11, 'Y'],
    ]);
    expect(cohort.regionCount).toBe(3);
    expect(cohort.warnings.join('\n')).toMatch(/not subject files .*roi_names\.csv/);
    expect(await looksLikeCohort(dir)).toBe(true);
  });

  it('AFNI files named by FILE_ID prefix (Pitt_0050003_rois_aal.1D)', async () => {
    const dir = join(tmp.dir, 'afni');
    mkdirSync(dir);
    for (const id of ['Pitt_0050003', 'Pitt_0050004']) writeFileSync(join(dir, `${id}_rois_aal.1D`), '#Mean_1 Mean_2\n1 2\n3 4\n5 7\n');
    writeFileSync(join(dir, 'pheno.csv'), 'SUB_ID,FILE_ID,DX_GROUP\n50003,Pitt_0050003,2\n50004,Pitt_0050004,1\n');
    const cohort = await readCohort(dir);
    expect(cohort.subjects.map((s) => [s.id, s.labels.diagnosis])).toEqual([
      ['Pitt_0050003', 'control'],
      ['Pitt_0050004', 'ASD'],
    ]);
  });

  it('refuses a file instead of a folder', async () => {
    const path = join(tmp.dir, 'single.csv');
    writeFileSync(path, 'a\n1\n');
    await expect(readCohort(path)).rejects.toThrow(/is a file; a cohort is a folder/);
    expect(await looksLikeCohort(path)).toBe(false);
  });
});
