/**
 * Where annotation labels go over the traces: stacked lanes so that no two labels overlap (as
 * EDFbrowser staggers its annotation texts). Each label starts at its annotation's onset; a label
 * takes the first lane that is free at its x. Long texts are capped (and ellipsized by the view);
 * a label with no free lane is left out (its marker is still drawn and it stays in the list).
 */
export interface LabelRequest {
  /** Left edge, CSS px: the annotation's onset (or the page start). */
  x: number;
  /** Width the whole text would take, CSS px, padding included. */
  width: number;
}

export interface PlacedLabel {
  /** Lane from the top (0 = the annotation strip), or null when no lane had room. */
  lane: number | null;
  x: number;
  /** Width to draw (capped, and cut at the plot's right edge); 0 when left out. */
  width: number;
}

export interface LaneOptions {
  maxLanes: number;
  /** Free space kept between two labels of a lane. */
  gapPx: number;
  /** Right edge of the plot: no label runs past it. */
  rightPx: number;
  /** A label cut shorter than this (at the right edge) is not worth drawing. */
  minWidthPx: number;
  maxWidthPx: number;
}

/** One placement per request, in the order given. */
export function layoutLabelLanes(requests: readonly LabelRequest[], options: LaneOptions): PlacedLabel[] {
  const placed: PlacedLabel[] = requests.map((r) => ({ lane: null, x: r.x, width: 0 }));
  // Right end (gap included) of the last label in each lane.
  const laneEnds: number[] = [];
  const order = requests.map((_, i) => i).sort((a, b) => requests[a]!.x - requests[b]!.x || a - b);
  for (const i of order) {
    const { x, width: wanted } = requests[i]!;
    const width = Math.min(wanted, options.maxWidthPx, options.rightPx - x);
    if (width < options.minWidthPx) continue;
    let lane = 0;
    while (lane < laneEnds.length && laneEnds[lane]! > x) lane++;
    if (lane >= options.maxLanes) continue;
    laneEnds[lane] = x + width + options.gapPx;
    placed[i] = { lane, x, width };
  }
  return placed;
}
