/**
 * Tells failures of the disk under a project file (full, I/O error, read-only) from other errors,
 * and names them as a StorageError with the project's path: one line a user can act on, instead of
 * a raw `SQLITE_FULL` stack trace.
 */
import { StorageError } from '../errors.js';

/** SQLite result codes (better-sqlite3's `SqliteError.code`) and errno codes that mean "disk full". */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** Codes of a disk that cannot take the write for another reason (I/O error, read-only file system). */
function isOtherStorageCode(code: string): boolean {
  return code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') || code === 'EIO' || code === 'EROFS';
}

/** The StorageError for `error` on the project file `file`, or undefined when it is not a storage failure. */
export function asStorageError(error: unknown, file: string): StorageError | undefined {
  if (error instanceof StorageError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (DISK_FULL_CODES.has(code)) return new StorageError(file, true);
  if (isOtherStorageCode(code)) return new StorageError(file, false, (error as Error).message);
  return undefined;
}
