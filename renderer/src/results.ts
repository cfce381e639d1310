/**
 * The list of result summaries: for each pipeline, how Runs shows a run's results and which view
 * opens it in full. Runs loops over it and names no domain; a result no entry claims is shown by
 * the generic key/value table. Domain summaries load as their own chunk when first shown, as their
 * views do (the NTF one brings the connectome's style sheet with it).
 */
import { lazy, type ComponentType } from 'react';
import { RmsSummary } from './workbench/RmsSummary.js';
import type { LiveSummaryProps, ResultSummaryEntry, ResultSummaryProps } from './workbench/resultSummary.js';

function lazySummary<K extends string, P extends object = ResultSummaryProps>(load: () => Promise<Record<K, ComponentType<P>>>, name: K): ComponentType<P> {
  return lazy<ComponentType<P>>(() => load().then((module) => ({ default: module[name] })));
}

export const RESULT_SUMMARIES: readonly ResultSummaryEntry[] = [
  { pipelines: ['rms'], component: RmsSummary },
  {
    pipelines: ['seizure-classical', 'seizure-neural'],
    component: lazySummary(() => import('./seizure/EventsSummary.js'), 'EventsSummary'),
    opens: { viewId: 'eeg', action: 'Open in Review', target: (run) => ({ recordingId: run.recordingId ?? undefined, runId: run.id }) },
  },
  { pipelines: ['seizure-neural-train'], component: lazySummary(() => import('./seizure/TrainingSummary.js'), 'TrainingSummary') },
  { pipelines: ['seizure-neural-finetune'], component: lazySummary(() => import('./seizure/FinetuneSummary.js'), 'FinetuneSummary') },
  {
    pipelines: ['fisbe-eval'],
    component: lazySummary(() => import('./fisbe/FisbeRunSummary.js'), 'FisbeRunSummary'),
    opens: { viewId: 'fisbe', action: 'Open in Segmentation', target: (run) => ({ runId: run.id }) },
  },
  {
    pipelines: ['ntf'],
    component: lazySummary(() => import('./ntf/NtfRunSummary.js'), 'NtfRunSummary'),
    opens: { viewId: 'ntf', action: 'Open in Connectome', target: (run) => ({ runId: run.id }) },
  },
  {
    pipelines: ['morphology-metrics'],
    component: lazySummary(() => import('./morphology/MorphologyRunSummary.js'), 'MorphologyRunSummary'),
    opens: { viewId: 'morphology', action: 'Open in Morphology', target: (run) => ({ recordingId: run.recordingId ?? undefined }) },
  },
  {
    pipelines: ['fmri-extract'],
    component: lazySummary(() => import('./fmri/series/ExtractRunSummary.js'), 'ExtractRunSummary'),
    opens: { viewId: 'fmri', action: 'Open in Brain', target: (run) => ({ recordingId: run.recordingId ?? undefined }) },
  },
  {
    pipelines: ['fmri-connectivity'],
    component: lazySummary(() => import('./fmri/series/ConnectivityRunSummary.js'), 'ConnectivityRunSummary'),
    opens: { viewId: 'fmri', action: 'Open in Brain', target: (run) => ({ recordingId: run.recordingId ?? undefined }) },
  },
  {
    pipelines: ['fmri-classify'],
    component: lazySummary(() => import('./fmri/cohort/ClassifyRunSummary.js'), 'ClassifyRunSummary'),
    opens: { viewId: 'fmri', action: 'Open in Brain', target: (run) => ({ recordingId: run.recordingId ?? undefined }) },
  },
  {
    pipelines: ['jepa-pretrain'],
    component: lazySummary(() => import('./jepa/TrainingCurves.js'), 'TrainingSummary'),
    live: lazySummary<'TrainingCurves', LiveSummaryProps>(() => import('./jepa/TrainingCurves.js'), 'TrainingCurves'),
  },
  { pipelines: ['jepa-probe'], component: lazySummary(() => import('./jepa/ProbeSummary.js'), 'ProbeSummary') },
  {
    pipelines: ['neuroformer-train'],
    component: lazySummary<'TrainingSummary'>(() => import('./neuroformer/TrainingCurves.js'), 'TrainingSummary'),
    live: lazySummary<'TrainingLive', LiveSummaryProps>(() => import('./neuroformer/TrainingCurves.js'), 'TrainingLive'),
  },
  { pipelines: ['neuroformer-generate'], component: lazySummary<'GenerateSummary'>(() => import('./neuroformer/RasterPair.js'), 'GenerateSummary') },
  { pipelines: ['neuroformer-connectivity'], component: lazySummary<'ConnectivitySummary'>(() => import('./neuroformer/ConnectivitySummary.js'), 'ConnectivitySummary') },
  { pipelines: ['neuroformer-evaluate'], component: lazySummary<'EvaluationSummary'>(() => import('./neuroformer/EvaluationSummary.js'), 'EvaluationSummary') },
  {
    pipelines: ['mds-fit-model'],
    component: lazySummary<'FitSummary'>(() => import('./mds/FitSummary.js'), 'FitSummary'),
  },
  {
    pipelines: ['mds-cluster', 'mds-cluster-toy'],
    component: lazySummary<'ClusterSummary'>(() => import('./mds/ClusterSummary.js'), 'ClusterSummary'),
  },
  { pipelines: ['mds-assign'], component: lazySummary<'AssignSummary'>(() => import('./mds/AssignSummary.js'), 'AssignSummary') },
];

export function resultSummaryOf(pipeline: string): ResultSummaryEntry | undefined {
  return RESULT_SUMMARIES.find((entry) => entry.pipelines.includes(pipeline));
}
