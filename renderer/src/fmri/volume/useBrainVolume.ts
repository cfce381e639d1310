/**
 * One volume of a brain recording from the engine (`fmri.volume`), or null while it loads or when
 * no recording is asked for. The last few volumes are kept by recording and frame, so switching
 * the template, the atlas or the frame back and forth does not fetch them again.
 */
import { useEffect, useState } from 'react';
import type { BrainVolume } from '../../../../shared/api/index.js';
import { errorMessage, useApi } from '../../api/context.js';

const KEEP = 6;
const cache = new Map<string, BrainVolume>();

function remember(key: string, volume: BrainVolume): void {
  cache.delete(key);
  cache.set(key, volume);
  while (cache.size > KEEP) cache.delete(cache.keys().next().value!);
}

export interface LoadedVolume {
  volume: BrainVolume | null;
  error: string | null;
}

export function useBrainVolume(recordingId: number | null, frame = 0): LoadedVolume {
  const api = useApi();
  const key = recordingId === null ? '' : `${recordingId}:${frame}`;
  const [state, setState] = useState<LoadedVolume & { key: string }>({ key: '', volume: null, error: null });
  useEffect(() => {
    if (recordingId === null) return;
    const cached = cache.get(key);
    if (cached) {
      setState({ key, volume: cached, error: null });
      return;
    }
    let cancelled = false;
    api.call('fmri.volume', { recordingId, volume: frame }).then(
      (volume) => {
        remember(key, volume);
        if (!cancelled) setState({ key, volume, error: null });
      },
      (error: unknown) => !cancelled && setState({ key, volume: null, error: errorMessage(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, key, recordingId, frame]);
  if (recordingId === null) return { volume: null, error: null };
  return state.key === key ? { volume: state.volume, error: state.error } : { volume: null, error: null };
}
