/**
 * Orthogonal slices: which voxel axes a slice's rows and columns run along (numpy order: a z slice
 * is y rows of x, a y slice z rows of x, an x slice z rows of y), the RGBA image of its GT and
 * predicted labels coloured by status, and the labels under a clicked pixel.
 */
import type { FisbeAxis, FisbeInstance } from '../../../shared/api/index.js';
import type { SliceLabels } from './decode.js';
import { hexToRgb } from '../components/color.js';
import { SELECTED_COLOR, statusColor, UNKNOWN_LABEL_COLOR, type Side } from './palette.js';

/** A voxel as [x, y, z] (three.js order); shapes in the contract are [z, y, x]. */
export type Voxel = [number, number, number];
export type Shape = readonly [number, number, number];

const AXIS_INDEX: Record<FisbeAxis, 0 | 1 | 2> = { x: 0, y: 1, z: 2 };

/** The voxel axes along a slice's columns and rows. */
export function sliceAxes(axis: FisbeAxis): { col: FisbeAxis; row: FisbeAxis } {
  switch (axis) {
    case 'z':
      return { col: 'x', row: 'y' };
    case 'y':
      return { col: 'x', row: 'z' };
    case 'x':
      return { col: 'y', row: 'z' };
  }
}

/** Number of voxels along an axis of a [z, y, x] shape. */
export function extentOf(shape: Shape, axis: FisbeAxis): number {
  return axis === 'z' ? shape[0] : axis === 'y' ? shape[1] : shape[2];
}

/** Width (columns) and height (rows) of a slice along `axis` through a [z, y, x] volume. */
export function sliceSize(shape: Shape, axis: FisbeAxis): { width: number; height: number } {
  const { col, row } = sliceAxes(axis);
  return { width: extentOf(shape, col), height: extentOf(shape, row) };
}

export function voxelAlong(voxel: Voxel, axis: FisbeAxis): number {
  return voxel[AXIS_INDEX[axis]];
}

/** The voxel at (col, row) of slice `index` along `axis`. */
export function sliceVoxel(axis: FisbeAxis, index: number, col: number, row: number): Voxel {
  const voxel: Voxel = [0, 0, 0];
  const axes = sliceAxes(axis);
  voxel[AXIS_INDEX[axis]] = index;
  voxel[AXIS_INDEX[axes.col]] = col;
  voxel[AXIS_INDEX[axes.row]] = row;
  return voxel;
}

/** Where a voxel lies in the slices along `axis`: the slice index and its column and row there. */
export function voxelInSlice(axis: FisbeAxis, voxel: Voxel): { index: number; col: number; row: number } {
  const axes = sliceAxes(axis);
  return { index: voxelAlong(voxel, axis), col: voxelAlong(voxel, axes.col), row: voxelAlong(voxel, axes.row) };
}

/** The pixel (column, row) under a point at (x, y) CSS px of a canvas drawn `clientWidth` × `clientHeight`. */
export function cellAt(x: number, y: number, clientWidth: number, clientHeight: number, width: number, height: number): { col: number; row: number } | null {
  if (clientWidth <= 0 || clientHeight <= 0 || x < 0 || y < 0 || x >= clientWidth || y >= clientHeight) return null;
  return {
    col: Math.min(width - 1, Math.floor((x / clientWidth) * width)),
    row: Math.min(height - 1, Math.floor((y / clientHeight) * height)),
  };
}

/** The relabelled ids under (col, row); 0 is background. */
export function labelsAt(labels: SliceLabels, col: number, row: number): { gt: number; pred: number } {
  if (col < 0 || row < 0 || col >= labels.width || row >= labels.height) return { gt: 0, pred: 0 };
  const i = row * labels.width + col;
  return { gt: labels.gt[i]!, pred: labels.pred[i]! };
}

/**
 * Colours of one side's labels by id: RGBA-sized entries [r, g, b, flag] where flag 1 is a known
 * instance, 2 the selected one and 0 an id without a record (drawn grey).
 */
export type LabelColors = Uint8Array;

export function labelColors(instances: readonly FisbeInstance[], side: Side, selectedId: number | null): LabelColors {
  let maxId = 0;
  for (const instance of instances) if (instance.side === side) maxId = Math.max(maxId, instance.id);
  const table = new Uint8Array((maxId + 1) * 4);
  for (const instance of instances) {
    if (instance.side !== side) continue;
    const [r, g, b] = hexToRgb(statusColor(instance.status));
    table.set([r, g, b, instance.id === selectedId ? 2 : 1], instance.id * 4);
  }
  return table;
}

export const SLICE_BACKGROUND: readonly [number, number, number] = [18, 20, 24];
/** Opacity of a GT fill (and of a pred fill when GT is hidden). */
export const FILL_ALPHA = 0.55;

const UNKNOWN = hexToRgb(UNKNOWN_LABEL_COLOR);
const SELECTED = hexToRgb(SELECTED_COLOR);

/**
 * The slice as an RGBA image (row-major, `height` rows of `width`): GT instances filled in their
 * status colour, predictions outlined in theirs (filled too when GT is hidden), the selected
 * instance opaque with a white outline over both. `gt`/`pred` null hides that side.
 */
export function sliceToRgba(
  labels: SliceLabels,
  colors: { gt: LabelColors | null; pred: LabelColors | null },
  out?: Uint8ClampedArray<ArrayBuffer>,
): Uint8ClampedArray<ArrayBuffer> {
  const { width, height, gt, pred } = labels;
  const rgba = out && out.length === width * height * 4 ? out : new Uint8ClampedArray(width * height * 4);
  const gtColors = colors.gt;
  const predColors = colors.pred;
  const rgb = [0, 0, 0];
  const colorOf = (table: LabelColors, id: number): number => {
    const at = id * 4;
    if (at + 3 >= table.length || table[at + 3] === 0) {
      rgb[0] = UNKNOWN[0];
      rgb[1] = UNKNOWN[1];
      rgb[2] = UNKNOWN[2];
      return 0;
    }
    rgb[0] = table[at]!;
    rgb[1] = table[at + 1]!;
    rgb[2] = table[at + 2]!;
    return table[at + 3]!;
  };
  const boundary = (ids: Uint16Array, i: number, col: number, row: number, id: number): boolean =>
    col === 0 || row === 0 || col === width - 1 || row === height - 1 || ids[i - 1] !== id || ids[i + 1] !== id || ids[i - width] !== id || ids[i + width] !== id;

  for (let row = 0, i = 0; row < height; row += 1) {
    for (let col = 0; col < width; col += 1, i += 1) {
      let r = SLICE_BACKGROUND[0];
      let g = SLICE_BACKGROUND[1];
      let b = SLICE_BACKGROUND[2];
      let selected: { ids: Uint16Array; id: number; r: number; g: number; b: number } | null = null;
      const gtId = gtColors ? gt[i]! : 0;
      if (gtId !== 0) {
        const flag = colorOf(gtColors!, gtId);
        r += (rgb[0]! - r) * FILL_ALPHA;
        g += (rgb[1]! - g) * FILL_ALPHA;
        b += (rgb[2]! - b) * FILL_ALPHA;
        if (flag === 2) selected = { ids: gt, id: gtId, r: rgb[0]!, g: rgb[1]!, b: rgb[2]! };
      }
      const predId = predColors ? pred[i]! : 0;
      if (predId !== 0) {
        const flag = colorOf(predColors!, predId);
        if (boundary(pred, i, col, row, predId)) {
          r = rgb[0]!;
          g = rgb[1]!;
          b = rgb[2]!;
        } else if (!gtColors) {
          r += (rgb[0]! - r) * FILL_ALPHA;
          g += (rgb[1]! - g) * FILL_ALPHA;
          b += (rgb[2]! - b) * FILL_ALPHA;
        }
        if (flag === 2) selected = { ids: pred, id: predId, r: rgb[0]!, g: rgb[1]!, b: rgb[2]! };
      }
      if (selected) {
        if (boundary(selected.ids, i, col, row, selected.id)) {
          r = SELECTED[0];
          g = SELECTED[1];
          b = SELECTED[2];
        } else {
          r = selected.r;
          g = selected.g;
          b = selected.b;
        }
      }
      const o = i * 4;
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = 255;
    }
  }
  return rgba;
}

/**
 * Shrinks an RGBA image to `outWidth` × `outHeight` so that thin structures survive: each output
 * pixel takes the source pixel of its block that stands out most from the background (a label over
 * background, the white selection edge over a label), where plain resampling would drop or fade a
 * neuron one or two voxels wide.
 */
export function poolRgba(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(outWidth * outHeight * 4);
  const [br, bg, bb] = SLICE_BACKGROUND;
  for (let oy = 0; oy < outHeight; oy += 1) {
    const y0 = Math.floor((oy * height) / outHeight);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * height) / outHeight));
    for (let ox = 0; ox < outWidth; ox += 1) {
      const x0 = Math.floor((ox * width) / outWidth);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * width) / outWidth));
      let best = (y0 * width + x0) * 4;
      let bestScore = -1;
      for (let y = y0; y < y1; y += 1) {
        for (let x = x0, i = (y * width + x0) * 4; x < x1; x += 1, i += 4) {
          const score = Math.abs(rgba[i]! - br) + Math.abs(rgba[i + 1]! - bg) + Math.abs(rgba[i + 2]! - bb);
          if (score > bestScore) {
            bestScore = score;
            best = i;
          }
        }
      }
      const o = (oy * outWidth + ox) * 4;
      out[o] = rgba[best]!;
      out[o + 1] = rgba[best + 1]!;
      out[o + 2] = rgba[best + 2]!;
      out[o + 3] = rgba[best + 3]!;
    }
  }
  return out;
}

/**
 * CSS size of a slice drawn within `maxWidth` × `maxHeight` CSS px (aspect kept, voxels square),
 * and the canvas resolution: the slice's own when it is drawn at least life-size (the browser then
 * enlarges it pixelated), else the display's device pixels (pooled with `poolRgba`).
 */
export function sliceDisplay(
  width: number,
  height: number,
  maxWidth: number,
  maxHeight: number,
  devicePixelRatio: number,
): { cssWidth: number; cssHeight: number; canvasWidth: number; canvasHeight: number } {
  const scale = Math.max(1e-3, Math.min(maxWidth / width, maxHeight / height));
  const cssWidth = width * scale;
  const cssHeight = height * scale;
  const dpr = Math.max(1, devicePixelRatio || 1);
  if (scale * dpr >= 1) return { cssWidth, cssHeight, canvasWidth: width, canvasHeight: height };
  return { cssWidth, cssHeight, canvasWidth: Math.max(1, Math.round(cssWidth * dpr)), canvasHeight: Math.max(1, Math.round(cssHeight * dpr)) };
}

/**
 * The labelled pixel nearest to (col, row) within `radius` pixels (Euclidean), counting only the
 * sides shown, or null: a click on a slice drawn smaller than life-size still finds a neuron one
 * voxel wide. The clicked pixel itself wins when labelled.
 */
export function nearestLabelled(
  labels: SliceLabels,
  col: number,
  row: number,
  radius: number,
  sides: { gt: boolean; pred: boolean },
): { col: number; row: number; gt: number; pred: number } | null {
  let best: { col: number; row: number; gt: number; pred: number } | null = null;
  let bestDistance = Infinity;
  const r = Math.max(0, Math.floor(radius));
  for (let y = Math.max(0, row - r); y <= Math.min(labels.height - 1, row + r); y += 1) {
    for (let x = Math.max(0, col - r); x <= Math.min(labels.width - 1, col + r); x += 1) {
      const distance = (x - col) ** 2 + (y - row) ** 2;
      if (distance > radius * radius || distance >= bestDistance) continue;
      const i = y * labels.width + x;
      const gt = sides.gt ? labels.gt[i]! : 0;
      const pred = sides.pred ? labels.pred[i]! : 0;
      if (gt === 0 && pred === 0) continue;
      best = { col: x, row: y, gt, pred };
      bestDistance = distance;
    }
  }
  return best;
}
