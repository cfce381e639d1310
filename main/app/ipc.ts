/**
 * Binds the API contract to Electron IPC: the same dispatcher as the bridge, behind a sender check
 * (the app's own window, its top frame, showing an app://cajal page).
 */
import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { EventEnvelope, ReplyEnvelope } from '../../shared/api/index.js';
import { IPC_CHANNELS } from '../../shared/ipc.js';
import { createHandlers, dispatch, type Engine } from '../engine/index.js';
import { isTrustedSender } from './trust.js';

let nextId = 1;

/** Returns a function that unbinds everything (used when another project is opened). */
export function bindIpc(engine: Engine, window: BrowserWindow): () => void {
  const handlers = createHandlers(engine, { transport: 'ipc', nativeFileDialog: true });

  const trusted = (event: IpcMainInvokeEvent): boolean => event.sender === window.webContents && isTrustedSender(event.senderFrame);

  ipcMain.handle(IPC_CHANNELS.invoke, async (event, call: unknown, params: unknown): Promise<ReplyEnvelope> => {
    if (!trusted(event)) {
      return { id: null, ok: false, error: { code: 'bad-request', message: 'IPC from an untrusted frame refused' } };
    }
    // Typed arrays in the result cross as they are (structured clone): no JSON, no base64.
    return dispatch(handlers, { id: nextId++, call, params }, { projectPath: engine.projectPath });
  });

  ipcMain.handle(IPC_CHANNELS.pickFiles, async (event): Promise<string[]> => {
    if (!trusted(event)) return [];
    const result = await dialog.showOpenDialog(window, {
      title: 'Import recordings',
      properties: ['openFile', 'multiSelections'],
      filters: [
        { name: 'EEG (EDF, EDF+, BDF)', extensions: ['edf', 'bdf', 'EDF', 'BDF'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return result.canceled ? [] : result.filePaths;
  });

  const unsubscribe = engine.subscribe((event) => {
    if (window.isDestroyed()) return;
    const envelope: EventEnvelope = { event: event.name, payload: event.payload };
    window.webContents.send(IPC_CHANNELS.event, envelope);
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CHANNELS.invoke);
    ipcMain.removeHandler(IPC_CHANNELS.pickFiles);
  };
}
