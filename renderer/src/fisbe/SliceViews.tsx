/**
 * Orthogonal slices through GT and predicted labels (axial z, coronal y, sagittal x), each with a
 * slider: GT filled and predictions outlined in their status colours, the selection opaque with a
 * white outline, thin crosshair lines at the other two slices' positions. A click on a voxel
 * selects the instance there (again on the same voxel: the other side's, where both have one) and
 * moves the other two slices through that voxel.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, type MouseEvent } from 'react';
import type { FisbeAxis, FisbeInstance } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useElementSize } from '../components/useElementSize.js';
import type { SliceLabels } from './decode.js';
import {
  cellAt,
  extentOf,
  labelColors,
  nearestLabelled,
  poolRgba,
  sliceAxes,
  sliceDisplay,
  sliceSize,
  sliceToRgba,
  sliceVoxel,
  voxelInSlice,
  type Shape,
  type Voxel,
} from './sliceImage.js';
import { parseInstanceKey, type InstanceRef } from './selection.js';
import { useFisbeSlice } from './useFisbeData.js';

/** Tallest a slice is drawn, in CSS px (the 3D view takes the rest of the height). */
const SLICE_MAX_HEIGHT_PX = 250;

export const AXES: readonly { axis: FisbeAxis; title: string }[] = [
  { axis: 'z', title: 'Axial' },
  { axis: 'y', title: 'Coronal' },
  { axis: 'x', title: 'Sagittal' },
];

export interface SliceLayers {
  gt: boolean;
  pred: boolean;
}

export function SliceViews(props: {
  runId: number;
  shape: Shape;
  instances: readonly FisbeInstance[];
  /** The slices' crossing point, [x, y, z]. */
  position: Voxel;
  selectedKey: string | null;
  layers: SliceLayers;
  onPosition(position: Voxel): void;
  onPick(voxel: Voxel, candidates: InstanceRef[]): void;
}) {
  const selected = props.selectedKey ? parseInstanceKey(props.selectedKey) : null;
  const gtColors = useMemo(
    () => (props.layers.gt ? labelColors(props.instances, 'gt', selected?.side === 'gt' ? selected.id : null) : null),
    [props.instances, props.layers.gt, selected?.side, selected?.id],
  );
  const predColors = useMemo(
    () => (props.layers.pred ? labelColors(props.instances, 'pred', selected?.side === 'pred' ? selected.id : null) : null),
    [props.instances, props.layers.pred, selected?.side, selected?.id],
  );
  return (
    <div className="fisbe-slices">
      {AXES.map(({ axis, title }) => (
        <SliceView
          key={axis}
          runId={props.runId}
          axis={axis}
          title={title}
          shape={props.shape}
          position={props.position}
          colors={{ gt: gtColors, pred: predColors }}
          onIndex={(index) => {
            const next: Voxel = [...props.position];
            next[axis === 'x' ? 0 : axis === 'y' ? 1 : 2] = index;
            props.onPosition(next);
          }}
          onPick={props.onPick}
        />
      ))}
    </div>
  );
}

function SliceView(props: {
  runId: number;
  axis: FisbeAxis;
  title: string;
  shape: Shape;
  position: Voxel;
  colors: { gt: Uint8Array | null; pred: Uint8Array | null };
  onIndex(index: number): void;
  onPick(voxel: Voxel, candidates: InstanceRef[]): void;
}) {
  const { axis, position } = props;
  const at = voxelInSlice(axis, position);
  const max = extentOf(props.shape, axis) - 1;
  const { labels, error } = useFisbeSlice(props.runId, axis, at.index);
  const canvas = useRef<HTMLCanvasElement>(null);
  const vertical = useRef<HTMLSpanElement>(null);
  const horizontal = useRef<HTMLSpanElement>(null);
  const figure = useRef<HTMLElement>(null);
  const available = useElementSize(figure);
  const sliderId = `fisbe-slice-${axis}`;
  const size = sliceSize(props.shape, axis);
  const display = sliceDisplay(size.width, size.height, Math.max(40, available.width), SLICE_MAX_HEIGHT_PX, window.devicePixelRatio);

  useLayoutEffect(() => {
    const element = canvas.current;
    if (!element) return;
    // Through the CSSOM, which the strict CSP allows (no style attributes).
    element.style.width = `${display.cssWidth}px`;
    element.style.height = `${display.cssHeight}px`;
    vertical.current?.style.setProperty('left', `${((at.col + 0.5) / size.width) * 100}%`);
    horizontal.current?.style.setProperty('top', `${((at.row + 0.5) / size.height) * 100}%`);
  }, [display.cssWidth, display.cssHeight, at.col, at.row, size.width, size.height]);

  useEffect(() => {
    const element = canvas.current;
    if (!element || !labels) return;
    draw(element, labels, props.colors, display.canvasWidth, display.canvasHeight);
  }, [labels, props.colors, display.canvasWidth, display.canvasHeight]);

  const onClick = (event: MouseEvent<HTMLCanvasElement>) => {
    if (!labels) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const cell = cellAt(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, labels.width, labels.height);
    if (!cell) return;
    // A few screen pixels of slack: thin neurons are a voxel or two wide.
    const voxelsPerPx = labels.width / rect.width;
    const hit = nearestLabelled(labels, cell.col, cell.row, Math.max(1, 3 * voxelsPerPx), { gt: props.colors.gt !== null, pred: props.colors.pred !== null });
    const candidates: InstanceRef[] = [];
    if (hit?.gt) candidates.push({ side: 'gt', id: hit.gt });
    if (hit?.pred) candidates.push({ side: 'pred', id: hit.pred });
    props.onPick(sliceVoxel(axis, labels.index, hit?.col ?? cell.col, hit?.row ?? cell.row), candidates);
  };

  const axes = sliceAxes(axis);
  const shown = labels && labels.index === at.index ? '' : ' (loading)';
  return (
    <figure className="fisbe-slice" ref={figure}>
      <figcaption>
        <label htmlFor={sliderId}>
          {props.title} ({axis})
        </label>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={max}
          step={1}
          value={at.index}
          aria-label={`${props.title} slice ${axis}`}
          aria-valuetext={`${axis} = ${at.index} of ${max}`}
          onChange={(event) => props.onIndex(Number(event.target.value))}
        />
        <output htmlFor={sliderId} className="fisbe-slice-index">
          {axis} = {at.index}
        </output>
      </figcaption>
      <div className="fisbe-slice-frame">
        <canvas
          ref={canvas}
          className="fisbe-slice-canvas"
          role="img"
          aria-label={`${props.title} slice ${axis} = ${at.index}${shown}: columns ${axes.col}, rows ${axes.row}; GT filled, predictions outlined`}
          data-index={labels?.index ?? ''}
          data-columns={size.width}
          data-rows={size.height}
          data-crosshair={`${at.col},${at.row}`}
          onClick={onClick}
        />
        {/* The other two slices, as thin lines through the crossing point. */}
        <span ref={vertical} className="fisbe-crosshair fisbe-crosshair-v" aria-hidden="true" />
        <span ref={horizontal} className="fisbe-crosshair fisbe-crosshair-h" aria-hidden="true" />
      </div>
      <ErrorMessage message={error} />
    </figure>
  );
}

function draw(canvas: HTMLCanvasElement, labels: SliceLabels, colors: { gt: Uint8Array | null; pred: Uint8Array | null }, width: number, height: number): void {
  const full = sliceToRgba(labels, colors);
  const pixels = width === labels.width && height === labels.height ? full : poolRgba(full, labels.width, labels.height, width, height);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  canvas.getContext('2d')?.putImageData(new ImageData(pixels, width, height), 0, 0);
}
