/**
 * The project's morphologies (morphology.list, refreshed when recordings change) and the neurons asked
 * for (morphology.neuron, decoded once and kept by recording id). A test-only source: with
 * `?morphology-synthetic=<nodes>` in the page's URL, one generated neuron of that many nodes is
 * listed as well (recording id 0, which no real recording has), for the e2e frame-time measurement.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { MorphologySummary } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { useLoadedList, type LoadedList } from '../state/useLoadedList.js';
import { useRecordingsRefresh } from '../state/useRecordingsRefresh.js';
import { decodeNeuron, type DecodedNeuron } from './decode.js';
import { neuronPayload, syntheticNeuronRaw } from './fixtures.js';

/** Node count of the test-only synthetic neuron asked for in the URL, or null. */
export function syntheticRequest(search: string): number | null {
  const value = new URLSearchParams(search).get('morphology-synthetic');
  if (value === null) return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 2 && n <= 2_000_000 ? n : null;
}

export const SYNTHETIC_ID = 0;

export function useMorphologyList(): LoadedList<MorphologySummary> {
  const api = useApi();
  const load = useCallback(async () => {
    const items = await api.call('morphology.list', {});
    const synthetic = syntheticRequest(window.location.search);
    const extra: MorphologySummary[] =
      synthetic === null ? [] : [{ recordingId: SYNTHETIC_ID, name: `synthetic ${synthetic.toLocaleString('en-US')} nodes (test)`, source: '(generated)', nodeCount: synthetic, treeCount: 1, scaleUmPerUnit: 1 }];
    return [...extra, ...items];
  }, [api]);
  const loaded = useLoadedList(load);
  useRecordingsRefresh(loaded.refresh);
  return loaded;
}

/** Decoded neurons for `ids`, in that order once all are loaded; errors by id. */
export function useNeurons(ids: readonly number[]): { neurons: DecodedNeuron[] | null; error: string | null } {
  const api = useApi();
  const [cache, setCache] = useState<ReadonlyMap<number, DecodedNeuron>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const key = ids.join(',');
  useEffect(() => {
    let cancelled = false;
    for (const id of ids) {
      if (cache.has(id)) continue;
      const load =
        id === SYNTHETIC_ID
          ? Promise.resolve().then(() => {
              const n = syntheticRequest(window.location.search) ?? 100_000;
              return neuronPayload(syntheticNeuronRaw(n), { recordingId: SYNTHETIC_ID, name: `synthetic ${n} nodes` });
            })
          : api.call('morphology.neuron', { recordingId: id });
      load.then(
        (payload) => {
          if (cancelled) return;
          try {
            const decoded = decodeNeuron(payload);
            setCache((current) => new Map(current).set(id, decoded));
            setError(null);
          } catch (failure) {
            setError(`${payload.name}: ${errorMessage(failure)}`);
          }
        },
        (failure: unknown) => !cancelled && setError(errorMessage(failure)),
      );
    }
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
  const all = ids.every((id) => cache.has(id));
  const neurons = useMemo(
    () => (all ? ids.map((id) => cache.get(id)!) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [all, key, cache],
  );
  return { neurons, error };
}
