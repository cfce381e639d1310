/**
 * Where Cajal may write a file a user named (API exports, CLI `--out`), and how it writes it.
 *
 * Refused whatever the caller asks: a project file (the open one and its `-wal`/`-shm`/`-journal`,
 * any existing SQLite database found by its header, anything named `*.cajal`), a protected path
 * (the project's source recordings, compared by real path and by device + inode so that symlinks
 * and hard links do not get around it), folders, devices, FIFOs and sockets, anything under
 * /proc, /sys or /dev, a path whose folder does not exist, a path holding a NUL. An existing file
 * is replaced only when the user chose to (`overwrite`).
 *
 * Every write goes to a fresh temporary file in the target's folder (created exclusively), is
 * fsynced and then renamed into place, so the target holds its old bytes or all the new ones,
 * never a mix, and nothing half-written is left behind when anything fails.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConflictError, FileAccessError, UserError, ValidationError, fileAccessError } from '../errors.js';
import { nonRegularKind } from './source-file.js';

/** A path Cajal never writes over, with what it is (for the message). */
export interface ProtectedPath {
  path: string;
  /** project: the open project's files; source: a recording's source; input: a file a command reads. */
  kind: 'project' | 'source' | 'input';
}

export interface WriteTargetOptions {
  /** The user explicitly chose to replace an existing file (a confirmed dialog, `overwrite: true`, `--overwrite`). */
  overwrite?: boolean;
  /** Paths never written over, nor (for a folder, e.g. a Suite2p source) written into. */
  protectedPaths?: readonly ProtectedPath[];
  /** Refuse relative paths: over the API the engine's working folder is nobody's choice. */
  requireAbsolute?: boolean;
  /** The field named in messages: `path` over the API (the default), `--out` in the CLI. */
  field?: string;
}

export interface WriteTarget {
  /** The absolute path to write. */
  path: string;
  /** Something (a file or a link) is already there; writing replaces it. */
  exists: boolean;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** The files SQLite keeps beside a database. */
const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'] as const;
const PROJECT_NAME = /\.cajal(-wal|-shm|-journal)?$/i;
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const NEVER_WRITE_PROJECT = 'Cajal never writes over project files';

/** The open project's file and the files SQLite keeps beside it. */
export function projectFilePaths(projectPath: string): ProtectedPath[] {
  return [projectPath, ...SQLITE_COMPANIONS.map((suffix) => `${projectPath}${suffix}`)].map((path) => ({ path, kind: 'project' }));
}

/**
 * Checks that `path` may be written with `options`; returns the absolute path. Throws a
 * ValidationError (refused whatever the user says), a ConflictError (exists, no overwrite) or a
 * FileAccessError (the folder is missing or cannot be checked), each one line naming the path.
 */
export function checkWriteTarget(path: string, options: WriteTargetOptions = {}): WriteTarget {
  const field = options.field ?? 'path';
  const refuse = (shown: string, problem: string) => new ValidationError(field, `${shown} ${problem}`);
  if (path.includes('\0')) throw refuse(JSON.stringify(path).replace(/\\u0000/g, '\\0'), 'contains a NUL character; not a file name');
  if (path.trim() === '') throw new ValidationError(field, 'empty path');
  if (options.requireAbsolute && !isAbsolute(path)) throw refuse(path, 'is a relative path; give an absolute path');
  const target = resolve(path);
  const name = basename(target);
  // resolve() drops a trailing slash; "out/" names a folder, whatever is there.
  if (name === '' || path.endsWith('/') || path.endsWith(sep)) throw refuse(target, 'is a folder, not a file');
  if (isSystemPath(target)) throw refuse(target, 'is a system or device path; Cajal writes only regular files');
  if (process.platform === 'win32' && WINDOWS_DEVICE_NAME.test(name)) throw refuse(target, 'is a Windows device name; Cajal writes only regular files');

  const folder = dirname(target);
  const folderStat = statOrNull(folder);
  if (!folderStat) throw new FileAccessError(target, `its folder ${folder} does not exist`);
  if (!folderStat.isDirectory()) throw new FileAccessError(target, `${folder} is not a folder`);
  // The real location, through symlinked folders: what /tmp/link-to-proc/x would really hit.
  const realTarget = join(realpathOrThrow(folder), name);
  if (isSystemPath(realTarget)) throw refuse(target, `is a system or device path (${realTarget}); Cajal writes only regular files`);

  const link = lstatOrNull(target);
  // A symlink is followed for every check: replacing the link itself is harmless, but the user
  // may believe they are writing where it points.
  const stat = link?.isSymbolicLink() ? statOrNull(target) : link;
  if (stat?.isDirectory()) throw refuse(target, 'is a folder, not a file');
  if (stat && !stat.isFile()) throw refuse(target, `is ${nonRegularKind(stat) ?? 'not a regular file'}; Cajal writes only regular files`);
  const pointedAt = link?.isSymbolicLink() && stat ? realpathOrThrow(target) : null;
  if (pointedAt && isSystemPath(pointedAt)) throw refuse(target, `points to ${pointedAt}, a system or device path; Cajal writes only regular files`);

  for (const guarded of options.protectedPaths ?? []) {
    // A source folder (Suite2p) is the recording: nothing is written into it. An input folder (a
    // folder of predictions) may receive new files; only its own files are protected, by name.
    const hit = protectedHit(guarded.path, [realTarget, ...(pointedAt ? [pointedAt] : [])], stat, guarded.kind !== 'input');
    if (!hit) continue;
    if (guarded.kind === 'project') throw refuse(target, `is the open project's file; ${NEVER_WRITE_PROJECT}`);
    const what = guarded.kind === 'source' ? ['the source recording', 'a source recording', 'sources'] : ['the input', 'an input of this command', 'its inputs'];
    throw refuse(target, `${hit === 'inside' ? `is inside ${what[0]} ${guarded.path}` : `is ${what[1]}`}; Cajal never overwrites ${what[2]}`);
  }

  // (After the protected paths, so the open project is named as such.)
  if (PROJECT_NAME.test(name)) throw refuse(target, `is named like a Cajal project file; ${NEVER_WRITE_PROJECT}`);
  if (stat && isSqliteFile(target)) throw refuse(target, `is an SQLite database (a project file?); ${NEVER_WRITE_PROJECT}`);
  const companion = SQLITE_COMPANIONS.find((suffix) => name.endsWith(suffix));
  if (companion) {
    const database = target.slice(0, -companion.length);
    if (statOrNull(database)?.isFile() && isSqliteFile(database)) throw refuse(target, `is the ${companion} file of the SQLite database ${database}; ${NEVER_WRITE_PROJECT}`);
  }

  if (link && !options.overwrite) {
    throw existsError(target, field);
  }
  return { path: target, exists: link !== null };
}

/** What goes into the file: its bytes, or a writer given the open temporary file (large files). */
export type FileContent = string | Uint8Array | ((fd: number) => void);

/** Checks `path` (see `checkWriteTarget`) and writes `content` there atomically. Returns the absolute path. */
export function writeFileAtomically(path: string, content: FileContent, options: WriteTargetOptions = {}): string {
  const { path: target, exists } = checkWriteTarget(path, options);
  // A replaced file keeps its permissions (a private 0600 export stays private).
  const mode = exists ? statOrNull(target)?.mode : undefined;
  try {
    writeThroughTemporary(target, content, {
      replace: options.overwrite === true,
      ...(mode !== undefined ? { mode: mode & 0o7777 } : {}),
      // Checked again just before the rename: the folder may have changed while we wrote.
      beforeReplace: () => checkWriteTarget(target, options),
      field: options.field ?? 'path',
    });
  } catch (error) {
    // Node's fs errors (no space, permission, ...) become one line naming the file; ours and bugs pass.
    if (error instanceof UserError || typeof (error as NodeJS.ErrnoException).syscall !== 'string') throw error;
    throw fileAccessError(target, error);
  }
  return target;
}

export interface TemporaryWriteOptions {
  /** true: rename over whatever is there; false: fail with a ConflictError if the target appeared. */
  replace: boolean;
  /** Called right before an existing target is replaced; throws to stop. */
  beforeReplace?: () => void;
  /** Permissions of the new file; default 0666 less the umask, as any new file. */
  mode?: number;
  /** The field named in the 'exists' message (see WriteTargetOptions). */
  field?: string;
}

/**
 * The write itself, without the target checks (for callers that write files of their own choosing,
 * such as test fixtures): a fresh temporary in the same folder, opened exclusively, fsynced, then
 * renamed (or, without `replace`, hard-linked, which fails if the target appeared meanwhile).
 */
export function writeThroughTemporary(target: string, content: FileContent, options: TemporaryWriteOptions): void {
  const folder = dirname(target);
  // A dot name nobody else picks; the target's name is cut so the whole stays under 255 bytes
  // (60 UTF-16 units are at most 180 bytes of UTF-8).
  const temporary = join(folder, `.${basename(target).slice(0, 60)}.${randomBytes(6).toString('hex')}.partial`);
  let fd: number | null = openSync(temporary, 'wx', 0o666);
  let committed = false;
  try {
    if (options.mode !== undefined) fchmodSync(fd, options.mode);
    if (typeof content === 'function') content(fd);
    else writeAll(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    if (options.replace) {
      options.beforeReplace?.();
      renameSync(temporary, target);
    } else {
      commitWithoutReplacing(temporary, target, options.field ?? 'path');
    }
    committed = true;
    syncFolder(folder);
  } finally {
    if (fd !== null) closeSync(fd);
    if (!committed) rmSync(temporary, { force: true });
  }
}

/** link() fails with EEXIST if the target exists: no window in which an existing file is clobbered. */
function commitWithoutReplacing(temporary: string, target: string, field: string): void {
  try {
    linkSync(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw existsError(target, field);
    // File systems without hard links (FAT, some network mounts): check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EMLINK') throw error;
    if (lstatOrNull(target)) throw existsError(target, field);
    renameSync(temporary, target);
    return;
  }
  rmSync(temporary, { force: true });
}

/** The file is there and the user did not say to replace it: the UI asks, then retries with overwrite. */
function existsError(target: string, field: string): ConflictError {
  return new ConflictError(`${target} exists; ${field.startsWith('--') ? `add --overwrite` : 'choose overwrite'} to replace it`);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
}

/** Makes the rename durable; folders cannot be opened for fsync everywhere (Windows), so best effort. */
function syncFolder(folder: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // the rename itself has happened; only its durability across an OS crash is at stake
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function isSystemPath(path: string): boolean {
  if (/^\\\\[.?]\\/.test(path)) return true; // Windows device namespaces \\.\ and \\?\
  return SYSTEM_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
}

/** 'same' when `candidates` name the protected file (or the same inode), 'inside' when inside a protected folder. */
function protectedHit(guardedPath: string, candidates: readonly string[], targetStat: Stats | null, wholeFolder: boolean): 'same' | 'inside' | null {
  const guarded = resolve(guardedPath);
  const guardedStat = statOrNull(guarded);
  // Hard links and bind mounts: the same device and inode is the same file, whatever its name.
  if (targetStat && guardedStat && targetStat.dev === guardedStat.dev && targetStat.ino === guardedStat.ino) return 'same';
  const names = new Set([guarded, realLocation(guarded)]);
  for (const candidate of candidates) {
    if (names.has(candidate)) return 'same';
    if (wholeFolder && guardedStat?.isDirectory()) {
      for (const folder of names) {
        const inner = relative(folder, candidate);
        if (inner && !inner.startsWith('..') && !isAbsolute(inner)) return 'inside';
      }
    }
  }
  return null;
}

/** The real path of `path`, or of its folder joined with its name when it does not exist (yet). */
function realLocation(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

function isSqliteFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    // Renaming over a file needs no permission on the file itself, so one we cannot read could
    // still be replaced: refuse rather than guess that it is not a project.
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new FileAccessError(path, `exists but cannot be read (${code}), so Cajal cannot check that it is not a project file`);
  }
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return n === head.length && head.equals(SQLITE_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** A path's stats, or null where nothing is (a missing entry, or a parent that is not a folder); other failures name the path. */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG') return null;
    throw fileAccessError(path, error);
  }
}

/** The stats of a path itself (a link is not followed), or null where nothing is. */
export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    throw fileAccessError(path, error);
  }
}

function realpathOrThrow(path: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    throw fileAccessError(path, error);
  }
}
