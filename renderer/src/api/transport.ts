/**
 * A transport moves request/reply envelopes and event envelopes between the renderer and the
 * engine. Two exist: Electron IPC (through the preload's `window.cajal`) and the loopback bridge's
 * WebSocket. The client above them is the same.
 */
import type { EventEnvelope, ReplyEnvelope } from '../../../shared/api/index.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly kind: 'ipc' | 'bridge';
  invoke(call: string, params: unknown): Promise<ReplyEnvelope>;
  subscribe(listener: (event: EventEnvelope) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  /** Native file dialog (Electron only). */
  pickFiles?(): Promise<string[]>;
  /** Path of a dropped file (Electron only; browsers do not reveal paths). */
  pathForFile?(file: File): string;
}
