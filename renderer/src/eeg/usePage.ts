/**
 * Pages of traces from `eeg.page`, newest request wins: a reply to a request the user has already
 * moved past (paged on, changed montage) is ignored, never drawn. The next page is prefetched so
 * PageDown is instant; a few recent pages are kept for paging back.
 */
import { useEffect, useRef, useState } from 'react';
import type { CallParams, EegPage } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import type { CajalClient } from '../api/client.js';

export type PageRequest = CallParams<'eeg.page'>;

const CACHE_PAGES = 8;

function keyOf(request: PageRequest): string {
  return JSON.stringify([
    request.recordingId,
    request.startS,
    request.durationS,
    request.montage,
    request.filter,
    request.maxPointsPerChannel,
  ]);
}

/** A small LRU of page promises, per client. */
class PageCache {
  private readonly entries = new Map<string, Promise<EegPage>>();
  constructor(private readonly api: CajalClient) {}

  get(request: PageRequest): Promise<EegPage> {
    const key = keyOf(request);
    let pending = this.entries.get(key);
    if (pending) {
      this.entries.delete(key);
    } else {
      pending = this.api.call('eeg.page', request);
      // A failed page is not cached: the next attempt asks again.
      pending.catch(() => this.entries.get(key) === pending && this.entries.delete(key));
    }
    this.entries.set(key, pending);
    while (this.entries.size > CACHE_PAGES) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return pending;
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface PageState {
  page: EegPage | null;
  loading: boolean;
  error: string | null;
}

/**
 * The page for `request` (null: nothing to fetch). `nextStartS` is prefetched once the current
 * page has arrived. `revision` bumps to drop the cache (e.g. after a montage is saved).
 */
export function usePage(request: PageRequest | null, nextStartS: number | null, revision = 0): PageState {
  const api = useApi();
  const cache = useRef<PageCache | null>(null);
  if (!cache.current) cache.current = new PageCache(api);
  const sequence = useRef(0);
  const [state, setState] = useState<PageState>({ page: null, loading: false, error: null });
  const key = request ? keyOf(request) : null;

  useEffect(() => {
    cache.current?.clear();
  }, [revision]);

  useEffect(() => {
    if (!request || !cache.current) return;
    const mine = ++sequence.current;
    setState((previous) => ({ ...previous, loading: true }));
    const pageCache = cache.current;
    pageCache.get(request).then(
      (page) => {
        if (mine !== sequence.current) return; // stale: the user has moved on
        setState({ page, loading: false, error: null });
        if (nextStartS !== null && nextStartS !== request.startS) {
          pageCache.get({ ...request, startS: nextStartS }).catch(() => undefined);
        }
      },
      (failure: unknown) => {
        if (mine !== sequence.current) return;
        setState((previous) => ({ ...previous, loading: false, error: errorMessage(failure) }));
      },
    );
    return () => {
      // Unmounting or a new request: this one's reply is ignored from now on.
      if (sequence.current === mine) sequence.current++;
    };
    // The key captures every field of the request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, nextStartS, revision]);

  return state;
}
