/**
 * Data of the Segmentation view from the engine: the FISBe runs of the project (refreshed when a
 * run finishes), one run's sample (metrics and instance records), the instances' geometry (loaded a
 * few at a time, decoded to typed arrays) and orthogonal slices (the latest wanted index wins, so a
 * dragged slider does not queue a request per step).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FisbeAxis, FisbeRunSummary, FisbeSample } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { useRunPayload, useStoredRuns, type StoredRuns } from '../state/useStoredRuns.js';
import { decodeGeometry, decodeSlice, type DecodedGeometry, type SliceLabels } from './decode.js';
import { instanceKey } from './selection.js';

export type FisbeRuns = StoredRuns<FisbeRunSummary>;

export function useFisbeRuns(): FisbeRuns {
  return useStoredRuns('fisbe.runs');
}

export function useFisbeSample(runId: number): { sample: FisbeSample | null; error: string | null } {
  const { value, error } = useRunPayload('fisbe.sample', runId);
  return { sample: value, error };
}

export interface GeometryState {
  /** Decoded geometry by instance key (`gt:3`). */
  geometries: ReadonlyMap<string, DecodedGeometry>;
  loaded: number;
  total: number;
  error: string | null;
}

/** How many geometry requests are in flight at once: the engine builds them on demand. */
const GEOMETRY_CONCURRENCY = 3;

export function useFisbeGeometry(runId: number, sample: FisbeSample | null): GeometryState {
  const api = useApi();
  const [state, setState] = useState<GeometryState>({ geometries: new Map(), loaded: 0, total: 0, error: null });
  useEffect(() => {
    if (!sample) return;
    let current = true;
    const queue = [...sample.instances];
    const geometries = new Map<string, DecodedGeometry>();
    const errors: string[] = [];
    setState({ geometries, loaded: 0, total: queue.length, error: null });
    const publish = () => {
      if (!current) return;
      setState({ geometries: new Map(geometries), loaded: geometries.size, total: sample.instances.length, error: errors[0] ?? null });
    };
    const worker = async () => {
      for (let instance = queue.shift(); instance && current; instance = queue.shift()) {
        const { side, id } = instance;
        try {
          const geometry = await api.call('fisbe.geometry', { runId, side, id });
          geometries.set(instanceKey({ side, id }), decodeGeometry(geometry));
        } catch (failure) {
          errors.push(`Geometry of ${side === 'gt' ? 'GT' : 'pred'} ${id}: ${errorMessage(failure)}`);
        }
        publish();
      }
    };
    for (let i = 0; i < GEOMETRY_CONCURRENCY; i += 1) void worker();
    return () => {
      current = false;
    };
  }, [api, runId, sample]);
  return state;
}

export function useFisbeSlice(runId: number, axis: FisbeAxis, index: number): { labels: SliceLabels | null; error: string | null } {
  const api = useApi();
  const [labels, setLabels] = useState<SliceLabels | null>(null);
  const [error, setError] = useState<string | null>(null);
  const wanted = useRef(index);
  const inFlight = useRef(false);
  const alive = useRef(true);

  const pump = useCallback(() => {
    if (inFlight.current || !alive.current) return;
    const asked = wanted.current;
    inFlight.current = true;
    api.call('fisbe.slice', { runId, axis, index: asked }).then(
      (slice) => {
        if (!alive.current) return;
        try {
          setLabels(decodeSlice(slice));
          setError(null);
        } catch (failure) {
          setError(errorMessage(failure));
        }
      },
      (failure: unknown) => alive.current && setError(errorMessage(failure)),
    ).finally(() => {
      inFlight.current = false;
      if (alive.current && wanted.current !== asked) pump();
    });
  }, [api, runId, axis]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(() => {
    wanted.current = index;
    pump();
  }, [index, pump]);

  return { labels, error };
}
