/** A `fmri-classify` run in Runs: its report (ClassifierReportView), with the cohort's class sizes for the chance level. */
import { useMemo } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import type { ResultSummaryProps } from '../../workbench/resultSummary.js';
import { useCall } from '../series/useCall.js';
import { ClassifierReportView } from './ClassifierReportView.js';
import { classCounts } from './report.js';
import { classifyRunLabel, reportOf } from './useClassifyReport.js';
import '../series/series.css';
import './cohort.css';

export function ClassifyRunSummary({ run, results }: ResultSummaryProps) {
  const { report, error } = useMemo(() => reportOf(results), [results]);
  // The cohort may have been removed since: then chance accuracy is said without numbers.
  const cohort = useCall('fmri.cohort', run.recordingId !== null ? { recordingId: run.recordingId } : null);
  const counts = useMemo(() => (cohort.value && report ? classCounts(cohort.value.subjects, report.target) : null), [cohort.value, report]);
  if (error) return <ErrorMessage message={error} />;
  if (!report) return null;
  return <ClassifierReportView report={report} classCounts={counts} runLabel={classifyRunLabel(run)} />;
}
