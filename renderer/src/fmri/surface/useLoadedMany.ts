/**
 * Results of engine calls by key (a mesh, a sulc file, a projection…), loaded once per key and kept
 * while the panel lives: the surface panel asks for one or two of each (one per hemisphere).
 * `load(key)` runs for keys not yet loaded or loading; a null key stands for "nothing asked".
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/context.js';

export type Loaded<T> = { value: T; error: null } | { value: null; error: string } | { value: null; error: null };

export function useLoadedMany<T>(keys: readonly (string | null)[], load: (key: string) => Promise<T>): Loaded<T>[] {
  const [results, setResults] = useState<ReadonlyMap<string, Loaded<T>>>(new Map());
  const joined = keys.join('\u0000');
  useEffect(() => {
    // Results are stored even when the keys have moved on meanwhile: a key's result does not
    // change, and dropping it would leave the key marked as loading for good.
    for (const key of keys) {
      if (key === null || results.has(key)) continue;
      setResults((current) => new Map(current).set(key, { value: null, error: null }));
      load(key).then(
        (value) => setResults((current) => new Map(current).set(key, { value, error: null })),
        (failure: unknown) => setResults((current) => new Map(current).set(key, { value: null, error: errorMessage(failure) })),
      );
    }
    // `keys` is followed through `joined`; `load` is a fresh closure each render by design.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [joined]);
  return keys.map((key) => (key === null ? { value: null, error: null } : (results.get(key) ?? { value: null, error: null })));
}
