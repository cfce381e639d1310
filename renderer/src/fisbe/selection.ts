/**
 * Selection of one instance across the list, the 3D scene and the slices: keys, keyboard stepping
 * through the list, the partner to jump to, which instance a click in a slice picks, and a voxel to
 * centre the slices on.
 */
import type { FisbeInstance } from '../../../shared/api/index.js';
import type { Side } from './palette.js';

export interface InstanceRef {
  side: Side;
  id: number;
}

/** `gt:3`, `pred:12`: one string per instance, for maps and the scene's objects. */
export function instanceKey(ref: InstanceRef): string {
  return `${ref.side}:${ref.id}`;
}

export function parseInstanceKey(key: string): InstanceRef | null {
  const match = /^(gt|pred):([1-9]\d*)$/.exec(key);
  return match ? { side: match[1] as Side, id: Number(match[2]) } : null;
}

/** The list order: GT by id, then predictions by id. */
export function listOrder(instances: readonly FisbeInstance[]): FisbeInstance[] {
  return [...instances].sort((a, b) => (a.side === b.side ? a.id - b.id : a.side === 'gt' ? -1 : 1));
}

/**
 * The key `delta` steps from `current` in `order` (clamped at the ends; `-Infinity`/`Infinity`
 * give the first/last). With nothing selected, a step forward picks the first and back the last.
 */
export function stepKey(order: readonly InstanceRef[], current: string | null, delta: number): string | null {
  if (order.length === 0) return null;
  const keys = order.map(instanceKey);
  const at = current === null ? -1 : keys.indexOf(current);
  let index: number;
  if (delta === -Infinity) index = 0;
  else if (delta === Infinity) index = keys.length - 1;
  else if (at < 0) index = delta > 0 ? 0 : keys.length - 1;
  else index = Math.min(keys.length - 1, Math.max(0, at + delta));
  return keys[index] ?? null;
}

/** The instance on the other side to jump to: the one-to-one match, else the best clDice. */
export function partnerOf(instance: FisbeInstance): InstanceRef | null {
  const other: Side = instance.side === 'gt' ? 'pred' : 'gt';
  const id = instance.matchedId ?? instance.bestId;
  return id === null ? null : { side: other, id };
}

/** Keys drawn as related to the selection: its match and, for a merging prediction, the merged GT. */
export function relatedKeys(instance: FisbeInstance): string[] {
  const other: Side = instance.side === 'gt' ? 'pred' : 'gt';
  const keys = new Set<string>();
  if (instance.matchedId !== null) keys.add(instanceKey({ side: other, id: instance.matchedId }));
  for (const id of instance.mergedIds) keys.add(instanceKey({ side: other, id }));
  return [...keys];
}

/**
 * What a click on a slice voxel selects: the labels there are the candidates (GT first); a click on
 * the instance already selected moves on to the next candidate, so clicking again on a voxel where
 * GT and pred overlap toggles between them. Null on background.
 */
export function chooseCandidate(candidates: readonly InstanceRef[], current: string | null): string | null {
  if (candidates.length === 0) return null;
  const keys = candidates.map(instanceKey);
  const at = current === null ? -1 : keys.indexOf(current);
  return keys[(at + 1) % keys.length]!;
}

/** A voxel on the instance (the middle of its skeleton voxel list), [x, y, z]; null without one. */
export function skeletonAnchor(skeleton: ArrayLike<number>): [number, number, number] | null {
  const count = Math.floor(skeleton.length / 3);
  if (count === 0) return null;
  const i = Math.floor(count / 2) * 3;
  return [skeleton[i]!, skeleton[i + 1]!, skeleton[i + 2]!];
}

/** The centre of an inclusive [z, y, x] bounding box, as [x, y, z] voxel indices. */
export function bboxCentre(min: readonly [number, number, number], max: readonly [number, number, number]): [number, number, number] {
  return [Math.round((min[2] + max[2]) / 2), Math.round((min[1] + max[1]) / 2), Math.round((min[0] + max[0]) / 2)];
}
