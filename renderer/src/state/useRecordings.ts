import { useCallback, useState } from 'react';
import type { Recording } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { useRecordingsRefresh } from './useRecordingsRefresh.js';

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
  useRecordingsRefresh(refresh);
  return { recordings, error, refresh };
}
