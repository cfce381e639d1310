/**
 * What a project never lets an export write over: its own file (with SQLite's -wal/-shm/-journal)
 * and the source of every recording it holds (sources are never modified).
 */
import { projectFilePaths, type ProtectedPath } from '../io/write-target.js';
import type { Store } from './index.js';

export function protectedPaths(store: Store): ProtectedPath[] {
  return [...projectFilePaths(store.path), ...store.recordings.list().map((recording): ProtectedPath => ({ path: recording.sourcePath, kind: 'source' }))];
}
