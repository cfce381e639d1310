/**
 * A component's affinity matrix as a heat map (canvas), rows and columns in the engine's community
 * order so communities are blocks on the diagonal, each block outlined and marked with its
 * community colour in the margin. Pointing at a cell names the neuron pair and its affinity.
 */
import { useLayoutEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import type { NtfNeuron } from '../../../shared/api/index.js';
import { groupColor } from '../components/connectome/palette.js';
import { communityRuns } from './communities.js';
import type { DecodedAffinity } from './decode.js';
import { componentTitle, formatNumber } from './format.js';
import { affinityImage, colourScaleTop } from './matrixImage.js';
import { pixelCanvas } from '../components/pixelCanvas.js';

/** Pixels of the community margin along the top and left. */
const MARGIN = 6;
/** Target drawing size of the matrix, px; cells are whole pixels. */
const TARGET = 360;

export function AffinityHeatmap(props: { affinity: DecodedAffinity; neurons: readonly NtfNeuron[]; communityOf(neuron: number): number }) {
  const { affinity, neurons, communityOf } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  const [cell, setCell] = useState<{ row: number; col: number } | null>(null);
  const n = affinity.n;
  const size = Math.max(1, Math.ceil(TARGET / Math.max(1, n)));
  const side = MARGIN + n * size;
  const top = useMemo(() => colourScaleTop(affinity.matrix, n), [affinity, n]);
  const runs = useMemo(() => communityRuns(affinity.order, communityOf), [affinity, communityOf]);

  useLayoutEffect(() => {
    const element = canvas.current;
    const ctx = element?.getContext('2d');
    if (!element || !ctx || n === 0) return;
    setDrawn(false);
    const image = pixelCanvas(affinityImage(affinity.matrix, n, affinity.order, top), n, n);
    ctx.fillStyle = '#121418';
    ctx.fillRect(0, 0, side, side);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, MARGIN, MARGIN, n * size, n * size);
    for (const run of runs) {
      const from = MARGIN + run.start * size;
      const length = (run.end - run.start) * size;
      ctx.fillStyle = groupColor(run.community);
      ctx.fillRect(from, 0, length, MARGIN - 1);
      ctx.fillRect(0, from, MARGIN - 1, length);
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = Math.max(1, size / 3);
      ctx.strokeRect(from + 0.5, from + 0.5, length - 1, length - 1);
    }
    setDrawn(true);
  }, [affinity, n, size, side, top, runs]);

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const scale = side / rect.width;
    const col = Math.floor(((event.clientX - rect.left) * scale - MARGIN) / size);
    const row = Math.floor(((event.clientY - rect.top) * scale - MARGIN) / size);
    setCell(row >= 0 && col >= 0 && row < n && col < n ? { row, col } : null);
  };

  const pair = cell ? { a: affinity.order[cell.row]!, b: affinity.order[cell.col]! } : null;
  const label = `Affinity matrix of ${componentTitle(affinity.component)}: ${n} × ${n} neurons in community order, ${runs.length} community blocks outlined, colour scale 0 to ${formatNumber(top)}`;
  return (
    <figure className="ntf-heatmap">
      <canvas
        ref={canvas}
        width={side}
        height={side}
        role="img"
        aria-label={label}
        data-neurons={n}
        data-blocks={runs.length}
        data-ready={drawn ? 'true' : 'false'}
        onPointerMove={onPointerMove}
        onPointerLeave={() => setCell(null)}
      />
      <figcaption>
        <output className="ntf-heatmap-cell">
          {pair
            ? `${neurons[pair.a]?.name ?? pair.a} – ${neurons[pair.b]?.name ?? pair.b}: ${formatNumber(affinity.matrix[pair.a * n + pair.b] ?? 0)}`
            : `Point at a cell for its pair; colour 0 → ${formatNumber(top)} (99th percentile)`}
        </output>
      </figcaption>
    </figure>
  );
}
