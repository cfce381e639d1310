import { lazy, Suspense, useEffect, useState } from 'react';
import type { PipelineInfo, ProjectInfo } from '../../shared/api/index.js';
import { errorMessage, useApi, useConnectionState } from './api/context.js';
import { ErrorMessage } from './components/ErrorMessage.js';
import { StatusBar } from './components/StatusBar.js';
import { useBackend } from './state/useBackend.js';
import { useRecordings } from './state/useRecordings.js';
import { useRuns } from './state/useRuns.js';
import { ReviewView } from './eeg/ReviewView.js';
import { LibraryView } from './views/LibraryView.js';
import { RunsView } from './views/RunsView.js';
import { SettingsView } from './views/SettingsView.js';

// three.js is large: the Segmentation view loads as its own chunk when first shown.
const SegmentationView = lazy(() => import('./fisbe/SegmentationView.js').then((module) => ({ default: module.SegmentationView })));
// The Connectome view uses three.js too: its own chunk, loaded when first shown.
const NtfView = lazy(() => import('./ntf/NtfView.js').then((module) => ({ default: module.NtfView })));
// The Morphology view (three.js too): its own chunk, loaded when first shown.
const MorphologyView = lazy(() => import('./morphology/MorphologyView.js').then((module) => ({ default: module.MorphologyView })));

const VIEWS = [
  { id: 'library', title: 'Library', key: '1' },
  { id: 'runs', title: 'Runs', key: '2' },
  { id: 'settings', title: 'Settings', key: '3' },
  { id: 'review', title: 'Review', key: '4' },
  { id: 'segmentation', title: 'Segmentation', key: '5' },
  { id: 'connectome', title: 'Connectome', key: '6' },
  { id: 'morphology', title: 'Morphology', key: '7' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

export function App() {
  const api = useApi();
  const connection = useConnectionState();
  const [view, setView] = useState<ViewId>('library');
  const [selectedRunId, setSelectedRunId] = useState<number | null>(null);
  const [reviewRecordingId, setReviewRecordingId] = useState<number | null>(null);
  const [project, setProject] = useState<ProjectInfo | null>(null);
  const [pipelines, setPipelines] = useState<PipelineInfo[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const recordings = useRecordings();
  const runs = useRuns();
  const backend = useBackend();

  useEffect(() => {
    Promise.all([api.call('project.info', {}), api.call('pipelines.list', {})]).then(
      ([info, list]) => {
        setProject(info);
        setPipelines(list);
      },
      (error: unknown) => setLoadError(errorMessage(error)),
    );
  }, [api]);

  // Alt+1…7 switch views from anywhere, as in most desktop tools.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const target = VIEWS.find((candidate) => candidate.key === event.key);
      if (target) {
        event.preventDefault();
        setView(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    document.title = project ? `Cajal — ${project.path.split(/[\\/]/).pop()}` : 'Cajal';
  }, [project]);

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Views">
        <span className="brand">Cajal</span>
        {VIEWS.map((candidate) => (
          <button
            key={candidate.id}
            type="button"
            aria-current={view === candidate.id ? 'page' : undefined}
            aria-keyshortcuts={`Alt+${candidate.key}`}
            title={`${candidate.title} (Alt+${candidate.key})`}
            onClick={() => setView(candidate.id)}
          >
            {candidate.title}
          </button>
        ))}
      </nav>
      <main className="content">
        <ErrorMessage message={loadError} />
        {view === 'library' && (
          <LibraryView
            recordings={recordings.recordings}
            pipelines={pipelines}
            error={recordings.error}
            onRunStarted={(runId) => {
              setSelectedRunId(runId);
              runs.refresh();
              setView('runs');
            }}
            onReview={(recordingId) => {
              setReviewRecordingId(recordingId);
              setView('review');
            }}
          />
        )}
        {view === 'runs' && <RunsView runs={runs.runs} error={runs.error} selectedRunId={selectedRunId} onSelect={setSelectedRunId} />}
        {view === 'settings' && <SettingsView backend={backend} project={project} />}
        {view === 'review' && (
          <ReviewView
            recordings={recordings.recordings}
            recordingId={reviewRecordingId ?? recordings.recordings[0]?.id ?? null}
            onSelectRecording={setReviewRecordingId}
          />
        )}
        {view === 'segmentation' && (
          <Suspense fallback={<p className="empty">Loading the Segmentation view…</p>}>
            <SegmentationView />
          </Suspense>
        )}
        {view === 'connectome' && (
          <Suspense fallback={<p className="empty">Loading the Connectome view…</p>}>
            <NtfView />
          </Suspense>
        )}
        {view === 'morphology' && (
          <Suspense fallback={<p className="empty">Loading the Morphology view…</p>}>
            <MorphologyView />
          </Suspense>
        )}
      </main>
      <StatusBar project={project} backend={backend.report} connection={connection} />
    </div>
  );
}
