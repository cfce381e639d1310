/**
 * `#rrggbb` conversions that the colour-coded views share (Segmentation's statuses, the connectome's
 * groups, Morphology's segment colours): canvases take bytes, three.js colour attributes take 0…1,
 * three.js materials take 0xrrggbb. One parser, so a malformed colour fails the same way everywhere.
 */

/** `#rrggbb` (the `#` optional) → [r, g, b] in 0…255, as canvas image data takes them. */
export function hexToRgb(hex: string): [number, number, number] {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

/** `#rrggbb` → [r, g, b] in 0…1, as three.js colour attributes take them. */
export function hexToUnitRgb(hex: string): [number, number, number] {
  const [r, g, b] = hexToRgb(hex);
  return [r / 255, g / 255, b / 255];
}

/** `#rrggbb` → 0xrrggbb, as three.js materials take colours. */
export function hexToNumber(hex: string): number {
  const [r, g, b] = hexToRgb(hex);
  return (r << 16) | (g << 8) | b;
}

/** [r, g, b] in 0…1 (clamped) → `#rrggbb`, for legends drawn from computed colours. */
export function unitRgbToHex(rgb: readonly number[]): string {
  return `#${rgb.map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255).toString(16).padStart(2, '0')).join('')}`;
}
