/**
 * Zarr stores on the local disk: a directory, or a zip of one (`*.zarr.zip`). Both read one key at a
 * time (a metadata document or a chunk) and can list their keys, which zarrita cannot do and which
 * we need to name the arrays a store holds when the requested one is missing.
 *
 * Own small stores rather than @zarrita/storage's: its FileSystemStore resolves keys without keeping
 * them inside the root and cannot list; its ZipFileStore is marked experimental, keeps the entry
 * table private and wants a Blob or URL, while we read the zip through positioned reads of a file
 * handle so a large zipped store is never loaded whole. unzipit (what @zarrita/storage uses) parses
 * the zip directory and inflates entries.
 */
import { readdir, readFile, open, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { unzip, type Reader, type ZipEntry } from 'unzipit';
import type { AbsolutePath, AsyncReadable } from 'zarrita';
import { FormatError, fileAccessError } from '../../errors.js';
import { nonRegularKind } from '../source-file.js';

/** Metadata documents that mark a zarr node. */
export const METADATA_KEYS = ['.zarray', '.zgroup', 'zarr.json'] as const;

export interface ZarrStore extends AsyncReadable {
  /** The store as the user named it (directory or zip file). */
  readonly file: string;
  readonly kind: 'directory' | 'zip';
  /** A key's bytes, or undefined when the store has no such key (a missing chunk, say). */
  get(key: AbsolutePath): Promise<Uint8Array | undefined>;
  /** Keys of the metadata documents (`.zarray`, `.zgroup`, `zarr.json`) anywhere in the store, without a leading slash. */
  metadataKeys(): Promise<string[]>;
  /** Whether any key lies under `prefix/` (a folder that exists but is not a zarr node, say). */
  hasPrefix(prefix: string): Promise<boolean>;
  close(): Promise<void>;
}

/** "a folder", "a FIFO"…: what sits at a store key instead of a file. */
async function kindOf(path: string): Promise<string> {
  try {
    const kind = nonRegularKind(await stat(path));
    if (kind) return kind;
  } catch {
    // gone since: fall through
  }
  return 'something else';
}

const isMetadataKey = (key: string): boolean => METADATA_KEYS.some((name) => key === name || key.endsWith(`/${name}`));

/** A directory store. Keys are relative paths; `..` is refused so a key never leaves the root. */
export class DirectoryStore implements ZarrStore {
  readonly kind = 'directory';
  readonly root: string;

  constructor(readonly file: string) {
    this.root = resolve(file);
  }

  private pathOf(key: string): string | undefined {
    const relative = key.replace(/^\/+/, '');
    const path = resolve(this.root, relative);
    return path === this.root || path.startsWith(this.root + sep) ? path : undefined;
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key);
    if (!path) return undefined;
    const relative = key.replace(/^\/+/, '');
    let isFile: boolean;
    try {
      isFile = (await stat(path)).isFile();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A missing chunk is a chunk of fill values, not an error (ENOTDIR: a part of the key is a file).
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw fileAccessError(path, error);
    }
    // Something that exists at a key but is not a file (a folder where a chunk should be, a FIFO
    // that would block the read) is damage to name, not a chunk of fill values.
    if (!isFile) throw new FormatError(this.file, `"${relative}" is ${await kindOf(path)}, not a file; a chunk or metadata key must be a regular file`, relative);
    try {
      return await readFile(path);
    } catch (error) {
      throw fileAccessError(path, error);
    }
  }

  async metadataKeys(): Promise<string[]> {
    const found: string[] = [];
    // Walk folders, but not into arrays: their folders hold chunks (possibly very many).
    const walk = async (relative: string): Promise<void> => {
      const entries = await readdir(join(this.root, relative), { withFileTypes: true }).catch(() => []);
      const names = new Set(entries.map((entry) => entry.name));
      for (const name of METADATA_KEYS) if (names.has(name)) found.push(relative ? `${relative}/${name}` : name);
      if (names.has('.zarray')) return;
      if (names.has('zarr.json') && (await this.nodeType(relative)) === 'array') return;
      for (const entry of entries) {
        if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(relative ? `${relative}/${entry.name}` : entry.name);
      }
    };
    await walk('');
    return found.sort();
  }

  private async nodeType(relative: string): Promise<unknown> {
    const bytes = await this.get(`/${relative ? `${relative}/` : ''}zarr.json`);
    try {
      return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as { node_type?: unknown }).node_type : undefined;
    } catch {
      return undefined;
    }
  }

  async hasPrefix(prefix: string): Promise<boolean> {
    const path = this.pathOf(prefix);
    if (!path) return false;
    const entries = await readdir(path).catch(() => null);
    return entries !== null && entries.length > 0;
  }

  async close(): Promise<void> {}
}

/** unzipit reads the zip through this: positioned reads of an open file handle. */
class FileHandleReader implements Reader {
  constructor(
    private readonly file: string,
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}

  async getLength(): Promise<number> {
    return this.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(bytes, done, length - done, offset + done);
      if (bytesRead === 0) throw new FormatError(this.file, `zip ends at byte ${offset + done}, inside an entry`, undefined, offset + done);
      done += bytesRead;
    }
    return bytes;
  }
}

/**
 * A zipped store. Zips made by zipping a `x.zarr` folder put every key under `x.zarr/`: the store
 * root is the folder of the shallowest metadata document, so both layouts open the same way.
 */
export class ZipStore implements ZarrStore {
  readonly kind = 'zip';

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly entries: ReadonlyMap<string, ZipEntry>,
    /** Folder inside the zip that is the store root ('' or ending in '/'). */
    readonly prefix: string,
    /** Every folder in the store (relative to the root, no trailing '/'), listed or implied by an entry's path. */
    private readonly folders: ReadonlySet<string>,
  ) {}

  static async open(file: string): Promise<ZipStore> {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw fileAccessError(file, error);
    }
    try {
      const { size } = await handle.stat();
      let entries: Record<string, ZipEntry>;
      try {
        ({ entries } = await unzip(new FileHandleReader(file, handle, size)));
      } catch (error) {
        if (error instanceof FormatError) throw error;
        throw new FormatError(file, `not a readable zip file (${error instanceof Error ? error.message : String(error)})`);
      }
      const names = Object.keys(entries).filter((name) => !entries[name]!.isDirectory);
      const metadata = names.filter(isMetadataKey).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
      if (metadata.length === 0) {
        throw new FormatError(file, 'zip holds no zarr store (no .zgroup, .zarray or zarr.json in it)');
      }
      const first = metadata[0]!;
      const prefix = first.slice(0, first.lastIndexOf('/') + 1);
      const map = new Map<string, ZipEntry>();
      for (const name of names) if (name.startsWith(prefix)) map.set(name.slice(prefix.length), entries[name]!);
      const folders = new Set<string>();
      for (const name of Object.keys(entries)) {
        if (!name.startsWith(prefix)) continue;
        const parts = name.slice(prefix.length).replace(/\/+$/, '').split('/');
        // Directory entries are folders themselves; a file's entry implies its parent folders.
        const depth = entries[name]!.isDirectory ? parts.length : parts.length - 1;
        for (let i = 1; i <= depth; i++) folders.add(parts.slice(0, i).join('/'));
      }
      return new ZipStore(file, handle, map, prefix, folders);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const relative = key.replace(/^\/+/, '');
    const entry = this.entries.get(relative);
    if (!entry) {
      // A folder at a chunk key is damage to name, not a chunk of fill values (as in DirectoryStore).
      if (this.folders.has(relative)) {
        throw new FormatError(this.file, `"${this.prefix}${relative}" is a folder in the zip, not a file; a chunk or metadata key must be a file`, relative);
      }
      return undefined;
    }
    try {
      return new Uint8Array(await entry.arrayBuffer());
    } catch (error) {
      if (error instanceof FormatError) throw error;
      throw new FormatError(
        this.file,
        `zip entry "${this.prefix}${key.replace(/^\/+/, '')}" cannot be extracted (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }

  async metadataKeys(): Promise<string[]> {
    return [...this.entries.keys()].filter(isMetadataKey).sort();
  }

  async hasPrefix(prefix: string): Promise<boolean> {
    const folder = prefix.replace(/^\/+|\/+$/g, '');
    if (!folder) return this.entries.size > 0;
    for (const key of this.entries.keys()) if (key.startsWith(`${folder}/`)) return true;
    return false;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
