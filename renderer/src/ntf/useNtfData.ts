/**
 * Data of the Connectome view from the engine: the project's NTF runs (refreshed when a run
 * finishes), one run's result, and the affinity matrices of all its components, decoded (a run has
 * a handful of components of n² floats each: loading them all up front makes switching instant and
 * lets one layout serve every component).
 */
import { useCallback, useEffect, useState } from 'react';
import type { NtfResult, NtfRunSummary } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { decodeAffinity, type DecodedAffinity } from './decode.js';

export interface NtfRuns {
  runs: NtfRunSummary[];
  error: string | null;
  loaded: boolean;
  refresh(): void;
}

export function useNtfRuns(): NtfRuns {
  const api = useApi();
  const [runs, setRuns] = useState<NtfRunSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);

  const refresh = useCallback(() => {
    api.call('ntf.runs', {}).then(
      (list) => {
        setRuns([...list].sort((a, b) => b.runId - a.runId));
        setError(null);
        setLoaded(true);
      },
      (failure: unknown) => {
        setError(errorMessage(failure));
        setLoaded(true);
      },
    );
  }, [api]);

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

export function useNtfResult(runId: number): { result: NtfResult | null; error: string | null } {
  const api = useApi();
  const [result, setResult] = useState<NtfResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setResult(null);
    setError(null);
    api.call('ntf.result', { runId }).then(
      (value) => current && setResult(value),
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, runId]);
  return { result, error };
}

export interface AffinityState {
  /** By component index; complete once `loaded === total`. */
  affinities: readonly (DecodedAffinity | undefined)[];
  loaded: number;
  total: number;
  error: string | null;
}

export function useNtfAffinities(runId: number, componentCount: number): AffinityState {
  const api = useApi();
  const [state, setState] = useState<AffinityState>({ affinities: [], loaded: 0, total: componentCount, error: null });
  useEffect(() => {
    let current = true;
    const affinities: (DecodedAffinity | undefined)[] = new Array(componentCount).fill(undefined);
    setState({ affinities, loaded: 0, total: componentCount, error: null });
    void (async () => {
      // One at a time: each is n² floats the engine builds from the stored pair factors.
      for (let component = 0; component < componentCount && current; component += 1) {
        try {
          affinities[component] = decodeAffinity(await api.call('ntf.affinity', { runId, component }));
          if (current) setState({ affinities: [...affinities], loaded: component + 1, total: componentCount, error: null });
        } catch (failure) {
          if (current) setState((previous) => ({ ...previous, error: `Affinity of component ${component + 1}: ${errorMessage(failure)}` }));
          return;
        }
      }
    })();
    return () => {
      current = false;
    };
  }, [api, runId, componentCount]);
  return state;
}
