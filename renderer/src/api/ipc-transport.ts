/** Electron transport: the preload exposes this narrow object as `window.cajal`. */
import type { EventEnvelope, ReplyEnvelope } from '../../../shared/api/index.js';
import type { Transport } from './transport.js';

/**
 * Replies come through as Electron's structured clone made them: typed arrays (EEG pages, volumes,
 * meshes) arrive as typed arrays, with no JSON or base64 step on either side.
 */
export interface PreloadBridge {
  transport: 'ipc';
  invoke(call: string, params: unknown): Promise<ReplyEnvelope>;
  subscribe(listener: (event: EventEnvelope) => void): () => void;
  pickFiles(): Promise<string[]>;
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    cajal?: PreloadBridge;
  }
}

export function ipcTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'ipc',
    invoke: (call, params) => bridge.invoke(call, params),
    subscribe: (listener) => bridge.subscribe(listener),
    onState(listener) {
      listener('open');
      return () => {};
    },
    pickFiles: () => bridge.pickFiles(),
    pathForFile: (file) => bridge.pathForFile(file),
  };
}
