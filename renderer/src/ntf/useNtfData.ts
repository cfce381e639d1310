/**
 * Data of the Connectome view from the engine: the project's NTF runs (refreshed when a run
 * finishes), one run's result, and the affinity matrices of all its components, decoded (a run has
 * a handful of components of n² floats each: loading them all up front makes switching instant and
 * lets one layout serve every component).
 */
import { useEffect, useState } from 'react';
import type { NtfResult, NtfRunSummary } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { useRunPayload, useStoredRuns, type StoredRuns } from '../state/useStoredRuns.js';
import { decodeAffinity, type DecodedAffinity } from './decode.js';

export type NtfRuns = StoredRuns<NtfRunSummary>;

export function useNtfRuns(): NtfRuns {
  return useStoredRuns('ntf.runs');
}

export function useNtfResult(runId: number): { result: NtfResult | null; error: string | null } {
  const { value, error } = useRunPayload('ntf.result', runId);
  return { result: value, error };
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
