/**
 * Where the cells are (Suite2p `stat` med, NWB mask centroids, a coordinates CSV): each ROI a dot
 * at its x, y in the file's pixels, image orientation (y down) and equal scales, coloured by its
 * activity; ROIs that Suite2p classified as not cells are hollow. A click selects the nearest cell,
 * which the traces then show.
 */
import { useEffect, useMemo, useRef } from 'react';
import { rampColor } from '../components/colormap.js';
import { beginDrawing } from './canvas.js';

interface Props {
  positions: Float32Array;
  activity: Float32Array;
  isCell: Uint8Array | null;
  names: readonly string[];
  selectedCell: number | null;
  width: number;
  height: number;
  onSelect(cell: number): void;
}

const PAD = 14;

/** The fit of the positions into the panel: equal scale on x and y, centred. */
function layout(positions: Float32Array, width: number, height: number) {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < positions.length; i += 3) {
    minX = Math.min(minX, positions[i]!);
    maxX = Math.max(maxX, positions[i]!);
    minY = Math.min(minY, positions[i + 1]!);
    maxY = Math.max(maxY, positions[i + 1]!);
  }
  const spanX = Math.max(1e-9, maxX - minX);
  const spanY = Math.max(1e-9, maxY - minY);
  const scale = Math.min((width - 2 * PAD) / spanX, (height - 2 * PAD - 16) / spanY);
  const offsetX = (width - spanX * scale) / 2;
  const offsetY = 16 + (height - 16 - spanY * scale) / 2;
  return {
    x: (value: number) => offsetX + (value - minX) * scale,
    y: (value: number) => offsetY + (value - minY) * scale,
    extent: `x ${Math.round(minX)}…${Math.round(maxX)}, y ${Math.round(minY)}…${Math.round(maxY)} px`,
  };
}

export function RoiMap({ positions, activity, isCell, names, selectedCell, width, height, onSelect }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const fit = useMemo(() => layout(positions, width, height), [positions, width, height]);
  const maxActivity = useMemo(() => activity.reduce((m, v) => (Number.isFinite(v) && v > m ? v : m), 0) || 1, [activity]);

  useEffect(() => {
    const drawing = beginDrawing(canvas.current, width, height);
    if (!drawing) return;
    const { context, colors } = drawing;
    context.fillStyle = '#15171c';
    context.fillRect(0, 0, width, height);
    const count = positions.length / 3;
    const radius = Math.max(2.5, Math.min(6, Math.sqrt((width * height) / Math.max(1, count)) / 5));
    for (let cell = 0; cell < count; cell++) {
      const [r, g, b] = rampColor(0.15 + 0.85 * (activity[cell]! / maxActivity));
      const px = fit.x(positions[3 * cell]!);
      const py = fit.y(positions[3 * cell + 1]!);
      context.beginPath();
      context.arc(px, py, radius, 0, 2 * Math.PI);
      if (isCell && !isCell[cell]) {
        context.strokeStyle = '#888';
        context.lineWidth = 1;
        context.stroke();
      } else {
        context.fillStyle = `rgb(${r},${g},${b})`;
        context.fill();
      }
    }
    context.font = '11px system-ui, sans-serif';
    context.textBaseline = 'top';
    context.fillStyle = '#c8c8c8';
    context.fillText(fit.extent, 6, 4);
    if (selectedCell !== null && selectedCell < count) {
      const px = fit.x(positions[3 * selectedCell]!);
      const py = fit.y(positions[3 * selectedCell + 1]!);
      context.strokeStyle = colors.accent === '#2f5fb3' ? '#ffffff' : colors.accent;
      context.lineWidth = 2;
      context.beginPath();
      context.arc(px, py, radius + 4, 0, 2 * Math.PI);
      context.stroke();
      context.fillStyle = '#ffffff';
      context.font = 'bold 12px system-ui, sans-serif';
      const label = names[selectedCell] ?? '';
      const textWidth = context.measureText(label).width;
      context.fillText(label, Math.min(width - textWidth - 4, px + radius + 6), Math.max(18, py - 6));
    }
  }, [positions, activity, isCell, names, selectedCell, width, height, fit, maxActivity]);

  return (
    <canvas
      ref={canvas}
      className="calcium-roi-map"
      data-selected={selectedCell ?? ''}
      role="img"
      aria-label={`Positions of ${positions.length / 3} cells; click a cell to show its trace`}
      onClick={(event) => {
        const box = event.currentTarget.getBoundingClientRect();
        const cx = event.clientX - box.left;
        const cy = event.clientY - box.top;
        let best = -1;
        let bestDistance = 15 ** 2;
        for (let cell = 0; cell < positions.length / 3; cell++) {
          const d = (fit.x(positions[3 * cell]!) - cx) ** 2 + (fit.y(positions[3 * cell + 1]!) - cy) ** 2;
          if (d < bestDistance) {
            bestDistance = d;
            best = cell;
          }
        }
        if (best >= 0) onSelect(best);
      }}
    />
  );
}
