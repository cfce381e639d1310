/**
 * What the Traces view loads: the project's calcium recordings (calcium.list, refreshed when the
 * recordings change), one overview per recording and width, and the page of traces on screen.
 * A newer request supersedes an older one: answers arriving late are dropped, never drawn.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CalciumOverview, CalciumPage, CalciumSummary, CalciumTraceSource } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { useLoadedList, type LoadedList } from '../state/useLoadedList.js';
import { useRecordingsRefresh } from '../state/useRecordingsRefresh.js';
import { checkOverview, checkPage } from './decode.js';

export function useCalciumList(): LoadedList<CalciumSummary> {
  const api = useApi();
  const loaded = useLoadedList(useCallback(() => api.call('calcium.list', {}), [api]));
  useRecordingsRefresh(loaded.refresh);
  return loaded;
}

/** The overview of `recordingId` at `columns` (0: not yet measured); `version` reloads it (a new frame rate). */
export function useOverview(recordingId: number | null, columns: number, version: number, traces: CalciumTraceSource): { overview: CalciumOverview | null; error: string | null } {
  const api = useApi();
  const [state, setState] = useState<{ key: string; overview: CalciumOverview | null; error: string | null }>({ key: '', overview: null, error: null });
  const key = `${recordingId}:${columns}:${version}:${traces}`;
  useEffect(() => {
    if (recordingId === null || columns <= 0) return;
    let current = true;
    api.call('calcium.overview', { recordingId, columns, traces }).then(
      (overview) => {
        if (!current) return;
        try {
          setState({ key, overview: checkOverview(overview), error: null });
        } catch (failure) {
          setState({ key, overview: null, error: errorMessage(failure) });
        }
      },
      (failure: unknown) => current && setState({ key, overview: null, error: errorMessage(failure) }),
    );
    return () => {
      current = false;
    };
  }, [api, recordingId, columns, traces, key]);
  // Keep the last overview of the same recording while a new width loads (no flash of empty panels).
  const sameRecording = state.overview?.recordingId === recordingId;
  return { overview: sameRecording ? state.overview : null, error: state.key === key ? state.error : null };
}

export interface PageRequest {
  recordingId: number;
  cells: readonly number[];
  startFrame: number;
  endFrame: number;
  columns: number;
  traces: CalciumTraceSource;
}

/** The page of traces for `request` (null until measured); the previous page stays until the next arrives. */
export function usePage(request: PageRequest | null, version: number): { page: CalciumPage | null; error: string | null } {
  const api = useApi();
  const [page, setPage] = useState<CalciumPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = request ? `${request.recordingId}:${request.cells.join(',')}:${request.startFrame}:${request.endFrame}:${request.columns}:${request.traces}:${version}` : '';
  useEffect(() => {
    if (!request || request.cells.length === 0 || request.columns <= 0) return;
    let current = true;
    api.call('calcium.page', { ...request, cells: [...request.cells] }).then(
      (answer) => {
        if (!current) return;
        try {
          setPage(checkPage(answer));
          setError(null);
        } catch (failure) {
          setError(errorMessage(failure));
        }
      },
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
    // The key holds everything the request depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
  return { page: page && request && page.recordingId === request.recordingId ? page : null, error };
}
