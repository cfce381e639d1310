/**
 * The app's state behind the views: which view is shown, the project and its pipelines, the
 * recordings, runs and backend hooks, and the run and recording selected across views.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PipelineInfo, ProjectInfo } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { useBackend } from '../state/useBackend.js';
import { useRecordings } from '../state/useRecordings.js';
import { useRuns } from '../state/useRuns.js';
import { locationHash, parseLocation } from './location.js';
import type { AppContext, NavigateTarget, ViewEntry } from './viewProps.js';

export interface AppState {
  /** The id of the view shown. */
  view: string;
  app: AppContext;
  /** Why the project or its pipelines could not be loaded, or null. */
  loadError: string | null;
}

/** `views`: the list of views (navigate accepts their ids; the first is shown at start). A stable array (module level). */
export function useAppContext(views: readonly ViewEntry[]): AppState {
  const api = useApi();
  const viewIds = useMemo(() => views.map((entry) => entry.id), [views]);
  // In list order, views that show several recordings together (secondary) after the others.
  const openers = useMemo(() => {
    const all = views.flatMap((entry) => (entry.opens ? [entry.opens].flat().map((opener) => ({ ...opener, viewId: entry.id })) : []));
    return [...all.filter((opener) => !opener.secondary), ...all.filter((opener) => opener.secondary)];
  }, [views]);
  // The view and selection the address names (a reload comes back to them).
  const [initial] = useState(() => parseLocation(window.location.hash, viewIds));
  const [view, setView] = useState(initial.view);
  const [selectedRunId, setSelectedRunId] = useState<number | null>(initial.runId);
  const [selectedRecordingId, setSelectedRecordingId] = useState<number | null>(initial.recordingId);
  const [selectedTimeS, setSelectedTimeS] = useState<number | null>(null);
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

  // Another project was opened in this window: start afresh on it (nothing shown belongs to it).
  useEffect(
    () =>
      api.on('project.changed', () => {
        window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
        window.location.reload();
      }),
    [api],
  );

  useEffect(() => {
    document.title = project ? `Cajal — ${project.path.split(/[\\/]/).pop()}` : 'Cajal';
  }, [project]);

  useEffect(() => {
    const hash = locationHash({ view, recordingId: selectedRecordingId, runId: selectedRunId }, viewIds);
    // replaceState: no history entry per click, and the page does not reload.
    if (hash !== window.location.hash) window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  }, [view, selectedRecordingId, selectedRunId, viewIds]);

  const navigate = useCallback(
    (viewId: string, target: NavigateTarget = {}) => {
      // A wrong id is a programming error: fail where it is made, not with a blank view.
      if (!viewIds.includes(viewId)) throw new Error(`no view with id ${viewId}`);
      if (target.runId !== undefined) setSelectedRunId(target.runId);
      if (target.recordingId !== undefined) setSelectedRecordingId(target.recordingId);
      setSelectedTimeS(target.timeS ?? null);
      setView(viewId);
    },
    [viewIds],
  );

  // Built afresh each render, as the per-view props it replaces were: the recordings, runs and
  // backend hooks return new objects each render, so memoising it would save nothing.
  const app: AppContext = {
    project,
    pipelines,
    recordings,
    runs,
    backend,
    selectedRunId,
    selectRun: setSelectedRunId,
    selectedRecordingId,
    selectRecording: setSelectedRecordingId,
    selectedTimeS,
    navigate,
    openers,
  };
  return { view, app, loadError };
}
