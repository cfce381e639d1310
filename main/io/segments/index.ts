/**
 * Labelled segments from a folder: `readSegmentFolder(folder, format?)` reads it with the named
 * reader, or tells the layout by its contents:
 *   labels.csv in the folder          → labels-csv (a lab's own segments, see ./labels-csv.ts)
 *   set folders A_Z … E_S / Z … S      → bonn (Andrzejak et al. 2001, ./bonn.ts)
 *   class folders ictal, interictal,   → delhi (Swami et al. 2016, ./delhi.ts)
 *   preictal
 * labels.csv wins: a lab that labels a re-packaged collection its own way says so with it.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { FileAccessError, FormatError, ValidationError } from '../../errors.js';
import { assertReadableSource } from '../source-file.js';
import { bonnSetFolders, readBonn } from './bonn.js';
import { delhiClassFolders, readDelhi } from './delhi.js';
import { LABELS_CSV, readLabelsCsv } from './labels-csv.js';
import type { SegmentCollection, SegmentFormat } from './types.js';

export { readBonn, BONN_RATE_HZ, BONN_SAMPLES, BONN_SETS } from './bonn.js';
export { readDelhi, DELHI_RATE_HZ, DELHI_SAMPLES, DELHI_CLASSES } from './delhi.js';
export { readLabelsCsv, LABELS_CSV } from './labels-csv.js';
export { ICTAL_LABEL, type LabelledSegment, type SegmentCollection, type SegmentFormat } from './types.js';

export const SEGMENT_FORMATS: readonly SegmentFormat[] = ['bonn', 'delhi', 'labels-csv'];

const READERS: Readonly<Record<SegmentFormat, (folder: string) => SegmentCollection>> = {
  bonn: readBonn,
  delhi: readDelhi,
  'labels-csv': readLabelsCsv,
};

export const ACCEPTED_LAYOUTS =
  `${LABELS_CSV} naming each segment file with its label (labels-csv); ` +
  'Bonn set folders A_Z, B_O, C_N, D_F, E_S (or Z, O, N, F, S) of Z001.txt-style files (bonn); ' +
  'New Delhi class folders ictal, interictal, preictal of .mat files (delhi)';

/** The layout of a folder, or null when it is none of the accepted ones. */
export function detectSegmentFormat(folder: string): SegmentFormat | null {
  if (existsSync(resolve(folder, LABELS_CSV))) return 'labels-csv';
  if (bonnSetFolders(folder).length > 0) return 'bonn';
  if (delhiClassFolders(folder).length > 0) return 'delhi';
  return null;
}

export function isSegmentFormat(value: string): value is SegmentFormat {
  return (SEGMENT_FORMATS as readonly string[]).includes(value);
}

export function readSegmentFolder(folder: string, format?: SegmentFormat): SegmentCollection {
  const source = resolve(folder);
  if (assertReadableSource(source, { allowDirectory: true }) !== 'folder') {
    throw new FileAccessError(source, 'is a file; a labelled-segments dataset is a folder');
  }
  if (format !== undefined && !isSegmentFormat(format)) {
    throw new ValidationError('format', `unknown segment format "${String(format)}" (expected ${SEGMENT_FORMATS.join(', ')})`);
  }
  const chosen = format ?? detectSegmentFormat(source);
  if (!chosen) throw new FormatError(source, `not a labelled-segments folder; accepted layouts: ${ACCEPTED_LAYOUTS}`);
  return READERS[chosen](source);
}
