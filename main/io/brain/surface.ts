/**
 * Surfaces as `brain-map` recordings: GIfTI meshes (`surface`), per-vertex shape data
 * (`surface-values`: sulcal depth, a map) and label files (`surface-labels`: Yeo networks), and
 * mz3 meshes (NiiVue's format, `surface`, with any per-vertex scalars they carry).
 */
import { basename } from 'node:path';
import type { BrainMetadata } from '../../../shared/api/index.js';
import { giftiKind, giftiSurface, readGifti, type GiftiFile } from '../gifti/index.js';
import { readMz3 } from '../mz3/index.js';
import type { InspectedRecording } from '../recording.js';
import { brainRecordingMetadata, inspectedFile } from './metadata.js';

export type Hemisphere = 'left' | 'right';

/**
 * The hemisphere: GIfTI's AnatomicalStructurePrimary (CortexLeft / CortexRight) when present, else
 * what the file name says (fsaverage5_pial_left, lh.Yeo2011, BrainMesh_ICBM152.lh): a hint for the
 * view's layout, not for recognising the format.
 */
export function hemisphereOf(file: string, metadata: Record<string, string> = {}): Hemisphere | null {
  const structure = (metadata.AnatomicalStructurePrimary ?? '').toLowerCase();
  if (structure.includes('left')) return 'left';
  if (structure.includes('right')) return 'right';
  const name = basename(file).toLowerCase();
  if (/(^|[._-])(lh|left|l)([._-]|$)/.test(name)) return 'left';
  if (/(^|[._-])(rh|right|r)([._-]|$)/.test(name)) return 'right';
  return null;
}

/** The number of vertices per-vertex data covers: the first dimension of its first array. */
export function giftiVertexCount(g: GiftiFile): number {
  return g.arrays[0]?.dims[0] ?? 0;
}

export function giftiBrainMetadata(g: GiftiFile): BrainMetadata {
  const kind = giftiKind(g);
  const hemisphere = hemisphereOf(g.file, g.metadata);
  const side = hemisphere ? `, ${hemisphere} hemisphere` : '';
  if (kind === 'surface') {
    const mesh = giftiSurface(g);
    const vertexCount = mesh.vertices.length / 3;
    const faceCount = mesh.faces.length / 3;
    return { type: 'surface', description: `surface of ${vertexCount} vertices, ${faceCount} triangles${side}`, vertexCount, faceCount, hemisphere, warnings: [] };
  }
  const vertexCount = giftiVertexCount(g);
  if (kind === 'surface-labels') {
    const named = g.labelTable.filter((entry) => entry.key !== 0).length;
    return { type: 'surface-labels', description: `labels of ${vertexCount} vertices, ${named} labels${side}`, vertexCount, regionCount: named, hemisphere, warnings: [] };
  }
  const maps = g.arrays.length;
  return {
    type: 'surface-values',
    description: `values of ${vertexCount} vertices${maps > 1 ? ` (${maps} maps, the first shown)` : ''}${side}`,
    vertexCount,
    hemisphere,
    warnings: [],
  };
}

export async function inspectGifti(path: string): Promise<InspectedRecording> {
  const brain = giftiBrainMetadata(await readGifti(path));
  return inspectedFile(path, 'gifti', brainRecordingMetadata('brain-map', brain));
}

export async function inspectMz3(path: string): Promise<InspectedRecording> {
  const { mesh, scalars } = await readMz3(path);
  const vertexCount = mesh.vertices.length / 3;
  const faceCount = mesh.faces.length / 3;
  const hemisphere = hemisphereOf(path);
  const brain: BrainMetadata = {
    type: 'surface',
    description: `mz3 surface of ${vertexCount} vertices, ${faceCount} triangles${scalars ? ', with per-vertex scalars' : ''}${hemisphere ? `, ${hemisphere} hemisphere` : ''}`,
    vertexCount,
    faceCount,
    hemisphere,
    warnings: [],
  };
  return inspectedFile(path, 'mz3', brainRecordingMetadata('brain-map', brain));
}
