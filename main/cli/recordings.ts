/**
 * `cajal import`, `cajal ls` and `cajal rm`: the project's recordings, described as each kind is
 * (channels and rate for EEG; cells, frames and frame rate for calcium; nodes, trees and length for
 * a morphology), as the Library shows them.
 */
import { recordingKind, type Recording } from '../../shared/api/index.js';
import { formatCount, formatLengthUm, formatRateHz } from '../../shared/units.js';
import { ValidationError } from '../errors.js';
import { formatBytes, formatDuration, table } from '../console/format.js';
import { report, type Output } from '../console/output.js';
import { withEngine } from './commands.js';

/** What a recording holds, in a few words fitting its kind. */
export function describeContents(recording: Recording): string {
  const m = recording.metadata;
  switch (recordingKind(recording)) {
    case 'morphology': {
      const nodes = m.morphology?.nodeCount ?? m.channelCount;
      const parts = [formatCount(nodes, 'node')];
      if (m.morphology) parts.push(formatCount(m.morphology.treeCount, 'tree'));
      if (m.morphology?.lengthUm !== undefined) parts.push(formatLengthUm(m.morphology.lengthUm));
      return parts.join(', ');
    }
    case 'calcium': {
      const cells = m.calcium ? `${formatCount(m.channelCount, 'cell')} (${m.calcium.labelledCells} named)` : formatCount(m.channelCount, 'cell');
      const frames = m.calcium ? `, ${formatCount(m.calcium.frameCount, 'frame')}` : '';
      return `${cells}${frames}${m.sampleRateHz > 0 ? ` at ${formatRateHz(m.sampleRateHz)}, ${formatDuration(m.durationS)}` : ', frame rate unknown'}`;
    }
    case 'eeg':
      return `${formatCount(m.channelCount, 'channel')}, ${formatRateHz(m.sampleRateHz)}, ${formatDuration(m.durationS)}`;
    case 'fmri':
    case 'brain-map':
    case 'roi-series':
    case 'cohort':
    case 'brain-graph':
      // The reader's one line ("91×109×91, 2 mm, int16, MNI (sform)"), as the Library shows it.
      return m.brain?.description ?? '';
    case 'spikes': {
      const units = m.spikes?.unitCount ?? m.channelCount;
      const spikes = m.spikes ? `, ${formatCount(m.spikes.spikeCount, 'spike')}` : '';
      return `${formatCount(units, 'unit')}${spikes}, ${formatDuration(m.durationS)}`;
    }
  }
}

export async function importFiles(projectPath: string, files: string[], io: Output): Promise<number> {
  if (files.length === 0) throw new ValidationError('files', 'name at least one file to import');
  return withEngine(projectPath, io, async (engine) => {
    // The CLI's user owns the machine: say why a file cannot be read (the API does not).
    const outcome = await engine.importRecordings(files, { detailedFileErrors: true });
    report(io, outcome, ({ imported, restored, duplicates }) => {
      for (const r of imported) io.out(`imported #${r.id} ${r.sourcePath} (${r.format.toUpperCase()}, ${describeContents(r)})`);
      for (const r of restored) io.out(`restored #${r.id} ${r.sourcePath} (removed earlier; its annotations and runs are back)`);
      for (const duplicate of duplicates) io.out(`not added: ${duplicate.message}`);
    });
    for (const warning of outcome.warnings) io.err(`cajal: warning: ${warning.message}`);
    for (const error of outcome.errors) io.err(`cajal: ${error.message}`);
    return outcome.errors.length ? 1 : 0;
  });
}

export async function listRecordings(projectPath: string, io: Output): Promise<number> {
  return withEngine(projectPath, io, (engine) => {
    report(io, { recordings: engine.store.recordings.list() }, ({ recordings }) => {
      if (!recordings.length) {
        io.out('no recordings (add some with `cajal import`)');
        return;
      }
      io.out(
        table(
          ['id', 'kind', 'format', 'contents', 'size', 'path'],
          recordings.map((r) => [r.id, recordingKind(r), r.format.toUpperCase(), describeContents(r), formatBytes(r.sizeBytes), r.sourcePath]),
        ),
      );
    });
    return 0;
  });
}

/** `cajal rm <project> <recording-id>`: the Library's *Remove*; the source file is never touched. */
export async function removeRecording(projectPath: string, recordingArg: string, io: Output): Promise<number> {
  const recordingId = Number(recordingArg);
  if (!Number.isInteger(recordingId) || recordingId <= 0) {
    throw new ValidationError('recording', `expected a recording id (see \`cajal ls\`), got "${recordingArg}"`);
  }
  return withEngine(projectPath, io, (engine) => {
    const removed = engine.removeRecording(recordingId);
    report(io, removed, ({ recording, annotationCount, runCount }) => {
      io.out(`removed #${recording.id} ${recording.sourcePath} from the project (the file is untouched)`);
      io.out(`kept: ${formatCount(annotationCount, 'annotation')}, ${formatCount(runCount, 'run')}; \`cajal import\` of the same file brings them back`);
    });
    return 0;
  });
}
