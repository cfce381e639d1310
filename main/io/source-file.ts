/**
 * The check every entry point runs on a path a user hands Cajal, before any reader opens it:
 * it must be a regular file (or a folder, where the format is a folder) that this process can read.
 *
 * Why before opening: open() on a FIFO blocks until a writer appears (forever, for `mkfifo x.edf`),
 * and a device or socket is never a recording. stat() never blocks, so the kind is checked first
 * and the path is only opened once it is known to be a regular file. Every failure is a
 * FileAccessError naming the path, with the reason in words (errors.ts maps the fs codes).
 */
import { accessSync, constants, lstatSync, statSync, type Stats } from 'node:fs';
import { FileAccessError, fileAccessError } from '../errors.js';

export type SourceKind = 'file' | 'folder';

export interface SourceCheckOptions {
  /** Accept a folder (Suite2p plane folders, zarr stores); otherwise a folder is refused. */
  allowDirectory?: boolean;
}

/**
 * What a path is, in words, when it is not a regular file ("a folder", "a FIFO (named pipe)"…);
 * null for a regular file. One wording for every message that names such a path (sources, write
 * targets, project files, zarr chunks).
 */
export function nonRegularKind(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return null;
}

/** stat() that follows symbolic links; a link to nothing is named as such, not "no such file". */
function statSource(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new FileAccessError(path, 'is a symbolic link to a file that does not exist');
    }
    throw fileAccessError(path, error);
  }
}

/**
 * Throws a FileAccessError unless `path` is a readable regular file, or (with `allowDirectory`) a
 * folder that can be listed and entered. Symbolic links are followed. Returns which of the two it is.
 */
export function assertReadableSource(path: string, options: SourceCheckOptions = {}): SourceKind {
  const stats = statSource(path);
  const special = stats.isDirectory() ? null : nonRegularKind(stats);
  if (special) throw new FileAccessError(path, `is ${special}, not a recording file`);
  const folder = stats.isDirectory();
  if (folder && !options.allowDirectory) throw new FileAccessError(path, 'is a directory, not a file');
  try {
    // (As root every mode passes: root reads a 000 file. The readers then succeed too.)
    accessSync(path, folder ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch (error) {
    throw fileAccessError(path, error);
  }
  return folder ? 'folder' : 'file';
}
