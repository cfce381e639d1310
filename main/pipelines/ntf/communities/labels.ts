/** Label bookkeeping shared by the detectors. */

/**
 * Renumbers labels 0…count−1 by first appearance (node 0 gets 0), the CommunityResult convention,
 * so that equal partitions compare equal element for element.
 */
export function relabelByFirstAppearance(labels: ArrayLike<number>): { blocks: Int32Array; count: number } {
  const blocks = new Int32Array(labels.length);
  const map = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    let id = map.get(label);
    if (id === undefined) {
      id = map.size;
      map.set(label, id);
    }
    blocks[i] = id;
  }
  return { blocks, count: map.size };
}
