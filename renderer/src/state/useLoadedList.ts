/**
 * A list loaded from the engine, with the error of the last attempt and whether any answer came
 * yet (views say "loading…" until then, "none" after). `refresh` loads it again; callers decide
 * when (recordings changed, a run succeeded, the connection reopened). `load` must be stable.
 */
import { useCallback, useState } from 'react';
import { errorMessage } from '../api/context.js';

export interface LoadedList<T> {
  list: T[];
  error: string | null;
  loaded: boolean;
  refresh(): void;
}

export function useLoadedList<T>(load: () => Promise<readonly T[]>): LoadedList<T> {
  const [list, setList] = useState<T[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const refresh = useCallback(() => {
    load().then(
      (items) => {
        setList([...items]);
        setError(null);
        setLoaded(true);
      },
      (failure: unknown) => {
        setError(errorMessage(failure));
        setLoaded(true);
      },
    );
  }, [load]);
  return { list, error, loaded, refresh };
}
