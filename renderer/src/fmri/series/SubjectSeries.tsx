/**
 * One subject's ROI series and what follows from it: the series as a heat map with a few region
 * traces, its connectivity matrix, and that matrix on the brain when a matching atlas is imported.
 * The Series panel shows it for an ROI file; the Cohort panel for the subject picked.
 */
import { useState } from 'react';
import type { ConnectivityKind } from '../../../../shared/api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import type { AppContext } from '../../workbench/viewProps.js';
import { AtlasSection } from './AtlasSection.js';
import { ConnectivitySection } from './ConnectivitySection.js';
import { formatValue } from './format.js';
import { RegionTraces } from './RegionTraces.js';
import { SeriesHeatmap } from './SeriesHeatmap.js';
import { useCall } from './useCall.js';
import './series.css';

export function SubjectSeries(props: { app: AppContext; recordingId: number; subject: string | null; name: string }) {
  const { recordingId, subject } = props;
  const [kind, setKind] = useState<ConnectivityKind>('pearson');
  const series = useCall('fmri.roiSeries', { recordingId, subject, runId: null });
  const matrix = useCall('fmri.connectivity', { recordingId, subject, kind });
  const data = series.value;
  return (
    <div className="fmri-series" data-subject={subject ?? ''}>
      <ErrorMessage message={series.error} />
      {series.loading && <p className="muted">Loading the series…</p>}
      {data && (
        <section className="fmri-card" aria-label="ROI time series">
          <h3>
            ROI time series <span className="muted">{data.regionCount} regions × {data.timepoints} timepoints{data.trS ? `, TR ${formatValue(data.trS)} s` : ', TR not stated'}</span>
          </h3>
          <SeriesHeatmap data={data.data} regions={data.regionCount} timepoints={data.timepoints} trS={data.trS} title={`ROI series of ${props.name}`} />
          <RegionTraces data={data.data} regions={data.regionCount} timepoints={data.timepoints} trS={data.trS} names={data.regionNames} />
        </section>
      )}
      <ConnectivitySection kind={kind} onKind={setKind} matrix={matrix.value} error={matrix.error} loading={matrix.loading} subjectName={props.name} inGroup={subject !== null} />
      {matrix.value && <AtlasSection recordings={props.app.recordings.recordings} matrix={matrix.value} subjectName={props.name} />}
    </div>
  );
}
