/**
 * Which surface files go together: the hemispheres of one mesh kind (pial with pial, inflated with
 * inflated), the sulcal depth file of each hemisphere, the label files. Matched by the hemisphere
 * the engine read (GIfTI's AnatomicalStructurePrimary) and, failing that, by the file name
 * (lh/rh, left/right), since fsaverage files say it only in their names.
 */
import type { Recording } from '../../../../shared/api/index.js';

export type Hemisphere = 'left' | 'right';

const fileName = (path: string) => (path.split(/[\\/]/).pop() ?? path).toLowerCase();

export function hemisphereOf(recording: Recording): Hemisphere | null {
  const stated = recording.metadata.brain?.hemisphere;
  if (stated) return stated;
  const name = fileName(recording.sourcePath);
  if (/(^|[^a-z])(lh|left)([^a-z]|$)/.test(name)) return 'left';
  if (/(^|[^a-z])(rh|right)([^a-z]|$)/.test(name)) return 'right';
  return null;
}

/** The mesh kind by name: 'inflated', 'pial', 'white', 'sphere'… or '' when the name says none. */
export function meshKind(recording: Recording): string {
  const name = fileName(recording.sourcePath);
  return ['inflated', 'infl', 'pial', 'white', 'sphere', 'midthickness', 'smoothwm'].find((k) => name.includes(k))?.replace(/^infl$/, 'inflated') ?? '';
}

/** The stem that pairs left with right: the name without its hemisphere word. */
function pairStem(recording: Recording): string {
  return fileName(recording.sourcePath).replace(/(^|[^a-z])(lh|rh|left|right)(?=[^a-z]|$)/g, '$1');
}

export interface SurfaceSet {
  /** The meshes shown, left first. */
  meshes: { recording: Recording; hemisphere: Hemisphere | null }[];
}

/**
 * The meshes to show with `shown`: itself and the other hemisphere of the same kind where imported
 * (same name once the hemisphere word is removed, or else the same mesh kind).
 */
export function surfaceSet(shown: Recording, surfaces: readonly Recording[]): SurfaceSet {
  const hemisphere = hemisphereOf(shown);
  const meshes = [{ recording: shown, hemisphere }];
  if (hemisphere) {
    const other: Hemisphere = hemisphere === 'left' ? 'right' : 'left';
    const candidates = surfaces.filter((r) => r.id !== shown.id && hemisphereOf(r) === other);
    const partner = candidates.find((r) => pairStem(r) === pairStem(shown)) ?? candidates.find((r) => meshKind(r) !== '' && meshKind(r) === meshKind(shown));
    if (partner) meshes.push({ recording: partner, hemisphere: other });
  }
  meshes.sort((a, b) => (a.hemisphere === 'right' ? 1 : 0) - (b.hemisphere === 'right' ? 1 : 0));
  return { meshes };
}

/** Vertex counts of FreeSurfer's icosahedral spheres (fsaverage3 … fsaverage): 10·4^k + 2. */
const ICO_COUNTS = [642, 2562, 10242, 40962, 163842];

/**
 * Whether per-vertex data of `dataCount` vertices fits a mesh of `meshCount`: the same count, or a
 * finer icosahedral order, whose first vertices are the coarser mesh's (fsaverage's first 10,242
 * vertices are fsaverage5's; FreeSurfer builds each order by subdividing the one below), so the
 * first `meshCount` values belong to the mesh's vertices (fsaverage's Yeo labels on fsaverage5).
 */
export function fitsMesh(meshCount: number | undefined, dataCount: number | undefined): boolean {
  if (meshCount === undefined || dataCount === undefined || meshCount === dataCount) return true;
  return ICO_COUNTS.includes(meshCount) && ICO_COUNTS.includes(dataCount) && dataCount > meshCount;
}

/** Per-vertex files of a hemisphere whose vertices fit the mesh (fitsMesh): `want` picks sulc or labels. */
export function matchingValues(
  hemisphere: Hemisphere | null,
  vertexCount: number | undefined,
  candidates: readonly Recording[],
  want: 'sulc' | 'labels',
): Recording | null {
  const fits = candidates.filter((r) => {
    const brain = r.metadata.brain;
    if (!brain) return false;
    if (want === 'labels' ? brain.type !== 'surface-labels' : brain.type !== 'surface-values') return false;
    if (!fitsMesh(vertexCount, brain.vertexCount)) return false;
    const h = hemisphereOf(r);
    return h === null || hemisphere === null || h === hemisphere;
  });
  if (want === 'sulc') return fits.find((r) => /sulc|depth|curv/.test(fileName(r.sourcePath))) ?? null;
  return fits.find((r) => hemisphereOf(r) === hemisphere) ?? fits[0] ?? null;
}

/**
 * Where each hemisphere sits in the scene: inflated (and sphere) meshes of both hemispheres overlap
 * at the origin as FreeSurfer writes them, so they are moved apart along x; pial meshes are in
 * their true places. Returns the x offset per mesh, from its bounds.
 */
export function hemisphereOffsets(bounds: readonly { minX: number; maxX: number; hemisphere: Hemisphere | null }[], gapMm = 8): number[] {
  if (bounds.length < 2) return bounds.map(() => 0);
  const left = bounds.find((b) => b.hemisphere === 'left');
  const right = bounds.find((b) => b.hemisphere === 'right');
  if (!left || !right || left.maxX + gapMm / 2 <= right.minX) return bounds.map(() => 0);
  // Shift each to its side of x = 0, the medial edge gap/2 from the midline.
  return bounds.map((b) => (b.hemisphere === 'left' ? -gapMm / 2 - b.maxX : b.hemisphere === 'right' ? gapMm / 2 - b.minX : 0));
}

/** Camera direction (from the camera to the brain) and up for a named view in RAS mm. */
export function viewDirection(view: 'lateral' | 'medial' | 'dorsal' | 'anterior' | 'posterior', hemisphere: Hemisphere | null): { direction: [number, number, number]; up: [number, number, number] } {
  // Lateral of the left hemisphere: looking from the left (−x) towards +x.
  const side = hemisphere === 'right' ? -1 : 1;
  switch (view) {
    case 'lateral':
      return { direction: [side, 0, 0], up: [0, 0, 1] };
    case 'medial':
      return { direction: [-side, 0, 0], up: [0, 0, 1] };
    case 'dorsal':
      return { direction: [0, 0, -1], up: [0, 1, 0] };
    case 'anterior':
      return { direction: [0, -1, 0], up: [0, 0, 1] };
    case 'posterior':
      return { direction: [0, 1, 0], up: [0, 0, 1] };
  }
}

/**
 * A mesh of a hemisphere (and vertex count, where known) of a kind: to show a per-vertex file on,
 * or to sample a volume on (the pial surface: an inflated mesh is not where the cortex is).
 */
export function meshOf(surfaces: readonly Recording[], hemisphere: Hemisphere | null, vertexCount: number | undefined, kind: string): Recording | null {
  const fits = surfaces.filter((r) => {
    const count = r.metadata.brain?.vertexCount;
    return (hemisphere === null || hemisphereOf(r) === hemisphere) && (vertexCount === undefined || count === undefined || count === vertexCount);
  });
  return fits.find((r) => meshKind(r) === kind) ?? null;
}

/** The mesh kinds imported for a hemisphere and vertex count (pial, inflated…), for the kind switch. */
export function meshKinds(surfaces: readonly Recording[], hemisphere: Hemisphere | null, vertexCount: number | undefined): string[] {
  const kinds = new Set<string>();
  for (const r of surfaces) {
    const count = r.metadata.brain?.vertexCount;
    if ((hemisphere === null || hemisphereOf(r) === hemisphere) && (vertexCount === undefined || count === undefined || count === vertexCount) && meshKind(r) !== '') kinds.add(meshKind(r));
  }
  return [...kinds].sort();
}
