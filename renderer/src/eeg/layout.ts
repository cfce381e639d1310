/**
 * Geometry of the trace area in CSS pixels: a label gutter at left, an annotation lane on top,
 * the time axis at the bottom, and one row per derivation. Horizontal scale comes from the
 * timebase (mm/s), vertical scale from the sensitivity (µV/mm); rows share the height left.
 */
import { pxPerMicrovolt, pxPerSecond } from './calibration.js';

export const LABEL_GUTTER_PX = 96;
export const ANNOTATION_LANE_PX = 18;
export const TIME_AXIS_PX = 24;
export const MIN_ROW_PX = 12;
export const RIGHT_PAD_PX = 8;

export interface TraceLayout {
  /** Canvas size, CSS px. */
  width: number;
  height: number;
  /** Trace plot area. */
  plotLeft: number;
  plotTop: number;
  plotWidth: number;
  plotHeight: number;
  rowHeight: number;
  channelCount: number;
  startS: number;
  durationS: number;
  pxPerS: number;
  pxPerUv: number;
}

export function computeLayout(options: {
  channelCount: number;
  startS: number;
  durationS: number;
  timebaseMmPerS: number;
  sensitivityUvPerMm: number;
  calibrationFactor: number;
  availableHeight: number;
}): TraceLayout {
  const pxPerS = pxPerSecond(options.timebaseMmPerS, options.calibrationFactor);
  const plotWidth = Math.round(options.durationS * pxPerS);
  const rows = Math.max(1, options.channelCount);
  const minPlot = rows * MIN_ROW_PX;
  const plotHeight = Math.max(minPlot, Math.floor(options.availableHeight - ANNOTATION_LANE_PX - TIME_AXIS_PX));
  return {
    width: LABEL_GUTTER_PX + plotWidth + RIGHT_PAD_PX,
    height: ANNOTATION_LANE_PX + plotHeight + TIME_AXIS_PX,
    plotLeft: LABEL_GUTTER_PX,
    plotTop: ANNOTATION_LANE_PX,
    plotWidth,
    plotHeight,
    rowHeight: plotHeight / rows,
    channelCount: options.channelCount,
    startS: options.startS,
    durationS: options.durationS,
    pxPerS,
    pxPerUv: pxPerMicrovolt(options.sensitivityUvPerMm, options.calibrationFactor),
  };
}

/** x of a recording time. */
export function xOfTime(layout: TraceLayout, timeS: number): number {
  return layout.plotLeft + (timeS - layout.startS) * layout.pxPerS;
}

/** Recording time under an x, clamped to the page. */
export function timeOfX(layout: TraceLayout, x: number): number {
  const t = layout.startS + (x - layout.plotLeft) / layout.pxPerS;
  return Math.min(layout.startS + layout.durationS, Math.max(layout.startS, t));
}

/** Baseline y of a row. */
export function baselineOf(layout: TraceLayout, row: number): number {
  return layout.plotTop + (row + 0.5) * layout.rowHeight;
}

/** Row under a y, or null outside the plot. */
export function rowOfY(layout: TraceLayout, y: number): number | null {
  if (y < layout.plotTop || y >= layout.plotTop + layout.plotHeight) return null;
  return Math.min(layout.channelCount - 1, Math.floor((y - layout.plotTop) / layout.rowHeight));
}

export function insidePlot(layout: TraceLayout, x: number, y: number): boolean {
  return x >= layout.plotLeft && x <= layout.plotLeft + layout.plotWidth && y >= layout.plotTop && y < layout.plotTop + layout.plotHeight;
}
