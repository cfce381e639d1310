/** The Brain view's panel for one subject's ROI series file (.mat, CSV/TSV, AFNI .1D): SubjectSeries. */
import type { BrainPanelProps } from '../panel.js';
import { fileName } from './format.js';
import { SubjectSeries } from './SubjectSeries.js';

export function SeriesPanel({ app, recording }: BrainPanelProps) {
  return (
    <section className="fmri-panel" aria-label="ROI series">
      <SubjectSeries app={app} recordingId={recording.id} subject={null} name={fileName(recording.sourcePath)} />
    </section>
  );
}
