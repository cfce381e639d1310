// SKELETON: replaced by the Brain view work (issue #18).
/** One value per atlas region painted on the atlas (connectivity strength, Brain-JEPA embeddings). */
export interface RoiMapProps {
  /** The label atlas (a brain-map recording of type atlas) the regions belong to. */
  atlasRecordingId: number;
  /** The atlas label index of each value (the ROI series' regions, in their order). */
  regionIndices: readonly number[];
  values: ArrayLike<number>;
  /** What the values are ("node strength, Pearson"): the colour bar's caption. */
  caption: string;
}

export function RoiMapPanel({ caption }: RoiMapProps) {
  return <p className="muted">Not built yet: {caption}</p>;
}
