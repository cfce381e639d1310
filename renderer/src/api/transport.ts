/**
 * A transport moves request/reply envelopes and event envelopes between the renderer and the
 * engine. Two exist: Electron IPC (through the preload's `window.cajal`) and the loopback bridge's
 * WebSocket. The client above them is the same.
 */
import type { EventEnvelope, Progress, ReplyEnvelope } from '../../../shared/api/index.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface InvokeOptions {
  /** Bytes of a large binary reply received so far (bridge only: IPC hands the reply over whole). */
  onProgress?(progress: Progress): void;
}

export interface Transport {
  readonly kind: 'ipc' | 'bridge';
  invoke(call: string, params: unknown, options?: InvokeOptions): Promise<ReplyEnvelope>;
  subscribe(listener: (event: EventEnvelope) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  /** Native file dialog (Electron only). */
  pickFiles?(): Promise<string[]>;
  /** Path of a dropped file (Electron only; browsers do not reveal paths). */
  pathForFile?(file: File): string;
}
