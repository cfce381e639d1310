/**
 * What the project stores about an imported calcium recording: size, SHA-256 and the metadata the
 * Library shows (cells as signals, frame rate, duration). A Suite2p folder is hashed over its .npy
 * files, so replacing any of them counts as a different recording.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { RecordingMetadata } from '../../../shared/api/index.js';
import { fileAccessError } from '../../errors.js';
import { sha256File } from '../hash.js';
import { readCalcium, type CalciumRecording } from './index.js';

export interface InspectedCalcium {
  sourcePath: string;
  sizeBytes: number;
  sha256: string;
  format: CalciumRecording['format'];
  metadata: RecordingMetadata;
  warnings: string[];
}

async function hashSource(path: string): Promise<{ sizeBytes: number; sha256: string }> {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw fileAccessError(path, error);
  }
  if (!stats.isDirectory()) return { sizeBytes: stats.size, sha256: await sha256File(path) };
  const folder = statSync(join(path, 'F.npy'), { throwIfNoEntry: false }) ? path : join(path, 'plane0');
  const files = readdirSync(folder).filter((name) => name.endsWith('.npy')).sort();
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for (const name of files) {
    sizeBytes += statSync(join(folder, name)).size;
    hash.update(`${name}\0${await sha256File(join(folder, name))}\n`);
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

export function calciumMetadata(recording: CalciumRecording): RecordingMetadata {
  const rate = recording.frameRateHz ?? 0;
  const lastTime = recording.timestampsS?.[recording.frameCount - 1];
  const durationS = rate > 0 ? recording.frameCount / rate : lastTime !== undefined && Number.isFinite(lastTime) ? lastTime : 0;
  return {
    signals: recording.labels.map((label, c) => ({ label: label ?? `cell ${c + 1}`, unit: recording.traceKind, sampleRateHz: rate, isAnnotation: false })),
    channelCount: recording.cellCount,
    sampleRateHz: rate,
    durationS,
    startDateTime: '',
    patient: '',
    recordingInfo: recording.description,
    dataRecordCount: 0,
    dataRecordDurationS: 0,
    modality: 'calcium',
    calcium: {
      frameCount: recording.frameCount,
      traceKind: recording.traceKind,
      labelledCells: recording.labels.filter((label) => label !== null).length,
      hasPositions: recording.positions !== null,
      assemblyCount: recording.assemblies?.length ?? 0,
      description: recording.description,
    },
  };
}

export async function inspectCalcium(path: string): Promise<InspectedCalcium> {
  const recording = await readCalcium(path);
  const { sizeBytes, sha256 } = await hashSource(path);
  return { sourcePath: path, sizeBytes, sha256, format: recording.format, metadata: calciumMetadata(recording), warnings: recording.warnings };
}
