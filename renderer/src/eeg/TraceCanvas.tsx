/**
 * The trace area: a base canvas with the page (redrawn only when the page or the scale changes)
 * and an overlay canvas for the cursor line and the drag measurement (redrawn on mouse moves);
 * the annotation texts are elements above both (AnnotationLabels.tsx).
 * Sizes are set through the CSSOM, which the strict CSP allows.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import type { EegAnnotation, EegPage } from '../../../shared/api/index.js';
import { channelPath, drawTraces, themeFromCss } from './drawTraces.js';
import { baselineOf, insidePlot, rowOfY, timeOfX, type TraceLayout } from './layout.js';
import type { RowScale } from './rowScales.js';
import type { EventBand } from '../seizure/colors.js';
import { AnnotationLabels } from './AnnotationLabels.js';

export interface Measurement {
  row: number;
  label: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  dtS: number;
  /** Amplitude difference in the row's display unit. */
  dAmplitude: number;
  unit: string;
}

function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export function TraceCanvas(props: {
  layout: TraceLayout;
  page: EegPage | null;
  labels: string[];
  gains: number[];
  /** Each row's scale, unit and centre (rowScales.ts). */
  rowScales: RowScale[];
  selectedRow: number | null;
  annotations: EegAnnotation[];
  startDateTime: string;
  sensitivityUvPerMm: number;
  ariaLabel: string;
  /** Seizure events to shade (triage). */
  eventBands?: readonly EventBand[];
  onLabelClick(row: number, modifiers: { shift: boolean; ctrl: boolean }): void;
  /** A project annotation's label was clicked. */
  onEditAnnotation(annotation: EegAnnotation): void;
  onCursorTime(timeS: number | null): void;
  onMeasure(measurement: Measurement | null): void;
}) {
  const { layout, page, labels, gains, rowScales } = props;
  const base = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const [cursorX, setCursorX] = useState<number | null>(null);
  const [drag, setDrag] = useState<{ row: number; x0: number; y0: number; x1: number; y1: number; active: boolean } | null>(null);

  // The page's channels as arranged (hidden ones left out), each at its row's scale.
  const paths = useMemo(
    () => (page ? page.channels.map((channel, row) => (rowScales[row] ? channelPath(layout, channel, row, rowScales[row]) : new Path2D())) : []),
    [page, layout, rowScales],
  );
  const rowTypes = useMemo(() => rowScales.map((s) => s.type), [rowScales]);

  useLayoutEffect(() => {
    const canvas = base.current;
    if (!canvas) return;
    const ctx = sizeCanvas(canvas, layout.width, layout.height);
    if (!ctx) return;
    drawTraces(ctx, {
      layout,
      page,
      labels,
      paths,
      gains,
      rowTypes,
      selectedRow: props.selectedRow,
      annotations: props.annotations,
      startDateTime: props.startDateTime,
      sensitivityUvPerMm: props.sensitivityUvPerMm,
      theme: themeFromCss(canvas),
      eventBands: props.eventBands,
    });
  }, [layout, page, labels, paths, gains, rowTypes, props.selectedRow, props.annotations, props.startDateTime, props.sensitivityUvPerMm, props.eventBands]);

  // A measurement belongs to the page it was made on.
  const { onMeasure } = props;
  useEffect(() => {
    setDrag(null);
    onMeasure(null);
  }, [layout.startS, layout.durationS, page?.montage, onMeasure]);

  useLayoutEffect(() => {
    const canvas = overlay.current;
    if (!canvas) return;
    const ctx = sizeCanvas(canvas, layout.width, layout.height);
    if (!ctx) return;
    ctx.clearRect(0, 0, layout.width, layout.height);
    const theme = themeFromCss(canvas);
    if (cursorX !== null) {
      ctx.strokeStyle = theme.selected;
      ctx.globalAlpha = 0.6;
      ctx.beginPath();
      ctx.moveTo(Math.round(cursorX) + 0.5, layout.plotTop);
      ctx.lineTo(Math.round(cursorX) + 0.5, layout.plotTop + layout.plotHeight);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    if (drag) {
      const x = Math.min(drag.x0, drag.x1);
      const y = Math.min(drag.y0, drag.y1);
      ctx.fillStyle = theme.selected;
      ctx.globalAlpha = 0.12;
      ctx.fillRect(x, y, Math.abs(drag.x1 - drag.x0), Math.abs(drag.y1 - drag.y0));
      ctx.globalAlpha = 1;
      ctx.strokeStyle = theme.selected;
      ctx.strokeRect(x + 0.5, y + 0.5, Math.abs(drag.x1 - drag.x0), Math.abs(drag.y1 - drag.y0));
    }
  }, [cursorX, drag, layout]);

  const pointer = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const measurementOf = (d: { row: number; x0: number; y0: number; x1: number; y1: number }): Measurement => ({
    ...d,
    label: labels[d.row] ?? '',
    dtS: Math.abs(d.x1 - d.x0) / layout.pxPerS,
    // Each row is drawn in its display unit at its own px per unit (its type's scale times its gain).
    dAmplitude: Math.abs(d.y1 - d.y0) / (rowScales[d.row]?.pxPerUnit ?? layout.pxPerUv),
    unit: rowScales[d.row]?.unit ?? 'µV',
  });

  const onMouseDown = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    const { x, y } = pointer(event);
    const row = rowOfY(layout, y);
    if (row === null || row >= labels.length) return;
    if (x < layout.plotLeft) {
      props.onLabelClick(row, { shift: event.shiftKey, ctrl: event.ctrlKey || event.metaKey || event.altKey });
      return;
    }
    if (!insidePlot(layout, x, y)) return;
    setDrag({ row, x0: x, y0: y, x1: x, y1: y, active: true });
    props.onMeasure(null);
  };

  const clampToPlot = (x: number, y: number) => ({
    x: Math.min(layout.plotLeft + layout.plotWidth, Math.max(layout.plotLeft, x)),
    y: Math.min(layout.plotTop + layout.plotHeight, Math.max(layout.plotTop, y)),
  });

  const onMouseMove = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    const { x, y } = pointer(event);
    if (insidePlot(layout, x, y)) {
      setCursorX(x);
      props.onCursorTime(timeOfX(layout, x));
    } else {
      setCursorX(null);
      props.onCursorTime(null);
    }
    if (drag?.active) {
      const p = clampToPlot(x, y);
      const next = { ...drag, x1: p.x, y1: p.y };
      setDrag(next);
      props.onMeasure(measurementOf(next));
    }
  };

  const onMouseUp = (event: ReactMouseEvent<HTMLCanvasElement>) => {
    if (!drag?.active) return;
    const { x, y } = pointer(event);
    const p = clampToPlot(x, y);
    const done = { ...drag, x1: p.x, y1: p.y, active: false };
    if (Math.abs(done.x1 - done.x0) < 2 && Math.abs(done.y1 - done.y0) < 2) {
      setDrag(null);
      props.onMeasure(null);
      return;
    }
    setDrag(done);
    props.onMeasure(measurementOf(done));
  };

  const onMouseLeave = () => {
    setCursorX(null);
    props.onCursorTime(null);
    if (drag?.active) setDrag({ ...drag, active: false });
  };

  return (
    <div className="eeg-trace-stack">
      <canvas
        ref={base}
        className="eeg-trace-canvas"
        role="img"
        aria-label={props.ariaLabel}
        data-decimated={page ? String(page.channels.some((channel) => channel.decimated)) : undefined}
      />
      <canvas
        ref={overlay}
        className="eeg-trace-overlay"
        aria-hidden="true"
        onMouseDown={onMouseDown}
        onMouseMove={onMouseMove}
        onMouseUp={onMouseUp}
        onMouseLeave={onMouseLeave}
      />
      <AnnotationLabels layout={layout} annotations={props.annotations} onEdit={props.onEditAnnotation} />
      <ul className="visually-hidden" aria-label="Derivations shown">
        {labels.map((label, row) => (
          // Type, scale and lane of each row, for assistive tech and for tests that check what is drawn where.
          <li
            key={`${row}-${label}`}
            data-type={rowScales[row]?.type}
            data-scale={rowScales[row] ? `${rowScales[row].unitsPerMm} ${rowScales[row].unit}/mm` : undefined}
            data-lane={`${Math.round(baselineOf(layout, row) - layout.rowHeight / 2)} ${Math.round(baselineOf(layout, row) + layout.rowHeight / 2)}`}
          >
            {label}
          </li>
        ))}
      </ul>
    </div>
  );
}
