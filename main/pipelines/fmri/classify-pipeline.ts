/**
 * The `fmri-classify` pipeline: the baseline classifier of a cohort (module D): connectivity
 * features of every subject (nilearn's vectorised upper triangle), L2 logistic regression with
 * site-stratified k-fold cross-validation, per-fold accuracy, balanced accuracy and AUROC. Subjects
 * without the target label are left out, and the log says how many.
 */
import { z } from 'zod';
import { ConnectivityKind, type ClassifierReport } from '../../../shared/api/index.js';
import { ValidationError } from '../../errors.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { classify } from './classify.js';
import { connectivity, connectivityFeatures } from './connectivity.js';
import { readSeriesInput } from './series-input.js';

export const ClassifyParams = z
  .object({
    target: z.string().min(1).max(100).default('diagnosis'),
    kind: ConnectivityKind.default('tangent'),
    folds: z.number().int().min(2).max(20).default(5),
    C: z.number().positive().max(1e6).default(1),
  })
  .strict();
export type ClassifyParams = z.infer<typeof ClassifyParams>;

/** The fold split's seed: fixed, so a run can be reproduced from its params alone. */
export const CLASSIFY_SEED = 0;

const classifyPipeline: PipelineDefinition<ClassifyParams> = {
  name: 'fmri-classify',
  title: 'Cohort classifier (connectivity baseline)',
  description: 'Logistic regression (L2) on connectivity features with site-stratified k-fold cross-validation: accuracy, balanced accuracy and AUROC per fold.',
  input: 'recording',
  recordingKinds: ['cohort'],
  params: ClassifyParams as unknown as z.ZodType<ClassifyParams>,
  async run(context) {
    const recording = context.recording!;
    const { target, kind, folds, C } = context.params;
    const columns = recording.metadata.brain?.cohort?.labelColumns ?? [];
    if (!columns.includes(target)) throw new ValidationError('params.target', `the cohort has no label "${target}" (labels: ${columns.join(', ')})`);
    const input = await readSeriesInput(recording, context, [0, 0.5]);
    const keep = input.cohortSubjects.flatMap((s, i) => (s.labels[target] === null || s.labels[target] === undefined || s.labels[target] === '' ? [] : [i]));
    const left = input.cohortSubjects.length - keep.length;
    if (left) context.log(`${left} subjects have no ${target} and are left out`, 'warn');
    const labels = keep.map((i) => String(input.cohortSubjects[i]!.labels[target]));
    const hasSites = keep.every((i) => input.cohortSubjects[i]!.labels.site !== null && input.cohortSubjects[i]!.labels.site !== undefined);
    const sites = hasSites ? keep.map((i) => String(input.cohortSubjects[i]!.labels.site)) : null;
    if (!hasSites) context.log('no site for every subject: folds are stratified by the target only', 'warn');
    context.throwIfCancelled();
    context.progress(0.5, `${kind} connectivity of ${keep.length} subjects`);
    const result = connectivity(keep.map((i) => input.series[i]!), kind);
    context.throwIfCancelled();
    context.progress(0.8, `${folds}-fold cross-validation`);
    const { features, featureCount } = connectivityFeatures(result);
    // classify() does not know which column the labels came from: the report names it here.
    const report: ClassifierReport = { ...classify(features, featureCount, labels, sites, { folds, C, seed: CLASSIFY_SEED, target }), target };
    context.log(`mean accuracy ${report.mean.accuracy.toFixed(3)}, balanced ${report.mean.balancedAccuracy.toFixed(3)}, AUROC ${report.mean.auroc.toFixed(3)}`);
    return [{ key: 'report', value: report }];
  },
};

export default classifyPipeline;
