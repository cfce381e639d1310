/**
 * Binds the API contract to Electron IPC: the same dispatcher as the bridge, behind a sender check
 * (the app's own window, its top frame, showing an app://cajal page).
 */
import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { EventEnvelope, ReplyEnvelope } from '../../shared/api/index.js';
import { IPC_CHANNELS } from '../../shared/ipc.js';
import { dispatch, type ProjectHost } from '../engine/index.js';
import { isTrustedSender } from './trust.js';

let nextId = 1;

/**
 * Binds the window to the host's project, whichever it is at each call (New, Open and Recent
 * switch it). Returns a function that unbinds everything.
 */
export function bindIpc(host: ProjectHost, window: BrowserWindow): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => event.sender === window.webContents && isTrustedSender(event.senderFrame);

  ipcMain.handle(IPC_CHANNELS.invoke, async (event, call: unknown, params: unknown): Promise<ReplyEnvelope> => {
    if (!trusted(event)) {
      return { id: null, ok: false, error: { code: 'bad-request', message: 'IPC from an untrusted frame refused' } };
    }
    // Typed arrays in the result cross as they are (structured clone): no JSON, no base64.
    return dispatch(host.handlers, { id: nextId++, call, params }, { projectPath: host.engine.projectPath });
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

  const unsubscribe = host.subscribe((event) => {
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
