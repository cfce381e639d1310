/**
 * Listing a segment folder: each entry as a file or a folder, symbolic links followed (a lab's
 * collection is often a folder of links into an archive). Hidden entries (".DS_Store") are left out.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, fileAccessError } from '../../errors.js';

export interface FolderEntry {
  name: string;
  path: string;
  kind: 'file' | 'folder' | 'other';
}

export function listFolder(folder: string): FolderEntry[] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fileAccessError(folder, error);
  }
  return entries
    .filter((entry) => !entry.name.startsWith('.'))
    .map((entry) => {
      const path = join(folder, entry.name);
      let kind: FolderEntry['kind'] = entry.isFile() ? 'file' : entry.isDirectory() ? 'folder' : 'other';
      if (entry.isSymbolicLink()) {
        const target = statSync(path, { throwIfNoEntry: false });
        kind = target?.isFile() ? 'file' : target?.isDirectory() ? 'folder' : 'other';
      }
      return { name: entry.name, path, kind };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Sorts names by their first run of digits, then by name: ictal2 before ictal10. */
export function byNumberInName(a: string, b: string): number {
  const na = /\d+/.exec(a);
  const nb = /\d+/.exec(b);
  if (na && nb && Number(na[0]) !== Number(nb[0])) return Number(na[0]) - Number(nb[0]);
  return a.localeCompare(b);
}
