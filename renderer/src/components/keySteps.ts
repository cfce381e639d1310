/**
 * How far a navigation key moves through a list of items, for the views' key maps (the Connectome
 * view's components, the Segmentation view's instances): one copy of the Home/End convention.
 */

/**
 * The step of `key`: Home/End jump to the first/last item (−Infinity / +Infinity), other keys
 * move by their entry in `steps`; null for a key that does not move.
 */
export function keyStep(key: string, steps: ReadonlyMap<string, number>): number | null {
  if (key === 'Home') return -Infinity;
  if (key === 'End') return Infinity;
  return steps.get(key) ?? null;
}
