/**
 * One engine call's answer for a panel: called again when its params change (compared by value,
 * so a new params object with the same content does not refetch), the stale answer of earlier
 * params dropped. `params` null: nothing to ask yet.
 */
import { useEffect, useState } from 'react';
import type { CallName, CallParams, CallResult } from '../../../../shared/api/index.js';
import { errorMessage, useApi } from '../../api/context.js';

export interface CallState<T> {
  value: T | null;
  error: string | null;
  loading: boolean;
}

export function useCall<N extends CallName>(name: N, params: CallParams<N> | null): CallState<CallResult<N>> {
  const api = useApi();
  const key = params === null ? null : JSON.stringify(params);
  const [state, setState] = useState<CallState<CallResult<N>>>({ value: null, error: null, loading: params !== null });
  useEffect(() => {
    if (key === null) {
      setState({ value: null, error: null, loading: false });
      return;
    }
    let current = true;
    setState({ value: null, error: null, loading: true });
    api.call(name, JSON.parse(key) as CallParams<N>).then(
      (value) => current && setState({ value, error: null, loading: false }),
      (failure: unknown) => current && setState({ value: null, error: errorMessage(failure), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [api, name, key]);
  return state;
}
