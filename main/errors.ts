/**
 * One error type per failure class. Each carries what a user needs to fix the problem and maps to
 * an API error code; the transports and the CLI turn them into one readable line.
 */
import type { ErrorCode } from '../shared/api/index.js';

/** Base class of errors caused by the user's input (CLI exit code 1), as opposed to bugs. */
export abstract class UserError extends Error {
  abstract readonly code: ErrorCode;
}

/** A file that is not what it claims to be: names the file, the field and the byte offset. */
export class FormatError extends UserError {
  readonly code = 'format' as const;
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly field?: string,
    readonly byteOffset?: number,
  ) {
    const where = [field ? `field "${field}"` : null, byteOffset !== undefined ? `byte ${byteOffset}` : null]
      .filter(Boolean)
      .join(' at ');
    super(`${file}: ${where ? `${where}: ` : ''}${problem}`);
    this.name = 'FormatError';
  }
}

/** A value out of range or of the wrong shape; names the field. */
export class ValidationError extends UserError {
  readonly code = 'validation' as const;
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'ValidationError';
  }
}

/** A missing or unreadable file. */
export class FileAccessError extends UserError {
  readonly code = 'io' as const;
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'FileAccessError';
  }
}

export class NotFoundError extends UserError {
  readonly code = 'not-found' as const;
  constructor(what: string, hint?: string) {
    super(`${what} not found${hint ? ` (${hint})` : ''}`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends UserError {
  readonly code = 'conflict' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/**
 * The project file cannot be written: the disk is full, or the OS reports an I/O error. Names the
 * file, so the user knows which disk to free or check. A user error: nothing in Cajal is broken.
 */
export class StorageError extends UserError {
  readonly code = 'io' as const;
  constructor(
    readonly file: string,
    readonly diskFull: boolean,
    problem = 'the disk is full',
  ) {
    super(diskFull ? `disk full: ${file}` : `cannot write ${file}: ${problem}`);
    this.name = 'StorageError';
  }
}

/** What an fs error code means for the user, in their words rather than errno's. */
const FILE_ACCESS_PROBLEMS: ReadonlyMap<string, string> = new Map([
  ['ENOENT', 'no such file'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'permission denied'],
  ['EISDIR', 'is a directory, not a file'],
  ['ENOTDIR', 'a part of the path is a file, not a folder'],
  ['ELOOP', 'too many levels of symbolic links (a symbolic link loop?)'],
  ['ENAMETOOLONG', 'file name too long'],
  ['EIO', 'input/output error (a damaged disk or a lost network share?)'],
  ['ENXIO', 'no such device or address'],
  ['EMFILE', 'too many open files'],
  ['ENFILE', 'too many open files in the system'],
  ['ESTALE', 'stale network file handle (reconnect the share)'],
]);

/** Maps a Node fs error on `file` to a FileAccessError with a readable problem. */
export function fileAccessError(file: string, error: unknown): FileAccessError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // Node decodes file names as UTF-8 and turns bytes that are not (a Latin-1 "é") into U+FFFD: that
  // name cannot be opened from JavaScript, so "no such file" would mislead.
  if (code === 'ENOENT' && file.includes('\uFFFD')) {
    return new FileAccessError(file, 'cannot read: the file name is not valid UTF-8 (rename the file)');
  }
  const problem = FILE_ACCESS_PROBLEMS.get(code ?? '') ?? `cannot be read (${error instanceof Error ? error.message : String(error)})`;
  return new FileAccessError(file, problem);
}

/** One line for a user: the message of a user error, or "internal error: …" for a bug. */
export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return `internal error: ${error.message}`;
  return `internal error: ${String(error)}`;
}
