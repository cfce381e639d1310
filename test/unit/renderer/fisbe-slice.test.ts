/**
 * Slices as the view draws them: which voxel axes run along rows and columns, voxel ↔ pixel round
 * trips, clicks to pixels, and the RGBA image (GT filled, predictions outlined, the selection white
 * at its edge).
 */
import { describe, expect, it } from 'vitest';
import type { SliceLabels } from '../../../renderer/src/fisbe/decode.js';
import { fisbeInstance } from '../../helpers/fisbe.js';
import { hexToRgb } from '../../../renderer/src/components/color.js';
import { STATUS_COLORS } from '../../../renderer/src/fisbe/palette.js';
import {
  cellAt,
  FILL_ALPHA,
  labelColors,
  labelsAt,
  nearestLabelled,
  poolRgba,
  SLICE_BACKGROUND,
  sliceDisplay,
  sliceAxes,
  sliceSize,
  sliceToRgba,
  sliceVoxel,
  voxelInSlice,
} from '../../../renderer/src/fisbe/sliceImage.js';

const pixel = (rgba: Uint8ClampedArray, width: number, col: number, row: number) => [...rgba.slice((row * width + col) * 4, (row * width + col) * 4 + 4)];
const blend = (color: string) => {
  const rgb = hexToRgb(color);
  return [0, 1, 2].map((c) => Math.round(SLICE_BACKGROUND[c]! + (rgb[c]! - SLICE_BACKGROUND[c]!) * FILL_ALPHA));
};

describe('slice geometry', () => {
  it('lays slices out as numpy does: z → y rows of x, y → z rows of x, x → z rows of y', () => {
    expect(sliceAxes('z')).toEqual({ col: 'x', row: 'y' });
    expect(sliceAxes('y')).toEqual({ col: 'x', row: 'z' });
    expect(sliceAxes('x')).toEqual({ col: 'y', row: 'z' });
    // The real sample: 385 z × 685 y × 686 x.
    const shape = [385, 685, 686] as const;
    expect(sliceSize(shape, 'z')).toEqual({ width: 686, height: 685 });
    expect(sliceSize(shape, 'y')).toEqual({ width: 686, height: 385 });
    expect(sliceSize(shape, 'x')).toEqual({ width: 685, height: 385 });
  });

  it('maps slice pixels to voxels [x, y, z] and back', () => {
    expect(sliceVoxel('z', 7, 100, 200)).toEqual([100, 200, 7]);
    expect(sliceVoxel('y', 7, 100, 200)).toEqual([100, 7, 200]);
    expect(sliceVoxel('x', 7, 100, 200)).toEqual([7, 100, 200]);
    for (const axis of ['z', 'y', 'x'] as const) {
      const voxel = sliceVoxel(axis, 5, 11, 13);
      expect(voxelInSlice(axis, voxel)).toEqual({ index: 5, col: 11, row: 13 });
    }
  });

  it('finds the pixel under a click on a scaled canvas', () => {
    // 686 × 385 drawn at 343 × 192.5 CSS px: each pixel is half a CSS pixel.
    expect(cellAt(0, 0, 343, 192.5, 686, 385)).toEqual({ col: 0, row: 0 });
    expect(cellAt(100.2, 50.9, 343, 192.5, 686, 385)).toEqual({ col: 200, row: 101 });
    expect(cellAt(342.99, 192.4, 343, 192.5, 686, 385)).toEqual({ col: 685, row: 384 });
    expect(cellAt(343, 10, 343, 192.5, 686, 385)).toBeNull();
    expect(cellAt(-1, 10, 343, 192.5, 686, 385)).toBeNull();
  });
});

describe('slice image', () => {
  // 5 × 4: GT 1 a 3 × 3 block at the top left, pred 2 a 3 × 3 block shifted right by one, and an
  // unknown GT id 9 at the bottom right.
  const labels: SliceLabels = {
    axis: 'z',
    index: 0,
    width: 5,
    height: 4,
    gt: Uint16Array.from([1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 9]),
    pred: Uint16Array.from([0, 2, 2, 2, 0, 0, 2, 2, 2, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0]),
  };
  const instances = [fisbeInstance('gt', 1, { status: 'true-positive' }), fisbeInstance('pred', 2, { status: 'false-merge' })];

  it('reads the labels under a pixel (background 0, outside the slice too)', () => {
    expect(labelsAt(labels, 1, 1)).toEqual({ gt: 1, pred: 2 });
    expect(labelsAt(labels, 0, 0)).toEqual({ gt: 1, pred: 0 });
    expect(labelsAt(labels, 4, 3)).toEqual({ gt: 9, pred: 0 });
    expect(labelsAt(labels, 5, 0)).toEqual({ gt: 0, pred: 0 });
  });

  it('colours each side by id, flagging the selected instance', () => {
    const gt = labelColors(instances, 'gt', 1);
    expect([...gt.slice(4, 8)]).toEqual([...hexToRgb(STATUS_COLORS['true-positive']), 2]);
    const pred = labelColors(instances, 'pred', null);
    expect(pred.length).toBe(3 * 4);
    expect([...pred.slice(8, 12)]).toEqual([...hexToRgb(STATUS_COLORS['false-merge']), 1]);
    expect(pred[7]).toBe(0);
  });

  it('fills GT, outlines predictions, and shows unknown ids grey', () => {
    const rgba = sliceToRgba(labels, { gt: labelColors(instances, 'gt', null), pred: labelColors(instances, 'pred', null) });
    expect(rgba.length).toBe(5 * 4 * 4);
    // Background.
    expect(pixel(rgba, 5, 4, 0)).toEqual([...SLICE_BACKGROUND, 255]);
    // GT only: a translucent fill.
    expect(pixel(rgba, 5, 0, 0)).toEqual([...blend(STATUS_COLORS['true-positive']), 255]);
    // The pred block's edge is opaque in its colour; its single interior pixel (2, 1) is not drawn.
    expect(pixel(rgba, 5, 1, 0)).toEqual([...hexToRgb(STATUS_COLORS['false-merge']), 255]);
    expect(pixel(rgba, 5, 2, 1)).toEqual([...blend(STATUS_COLORS['true-positive']), 255]);
    // An id without a record.
    expect(pixel(rgba, 5, 4, 3)).toEqual([...blend('#8c8c8c'), 255]);
  });

  it('fills predictions when GT is hidden and draws nothing of a hidden side', () => {
    const rgba = sliceToRgba(labels, { gt: null, pred: labelColors(instances, 'pred', null) });
    expect(pixel(rgba, 5, 2, 1)).toEqual([...blend(STATUS_COLORS['false-merge']), 255]);
    expect(pixel(rgba, 5, 0, 0)).toEqual([...SLICE_BACKGROUND, 255]);
    const none = sliceToRgba(labels, { gt: null, pred: null });
    expect(pixel(none, 5, 2, 1)).toEqual([...SLICE_BACKGROUND, 255]);
  });

  it('draws the selected instance opaque with a white edge, over the other side', () => {
    const rgba = sliceToRgba(labels, { gt: labelColors(instances, 'gt', 1), pred: labelColors(instances, 'pred', null) });
    // GT 1's interior pixel (1, 1) is its colour, opaque, although pred 2 overlaps it there.
    expect(pixel(rgba, 5, 1, 1)).toEqual([...hexToRgb(STATUS_COLORS['true-positive']), 255]);
    // Its edge is white.
    expect(pixel(rgba, 5, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(rgba, 5, 2, 2)).toEqual([255, 255, 255, 255]);
    // Reuses a buffer of the right size.
    const out = new Uint8ClampedArray(5 * 4 * 4);
    expect(sliceToRgba(labels, { gt: null, pred: null }, out)).toBe(out);
  });
});

describe('slices smaller than life-size', () => {
  it('pools so that a one-pixel line survives a 3× reduction, the white edge over colour', () => {
    // 6 × 3 background with one coloured pixel at (4, 1) and a white one at (1, 2).
    const width = 6;
    const height = 3;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i += 1) rgba.set([...SLICE_BACKGROUND, 255], i * 4);
    rgba.set([213, 94, 0, 255], (1 * width + 4) * 4);
    rgba.set([0, 158, 115, 255], (2 * width + 0) * 4);
    rgba.set([255, 255, 255, 255], (2 * width + 1) * 4);
    const out = poolRgba(rgba, width, height, 2, 1);
    expect([...out.slice(0, 4)]).toEqual([255, 255, 255, 255]);
    expect([...out.slice(4, 8)]).toEqual([213, 94, 0, 255]);
    // Same size: a copy.
    expect(poolRgba(rgba, width, height, width, height)).toEqual(rgba);
  });

  it('sizes a slice to its box, keeping square voxels, at device resolution when shrunk', () => {
    // An axial slice of the real sample in a 400 × 250 px box: 250 px tall.
    expect(sliceDisplay(686, 685, 400, 250, 1)).toEqual({ cssWidth: (686 * 250) / 685, cssHeight: 250, canvasWidth: 250, canvasHeight: 250 });
    // On a 2× screen, the canvas has twice the pixels (still fewer than the slice's).
    expect(sliceDisplay(686, 685, 400, 250, 2).canvasHeight).toBe(500);
    // Enlarged: the slice's own pixels, scaled up by the browser.
    expect(sliceDisplay(100, 50, 400, 250, 1)).toEqual({ cssWidth: 400, cssHeight: 200, canvasWidth: 100, canvasHeight: 50 });
  });

  it('finds the nearest labelled pixel of a shown side within the click slack', () => {
    const labels: SliceLabels = {
      axis: 'y',
      index: 3,
      width: 6,
      height: 3,
      gt: Uint16Array.from([0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      pred: Uint16Array.from([0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    };
    expect(nearestLabelled(labels, 1, 1, 0, { gt: true, pred: true })).toEqual({ col: 1, row: 1, gt: 0, pred: 2 });
    expect(nearestLabelled(labels, 2, 2, 1.5, { gt: true, pred: true })).toEqual({ col: 1, row: 1, gt: 0, pred: 2 });
    expect(nearestLabelled(labels, 2, 2, 1.5, { gt: true, pred: false })).toBeNull();
    expect(nearestLabelled(labels, 4, 1, 1.5, { gt: true, pred: true })).toEqual({ col: 5, row: 0, gt: 4, pred: 0 });
    expect(nearestLabelled(labels, 3, 2, 1, { gt: true, pred: true })).toBeNull();
  });
});
