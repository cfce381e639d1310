/**
 * A label atlas's colour table for NiiVue: one stop per label value present (AAL2's values run to
 * 9170, sparse), each in a distinct hue, label 0 transparent, with the region names.
 */
import { labelColour } from './colourScale.js';
import type { LabelColourMap } from './niivueLayers.js';

export function labelColourMap(values: ArrayLike<number>, regions: readonly { index: number; name: string }[]): LabelColourMap {
  const present = new Set<number>();
  for (let i = 0; i < values.length; i += 1) {
    const v = Math.round(values[i]!);
    if (v > 0) present.add(v);
  }
  const names = new Map(regions.map((r) => [r.index, r.name]));
  const sorted = [...present].sort((a, b) => a - b);
  const map: LabelColourMap = { R: [0], G: [0], B: [0], A: [0], I: [0], labels: [''] };
  sorted.forEach((value, order) => {
    // Colour by rank, not by value: AAL2's values step by 10 or 100 and would bunch hues.
    const [r, g, b] = labelColour(order + 1);
    map.R.push(r);
    map.G.push(g);
    map.B.push(b);
    map.A.push(255);
    map.I.push(value);
    map.labels.push(names.get(value) ?? `label ${value}`);
  });
  return map;
}
