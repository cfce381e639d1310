/**
 * Seizure triage state for one recording: its detection runs (the latest unless the reviewer picks
 * another), the chosen run's events with decisions and probability trace, the selected event and
 * unsaved bound adjustments. Decisions go to `seizure.decide` (stored as annotations with author and
 * time); an adjustment is kept here until the next accept of that event, which saves it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DetectionRunSummary, TriageEvent, TriageReview } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { adjustBounds, boundsOf, type Bounds } from './bounds.js';

export interface Triage {
  runs: DetectionRunSummary[];
  runId: number | null;
  review: TriageReview | null;
  error: string | null;
  busy: boolean;
  selected: number | null;
  /** Unsaved adjustments of the shown run, by event index. */
  pending: ReadonlyMap<number, Bounds>;
  chooseRun(runId: number): void;
  select(index: number | null): void;
  /** The event `delta` steps from the selected one (the first/last when none is), selected; its index. */
  step(delta: number): number | null;
  /** Moves an edge of the selected event; the new bounds, or null when nothing is selected. */
  adjust(edge: 'onset' | 'end', deltaS: number): Bounds | null;
  /** Drops the selected event's unsaved adjustment. */
  resetBounds(): void;
  /**
   * Accepts (with the adjusted bounds, if any) or rejects (dropping them) the selected event, then
   * selects the next unreviewed event after it, if any. Resolves to the index then selected.
   */
  decide(status: 'accepted' | 'rejected'): Promise<number | null>;
  boundsOf(index: number): Bounds | null;
}

export function useTriage(recordingId: number, onDecided: () => void): Triage {
  const api = useApi();
  const [runs, setRuns] = useState<DetectionRunSummary[]>([]);
  const [chosenRunId, setChosenRunId] = useState<number | null>(null);
  const [review, setReview] = useState<TriageReview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [pending, setPending] = useState<ReadonlyMap<number, Bounds>>(new Map());
  // Keys can arrive faster than renders: the latest values for the handlers.
  const latest = useRef({ review, selected, pending, busy });
  latest.current = { review, selected, pending, busy };

  const runId = runs.some((r) => r.runId === chosenRunId) ? chosenRunId : (runs[0]?.runId ?? null);

  const refreshRuns = useCallback(() => {
    api.call('seizure.runs', { recordingId }).then(
      (list) => setRuns(list),
      (failure: unknown) => setError(errorMessage(failure)),
    );
  }, [api, recordingId]);

  useEffect(() => {
    refreshRuns();
    // A detection that finishes while the recording is open shows up without a reload.
    const offStatus = api.on('run.status', () => refreshRuns());
    const offState = api.transport.onState((state) => state === 'open' && refreshRuns());
    return () => {
      offStatus();
      offState();
    };
  }, [api, refreshRuns]);

  useEffect(() => {
    setReview(null);
    setSelected(null);
    setPending(new Map());
    if (runId === null) return;
    let current = true;
    api.call('seizure.review', { runId }).then(
      (result) => {
        if (!current) return;
        setReview(result);
        setError(null);
      },
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, runId]);

  const select = useCallback((index: number | null) => {
    latest.current.selected = index;
    setSelected(index);
  }, []);

  const step = useCallback(
    (delta: number) => {
      const events = latest.current.review?.events ?? [];
      if (events.length === 0) return null;
      const from = latest.current.selected;
      const index = from === null ? (delta > 0 ? 0 : events.length - 1) : Math.min(events.length - 1, Math.max(0, from + delta));
      select(index);
      return index;
    },
    [select],
  );

  const setPendingFor = useCallback((index: number, bounds: Bounds | null) => {
    const next = new Map(latest.current.pending);
    if (bounds) next.set(index, bounds);
    else next.delete(index);
    latest.current.pending = next;
    setPending(next);
  }, []);

  const currentBounds = useCallback((index: number): Bounds | null => {
    const event = latest.current.review?.events[index];
    return event ? boundsOf(event, latest.current.pending.get(index)) : null;
  }, []);

  const adjust = useCallback(
    (edge: 'onset' | 'end', deltaS: number) => {
      const { review: shown, selected: index } = latest.current;
      if (!shown || index === null) return null;
      const bounds = currentBounds(index);
      if (!bounds) return null;
      const next = adjustBounds(bounds, edge, deltaS, shown.recordingDurationS);
      setPendingFor(index, next);
      return next;
    },
    [currentBounds, setPendingFor],
  );

  const resetBounds = useCallback(() => {
    const index = latest.current.selected;
    if (index !== null) setPendingFor(index, null);
  }, [setPendingFor]);

  const decide = useCallback(
    async (status: 'accepted' | 'rejected') => {
      const { review: shown, selected: index, pending: adjustments, busy: inFlight } = latest.current;
      if (!shown || index === null || inFlight) return latest.current.selected;
      const adjusted = status === 'accepted' ? adjustments.get(index) : undefined;
      latest.current.busy = true;
      setBusy(true);
      setError(null);
      try {
        const decided: TriageEvent = await api.call('seizure.decide', {
          runId: shown.runId,
          eventIndex: index,
          status,
          ...(adjusted ? { onsetS: adjusted.onsetS, durationS: adjusted.durationS } : {}),
        });
        const events = shown.events.map((event) => (event.index === index ? decided : event));
        const reviewedCount = events.filter((event) => event.decision !== null).length;
        const updated = { ...shown, events, reviewedCount };
        latest.current.review = updated;
        setReview(updated);
        setRuns((list) => list.map((r) => (r.runId === shown.runId ? { ...r, reviewedCount } : r)));
        setPendingFor(index, null);
        onDecided();
        const next = events.find((event) => event.index > index && event.decision === null);
        if (next && latest.current.selected === index) select(next.index);
        return latest.current.selected;
      } catch (failure) {
        setError(errorMessage(failure));
        return latest.current.selected;
      } finally {
        latest.current.busy = false;
        setBusy(false);
      }
    },
    [api, onDecided, select, setPendingFor],
  );

  const chooseRun = useCallback((id: number) => setChosenRunId(id), []);

  return {
    runs,
    runId,
    review,
    error,
    busy,
    selected,
    pending,
    chooseRun,
    select,
    step,
    adjust,
    resetBounds,
    decide,
    boundsOf: currentBounds,
  };
}
