/**
 * Where neurons go when several are shown: each one's bounding box, and offsets that put them side
 * by side along x (in the order given, a gap between boxes) with their y and z centres on the axis,
 * so they line up for comparison. Plus the scale bar's length: the longest 1-2-5 step that fits.
 */
export interface Box {
  min: [number, number, number];
  max: [number, number, number];
}

export function boundingBox(positions: Float32Array): Box {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i + 2 < positions.length; i += 3) {
    for (let a = 0; a < 3; a += 1) {
      const v = positions[i + a]!;
      if (v < min[a]!) min[a] = v;
      if (v > max[a]!) max[a] = v;
    }
  }
  if (positions.length < 3) return { min: [0, 0, 0], max: [0, 0, 0] };
  return { min, max };
}

/** Offsets (added to each neuron's positions) placing the boxes side by side along x. */
export function sideBySideOffsets(boxes: readonly Box[], gapFraction = 0.1): Array<[number, number, number]> {
  const widest = Math.max(0, ...boxes.map((b) => b.max[0] - b.min[0]));
  const gap = Math.max(1, widest * gapFraction);
  const offsets: Array<[number, number, number]> = [];
  let cursor = 0;
  for (const box of boxes) {
    offsets.push([cursor - box.min[0], -(box.min[1] + box.max[1]) / 2, -(box.min[2] + box.max[2]) / 2]);
    cursor += box.max[0] - box.min[0] + gap;
  }
  // Centre the row on x = 0.
  const total = cursor - gap;
  for (const offset of offsets) offset[0] -= total / 2;
  return offsets;
}

/** The union of boxes, each moved by its offset. */
export function unionBox(boxes: readonly Box[], offsets: ReadonlyArray<readonly [number, number, number]>): Box {
  if (boxes.length === 0) return { min: [0, 0, 0], max: [0, 0, 0] };
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  boxes.forEach((box, k) => {
    const o = offsets[k] ?? [0, 0, 0];
    for (let a = 0; a < 3; a += 1) {
      min[a] = Math.min(min[a]!, box.min[a]! + o[a]!);
      max[a] = Math.max(max[a]!, box.max[a]! + o[a]!);
    }
  });
  return { min, max };
}

/** Centre and radius of the sphere around a box. */
export function boundingSphere(box: Box): { centre: [number, number, number]; radius: number } {
  const centre: [number, number, number] = [0, 1, 2].map((a) => (box.min[a]! + box.max[a]!) / 2) as [number, number, number];
  const radius = Math.hypot(box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]) / 2;
  return { centre, radius };
}

/** The largest length of 1, 2 or 5 × 10^k not above `maxUm` (0 when maxUm is not positive). */
export function niceLength(maxUm: number): number {
  if (!(maxUm > 0) || !Number.isFinite(maxUm)) return 0;
  const power = 10 ** Math.floor(Math.log10(maxUm));
  for (const step of [5, 2, 1]) if (step * power <= maxUm * (1 + 1e-9)) return step * power;
  return power;
}

export function formatLength(um: number): string {
  if (um >= 1000) return `${+(um / 1000).toPrecision(3)} mm`;
  if (um < 1) return `${+(um * 1000).toPrecision(3)} nm`;
  return `${+um.toPrecision(3)} µm`;
}

/** The scale bar for a view of `umPerPx` µm per CSS pixel: at most `maxPx` long. */
export function scaleBar(umPerPx: number, maxPx = 120): { lengthUm: number; px: number; label: string } | null {
  const lengthUm = niceLength(umPerPx * maxPx);
  if (lengthUm === 0 || !(umPerPx > 0)) return null;
  return { lengthUm, px: lengthUm / umPerPx, label: formatLength(lengthUm) };
}
