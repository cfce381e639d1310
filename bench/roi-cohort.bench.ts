/**
 * Reading the ABIDE 100-subject cohort (../shared/data/fmri/abide_aal116_100subj: 100 MATLAB v5
 * files of 77–205 × 116 float64, plus labels_100.csv and the ABIDE phenotype table):
 * (a) readCohort (tables, id matching, every series read and checked) and loadCohortSeries, median
 *     of 3 runs, beside scipy.io.loadmat of the same 100 files in Debian's python3, timed in the
 *     same run (the reference; absent when that python or scipy is missing);
 * (b) throughput of the .mat reader over the 100 files, MB/s of file bytes.
 * Skipped (no figures) without ../shared/data.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readMat } from '../main/io/matlab/index.js';
import { loadCohortSeries, readCohort } from '../main/io/roi-series/index.js';
import { median } from './timing.js';
import type { BenchResult } from './types.js';

const ABIDE = resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'fmri', 'abide_aal116_100subj');

async function secondsOf(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function scipySeconds(files: readonly string[]): number | null {
  const script = `import sys, time, scipy.io\nfiles=sys.argv[1:]\nts=[]\nfor _ in range(3):\n  t=time.perf_counter()\n  for f in files: scipy.io.loadmat(f)['ROISignals']\n  ts.append(time.perf_counter()-t)\nprint(sorted(ts)[1])`;
  try {
    return Number(execFileSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return null;
  }
}

export async function benchRoiCohort(): Promise<BenchResult[]> {
  if (!existsSync(ABIDE)) {
    console.warn(`roi-cohort skipped: ${ABIDE} not found`);
    return [];
  }
  const functional = join(ABIDE, 'Functional');
  const files = readdirSync(functional).filter((f) => f.endsWith('.mat')).map((f) => join(functional, f));
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const cohortRuns: number[] = [];
  const matRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    cohortRuns.push(await secondsOf(async () => loadCohortSeries(await readCohort(ABIDE))));
    matRuns.push(await secondsOf(async () => {
      for (const f of files) await readMat(f);
    }));
  }
  const scipy = scipySeconds(files);
  const reference = scipy === null ? undefined : { name: 'scipy.io.loadmat ×100', value: scipy * 1000 };
  return [
    { name: 'ABIDE cohort: readCohort + loadCohortSeries (100 subjects)', value: median(cohortRuns) * 1000, unit: 'ms' },
    { name: 'ABIDE .mat: readMat ×100', value: median(matRuns) * 1000, unit: 'ms', reference },
    { name: 'ABIDE .mat: readMat throughput', value: bytes / 1e6 / median(matRuns), unit: 'MB/s' },
  ];
}
