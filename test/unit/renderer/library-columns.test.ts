/** Issue #17, point 7: the Library's columns fit each kind of recording. */
import { describe, expect, it } from 'vitest';
import type { Recording, RecordingMetadata } from '../../../shared/api/index.js';
import { formatLengthUm, formatRateHz } from '../../../shared/units.js';
import { importSummary, recordingsBySection, removalSummary, UNKNOWN } from '../../../renderer/src/workbench/libraryColumns.js';

const base: RecordingMetadata = {
  signals: [],
  channelCount: 0,
  sampleRateHz: 0,
  durationS: 0,
  startDateTime: '',
  patient: '',
  recordingInfo: '',
  dataRecordCount: 0,
  dataRecordDurationS: 0,
};

function recording(id: number, name: string, format: Recording['format'], metadata: Partial<RecordingMetadata>): Recording {
  return { id, sourcePath: `/data/${name}`, sizeBytes: 2_500_000, sha256: 'a'.repeat(64), format, metadata: { ...base, ...metadata }, importedAt: '' };
}

const eeg = recording(1, 'a.edf', 'edf', { channelCount: 21, sampleRateHz: 256, durationS: 3600 });
const calcium = recording(2, 'zf.csv', 'calcium-csv', {
  modality: 'calcium',
  channelCount: 1234,
  sampleRateHz: 1.6666142139017854,
  durationS: 3000 / 1.6666142139017854,
  calcium: { frameCount: 3000, traceKind: 'dff', labelledCells: 0, hasPositions: false, assemblyCount: 0, description: '' },
});
const calciumNoRate = recording(3, 'norate.csv', 'calcium-csv', { ...calcium.metadata, sampleRateHz: 0, durationS: 0 });
const swc = recording(4, 'purk2.swc', 'swc', {
  modality: 'morphology',
  channelCount: 1530,
  morphology: { nodeCount: 1530, treeCount: 1, somaSamples: 1, lengthUm: 5123.4, warnings: [] },
});
const swcBeforeLengths = recording(5, 'old.swc', 'swc', { modality: 'morphology', channelCount: 12, morphology: { nodeCount: 12, treeCount: 2, somaSamples: 1, warnings: [] } });

/** A section's rows as { header: cell }. */
function rows(recordings: Recording[]) {
  return recordingsBySection(recordings).map(({ section, recordings: group }) => ({
    kind: section.kind,
    rows: group.map((r) => Object.fromEntries(section.columns.map((c) => [c.header, c.cell(r)]))),
  }));
}

describe('Library columns', () => {
  it('rounds rates to 3 decimals and drops trailing zeros', () => {
    expect(formatRateHz(1.6666142139017854)).toBe('1.667 Hz');
    expect(formatRateHz(256)).toBe('256 Hz');
    expect(formatRateHz(30.5)).toBe('30.5 Hz');
    expect(formatLengthUm(5123.4)).toBe('5,123 µm');
    expect(formatLengthUm(15)).toBe('15.0 µm');
  });

  it('groups recordings by kind, each with its own columns', () => {
    expect(rows([swc, calcium, eeg, calciumNoRate, swcBeforeLengths])).toEqual([
      { kind: 'eeg', rows: [{ Format: 'EDF', Channels: '21', Rate: '256 Hz', Duration: '1:00:00', Size: '2.5 MB' }] },
      {
        kind: 'calcium',
        rows: [
          { Format: 'CALCIUM-CSV', Cells: '1,234', Frames: '3,000', 'Frame rate': '1.667 Hz', Duration: '0:30:00', Size: '2.5 MB' },
          { Format: 'CALCIUM-CSV', Cells: '1,234', Frames: '3,000', 'Frame rate': UNKNOWN, Duration: UNKNOWN, Size: '2.5 MB' },
        ],
      },
      {
        kind: 'morphology',
        rows: [
          { Format: 'SWC', Nodes: '1,530', Trees: '1', Length: '5,123 µm', Size: '2.5 MB' },
          { Format: 'SWC', Nodes: '12', Trees: '2', Length: UNKNOWN, Size: '2.5 MB' },
        ],
      },
    ]);
  });

  it('says what an import did: added, restored, or already there', () => {
    expect(
      importSummary({ imported: [eeg, swc], restored: [calcium], duplicates: [{ message: 'a.edf is already in the project (recording #1); nothing added' }] }),
    ).toEqual([
      'Imported 2 recordings: a.edf, purk2.swc.',
      'zf.csv was removed earlier; it is back, with its annotations and runs.',
      'a.edf is already in the project (recording #1); nothing added.',
    ]);
    expect(importSummary({ imported: [], restored: [], duplicates: [] })).toEqual([]);
  });

  it('says what a removal kept, only when it kept something', () => {
    expect(removalSummary('a.edf', 0, 0)).toBe('Removed a.edf from the project; the file on disk is untouched.');
    expect(removalSummary('a.edf', 1, 0)).toBe('Removed a.edf from the project; the file on disk is untouched. Its 1 annotation stays in the project and comes back if you import it again.');
    expect(removalSummary('a.edf', 3, 1)).toBe('Removed a.edf from the project; the file on disk is untouched. Its 3 annotations and 1 run stay in the project and come back if you import it again.');
  });
});
