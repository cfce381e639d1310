/**
 * What the Spikes view loads: the project's spike recordings (spikes.list, refreshed when the
 * recordings change) and one answer per panel request. A newer request supersedes an older one
 * (answers arriving late are dropped, never drawn); the last answer stays on screen while the next
 * loads, so panning the raster does not flash empty.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CallName, CallParams, CallResult, SpikesSummary } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { useLoadedList, type LoadedList } from '../state/useLoadedList.js';
import { useRecordingsRefresh } from '../state/useRecordingsRefresh.js';

export function useSpikesList(): LoadedList<SpikesSummary> {
  const api = useApi();
  const loaded = useLoadedList(useCallback(() => api.call('spikes.list', {}), [api]));
  useRecordingsRefresh(loaded.refresh);
  return loaded;
}

export interface Answer<T> {
  /** The latest answer (possibly to an older request while a newer one loads). */
  data: T | null;
  /** Whether `data` answers the request asked now. */
  current: boolean;
  error: string | null;
}

/**
 * The answer to `name(params)`; null params ask nothing. Params are compared by their JSON, so a
 * caller may build them afresh on every render.
 */
export function useSpikesCall<N extends CallName>(name: N, params: CallParams<N> | null): Answer<CallResult<N>> {
  const api = useApi();
  const key = params ? JSON.stringify(params) : '';
  const [state, setState] = useState<{ key: string; data: CallResult<N> | null; error: string | null }>({ key: '', data: null, error: null });
  useEffect(() => {
    if (!key) return;
    let live = true;
    api.call(name, JSON.parse(key) as CallParams<N>).then(
      (data) => live && setState({ key, data, error: null }),
      (failure: unknown) => live && setState((previous) => ({ key, data: previous.data, error: errorMessage(failure) })),
    );
    return () => {
      live = false;
    };
  }, [api, name, key]);
  return { data: key ? state.data : null, current: key !== '' && state.key === key && state.error === null, error: state.key === key ? state.error : null };
}
