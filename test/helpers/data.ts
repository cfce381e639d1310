/**
 * Real test data lives in ../shared/data beside the repository (never copied into it). Tests that
 * need it call `sharedData()` and skip with a clear message when the folder is absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DATA = resolve(REPO_ROOT, '..', 'shared', 'data');

export function hasSharedData(): boolean {
  return existsSync(SHARED_DATA);
}

export const SKIP_NO_DATA = `real test data not found at ${SHARED_DATA} (clone the repo beside ../shared to run these tests)`;

/** Absolute path of a file under ../shared/data. */
export function dataFile(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}
