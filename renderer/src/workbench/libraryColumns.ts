/**
 * What the Library shows about each kind of recording: one table per kind, with the columns that
 * describe it. A morphology has no sample rate or duration (it used to read "0" and "0:00:00"); a
 * calcium recording counts cells and frames and gives its frame rate to 3 decimals. The brain kinds
 * (issue #18) read `metadata.brain`: an image's grid, voxel size, TR and volumes; an ROI series'
 * regions × timepoints; a cohort's subjects and diagnoses; a network's nodes and edges.
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

/** The brain metadata of a recording of a brain kind (always there for those; absent only in a damaged project). */
const brainOf = (r: Recording) => r.metadata.brain;
const count = (value: number | undefined) => (value === undefined ? UNKNOWN : value.toLocaleString('en-US'));

/** "91 × 109 × 91" of the spatial dims, or the vertex count of a surface. */
function gridCell(r: Recording): string {
  const brain = brainOf(r);
  if (!brain) return UNKNOWN;
  if (brain.dims && brain.dims.length >= 3) return brain.dims.slice(0, 3).join(' × ');
  if (brain.vertexCount !== undefined) return `${brain.vertexCount.toLocaleString('en-US')} vertices`;
  return UNKNOWN;
}

/** "2 × 2 × 2 mm" ("2 mm" when isotropic), to 2 decimals. */
function voxelCell(r: Recording): string {
  const size = brainOf(r)?.voxelSizeMm;
  if (!size || size.length < 3) return UNKNOWN;
  const mm = size.slice(0, 3).map((v) => String(Number(v.toFixed(2))));
  return mm.every((v) => v === mm[0]) ? `${mm[0]} mm` : `${mm.join(' × ')} mm`;
}

function trCell(r: Recording): string {
  const tr = brainOf(r)?.trS;
  return tr === null || tr === undefined || !(tr > 0) ? UNKNOWN : `${Number(tr.toFixed(3))} s`;
}

/** What a brain map is, in words (a label atlas says how many regions). */
function brainMapType(r: Recording): string {
  const brain = brainOf(r);
  if (!brain) return UNKNOWN;
  const names: Record<string, string> = { volume: 'volume', atlas: 'label atlas', surface: 'surface', 'surface-values': 'surface values', 'surface-labels': 'surface labels' };
  const name = names[brain.type] ?? brain.type;
  return brain.hemisphere ? `${name} (${brain.hemisphere})` : name;
}

/** Subjects per value of a cohort label, largest first: "ASD 50 · control 50". */
function labelCounts(r: Recording, key: string): string {
  const subjects = brainOf(r)?.cohort?.subjects;
  if (!subjects) return UNKNOWN;
  const counts = new Map<string, number>();
  for (const subject of subjects) {
    const value = subject.labels[key];
    if (value === null || value === undefined || value === '') continue;
    counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  }
  if (counts.size === 0) return UNKNOWN;
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, n]) => `${label} ${n}`)
    .join(' · ');
}

function cohortTimepoints(r: Recording): string {
  const cohort = brainOf(r)?.cohort;
  if (!cohort) return count(brainOf(r)?.timepoints);
  return cohort.timepointsMin === cohort.timepointsMax ? String(cohort.timepointsMin) : `${cohort.timepointsMin}–${cohort.timepointsMax}`;
}

/** A node file's node count; an edge file's n × n weights. */
function graphEdges(r: Recording): string {
  const brain = brainOf(r);
  if (!brain) return UNKNOWN;
  const n = brain.nodeCount ?? brain.regionCount;
  if (brain.type === 'edges' && n !== undefined) return `${n} × ${n} weights`;
  return 'none';
}

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
  {
    kind: 'fmri',
    title: 'fMRI runs',
    columns: [format, number('Dimensions', gridCell), number('Voxel', voxelCell), number('TR', trCell), number('Volumes', (r) => count(brainOf(r)?.volumeCount)), size],
  },
  {
    kind: 'brain-map',
    title: 'Brain maps',
    columns: [
      format,
      { header: 'Type', numeric: false, cell: brainMapType },
      number('Dimensions', gridCell),
      number('Voxel', voxelCell),
      number('Regions', (r) => count(brainOf(r)?.regionCount)),
      size,
    ],
  },
  {
    kind: 'roi-series',
    title: 'ROI time series',
    columns: [format, number('Regions', (r) => count(brainOf(r)?.regionCount)), number('Timepoints', (r) => count(brainOf(r)?.timepoints)), number('TR', trCell), size],
  },
  {
    kind: 'cohort',
    title: 'Cohorts',
    columns: [
      format,
      number('Subjects', (r) => count(brainOf(r)?.cohort?.subjects.length)),
      { header: 'Diagnosis', numeric: false, cell: (r) => labelCounts(r, 'diagnosis') },
      number('Sites', (r) => count(brainOf(r)?.cohort ? new Set(brainOf(r)!.cohort!.subjects.map((s) => s.labels['site'] ?? null).filter((s) => s !== null)).size : undefined)),
      number('Regions', (r) => count(brainOf(r)?.regionCount)),
      number('Timepoints', cohortTimepoints),
    ],
  },
  {
    kind: 'brain-graph',
    title: 'Brain networks',
    columns: [format, number('Nodes', (r) => count(brainOf(r)?.nodeCount ?? brainOf(r)?.regionCount)), { header: 'Edges', numeric: false, cell: graphEdges }, size],
  },
  {
    kind: 'spikes',
    title: 'Spike trains',
    columns: [
      format,
      number('Units', (r) => count(r.metadata.spikes?.unitCount ?? r.metadata.channelCount)),
      number('Spikes', (r) => count(r.metadata.spikes?.spikeCount)),
      number('Duration', (r) => formatDuration(r.metadata.durationS)),
      { header: 'Events', numeric: false, cell: (r) => r.metadata.spikes?.eventSets.map((set) => `${set.name} (${set.count})`).join(', ') || UNKNOWN },
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
