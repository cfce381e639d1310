/** Electron IPC channel names, shared by the main process and the preload. */
export const IPC_CHANNELS = {
  invoke: 'cajal:invoke',
  event: 'cajal:event',
  pickFiles: 'cajal:pick-files',
} as const;
