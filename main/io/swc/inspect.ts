/**
 * Recognising an SWC file by content (its first data line has seven whitespace-separated numbers)
 * and what the project stores about it: samples, trees, soma samples, and the reader's warnings.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { RecordingMetadata } from '../../../shared/api/index.js';
import { sha256File } from '../hash.js';
import { readSwc } from './parse.js';
import { SWC_TYPES, type SwcMorphology } from './types.js';

const SNIFF_BYTES = 8192;

export function looksLikeSwc(file: string): boolean {
  let fd: number;
  try {
    if (!statSync(file).isFile()) return false;
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const text = buffer.toString('latin1', 0, readSync(fd, buffer, 0, SNIFF_BYTES, 0));
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const fields = line.split(/\s+/);
      return fields.length === 7 && fields.every((field) => field !== '' && Number.isFinite(Number(field)));
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Total neurite length: the sum of parent–child distances, leaving out soma samples, which is
 * NeuroM's `total_length` (the soma is not cable). In the file's unit (µm by the SWC convention).
 */
export function neuriteLength(morphology: Pick<SwcMorphology, 'count' | 'types' | 'xyz' | 'parentIndex'>): number {
  const { xyz, types, parentIndex } = morphology;
  let length = 0;
  for (let i = 0; i < morphology.count; i++) {
    const parent = parentIndex[i]!;
    if (parent < 0 || types[i] === SWC_TYPES.soma || types[parent] === SWC_TYPES.soma) continue;
    length += Math.hypot(xyz[3 * i]! - xyz[3 * parent]!, xyz[3 * i + 1]! - xyz[3 * parent + 1]!, xyz[3 * i + 2]! - xyz[3 * parent + 2]!);
  }
  return length;
}

export async function inspectSwc(file: string) {
  const morphology = await readSwc(file);
  let somaSamples = 0;
  for (const type of morphology.types) if (type === 1) somaSamples++;
  const warnings = morphology.warnings.map((w) => `line ${w.line}: ${w.message}`);
  const metadata: RecordingMetadata = {
    signals: [],
    channelCount: morphology.count,
    sampleRateHz: 0,
    durationS: 0,
    startDateTime: '',
    patient: '',
    recordingInfo: morphology.header.join(' ').slice(0, 2000),
    dataRecordCount: 0,
    dataRecordDurationS: 0,
    modality: 'morphology',
    morphology: {
      nodeCount: morphology.count,
      treeCount: morphology.trees.length,
      somaSamples,
      lengthUm: neuriteLength(morphology),
      warnings: warnings.slice(0, 100),
    },
  };
  return { sourcePath: file, sizeBytes: statSync(file).size, sha256: await sha256File(file), format: 'swc' as const, metadata, warnings };
}
