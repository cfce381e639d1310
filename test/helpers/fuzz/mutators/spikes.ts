/**
 * Mutations of the spike-train folder (the retina form): the pickled spike trains `spikes.npy`
 * (blind edits after its header; a cut loses the pickle's STOP or an array's bytes), the stimulus
 * times `stimchanges.npy` (a numeric .npy) and the cell-type table (line edits).
 */
import { between, blindMutation, weighted, type Mutation, type Random } from './bytes.js';
import { mutateText } from './brain.js';
import type { FolderAccess } from './npy.js';

/** The byte where an .npy's data starts (after the magic, version, header length and header). */
function dataOffset(bytes: Buffer): number {
  if (bytes.length < 10) return 0;
  const major = bytes[6]!;
  return major === 1 ? 10 + bytes.readUInt16LE(8) : 12 + bytes.readUInt32LE(8);
}

export function mutateSpikeFolder(folder: FolderAccess, random: Random): Mutation {
  const target = weighted(random, [
    [7, 'spikes.npy'],
    [2, 'stimchanges.npy'],
    [2, 'cell_classification.txt'],
  ] as const);
  const original = folder.read(target);
  if (target === 'cell_classification.txt') {
    const { bytes, mutation } = mutateText(original, random, target, { comma: false });
    folder.write(target, bytes);
    return mutation;
  }
  const start = dataOffset(original);
  const regions = [
    { name: 'header', lo: 0, hi: start },
    { name: 'data', lo: start, hi: original.length },
    { name: 'data', lo: start, hi: original.length },
  ];
  // Any cut of the data loses bytes the header or the pickle says are there.
  const { bytes, mutation } = blindMutation(original, random, target, regions, (at) =>
    at >= start && at < original.length ? { reject: target === 'spikes.npy' ? 'a pickle cut short (no STOP, or an array short of its bytes)' : 'an .npy shorter than its shape' } : undefined,
  );
  folder.write(target, bytes);
  return mutation;
}
