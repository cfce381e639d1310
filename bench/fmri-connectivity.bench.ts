/**
 * fMRI connectivity + baseline classifier on the ABIDE 100-subject cohort (116 AAL regions, 6670
 * features): nilearn-semantics pearson, partial and tangent matrices for all subjects, then the
 * 5-fold site|diagnosis-stratified L2 logistic regression on the tangent features. The target
 * is < 5 s for the whole. The reference, timed in the same run, is the same work in numpy/scipy/
 * sklearn (bench/reference/fmri_connectivity_sklearn.py, Debian's /usr/bin/python3; LAPACK's eigh,
 * sklearn's default lbfgs). Loading the .mat files is not timed on either side. Our tangent kind
 * spreads the subjects over worker threads (main/pipelines/fmri/whitened-logs.ts); numpy uses its
 * BLAS's threads.
 * Needs ../shared/data and module C's MATLAB reader; skipped without the data.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { classify } from '../main/pipelines/fmri/classify.js';
import { connectivity, connectivityFeatures, type ConnectivityKind } from '../main/pipelines/fmri/connectivity.js';
import { tangentThreads, tangentWorkerSubjects } from '../main/pipelines/fmri/whitened-logs.js';
import { readAbideLabels, readAbideSubject } from '../test/helpers/abide.js';
import { hasSharedData } from '../test/helpers/data.js';
import { seconds } from './timing.js';
import type { BenchResult } from './types.js';

const PYTHON = '/usr/bin/python3';
const REFERENCE = join(import.meta.dirname, 'reference', 'fmri_connectivity_sklearn.py');
type Stage = ConnectivityKind | 'classifier';

export async function benchFmriConnectivity(): Promise<BenchResult[]> {
  if (!hasSharedData()) {
    console.log('fmri-connectivity: skipped (no ../shared/data)');
    return [];
  }
  const subjects = readAbideLabels();
  const series = await Promise.all(subjects.map((s) => readAbideSubject(s.id)));
  const ours: Partial<Record<Stage, number>> = {};
  let tangent: ReturnType<typeof connectivityFeatures> | null = null;
  for (const kind of ['pearson', 'partial', 'tangent'] as const) {
    ours[kind] = seconds(() => {
      const f = connectivityFeatures(connectivity(series, kind));
      if (kind === 'tangent') tangent = f;
    });
  }
  let auroc = Number.NaN;
  ours.classifier = seconds(() => {
    const f = tangent!;
    const report = classify(f.features, f.featureCount, subjects.map((s) => s.diagnosis), subjects.map((s) => s.site), { folds: 5, C: 1, seed: 0, target: 'diagnosis' });
    auroc = report.mean.auroc;
  });

  const run = spawnSync(PYTHON, [REFERENCE], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const theirs: Partial<Record<Stage, number>> | null = run.status === 0 ? (JSON.parse(run.stdout) as Record<Stage, number>) : null;
  if (!theirs) console.log(`fmri-connectivity: the sklearn reference failed (${run.stderr.trim().split('\n').pop() ?? run.status})`);
  const total = (t: Partial<Record<Stage, number>>) => (['pearson', 'partial', 'tangent', 'classifier'] as const).reduce((s, k) => s + (t[k] ?? 0), 0);
  console.log(`fmri-connectivity: ${series.length} subjects, tangent 5-fold diagnosis AUROC ${auroc.toFixed(3)}; tangent on ${tangentThreads()} thread(s), ${tangentWorkerSubjects()} subject logarithms computed by workers`);

  const result = (name: string, value: number, reference: number | undefined): BenchResult => ({
    name,
    value: value * 1000,
    unit: 'ms',
    ...(reference !== undefined ? { reference: { name: 'numpy/sklearn', value: reference * 1000 } } : {}),
  });
  return [
    result('fmri connectivity (pearson+partial+tangent) + 5-fold classifier, ABIDE 100×116 (target < 5 s)', total(ours), theirs ? total(theirs) : undefined),
    result('fmri pearson, 100 subjects', ours.pearson!, theirs?.pearson),
    result('fmri partial, 100 subjects', ours.partial!, theirs?.partial),
    result('fmri tangent, 100 subjects', ours.tangent!, theirs?.tangent),
    result('fmri 5-fold logistic regression, 6670 tangent features', ours.classifier!, theirs?.classifier),
  ];
}
