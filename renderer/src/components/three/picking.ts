/**
 * Picking by ray: which instance (by the key in its objects' userData) lies nearest under a point
 * of the view, among the visible surfaces and skeleton points. Skeleton points are hit within a
 * tolerance in world units (a few pixels at the target's distance). Pure three.js: no renderer, so
 * it runs in Node for tests.
 */
import { Raycaster, Vector2, type Camera, type Object3D } from 'three';

/** The key stored on every pickable object of an instance. */
export const KEY_FIELD = 'key';

/** Normalised device coordinates of a client point in a rect (x right, y up, −1…1). */
export function toNdc(clientX: number, clientY: number, rect: { left: number; top: number; width: number; height: number }): Vector2 | null {
  if (rect.width <= 0 || rect.height <= 0) return null;
  return new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, 1 - ((clientY - rect.top) / rect.height) * 2);
}

/** Whether an object and all its ancestors are visible. */
export function shownInScene(object: Object3D): boolean {
  for (let node: Object3D | null = object; node; node = node.parent) if (!node.visible) return false;
  return true;
}

/** The key of the nearest shown object hit by the ray through `ndc`, or null. */
export function pickKey(camera: Camera, ndc: Vector2, objects: readonly Object3D[], pointThreshold: number): string | null {
  const raycaster = new Raycaster();
  raycaster.setFromCamera(ndc, camera);
  raycaster.params.Points = { threshold: pointThreshold };
  const candidates = objects.filter((object) => typeof object.userData[KEY_FIELD] === 'string' && shownInScene(object));
  const hits = raycaster.intersectObjects(candidates, false);
  const nearest = hits[0];
  return nearest ? (nearest.object.userData[KEY_FIELD] as string) : null;
}
