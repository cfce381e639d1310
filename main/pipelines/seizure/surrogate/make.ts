/**
 * Making surrogate files from segment folders into a folder the user chose
 * (`scripts/make-seizure-surrogates.ts`): one `<name>_surrogate_<seed>.edf` (+ events TSV and
 * layout JSON) per collection. The output folder may never be, or lie inside, the data the
 * surrogates are made from (the segment folders, and the shared data folder as a whole).
 */
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ValidationError } from '../../../errors.js';
import { readSegmentFolder } from '../../../io/segments/index.js';
import type { ProtectedPath } from '../../../io/write-target.js';
import { buildSurrogate } from './build.js';
import { writeSurrogateFiles, type SurrogateFiles } from './edf.js';
import type { SurrogateOptions, SurrogateRecording } from './types.js';

export interface SurrogateSource {
  /** Short name used in file names: 'bonn', 'delhi'. */
  name: string;
  folder: string;
}

/** The two real collections, where ../shared/data keeps them. */
export function defaultSurrogateSources(dataRoot: string): SurrogateSource[] {
  return [
    { name: 'bonn', folder: resolve(dataRoot, 'eeg', 'bonn_andrzejak2001') },
    { name: 'delhi', folder: resolve(dataRoot, 'eeg', 'delhi_swami2016') },
  ];
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realish(path: string): string {
  let head = resolve(path);
  const tail: string[] = [];
  while (!existsSync(head)) {
    const parent = dirname(head);
    if (parent === head) break;
    tail.unshift(head.slice(parent.length).replace(/^[\\/]/, ''));
    head = parent;
  }
  return resolve(realpathSync(head), ...tail);
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}

/**
 * Checks the output folder against the forbidden ones (by real path, so a symlink into the data
 * does not get around it), then creates it if needed. Returns its absolute path.
 */
export function prepareOutputFolder(out: string, forbidden: readonly string[]): string {
  if (out.trim() === '') throw new ValidationError('--out', 'empty path; give the folder to write the surrogates to');
  const target = resolve(out);
  const real = realish(target);
  for (const folder of forbidden) {
    if (!existsSync(folder)) continue;
    const guarded = realpathSync(folder);
    if (isInside(real, guarded)) throw new ValidationError('--out', `${target} is inside ${folder}, the data the surrogates are made from; choose a folder outside it`);
  }
  if (existsSync(target) && !statSync(target).isDirectory()) throw new ValidationError('--out', `${target} is a file; give a folder`);
  mkdirSync(target, { recursive: true });
  return target;
}

export interface MadeSurrogate {
  name: string;
  files: SurrogateFiles;
  recording: SurrogateRecording;
}

export interface MakeSurrogatesOptions {
  sources: readonly SurrogateSource[];
  out: string;
  hours: number;
  seed: number;
  overwrite?: boolean;
  /** Folders never written into besides the sources (e.g. ../shared/data). */
  forbidden?: readonly string[];
  /** Further builder options (seizure lengths, gaps, fade). */
  build?: Omit<SurrogateOptions, 'durationS' | 'seed'>;
}

export function makeSurrogates(options: MakeSurrogatesOptions): MadeSurrogate[] {
  if (!(options.hours > 0) || !Number.isFinite(options.hours)) throw new ValidationError('--hours', `must be a positive number of hours, not ${options.hours}`);
  if (!Number.isInteger(options.seed) || options.seed < 0) throw new ValidationError('--seed', `must be a whole number ≥ 0, not ${options.seed}`);
  const sourceFolders = options.sources.map((s) => s.folder);
  const folder = prepareOutputFolder(options.out, [...(options.forbidden ?? []), ...sourceFolders]);
  const protectedPaths: ProtectedPath[] = [...(options.forbidden ?? []), ...sourceFolders].map((path) => ({ path, kind: 'source' }));
  return options.sources.map((source) => {
    const collection = readSegmentFolder(source.folder);
    const recording = buildSurrogate(collection, { ...options.build, durationS: options.hours * 3600, seed: options.seed });
    const name = `${source.name}_surrogate_${options.seed}`;
    const files = writeSurrogateFiles(folder, name, recording, { overwrite: options.overwrite ?? false, protectedPaths, field: '--out', name });
    return { name, files, recording };
  });
}
