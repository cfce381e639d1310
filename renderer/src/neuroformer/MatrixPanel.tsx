/**
 * One connectivity matrix as a heat map: rows = predicted (post) neuron, columns = attended past
 * (pre) neuron, both in the given display order (cell-type groups, a hub first in its group), a
 * cell-type strip along the top and left with the group boundaries drawn through the map, a colour
 * bar, and the pair under the pointer named with its value.
 */
import { useLayoutEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { pixelCanvas } from '../components/pixelCanvas.js';
import type { TypeColors } from '../spikes/colors.js';
import { matrixPixels, typeLabel, typeRuns, type MatrixScale } from './matrix.js';

const STRIP = 8;
const SIDE = 340;

export interface MatrixPanelProps {
  title: string;
  matrix: ArrayLike<number>;
  n: number;
  order: readonly number[];
  types: readonly (string | null)[];
  unitIds: readonly string[];
  colors: TypeColors;
  scale: MatrixScale;
  /** What the colours mean, under the map. */
  legend: string;
}

const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(2));

export function MatrixPanel({ title, matrix, n, order, types, unitIds, colors, scale, legend }: MatrixPanelProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [cell, setCell] = useState<{ row: number; col: number } | null>(null);
  const size = Math.max(1, Math.floor(SIDE / Math.max(1, n)));
  const side = STRIP + n * size;
  const runs = useMemo(() => typeRuns(order, types), [order, types]);

  useLayoutEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || n === 0) return;
    context.clearRect(0, 0, side, side);
    context.imageSmoothingEnabled = false;
    context.drawImage(pixelCanvas(matrixPixels(matrix, n, order, scale), n, n), STRIP, STRIP, n * size, n * size);
    for (const run of runs) {
      const from = STRIP + run.start * size;
      const length = run.count * size;
      context.fillStyle = colors.colorOf(run.type);
      context.fillRect(from, 0, length, STRIP - 2);
      context.fillRect(0, from, STRIP - 2, length);
      if (run.start > 0) {
        context.fillStyle = '#000000';
        context.globalAlpha = 0.6;
        context.fillRect(from - 0.5, STRIP, 1, n * size);
        context.fillRect(STRIP, from - 0.5, n * size, 1);
        context.globalAlpha = 1;
      }
    }
  }, [matrix, n, order, scale, size, side, runs, colors]);

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const k = side / rect.width;
    const col = Math.floor(((event.clientX - rect.left) * k - STRIP) / size);
    const row = Math.floor(((event.clientY - rect.top) * k - STRIP) / size);
    setCell(row >= 0 && col >= 0 && row < n && col < n ? { row, col } : null);
  };
  const post = cell ? order[cell.row]! : null;
  const pre = cell ? order[cell.col]! : null;
  const name = (u: number) => `unit ${unitIds[u] ?? u} (${typeLabel(types[u] ?? null)})`;
  const groups = runs.map((r) => `${typeLabel(r.type)} ${r.count}`).join(', ');
  return (
    <figure className="nf-matrix">
      <figcaption className="nf-matrix-title">{title}</figcaption>
      <div className="nf-matrix-axes">
        <span className="nf-matrix-ylabel">predicted neuron (post) ↓</span>
        <div>
          <span className="nf-matrix-xlabel">attended past neuron (pre) →</span>
          <canvas
            ref={canvas}
            width={side}
            height={side}
            role="img"
            aria-label={`${title}: ${n} × ${n} units grouped by cell type (${groups}), rows predicted, columns attended`}
            data-units={n}
            onPointerMove={onPointerMove}
            onPointerLeave={() => setCell(null)}
          />
        </div>
      </div>
      <div className="nf-colorbar" aria-hidden="true">
        <span>{scale.kind === 'diverging' ? fmt(-scale.top) : fmt(scale.bottom ?? 0)}</span>
        <span className={scale.kind === 'diverging' ? 'nf-bar nf-bar-diverging' : 'nf-bar nf-bar-sequential'} />
        <span>{fmt(scale.top)}</span>
      </div>
      <p className="nf-matrix-legend muted">{legend}</p>
      <output className="nf-matrix-cell">
        {post !== null && pre !== null ? (post === pre ? `${name(post)} itself` : `${name(pre)} → ${name(post)}: ${fmt(matrix[post * n + pre]!)}`) : 'Point at a cell for its pair.'}
      </output>
    </figure>
  );
}
