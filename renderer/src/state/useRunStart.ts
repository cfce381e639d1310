/**
 * The run-starting forms (NTF's "New NTF run", FISBe's "Evaluate a sample") all start a run and
 * follow it alike: one copy of that. The form is a <details> opened when asked (without taking the
 * toggle away from the user); the started run's progress is followed until it ends; on success the
 * form folds and says so, otherwise the failure is shown.
 */
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { EventPayload, Run } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';

export interface StartedRunProgress {
  runId: number;
  fraction: number;
  message: string;
  /** When this UI started following it (Date.now()), for the time-remaining estimate. */
  startedAtMs: number;
}

export interface RunStartOptions {
  /** Open the form (when it changes to true). */
  open: boolean;
  /** The followed run succeeded (the form is already folded). */
  onSucceeded(runId: number): void;
  /** The message shown when the followed run ends otherwise (failed, cancelled, interrupted). */
  describeFailure(status: EventPayload<'run.status'>): string;
}

export interface RunStart {
  details: RefObject<HTMLDetailsElement | null>;
  /** The run being followed, with its latest progress; null when none. */
  running: StartedRunProgress | null;
  failure: string | null;
  setFailure(message: string | null): void;
  /** Starts a run with `begin` and follows it; a failure to start is shown. */
  start(begin: () => Promise<Run>): Promise<void>;
}

export function useRunStart(options: RunStartOptions): RunStart {
  const api = useApi();
  const [running, setRunning] = useState<StartedRunProgress | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const details = useRef<HTMLDetailsElement>(null);
  const runningId = running?.runId ?? null;
  // The latest callbacks, so that following a run does not resubscribe when they change identity.
  const callbacks = useRef(options);
  useLayoutEffect(() => {
    callbacks.current = options;
  });

  const { open } = options;
  useLayoutEffect(() => {
    if (open && details.current) details.current.open = true;
  }, [open]);

  useEffect(() => {
    if (runningId === null) return;
    const offProgress = api.on('run.progress', ({ runId, fraction, message }) => {
      if (runId === runningId) setRunning((current) => (current ? { ...current, fraction, message } : current));
    });
    const offStatus = api.on('run.status', (event) => {
      const { runId, status } = event;
      if (runId !== runningId || status === 'queued' || status === 'running') return;
      setRunning(null);
      if (status === 'succeeded') {
        if (details.current) details.current.open = false;
        callbacks.current.onSucceeded(runId);
      } else setFailure(callbacks.current.describeFailure(event));
    });
    return () => {
      offProgress();
      offStatus();
    };
  }, [api, runningId]);

  const start = async (begin: () => Promise<Run>) => {
    try {
      const run = await begin();
      setRunning({ runId: run.id, fraction: run.progress, message: run.progressMessage || run.status, startedAtMs: Date.now() });
    } catch (error) {
      setFailure(errorMessage(error));
    }
  };

  return { details, running, failure, setFailure, start };
}
