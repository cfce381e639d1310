/**
 * Colours per cell type, the same in every panel (raster, heat-map strip, mean PSTHs, table). The
 * retina's two classes get the convention of the field (OFF dark blue, ON orange); other labels
 * (Phy's good/mua, NWB cell_type strings) take a categorical palette in sorted order, so a type
 * keeps its colour from one recording to the next; units without a type are grey.
 */
export const UNTYPED_COLOR = '#7a7a7a';

const PALETTE = ['#1f77b4', '#e6811f', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

/** A colour for what the label says when it says ON or OFF (parasol, midget, …). */
function polarityColor(type: string): string | null {
  if (/\boff\b/i.test(type)) return '#2456a6';
  if (/\bon\b/i.test(type)) return '#e07b1a';
  return null;
}

export interface TypeColors {
  /** The distinct types in display order (null last when present), each with its colour. */
  readonly legend: readonly { type: string | null; color: string; count: number }[];
  colorOf(type: string | null): string;
}

export function typeColors(types: readonly (string | null)[]): TypeColors {
  const counts = new Map<string | null, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  const named = [...counts.keys()].filter((type): type is string => type !== null).sort(new Intl.Collator('en', { numeric: true }).compare);
  const colors = new Map<string | null, string>();
  let next = 0;
  for (const type of named) colors.set(type, polarityColor(type) ?? PALETTE[next++ % PALETTE.length]!);
  colors.set(null, UNTYPED_COLOR);
  const legend = [...named, ...(counts.has(null) ? [null] : [])].map((type) => ({ type, color: colors.get(type)!, count: counts.get(type)! }));
  return { legend, colorOf: (type) => colors.get(type) ?? UNTYPED_COLOR };
}
