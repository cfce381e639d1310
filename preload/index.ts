/**
 * Preload (sandboxed, context-isolated): exposes a narrow `window.cajal` to the renderer. Only call
 * names in the API contract get through; the main process validates every payload again.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { isCallName, type EventEnvelope, type ReplyEnvelope } from '../shared/api/index.js';
import { IPC_CHANNELS } from '../shared/ipc.js';

const bridge = {
  transport: 'ipc' as const,
  invoke(call: string, params: unknown): Promise<ReplyEnvelope> {
    if (!isCallName(call)) {
      return Promise.resolve({ id: null, ok: false, error: { code: 'unknown-call', message: `unknown call "${String(call).slice(0, 100)}"` } });
    }
    // Passed through untouched: structured clone carries the reply's typed arrays as typed arrays.
    return ipcRenderer.invoke(IPC_CHANNELS.invoke, call, params) as Promise<ReplyEnvelope>;
  },
  subscribe(listener: (event: EventEnvelope) => void): () => void {
    // Hand the renderer the envelope only, never Electron's event object (it exposes `sender`).
    const handler = (_event: IpcRendererEvent, envelope: EventEnvelope) => listener(envelope);
    ipcRenderer.on(IPC_CHANNELS.event, handler);
    return () => ipcRenderer.off(IPC_CHANNELS.event, handler);
  },
  pickFiles(): Promise<string[]> {
    return ipcRenderer.invoke(IPC_CHANNELS.pickFiles) as Promise<string[]>;
  },
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('cajal', bridge);
