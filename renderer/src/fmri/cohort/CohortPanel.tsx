/**
 * The Brain view's panel for a cohort (a folder of per-subject ROI files and a phenotype table):
 * the subjects with their labels, counts by diagnosis × site, the baseline classifier (run it,
 * follow it, read its latest report), and the subject picked in the table with its series, matrix
 * and glass brain (SubjectSeries, as the Series panel shows an ROI file); the cohort's Brain-JEPA
 * models as maps on the atlas and an embedding scatter (jepa/ModelMaps).
 */
import { useMemo, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ModelMaps } from '../../jepa/ModelMaps.js';
import type { BrainPanelProps } from '../panel.js';
import { useCall } from '../series/useCall.js';
import { SubjectSeries } from '../series/SubjectSeries.js';
import { ClassifierForm } from './ClassifierForm.js';
import { ClassifierReportView } from './ClassifierReportView.js';
import { CountsTable } from './CountsTable.js';
import { binaryTargets, classCounts } from './report.js';
import { SubjectsTable } from './SubjectsTable.js';
import { classifyRunLabel, latestClassifyRun, useClassifyReport } from './useClassifyReport.js';
import '../series/series.css';
import './cohort.css';

export function CohortPanel({ app, recording }: BrainPanelProps) {
  const cohort = useCall('fmri.cohort', { recordingId: recording.id });
  const summary = cohort.value;
  const [subject, setSubject] = useState<string | null>(null);
  const latest = latestClassifyRun(app.runs.runs, recording.id);
  const { report, error: reportError } = useClassifyReport(latest?.id ?? null);
  const targets = useMemo(() => (summary ? binaryTargets(summary) : []), [summary]);
  const counts = useMemo(() => (summary && report ? classCounts(summary.subjects, report.target) : null), [summary, report]);
  const shown = subject ?? summary?.subjects[0]?.id ?? null;

  return (
    <section className="fmri-panel" aria-label="Cohort">
      <ErrorMessage message={cohort.error} />
      {cohort.loading && <p className="muted">Loading the cohort…</p>}
      {summary && (
        <>
          <div className="fmri-cohort-top">
            <div className="fmri-card fmri-cohort-subjects">
              <CountsTable subjects={summary.subjects} rowKey="diagnosis" columnKey="site" />
              <SubjectsTable summary={summary} selected={shown} onSelect={setSubject} />
            </div>
            <div className="fmri-card fmri-cohort-classifier">
              <h3>Baseline classifier</h3>
              <ClassifierForm recordingId={recording.id} targets={targets} onFinished={() => app.runs.refresh()} />
              <ErrorMessage message={reportError} />
              {report && latest ? (
                <ClassifierReportView report={report} classCounts={counts} runLabel={classifyRunLabel(latest)} />
              ) : (
                !reportError && <p className="muted">No classifier run on this cohort yet.</p>
              )}
            </div>
          </div>
          <ModelMaps recording={recording} recordings={app.recordings.recordings} />
          {shown && (
            <>
              <h3 className="fmri-subject-title">Subject {shown}</h3>
              <SubjectSeries key={shown} app={app} recordingId={recording.id} subject={shown} name={`subject ${shown}`} />
            </>
          )}
        </>
      )}
    </section>
  );
}
