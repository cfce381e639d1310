import type { Recording, Run } from '../../../shared/api/index.js';

/** A recording as a user knows it: its file name (the id only while the recording is unknown here). */
export function recordingName(recordings: readonly Recording[], id: number): string {
  const recording = recordings.find((candidate) => candidate.id === id);
  return recording ? (recording.sourcePath.split(/[\\/]/).pop() ?? recording.sourcePath) : `recording #${id}`;
}

/**
 * The recordings a run read: its one recording, or those its parameters name (pipelines reading
 * several, e.g. NTF's animals, pass `recordingIds`).
 */
export function runRecordingIds(run: Run): number[] {
  if (run.recordingId !== null) return [run.recordingId];
  const ids = run.params.recordingIds;
  return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
}
