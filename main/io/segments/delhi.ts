/**
 * The New Delhi epilepsy EEG collection (Swami et al. 2016, Neurology & Sleep Centre, Hauz Khas):
 * three folders, `ictal`, `interictal` and `preictal`, of MATLAB v5 files, each one int16 variable
 * of 1024×1 samples: 5.12 s of scalp EEG at 200 Hz, band-passed 0.5–70 Hz (its "Datasets
 * Information.txt"). label = group = the folder name; a folder may hold only some of the three.
 *
 * Every file must hold exactly one real numeric vector of 1024 whole numbers in the int16 range.
 * (MATLAB's class of the variable is double; the file stores the values as int16, which is what
 * scipy.io.loadmat reports by default. Either way the values are the int16 A/D counts.) Anything
 * else is not this collection (a filtered or scaled copy) and is refused by name rather than read
 * with a guess; a lab's own .mat segments go through labels.csv (./labels-csv.ts), which takes any
 * numeric vector.
 */
import { resolve } from 'node:path';
import { FormatError } from '../../errors.js';
import { assertReadableSource } from '../source-file.js';
import { byNumberInName, listFolder } from './folder.js';
import { describeMatValue, matVectorOf, readMatVariables } from './mat-vector.js';
import { ICTAL_LABEL, type LabelledSegment, type SegmentCollection } from './types.js';

export const DELHI_RATE_HZ = 200;
export const DELHI_SAMPLES = 1024;
export const DELHI_CLASSES = [ICTAL_LABEL, 'interictal', 'preictal'] as const;

/** The class folders directly inside `folder` (any case), in the order of DELHI_CLASSES. */
export function delhiClassFolders(folder: string): { label: string; name: string; path: string }[] {
  const folders = listFolder(folder).filter((entry) => entry.kind === 'folder');
  return DELHI_CLASSES.flatMap((label) => folders.filter((f) => f.name.toLowerCase() === label).map((f) => ({ label, name: f.name, path: f.path })));
}

export function readDelhi(folder: string): SegmentCollection {
  const source = resolve(folder);
  assertReadableSource(source, { allowDirectory: true });
  const classes = delhiClassFolders(source);
  if (classes.length === 0) throw new FormatError(source, `no New Delhi class folder inside: expected ${DELHI_CLASSES.join(', ')} holding .mat files`);
  const twice = classes.find((c, i) => classes.findIndex((d) => d.label === c.label) !== i);
  if (twice) throw new FormatError(source, `class ${twice.label} appears twice (folder names differ only in case)`);

  const segments: LabelledSegment[] = [];
  let skipped = 0;
  for (const { label, name, path } of classes) {
    const entries = listFolder(path);
    const files = entries.filter((entry) => entry.kind === 'file' && /\.mat$/i.test(entry.name)).sort((a, b) => byNumberInName(a.name, b.name));
    skipped += entries.length - files.length;
    if (files.length === 0) throw new FormatError(path, `class folder ${name} holds no .mat file`);
    for (const file of files) {
      const variables = readMatVariables(file.path);
      if (variables.size !== 1) {
        const found = [...variables].map(([n, v]) => `${n} (${describeMatValue(v)})`).join(', ');
        throw new FormatError(file.path, `expected one variable (a New Delhi segment), found ${variables.size}${found ? `: ${found}` : ''}`);
      }
      const [variable, value] = [...variables][0]!;
      const { samples } = matVectorOf(variable, value, file.path);
      if (samples.length !== DELHI_SAMPLES) {
        throw new FormatError(file.path, `variable "${variable}" has ${samples.length} samples; New Delhi segments have ${DELHI_SAMPLES} (5.12 s at ${DELHI_RATE_HZ} Hz)`);
      }
      // The file's own float64 values (matVectorOf checked it is numeric), so a message shows them as stored.
      const values = (value as Extract<typeof value, { type: 'numeric' }>).data;
      const fraction = values.findIndex((v) => !Number.isInteger(v) || v < -32768 || v > 32767);
      if (fraction >= 0) {
        throw new FormatError(
          file.path,
          `variable "${variable}": sample ${fraction + 1} is ${values[fraction]}, but New Delhi samples are int16 whole numbers (a processed copy? import it with ${'labels.csv'})`,
        );
      }
      segments.push({ id: `${label}/${file.name.replace(/\.mat$/i, '')}`, file: file.path, label, group: label, rateHz: DELHI_RATE_HZ, samples });
    }
  }

  const notes = [
    'New Delhi (Swami et al. 2016): samples are the int16 values as distributed (MATLAB class double, stored as int16); "Datasets Information.txt" states no unit or scale, ' +
      'and they are taken as µV (1 unit = 1 µV): their spread (tens to a few hundred) is that of scalp EEG in µV.',
    `Rate ${DELHI_RATE_HZ} Hz and ${DELHI_SAMPLES} samples (5.12 s) per segment, from "Datasets Information.txt"; the files carry no rate.`,
    'Scalp EEG band-passed 0.5-70 Hz by the collection; label = group = the class folder (ictal, interictal, preictal).',
  ];
  if (skipped > 0) notes.push(`${skipped} entr${skipped === 1 ? 'y' : 'ies'} in the class folders that are not .mat files were skipped.`);
  return { format: 'delhi', source, labels: [...new Set(segments.map((s) => s.label))].sort(), segments, notes };
}
