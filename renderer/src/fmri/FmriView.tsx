/**
 * The Brain view (Alt+9): fMRI runs, brain maps, surfaces, ROI series, cohorts and brain networks.
 * It shows one brain recording at a time, picked here or opened from the Library, in the panel its
 * type calls for: a volume (NiiVue: orthogonal slices, 3D, thresholds, clusters), a surface
 * (hemispheres, sulcal shading, labels, a map projected), an ROI series (series and connectivity
 * matrix), a cohort (subjects and the classifier report), or a glass brain (nodes and edges).
 */
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { BRAIN_KINDS, recordingKind, type Recording } from '../../../shared/api/index.js';
import type { ViewProps } from '../workbench/viewProps.js';
import { CohortPanel } from './cohort/CohortPanel.js';
import { GlassBrainPanel } from './glass/GlassBrainPanel.js';
import { panelFor, type BrainPanelId, type BrainPanelProps } from './panel.js';
import { SeriesPanel } from './series/SeriesPanel.js';
import { SurfacePanel } from './surface/SurfacePanel.js';
import { VolumePanel } from './volume/VolumePanel.js';
import './fmri.css';

const PANELS: Record<BrainPanelId, (props: BrainPanelProps) => ReactElement> = {
  volume: VolumePanel,
  surface: SurfacePanel,
  series: SeriesPanel,
  cohort: CohortPanel,
  glass: GlassBrainPanel,
};

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

export function FmriView({ app }: ViewProps) {
  const brainRecordings = useMemo(
    () => app.recordings.recordings.filter((recording) => BRAIN_KINDS.includes(recordingKind(recording)) && recording.metadata.brain),
    [app.recordings.recordings],
  );
  const [chosen, setChosen] = useState<number | null>(null);
  // Opening a recording from the Library (a new selection) wins over a pick made here before.
  useEffect(() => setChosen(null), [app.selectedRecordingId]);
  const wanted = chosen ?? app.selectedRecordingId;
  const recording: Recording | undefined = brainRecordings.find((r) => r.id === wanted) ?? brainRecordings[0];

  if (!recording || !recording.metadata.brain) {
    return (
      <section className="fmri-view">
        <h2>Brain</h2>
        <p className="muted">No brain recordings yet: import NIfTI images, GIfTI surfaces, ROI time series, a cohort folder or BrainNet files in the Library.</p>
      </section>
    );
  }
  const brain = recording.metadata.brain;
  const Panel = PANELS[panelFor(brain.type)];
  return (
    <section className="fmri-view">
      <header className="fmri-header">
        <label>
          Recording{' '}
          <select value={recording.id} onChange={(event) => setChosen(Number(event.target.value))} aria-label="Brain recording">
            {brainRecordings.map((r) => (
              <option key={r.id} value={r.id}>
                {fileName(r.sourcePath)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted fmri-description">{brain.description}</span>
      </header>
      <Panel key={recording.id} app={app} recording={recording} brain={brain} />
    </section>
  );
}
