/**
 * What the glass brain draws behind the network for orientation: a translucent cortex (the
 * project's imported surface meshes, a lone left hemisphere mirrored to make the right one), or,
 * with no surface imported, three faint ellipses tracing the MNI brain's extent in the axial,
 * coronal and sagittal planes. Both in the scene frame the nodes are drawn in (network.ts).
 */
import { BufferAttribute, BufferGeometry, DoubleSide, Group, LineBasicMaterial, LineLoop, Mesh, MeshLambertMaterial } from 'three';
import { toFrame, type SceneFrame } from './network.js';

export interface OutlineMesh {
  /** x, y, z per vertex, MNI mm. */
  vertices: Float32Array;
  /** Three vertex indices per triangle. */
  faces: Uint32Array;
  /** Reflect x (a left hemisphere drawn as the right one). */
  mirrorX: boolean;
}

/** Half-extents of the MNI152 brain, mm (x ±70, y −104…70, z −48…80), centred as below. */
const MNI_CENTRE = [0, -17, 16] as const;
const MNI_RADII = [70, 87, 64] as const;
const RING_POINTS = 96;

/** The three ellipses as x, y, z triplets, mm (one array per plane). */
export function mniRings(): Float32Array[] {
  const ring = (plane: 'axial' | 'coronal' | 'sagittal') => {
    const out = new Float32Array(3 * RING_POINTS);
    for (let i = 0; i < RING_POINTS; i += 1) {
      const a = (2 * Math.PI * i) / RING_POINTS;
      const [c, s] = [Math.cos(a), Math.sin(a)];
      const p =
        plane === 'axial'
          ? [MNI_RADII[0] * c, MNI_RADII[1] * s, 0]
          : plane === 'coronal'
            ? [MNI_RADII[0] * c, 0, MNI_RADII[2] * s]
            : [0, MNI_RADII[1] * c, MNI_RADII[2] * s];
      out.set([MNI_CENTRE[0] + p[0]!, MNI_CENTRE[1] + p[1]!, MNI_CENTRE[2] + p[2]!], 3 * i);
    }
    return out;
  };
  return [ring('axial'), ring('coronal'), ring('sagittal')];
}

/** The translucent cortex: drawn first, never writing depth, so nodes and edges show through it. */
export function surfaceBackdrop(meshes: readonly OutlineMesh[], frame: SceneFrame): Group {
  const group = new Group();
  group.renderOrder = -1;
  for (const mesh of meshes) {
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(toFrame(mesh.vertices, frame, mesh.mirrorX), 3));
    // Mirroring flips the triangles' winding; both sides are drawn, so it does not matter.
    geometry.setIndex(new BufferAttribute(mesh.faces, 1));
    geometry.computeVertexNormals();
    const material = new MeshLambertMaterial({ color: 0xc9d3e0, transparent: true, opacity: 0.1, depthWrite: false, side: DoubleSide });
    const drawn = new Mesh(geometry, material);
    drawn.renderOrder = -1;
    group.add(drawn);
  }
  return group;
}

export function ringsBackdrop(frame: SceneFrame): Group {
  const group = new Group();
  for (const ring of mniRings()) {
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(toFrame(ring, frame), 3));
    group.add(new LineLoop(geometry, new LineBasicMaterial({ color: 0x8c95a3, transparent: true, opacity: 0.45 })));
  }
  return group;
}
