/**
 * The answer to one engine call about a run, read again every few seconds while the run is queued
 * or running (a training run adds a point to its curves each epoch). Any domain's run summary uses
 * it; an answer for other parameters than the current ones is never shown.
 */
import { useEffect, useState } from 'react';
import type { CallName, CallParams, CallResult, Run } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';

const REFRESH_MS = 3000;

export interface Loaded<T> {
  value: T | null;
  error: string | null;
}

/** `name(params)` for `run`, re-read while it is live; null params ask nothing. */
export function useRunCall<N extends CallName>(run: Pick<Run, 'id' | 'status'>, name: N, params: CallParams<N> | null): Loaded<CallResult<N>> {
  const api = useApi();
  const key = params ? JSON.stringify(params) : '';
  const live = run.status === 'running' || run.status === 'queued';
  const [state, setState] = useState<{ key: string; value: CallResult<N> | null; error: string | null }>({ key: '', value: null, error: null });
  useEffect(() => {
    if (!key) return;
    let current = true;
    const read = () =>
      api.call(name, JSON.parse(key) as CallParams<N>).then(
        (value) => current && setState({ key, value, error: null }),
        (failure: unknown) => current && setState((s) => ({ key, value: s.key === key ? s.value : null, error: errorMessage(failure) })),
      );
    void read();
    const timer = live ? setInterval(read, REFRESH_MS) : undefined;
    return () => {
      current = false;
      if (timer) clearInterval(timer);
    };
  }, [api, name, key, live]);
  return state.key === key ? { value: state.value, error: state.error } : { value: null, error: null };
}
