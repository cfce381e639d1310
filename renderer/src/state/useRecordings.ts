import { useCallback, useEffect, useState } from 'react';
import type { Recording } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';

export interface RecordingsState {
  recordings: Recording[];
  error: string | null;
  refresh(): void;
}

/** The project's recordings, refreshed whenever the engine says they changed. */
export function useRecordings(): RecordingsState {
  const api = useApi();
  const [recordings, setRecordings] = useState<Recording[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api.call('recordings.list', {}).then(
      (list) => {
        setRecordings(list);
        setError(null);
      },
      (failure: unknown) => setError(errorMessage(failure)),
    );
  }, [api]);
  useEffect(() => {
    refresh();
    const offChanged = api.on('recordings.changed', refresh);
    // After a reconnect the list may be stale.
    const offState = api.transport.onState((state) => state === 'open' && refresh());
    return () => {
      offChanged();
      offState();
    };
  }, [api, refresh]);
  return { recordings, error, refresh };
}
