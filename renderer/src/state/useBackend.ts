import { useCallback, useEffect, useState } from 'react';
import type { BackendName, BackendReport } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';

export interface BackendState {
  report: BackendReport | null;
  error: string | null;
  force(backend: BackendName | null): Promise<void>;
}

export function useBackend(): BackendState {
  const api = useApi();
  const [report, setReport] = useState<BackendReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call('compute.backends', {}).then(setReport, (failure: unknown) => setError(errorMessage(failure)));
  }, [api]);
  const force = useCallback(
    async (backend: BackendName | null) => {
      try {
        setReport(await api.call('compute.setBackend', { backend }));
        setError(null);
      } catch (failure) {
        setError(errorMessage(failure));
      }
    },
    [api],
  );
  return { report, error, force };
}
