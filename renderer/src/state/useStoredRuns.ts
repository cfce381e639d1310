/**
 * A pipeline's stored runs and one run's stored payload, as the result views (Connectome,
 * Segmentation…) load them. One copy, since every such view lists and loads its runs alike: the list
 * newest first, refreshed when any run succeeds and when the connection comes back; the payload
 * refetched when the run changes, a stale answer dropped.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CallName, CallParams, CallResult } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { useLoadedList } from './useLoadedList.js';

/** Calls that take no parameters and answer a list of run summaries (`ntf.runs`, `fisbe.runs`). */
export type RunListCall = {
  [N in CallName]: CallResult<N> extends readonly { runId: number }[] ? (CallParams<N> extends Record<string, never> ? N : never) : never;
}[CallName];

/** Calls that take `{ runId }` and answer that run's payload (`ntf.result`, `fisbe.sample`). */
export type RunPayloadCall = {
  [N in CallName]: CallParams<N> extends { runId: number } ? ({ runId: number } extends CallParams<N> ? N : never) : never;
}[CallName];

export interface StoredRuns<Summary> {
  runs: Summary[];
  error: string | null;
  loaded: boolean;
  refresh(): void;
}

/** The runs `call` lists, newest first; refreshed when a run succeeds or the connection reopens. */
export function useStoredRuns<N extends RunListCall>(call: N): StoredRuns<CallResult<N>[number]> {
  type Summary = CallResult<N>[number];
  const api = useApi();
  const load = useCallback(
    async () => [...((await api.call(call, {} as CallParams<N>)) as readonly Summary[])].sort((a, b) => b.runId - a.runId),
    [api, call],
  );
  const { list: runs, error, loaded, refresh } = useLoadedList<Summary>(load);

  useEffect(() => {
    refresh();
    const offStatus = api.on('run.status', ({ status }) => status === 'succeeded' && refresh());
    const offState = api.transport.onState((state) => state === 'open' && refresh());
    return () => {
      offStatus();
      offState();
    };
  }, [api, refresh]);

  return { runs, error, loaded, refresh };
}

/** What `call` answers for run `runId` (null while it loads or when it failed). */
export function useRunPayload<N extends RunPayloadCall>(call: N, runId: number): { value: CallResult<N> | null; error: string | null } {
  const api = useApi();
  const [value, setValue] = useState<CallResult<N> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setValue(null);
    setError(null);
    api.call(call, { runId } as CallParams<N>).then(
      (result) => current && setValue(result),
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, call, runId]);
  return { value, error };
}
