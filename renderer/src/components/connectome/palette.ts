/**
 * Group colours: one fixed colour per group id, so community 2 is the same colour in the 3D view,
 * the legend, the heat map and after a reload. The twelve fixed ones are the seven Okabe–Ito colours
 * (less black, which vanishes on the dark scene) and five of Paul Tol's light and muted ones, chosen
 * to stay apart under common colour-vision deficiencies; beyond those, hues step by the golden angle.
 */

// Ordered so neighbours differ most: orange and yellow, or the two blues, are far apart.
export const GROUP_COLORS: readonly string[] = [
  '#e69f00',
  '#56b4e9',
  '#009e73',
  '#cc79a7',
  '#f0e442',
  '#0072b2',
  '#d55e00',
  '#88ccee',
  '#ddcc77',
  '#44aa99',
  '#ee8866',
  '#aa4499',
];

/** Nodes without a group, and edges between groups. */
export const NO_GROUP_COLOR = '#8c8c8c';

const GOLDEN_ANGLE_DEG = 137.508;

/** `#rrggbb` of an HSL colour (h in degrees, s and l in 0…1). */
function hslHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** The colour of a group id (any integer ≥ 0); grey for null or invalid ids. */
export function groupColor(group: number | null): string {
  if (group === null || !Number.isInteger(group) || group < 0) return NO_GROUP_COLOR;
  if (group < GROUP_COLORS.length) return GROUP_COLORS[group]!;
  return hslHex(((group - GROUP_COLORS.length) * GOLDEN_ANGLE_DEG + 20) % 360, 0.6, 0.62);
}
