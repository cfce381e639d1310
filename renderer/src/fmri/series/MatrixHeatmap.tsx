/**
 * A connectivity matrix as a heat map: regions in the file's (atlas) order on both axes, a
 * diverging colour scale symmetric about zero (the diagonal, 1 for correlations, greyed out so it
 * does not set the scale), a colour bar with the unit, and the pair of regions and their value
 * under the pointer.
 */
import { useLayoutEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { ColourBar } from './ColourBar.js';
import { formatValue } from './format.js';
import { matrixImage, symmetricMatrixRange } from './matrixColours.js';
import { pixelCanvas } from '../../components/pixelCanvas.js';

/** Drawing size of the matrix, px (cells are whole pixels at most sizes). */
const TARGET = 420;
/** Room for the region ticks on the left and top. */
const AXIS = 34;

export function MatrixHeatmap(props: {
  matrix: ArrayLike<number>;
  n: number;
  names: readonly string[];
  /** What the values are with their unit ("Pearson r"): the colour bar's caption. */
  unit: string;
  /** Symbol of the value in the hover line ("r"). */
  symbol: string;
  /** Accessible name's start ("Pearson correlation of 50003"). */
  title: string;
}) {
  const { matrix, n, names } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  const [cell, setCell] = useState<{ row: number; col: number } | null>(null);
  const range = useMemo(() => symmetricMatrixRange(matrix, n), [matrix, n]);
  const size = Math.max(1, Math.floor(TARGET / Math.max(1, n)));
  const side = n * size;
  const total = AXIS + side;
  // Ticks every 10 regions (every 5 for small atlases), numbered from 1 as the atlas tables are.
  const step = n > 40 ? 10 : 5;
  const ticks = useMemo(() => Array.from({ length: Math.floor(n / step) }, (_, i) => (i + 1) * step), [n, step]);

  useLayoutEffect(() => {
    const element = canvas.current;
    const ctx = element?.getContext('2d');
    if (!element || !ctx || n === 0) return;
    setDrawn(false);
    const image = pixelCanvas(matrixImage(matrix, n, range), n, n);
    ctx.clearRect(0, 0, total, total);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, AXIS, AXIS, side, side);
    ctx.fillStyle = '#8a8f98';
    ctx.font = '10px sans-serif';
    for (const tick of ticks) {
      const at = AXIS + (tick - 0.5) * size;
      ctx.textAlign = 'right';
      ctx.fillText(String(tick), AXIS - 4, at + 3);
      ctx.save();
      ctx.translate(at + 3, AXIS - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'left';
      ctx.fillText(String(tick), 0, 0);
      ctx.restore();
    }
    setDrawn(true);
  }, [matrix, n, range, size, side, total, ticks]);

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const scale = total / rect.width;
    const col = Math.floor(((event.clientX - rect.left) * scale - AXIS) / size);
    const row = Math.floor(((event.clientY - rect.top) * scale - AXIS) / size);
    setCell(row >= 0 && col >= 0 && row < n && col < n ? { row, col } : null);
  };

  const name = (i: number) => names[i] ?? `region ${i + 1}`;
  const label = `${props.title}: ${n} × ${n} regions, colour scale −${formatValue(range)} to ${formatValue(range)} ${props.unit}`;
  return (
    <figure className="fmri-matrix">
      <div className="fmri-matrix-body">
        <div className="fmri-matrix-axes">
          <span className="fmri-axis-title fmri-axis-title-top">Region (atlas order)</span>
          <canvas
            ref={canvas}
            width={total}
            height={total}
            role="img"
            aria-label={label}
            data-regions={n}
            data-range={range}
            data-ready={drawn ? 'true' : 'false'}
            onPointerMove={onPointerMove}
            onPointerLeave={() => setCell(null)}
          />
        </div>
        <ColourBar range={range} caption={props.unit} height={Math.min(total, 320)} />
      </div>
      <figcaption>
        <output className="fmri-matrix-cell">
          {cell
            ? `${name(cell.row)} – ${name(cell.col)}: ${props.symbol} = ${cell.row === cell.col ? `${formatValue(Number(matrix[cell.row * n + cell.col]))} (diagonal)` : formatValue(Number(matrix[cell.row * n + cell.col]))}`
            : 'Point at a cell for its two regions and their value; the diagonal is grey.'}
        </output>
      </figcaption>
    </figure>
  );
}
