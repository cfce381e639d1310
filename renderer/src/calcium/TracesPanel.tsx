/**
 * The traces, stacked one lane per cell in the chosen order and scrolled vertically (only the lanes
 * on screen are asked for, as one page of min/max columns over the time window). Each lane keeps
 * its cell's own scale (1st to 99.5th percentile of the whole trace, printed beside its name) so a
 * quiet cell is not a flat line next to a loud one; a click selects the cell.
 */
import { useEffect, useRef, useState } from 'react';
import type { CalciumPage } from '../../../shared/api/index.js';
import { beginDrawing, LABEL_WIDTH, RIGHT_MARGIN, drawBand } from './canvas.js';

export const LANE_HEIGHT = 40;

interface Props {
  names: readonly string[];
  rows: readonly number[];
  page: CalciumPage | null;
  unit: string;
  width: number;
  height: number;
  selectedCell: number | null;
  /** The cells whose lanes are on screen (the page to ask for), in row order. */
  onVisibleCells(cells: number[]): void;
  onSelect(cell: number): void;
  /** Scroll so this cell's lane is on screen (set by a click in the heat map or the ROI map). */
  revealCell: number | null;
  /** The window the page should cover (a page of another window is drawn until the new one arrives). */
  window: { start: number; end: number };
}

const digits = (value: number) => String(Number(value.toPrecision(2)));

export function TracesPanel({ names, rows, page, unit, width, height, selectedCell, onVisibleCells, onSelect, revealCell, window: shown }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const plotWidth = Math.max(10, width - LABEL_WIDTH - RIGHT_MARGIN);
  const first = Math.max(0, Math.floor(scrollTop / LANE_HEIGHT));
  const count = Math.ceil(height / LANE_HEIGHT) + 1;
  const visible = rows.slice(first, first + count);
  const visibleKey = visible.join(',');
  // Every lane on screen drawn from a page of the window shown (tests and screenshots wait for it).
  const complete = page !== null && page.startFrame === shown.start && page.endFrame === shown.end && visible.every((cell) => page.cells.includes(cell));

  useEffect(() => {
    onVisibleCells(visible);
    // visibleKey stands for `visible`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [visibleKey, onVisibleCells]);

  useEffect(() => {
    if (revealCell === null || !scroller.current) return;
    const row = rows.indexOf(revealCell);
    if (row < 0) return;
    const top = row * LANE_HEIGHT;
    const element = scroller.current;
    if (top < element.scrollTop || top + LANE_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = Math.max(0, top - element.clientHeight / 2);
  }, [revealCell, rows]);

  useEffect(() => {
    const drawing = beginDrawing(canvas.current, width, height);
    if (!drawing) return;
    const { context, colors } = drawing;
    const rowOf = new Map(page?.cells.map((cell, i) => [cell, i]) ?? []);
    visible.forEach((cell, k) => {
      const top = (first + k) * LANE_HEIGHT - scrollTop;
      const selected = cell === selectedCell;
      if (selected) {
        context.fillStyle = colors.accent;
        context.globalAlpha = 0.12;
        context.fillRect(0, top, width, LANE_HEIGHT);
        context.globalAlpha = 1;
      }
      context.strokeStyle = colors.border;
      context.lineWidth = 1;
      context.beginPath();
      context.moveTo(0, top + LANE_HEIGHT - 0.5);
      context.lineTo(width, top + LANE_HEIGHT - 0.5);
      context.stroke();
      context.fillStyle = selected ? colors.accent : colors.text;
      context.font = `${selected ? 'bold ' : ''}12px system-ui, sans-serif`;
      context.textBaseline = 'top';
      context.fillText(fit(context, names[cell] ?? `cell ${cell + 1}`, LABEL_WIDTH - 8), 4, top + 4);
      const i = rowOf.get(cell);
      if (page === null || i === undefined) return;
      const low = page.low[i]!;
      const high = page.high[i]!;
      context.fillStyle = colors.muted;
      context.font = '10px system-ui, sans-serif';
      context.fillText(`${digits(low)}…${digits(high)} ${unit}`, 4, top + 20);
      const pad = 3;
      const y = (value: number) => top + pad + (1 - (value - low) / (high - low)) * (LANE_HEIGHT - 2 * pad);
      context.save();
      context.beginPath();
      context.rect(LABEL_WIDTH, top, plotWidth, LANE_HEIGHT);
      context.clip();
      context.strokeStyle = selected ? colors.accent : colors.text;
      context.lineWidth = 1;
      drawBand(context, page.min, page.max, i * page.columns, page.columns, LABEL_WIDTH, plotWidth, y);
      context.restore();
    });
  }, [page, visibleKey, first, scrollTop, width, height, plotWidth, names, selectedCell, unit]);

  return (
    <div
      ref={scroller}
      className="calcium-traces"
      style={{ height }}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      onClick={(event) => {
        const box = event.currentTarget.getBoundingClientRect();
        const row = Math.floor((event.clientY - box.top + event.currentTarget.scrollTop) / LANE_HEIGHT);
        const cell = rows[row];
        if (cell !== undefined) onSelect(cell);
      }}
      role="list"
      data-complete={complete}
      aria-label={`Traces of ${rows.length} cells, ${count} lanes on screen; scroll for more`}
    >
      <div style={{ height: rows.length * LANE_HEIGHT, position: 'relative' }}>
        <canvas ref={canvas} className="calcium-traces-canvas" />
      </div>
      {/* The names on screen for assistive technology and tests; the canvas draws them for the eye. */}
      <ul className="calcium-visually-hidden">
        {visible.map((cell) => (
          <li key={cell} data-cell={cell}>
            {names[cell]}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** `text` cut with an ellipsis to `width` px. */
function fit(context: CanvasRenderingContext2D, text: string, width: number): string {
  if (context.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && context.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}
