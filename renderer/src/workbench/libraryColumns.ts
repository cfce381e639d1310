/**
 * What the Library shows about each kind of recording: one table per kind, with the columns that
 * describe it. A morphology has no sample rate or duration (it used to read "0" and "0:00:00"); a
 * calcium recording counts cells and frames and gives its frame rate to 3 decimals.
 */
import { recordingKind, type Recording, type RecordingKind } from '../../../shared/api/index.js';
import { formatBytes, formatCount, formatDuration, formatLengthUm, formatRateHz } from '../../../shared/units.js';

export interface LibraryColumn {
  header: string;
  /** Numbers align right. */
  numeric: boolean;
  cell(recording: Recording): string;
}

export interface LibrarySection {
  kind: RecordingKind;
  title: string;
  columns: readonly LibraryColumn[];
}

/** Shown where the file does not say (a calcium CSV without a frame rate; a morphology imported before lengths were stored). */
export const UNKNOWN = '—';

const number = (header: string, cell: (recording: Recording) => string): LibraryColumn => ({ header, numeric: true, cell });
const format: LibraryColumn = { header: 'Format', numeric: false, cell: (r) => r.format.toUpperCase() };
const size = number('Size', (r) => formatBytes(r.sizeBytes));

/** A calcium recording's duration needs its frame rate: unknown without one. */
function calciumDuration(recording: Recording): string {
  return recording.metadata.sampleRateHz > 0 ? formatDuration(recording.metadata.durationS) : UNKNOWN;
}

export const LIBRARY_SECTIONS: readonly LibrarySection[] = [
  {
    kind: 'eeg',
    title: 'EEG',
    columns: [
      format,
      number('Channels', (r) => String(r.metadata.channelCount)),
      number('Rate', (r) => formatRateHz(r.metadata.sampleRateHz)),
      number('Duration', (r) => formatDuration(r.metadata.durationS)),
      size,
    ],
  },
  {
    kind: 'calcium',
    title: 'Calcium imaging',
    columns: [
      format,
      number('Cells', (r) => r.metadata.channelCount.toLocaleString('en-US')),
      number('Frames', (r) => (r.metadata.calcium ? r.metadata.calcium.frameCount.toLocaleString('en-US') : UNKNOWN)),
      number('Frame rate', (r) => (r.metadata.sampleRateHz > 0 ? formatRateHz(r.metadata.sampleRateHz) : UNKNOWN)),
      number('Duration', calciumDuration),
      size,
    ],
  },
  {
    kind: 'morphology',
    title: 'Morphologies',
    columns: [
      format,
      number('Nodes', (r) => (r.metadata.morphology?.nodeCount ?? r.metadata.channelCount).toLocaleString('en-US')),
      number('Trees', (r) => (r.metadata.morphology ? String(r.metadata.morphology.treeCount) : UNKNOWN)),
      number('Length', (r) => (r.metadata.morphology?.lengthUm !== undefined ? formatLengthUm(r.metadata.morphology.lengthUm) : UNKNOWN)),
      size,
    ],
  },
];

/** The project's recordings by kind, in the order of LIBRARY_SECTIONS, leaving out empty kinds. */
export function recordingsBySection(recordings: readonly Recording[]): { section: LibrarySection; recordings: Recording[] }[] {
  return LIBRARY_SECTIONS.map((section) => ({ section, recordings: recordings.filter((r) => recordingKind(r) === section.kind) })).filter(
    (group) => group.recordings.length > 0,
  );
}

/** What the import reported, as the sentences the Library shows (warnings and errors apart). */
export function importSummary(outcome: { imported: readonly Recording[]; restored: readonly Recording[]; duplicates: readonly { message: string }[] }): string[] {
  const name = (r: Recording) => r.sourcePath.split(/[\\/]/).pop() ?? r.sourcePath;
  const lines: string[] = [];
  if (outcome.imported.length) lines.push(`Imported ${formatCount(outcome.imported.length, 'recording')}: ${outcome.imported.map(name).join(', ')}.`);
  for (const recording of outcome.restored) lines.push(`${name(recording)} was removed earlier; it is back, with its annotations and runs.`);
  for (const duplicate of outcome.duplicates) lines.push(`${duplicate.message}.`);
  return lines;
}

/** What removing a recording did, and what stayed behind (nothing to mention when it had neither). */
export function removalSummary(name: string, annotationCount: number, runCount: number): string {
  const done = `Removed ${name} from the project; the file on disk is untouched.`;
  const kept = [annotationCount ? formatCount(annotationCount, 'annotation') : '', runCount ? formatCount(runCount, 'run') : ''].filter(Boolean);
  if (!kept.length) return done;
  const verb = annotationCount + runCount === 1 ? 'stays' : 'stay';
  return `${done} Its ${kept.join(' and ')} ${verb} in the project and come${verb === 'stays' ? 's' : ''} back if you import it again.`;
}
