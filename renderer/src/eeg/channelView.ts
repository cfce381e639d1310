/**
 * Which derivations of a montage are drawn, and in what order: the reviewer hides channels and
 * moves them up or down (as in EDFbrowser's signal list). Kept by label per montage, so it
 * survives paging and montage switches; labels the arrangement does not know yet (a new montage)
 * follow in montage order.
 */
export interface ChannelArrangement {
  /** Labels in the order the reviewer set; others follow in montage order. */
  order: string[];
  hidden: string[];
}

export const NO_ARRANGEMENT: ChannelArrangement = { order: [], hidden: [] };

/** Indices into `labels` of the rows to draw, top to bottom. */
export function arrangedRows(labels: readonly string[], arrangement: ChannelArrangement): number[] {
  const rank = new Map(arrangement.order.map((label, i) => [label, i]));
  const hidden = new Set(arrangement.hidden);
  return labels
    .map((label, index) => ({ label, index, rank: rank.get(label) ?? arrangement.order.length + index }))
    .filter((row) => !hidden.has(row.label))
    .sort((a, b) => a.rank - b.rank)
    .map((row) => row.index);
}

/** The full order (all labels, hidden ones included) the arrangement gives. */
function fullOrder(labels: readonly string[], arrangement: ChannelArrangement): string[] {
  return arrangedRows(labels, { ...arrangement, hidden: [] }).map((i) => labels[i]!);
}

/** Moves a label one place up (-1) or down (+1) among all labels, hidden ones included. */
export function moveChannel(labels: readonly string[], arrangement: ChannelArrangement, label: string, delta: -1 | 1): ChannelArrangement {
  const order = fullOrder(labels, arrangement);
  const at = order.indexOf(label);
  const to = at + delta;
  if (at < 0 || to < 0 || to >= order.length) return arrangement;
  [order[at], order[to]] = [order[to]!, order[at]!];
  return { ...arrangement, order };
}

export function setChannelHidden(arrangement: ChannelArrangement, label: string, hidden: boolean): ChannelArrangement {
  const others = arrangement.hidden.filter((l) => l !== label);
  return { ...arrangement, hidden: hidden ? [...others, label] : others };
}

/** The labels in the arranged order, each with whether it is shown (for the channel list). */
export function arrangedList(labels: readonly string[], arrangement: ChannelArrangement): { label: string; index: number; hidden: boolean }[] {
  const hidden = new Set(arrangement.hidden);
  return arrangedRows(labels, { ...arrangement, hidden: [] }).map((index) => ({ label: labels[index]!, index, hidden: hidden.has(labels[index]!) }));
}
