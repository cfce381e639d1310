/**
 * Opening a project file: pragmas, migrations by `user_version`, and the guard against files that
 * are not Cajal projects or were written by a newer Cajal.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { FormatError } from '../errors.js';
import { nonRegularKind } from '../io/source-file.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
import { asStorageError } from './storage-failure.js';

export type Db = Database.Database;

/** Application id stamped into the SQLite header so other SQLite files are recognised as foreign. */
export const CAJAL_APPLICATION_ID = 0x43414a4c; // "CAJL"

export interface OpenOptions {
  /** Create the file if missing (the default); false opens existing projects only. */
  create?: boolean;
  readonly?: boolean;
  migrations?: readonly Migration[];
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  refuseSpecialFile(path);
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: options.create === false, readonly: options.readonly ?? false });
  } catch (error) {
    throw new FormatError(path, `cannot open as a project file (${(error as Error).message})`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // WAL + NORMAL is durable across application crashes; only an OS crash may lose the last commit.
    db.pragma('synchronous = NORMAL');
    checkApplicationId(db, path);
    if (!options.readonly) migrate(db, path, migrations);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof FormatError) throw error;
    // A migration or the switch to WAL on a full disk: name the file, not SQLITE_FULL.
    const storage = asStorageError(error, path);
    if (storage) throw storage;
    const message = (error as Error).message;
    if (/file is not a database|file is encrypted/i.test(message)) {
      throw new FormatError(path, 'not a Cajal project file (not an SQLite database)');
    }
    throw error;
  }
}

function checkApplicationId(db: Db, path: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const tableCount = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
  if (applicationId === 0 && userVersion === 0 && tableCount === 0) return; // a new, empty file
  if (applicationId !== CAJAL_APPLICATION_ID) {
    throw new FormatError(path, 'not a Cajal project file (an SQLite database of another application)');
  }
}

/**
 * Whether a file is a Cajal project, from its SQLite header alone (the magic string and the
 * application id at byte 68), without opening it as a database: opening an empty file would make
 * it one. False for anything unreadable.
 */
export function isCajalProject(path: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, 100, 0) < 100) return false;
    return header.toString('latin1', 0, 16) === 'SQLite format 3\0' && header.readUInt32BE(68) === CAJAL_APPLICATION_ID;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, path: string, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  if (current > latest) {
    throw new FormatError(path, `project schema version ${current} is newer than this Cajal supports (${latest}); update Cajal`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`application_id = ${CAJAL_APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

export { SCHEMA_VERSION };

/**
 * A project path that exists must be a regular file: SQLite's open() of a FIFO blocks until a writer
 * appears, and a device or folder is never a project. A missing path is left to SQLite (created or
 * refused by `fileMustExist`).
 */
function refuseSpecialFile(path: string): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  const kind = stats ? nonRegularKind(stats) : null;
  if (kind) throw new FormatError(path, `is ${kind}, not a Cajal project file`);
}
