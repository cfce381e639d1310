/**
 * Picking a node of an instanced sphere mesh by ray: which instance (node index) lies nearest under
 * a point of the view. Pure three.js, no renderer, so it runs in Node for tests.
 */
import { Raycaster, type Camera, type InstancedMesh, type Vector2 } from 'three';
import { shownInScene } from './picking.js';

export function pickInstance(camera: Camera, ndc: Vector2, mesh: InstancedMesh): number | null {
  if (!shownInScene(mesh) || mesh.count === 0) return null;
  const raycaster = new Raycaster();
  raycaster.setFromCamera(ndc, camera);
  const hits = raycaster.intersectObject(mesh, false);
  return hits[0]?.instanceId ?? null;
}
