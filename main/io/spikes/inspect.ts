/**
 * What the project stores about imported spike trains: size, SHA-256 and the metadata the Library
 * shows (units with ids, cell types and spike counts; event sets; span). A folder (the retina form,
 * Kilosort/Phy) is hashed over the files its reader uses, so replacing any of them counts as a
 * different recording.
 */
import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { RecordingMetadata } from '../../../shared/api/index.js';
import { fileAccessError } from '../../errors.js';
import { sha256File } from '../hash.js';
import { CELL_TYPE_FILE, NPY_SPIKES_FILE, NPY_STIMULUS_FILE } from './npy-trains.js';
import { readSpikes } from './index.js';
import { spikeCount, type ReadSpikes, type SpikeFormat } from './types.js';

export interface InspectedSpikes {
  sourcePath: string;
  sizeBytes: number;
  sha256: string;
  format: SpikeFormat;
  metadata: RecordingMetadata;
  warnings: string[];
}

const KILOSORT_PARTS = ['spike_times.npy', 'spike_clusters.npy', 'spike_templates.npy', 'params.py', 'cluster_group.tsv', 'cluster_KSLabel.tsv', 'cluster_info.tsv'];

/** The files a folder recording is read from (those present), as paths. */
function folderParts(folder: string, format: SpikeFormat): string[] {
  const candidates =
    format === 'kilosort'
      ? KILOSORT_PARTS.map((name) => join(folder, name))
      : [join(folder, NPY_SPIKES_FILE), join(folder, NPY_STIMULUS_FILE), join(folder, CELL_TYPE_FILE), join(dirname(folder), CELL_TYPE_FILE)];
  return candidates.filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile());
}

async function hashSource(path: string, format: SpikeFormat): Promise<{ sizeBytes: number; sha256: string }> {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw fileAccessError(path, error);
  }
  if (!stats.isDirectory()) return { sizeBytes: stats.size, sha256: await sha256File(path) };
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for (const file of folderParts(path, format)) {
    sizeBytes += statSync(file).size;
    hash.update(`${file.slice(dirname(path).length + 1)}\0${await sha256File(file)}\n`);
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

export function spikesMetadata(trains: ReadSpikes): RecordingMetadata {
  return {
    signals: [],
    channelCount: trains.times.length,
    sampleRateHz: 0,
    durationS: Math.max(0, trains.endS - trains.startS),
    startDateTime: '',
    patient: '',
    recordingInfo: trains.description,
    dataRecordCount: 0,
    dataRecordDurationS: 0,
    modality: 'spikes',
    spikes: {
      unitCount: trains.times.length,
      spikeCount: spikeCount(trains),
      startS: trains.startS,
      units: trains.times.map((times, u) => ({ id: trains.unitIds[u]!, cellType: trains.cellTypes[u] ?? null, spikeCount: times.length })),
      eventSets: trains.events.map((set) => ({ name: set.name, count: set.times.length, source: set.source })),
      warnings: [...trains.warnings],
    },
  };
}

export async function inspectSpikes(path: string): Promise<InspectedSpikes> {
  const trains = await readSpikes(path);
  const { sizeBytes, sha256 } = await hashSource(path, trains.format);
  return { sourcePath: path, sizeBytes, sha256, format: trains.format, metadata: spikesMetadata(trains), warnings: [...trains.warnings] };
}
