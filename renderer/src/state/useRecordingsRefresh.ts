/**
 * Calls `refresh` now, whenever the project's recordings change, and after a reconnect (a list may
 * be stale then): shared by every view that lists recordings of some kind.
 */
import { useEffect } from 'react';
import { useApi } from '../api/context.js';

export function useRecordingsRefresh(refresh: () => void): void {
  const api = useApi();
  useEffect(() => {
    refresh();
    const offChanged = api.on('recordings.changed', refresh);
    const offState = api.transport.onState((state) => state === 'open' && refresh());
    return () => {
      offChanged();
      offState();
    };
  }, [api, refresh]);
}
