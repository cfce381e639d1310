/**
 * The Bonn epilepsy EEG collection (Andrzejak et al. 2001, Phys. Rev. E 64:061907): five sets of
 * single-channel segments, 4097 samples = 23.6 s at 173.61 Hz each, one integer per line.
 *
 *   set  files         label        what
 *   A    Z001.txt …    healthy      scalp, healthy volunteers, eyes open
 *   B    O001.txt …    healthy      scalp, healthy volunteers, eyes closed
 *   C    N001.TXT …    interictal   intracranial, hippocampal formation opposite the epileptogenic zone
 *   D    F001.txt …    interictal   intracranial, within the epileptogenic zone
 *   E    S001.txt …    ictal        intracranial, during seizures
 *
 * A set's folder is named `A_Z` … `E_S` (as the collection is commonly re-packaged) or by its file
 * letter alone, `Z` … `S` (as the original zip files unpack); any case. A folder may hold only some
 * of the sets. Files not named like the set's (`<letter><digits>.txt`, any case) are skipped and
 * counted in the notes; a set folder with none is refused.
 */
import { basename, resolve } from 'node:path';
import { FormatError } from '../../errors.js';
import { assertReadableSource } from '../source-file.js';
import { readAsciiColumn } from './ascii.js';
import { byNumberInName, listFolder } from './folder.js';
import { ICTAL_LABEL, type LabelledSegment, type SegmentCollection } from './types.js';

export const BONN_RATE_HZ = 173.61;
export const BONN_SAMPLES = 4097;

export interface BonnSet {
  set: 'A' | 'B' | 'C' | 'D' | 'E';
  /** The letter its files start with. */
  fileLetter: 'Z' | 'O' | 'N' | 'F' | 'S';
  label: string;
}

export const BONN_SETS: readonly BonnSet[] = [
  { set: 'A', fileLetter: 'Z', label: 'healthy' },
  { set: 'B', fileLetter: 'O', label: 'healthy' },
  { set: 'C', fileLetter: 'N', label: 'interictal' },
  { set: 'D', fileLetter: 'F', label: 'interictal' },
  { set: 'E', fileLetter: 'S', label: ICTAL_LABEL },
];

/** The set a folder name stands for ("A_Z", "e_s", "Z"), or null. */
export function bonnSetOfFolder(name: string): BonnSet | null {
  const upper = name.toUpperCase();
  return BONN_SETS.find((s) => upper === `${s.set}_${s.fileLetter}` || upper === s.fileLetter) ?? null;
}

/** The set folders directly inside `folder`, in set order (A first). */
export function bonnSetFolders(folder: string): { set: BonnSet; path: string }[] {
  return listFolder(folder)
    .filter((entry) => entry.kind === 'folder')
    .map((entry) => ({ set: bonnSetOfFolder(entry.name), path: entry.path }))
    .filter((found): found is { set: BonnSet; path: string } => found.set !== null)
    .sort((a, b) => a.set.set.localeCompare(b.set.set));
}

export function readBonn(folder: string): SegmentCollection {
  const source = resolve(folder);
  assertReadableSource(source, { allowDirectory: true });
  const sets = bonnSetFolders(source);
  if (sets.length === 0) {
    throw new FormatError(source, 'no Bonn set folder inside: expected A_Z, B_O, C_N, D_F, E_S (or Z, O, N, F, S) holding Z001.txt-style files');
  }
  const seen = new Map<string, string>();
  for (const { set, path } of sets) {
    const earlier = seen.get(set.set);
    if (earlier) throw new FormatError(source, `set ${set.set} appears twice: ${earlier} and ${basename(path)}`);
    seen.set(set.set, basename(path));
  }

  const segments: LabelledSegment[] = [];
  let skipped = 0;
  let clipped = 0;
  for (const { set, path } of sets) {
    const pattern = new RegExp(`^${set.fileLetter}(\\d+)\\.txt$`, 'i');
    const entries = listFolder(path);
    const segmentFiles = entries.filter((entry) => entry.kind === 'file' && pattern.test(entry.name)).sort((a, b) => byNumberInName(a.name, b.name));
    skipped += entries.length - segmentFiles.length;
    if (segmentFiles.length === 0) throw new FormatError(path, `set ${set.set} holds no ${set.fileLetter}001.txt-style segment file`);
    for (const { name, path: file } of segmentFiles) {
      const samples = readAsciiColumn(file, { integers: true, expectedSamples: BONN_SAMPLES });
      if (reachesConverterLimit(samples)) clipped++;
      segments.push({ id: `${set.set}/${name.replace(/\.txt$/i, '')}`, file, label: set.label, group: set.set, rateHz: BONN_RATE_HZ, samples });
    }
  }

  const notes = [
    'Bonn (Andrzejak et al. 2001): samples are the 12-bit A/D values as distributed; the files and the collection state no unit, ' +
      'and they are taken as µV (1 unit = 1 µV), as the literature using this collection does.',
    `Rate ${BONN_RATE_HZ} Hz and ${BONN_SAMPLES} samples (23.6 s) per segment, as Andrzejak et al. 2001 give them; the files carry no rate.`,
    'Labels: A/B healthy (scalp), C/D interictal (intracranial), E ictal (intracranial); group = the set letter.',
  ];
  if (clipped > 0) notes.push(`${clipped} segment${clipped === 1 ? '' : 's'} reach the 12-bit limit (-2048 or 2047): clipped by the converter.`);
  if (skipped > 0) notes.push(`${skipped} file${skipped === 1 ? '' : 's'} in the set folders not named like a segment (e.g. Z001.txt) were skipped.`);
  return { format: 'bonn', source, labels: [...new Set(segments.map((s) => s.label))].sort(), segments, notes };
}

function reachesConverterLimit(samples: Float32Array): boolean {
  for (const v of samples) if (v >= 2047 || v <= -2048) return true;
  return false;
}
