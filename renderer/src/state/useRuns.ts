import { useCallback, useEffect, useState } from 'react';
import { TERMINAL_RUN_STATUSES, type Run } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';

export interface RunsState {
  runs: Run[];
  error: string | null;
  refresh(): void;
}

/**
 * All runs of the project, newest first. Progress events patch the run in place (they arrive many
 * times a second); a status change refetches the run so timings and errors come from the store.
 */
export function useRuns(): RunsState {
  const api = useApi();
  const [runs, setRuns] = useState<Run[]>([]);
  const [error, setError] = useState<string | null>(null);

  const upsert = useCallback((run: Run) => {
    setRuns((current) => {
      const others = current.filter((existing) => existing.id !== run.id);
      return [run, ...others].sort((a, b) => b.id - a.id);
    });
  }, []);

  const refresh = useCallback(() => {
    api.call('runs.list', {}).then(
      (list) => {
        setRuns([...list].sort((a, b) => b.id - a.id));
        setError(null);
      },
      (failure: unknown) => setError(errorMessage(failure)),
    );
  }, [api]);

  useEffect(() => {
    refresh();
    const offProgress = api.on('run.progress', ({ runId, fraction, message }) => {
      setRuns((current) =>
        current.map((run) =>
          run.id === runId && !TERMINAL_RUN_STATUSES.includes(run.status)
            ? { ...run, progress: fraction, progressMessage: message, status: 'running' }
            : run,
        ),
      );
    });
    const offStatus = api.on('run.status', ({ runId }) => {
      api.call('runs.get', { runId }).then(upsert, (failure: unknown) => setError(errorMessage(failure)));
    });
    const offState = api.transport.onState((state) => state === 'open' && refresh());
    return () => {
      offProgress();
      offStatus();
      offState();
    };
  }, [api, refresh, upsert]);

  return { runs, error, refresh };
}
