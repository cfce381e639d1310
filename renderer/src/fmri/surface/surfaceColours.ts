/**
 * Per-vertex colours of a cortical surface, in layers: sulcal shading as the base (sulci darker,
 * gyri lighter, as FreeSurfer and nilearn draw it), then a label overlay (Yeo networks in their
 * table colours), then a thresholded map on top. Pure: arrays in, a Float32Array of RGB 0–1 out.
 */
import { labelColour, mapColour } from '../volume/colourScale.js';

/** Gray levels for sulcal shading: gyri (negative sulc in FreeSurfer's sign) light, sulci dark. */
const GYRUS_GRAY = 0.8;
const SULCUS_GRAY = 0.36;
const PLAIN_GRAY = 0.62;

/**
 * The gray of each vertex from sulcal depth. FreeSurfer's sulc is positive in sulci (deep) and
 * negative on gyri; the scale is the 2nd–98th percentile span so a few extreme vertices do not
 * flatten the rest. Without sulc, a plain gray.
 */
export function sulcalGray(sulc: ArrayLike<number> | null, vertexCount: number): Float32Array {
  const gray = new Float32Array(vertexCount).fill(PLAIN_GRAY);
  if (!sulc || sulc.length !== vertexCount) return gray;
  const finite = Float32Array.from(Array.prototype.filter.call(sulc, Number.isFinite) as number[]).sort();
  if (finite.length === 0) return gray;
  const lo = finite[Math.floor(0.02 * (finite.length - 1))]!;
  const hi = finite[Math.ceil(0.98 * (finite.length - 1))]!;
  const mid = (lo + hi) / 2;
  const half = Math.max(1e-9, (hi - lo) / 2);
  for (let v = 0; v < vertexCount; v += 1) {
    const s = sulc[v]!;
    if (!Number.isFinite(s)) continue;
    // −1 on gyri … +1 in sulci, then a smooth step so the two read as two tones, as in nilearn.
    const t = Math.max(-1, Math.min(1, (s - mid) / half));
    const f = 0.5 + 0.5 * Math.tanh(2.2 * t) / Math.tanh(2.2);
    gray[v] = GYRUS_GRAY + f * (SULCUS_GRAY - GYRUS_GRAY);
  }
  return gray;
}

export interface LabelLayer {
  labels: ArrayLike<number>;
  /** key → rgba 0–1 (GIfTI label tables store 0–1 floats) and name. */
  table: ReadonlyMap<number, { name: string; rgba: readonly [number, number, number, number] }>;
  opacity: number;
}

export interface MapLayer {
  values: ArrayLike<number>;
  positive: number;
  negative: number;
  max: number;
  opacity: number;
}

/** The unassigned label of a GIfTI label table ('???', 'Unknown', 'Medial_Wall' at key 0): not painted. */
export function isBackgroundLabel(key: number, name: string | undefined): boolean {
  return key === 0 || (name !== undefined && /^(\?+|unknown|medial[_ ]wall|freesurfer_defined_medial_wall)$/i.test(name.trim()));
}

/** RGB 0–1 per vertex (3 floats a vertex). */
export function vertexColours(gray: Float32Array, labels: LabelLayer | null, map: MapLayer | null): Float32Array {
  const n = gray.length;
  const out = new Float32Array(n * 3);
  for (let v = 0; v < n; v += 1) {
    let r = gray[v]!;
    let g = r;
    let b = r;
    if (labels) {
      const key = Math.round(labels.labels[v] ?? 0);
      const entry = labels.table.get(key);
      if (!isBackgroundLabel(key, entry?.name)) {
        const rgb = entry ? entry.rgba.map((c) => (c > 1 ? c / 255 : c)) : labelColour(key).map((c) => c / 255);
        const a = labels.opacity;
        r = r * (1 - a) + rgb[0]! * a;
        g = g * (1 - a) + rgb[1]! * a;
        b = b * (1 - a) + rgb[2]! * a;
      }
    }
    if (map) {
      const colour = mapColour(map.values[v] ?? NaN, map.positive, map.negative, map.max);
      if (colour) {
        const a = map.opacity;
        r = r * (1 - a) + (colour[0] / 255) * a;
        g = g * (1 - a) + (colour[1] / 255) * a;
        b = b * (1 - a) + (colour[2] / 255) * a;
      }
    }
    out[3 * v] = r;
    out[3 * v + 1] = g;
    out[3 * v + 2] = b;
  }
  return out;
}
