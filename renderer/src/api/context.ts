import { createContext, useContext, useEffect, useState } from 'react';
import type { CajalClient } from './client.js';
import type { ConnectionState } from './transport.js';

export const ApiContext = createContext<CajalClient | null>(null);

export function useApi(): CajalClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}

export function useConnectionState(): ConnectionState {
  const api = useApi();
  const [state, setState] = useState<ConnectionState>('connecting');
  useEffect(() => api.transport.onState(setState), [api]);
  return state;
}

/** A message from any thrown value, for display. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
