/**
 * Brain networks as `brain-graph` recordings: node files (BrainNet Viewer `.node`, coordinate
 * atlases such as Schaefer centroids, Dosenbach, Power, Seitzman) and BrainNet `.edge` weight
 * matrices. The Brain view pairs a node file with the edge file of the same stem beside it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { BrainMetadata, RecordingFormat } from '../../../shared/api/index.js';
import { brainGraphFileKind, readBrainNetEdges, readBrainNodes } from '../atlas/index.js';
import type { InspectedRecording } from '../recording.js';
import { brainRecordingMetadata, inspectedFile } from './metadata.js';

/** The first line of a file that is neither blank nor a comment ('#', '%'). */
function firstDataLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
    return text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#') && !l.startsWith('%')) ?? '';
  } finally {
    closeSync(fd);
  }
}

/** BrainNet's layout (x y z colour size label, whitespace-separated), as opposed to a coordinate table. */
export function isBrainNetNodeLine(line: string): boolean {
  const fields = line.split(/\s+/);
  return fields.length === 6 && fields.slice(0, 5).every((f) => Number.isFinite(Number(f)));
}

export async function inspectBrainGraph(path: string): Promise<InspectedRecording> {
  const kind = await brainGraphFileKind(path);
  let brain: BrainMetadata;
  let format: RecordingFormat;
  if (kind === 'edges') {
    const { nodeCount, weights } = await readBrainNetEdges(path);
    let edges = 0;
    for (let i = 0; i < nodeCount; i++) for (let j = i + 1; j < nodeCount; j++) if (weights[i * nodeCount + j] !== 0) edges++;
    brain = { type: 'edges', description: `edge weights of ${nodeCount} nodes, ${edges} non-zero edges`, nodeCount, warnings: [] };
    format = 'brainnet-edge';
  } else {
    const nodes = await readBrainNodes(path);
    const networks = new Set(nodes.map((n) => n.network).filter((n): n is string => n !== null));
    brain = {
      type: 'nodes',
      description: `${nodes.length} nodes${networks.size ? ` in ${networks.size} networks` : ''}`,
      nodeCount: nodes.length,
      regionNames: nodes.map((n) => n.label),
      warnings: [],
    };
    format = isBrainNetNodeLine(firstDataLine(path)) ? 'brainnet-node' : 'coordinates';
  }
  return inspectedFile(path, format, brainRecordingMetadata('brain-graph', brain, { channels: brain.nodeCount ?? 0 }));
}
