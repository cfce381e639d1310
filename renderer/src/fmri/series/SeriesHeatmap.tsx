/**
 * An ROI series as a heat map: one row per region (atlas order, top to bottom), time left to right
 * in seconds when the TR is known, each region z-scored so its fluctuations show rather than its
 * scanner offset, on the diverging scale clipped at ±3 SD.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { linearScale, niceTicks } from '../../ntf/plot.js';
import { ColourBar } from './ColourBar.js';
import { formatValue, seriesTimeAxis } from './format.js';
import { gridImage, zScoreRows } from './matrixColours.js';
import { pixelCanvas } from '../../components/pixelCanvas.js';

const W = 640;
const M = { left: 44, right: 6, top: 6, bottom: 34 };
const Z_RANGE = 3;

export function SeriesHeatmap(props: { data: ArrayLike<number>; regions: number; timepoints: number; trS: number | null; title: string }) {
  const { data, regions, timepoints, trS } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  const z = useMemo(() => zScoreRows(data, regions, timepoints), [data, regions, timepoints]);
  const rowPx = Math.max(1, Math.min(4, Math.floor(300 / Math.max(1, regions))));
  const plotH = Math.max(120, regions * rowPx);
  const H = M.top + plotH + M.bottom;
  const axis = seriesTimeAxis(timepoints, trS);
  const x = linearScale([0, axis.end], [M.left, W - M.right]);
  const regionStep = regions > 60 ? 20 : regions > 20 ? 10 : 5;

  useLayoutEffect(() => {
    const element = canvas.current;
    const ctx = element?.getContext('2d');
    if (!element || !ctx || regions === 0 || timepoints === 0) return;
    setDrawn(false);
    const image = pixelCanvas(gridImage(z, regions, timepoints, Z_RANGE), timepoints, regions);
    ctx.clearRect(0, 0, element.width, element.height);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, M.left, M.top, W - M.left - M.right, plotH);
    setDrawn(true);
  }, [z, regions, timepoints, plotH, H]);

  const label = `${props.title}: ${regions} regions × ${timepoints} timepoints, z-scored per region, colour scale ±${Z_RANGE}`;
  return (
    <figure className="fmri-series-heatmap">
      <div className="fmri-matrix-body">
        <div className="fmri-stack">
          <canvas ref={canvas} width={W} height={H} role="img" aria-label={label} data-regions={regions} data-timepoints={timepoints} data-ready={drawn ? 'true' : 'false'} />
          <svg className="fmri-overlay" viewBox={`0 0 ${W} ${H}`} aria-hidden="true">
            {niceTicks(0, axis.end, 8)
              .filter((tick) => tick <= axis.end)
              .map((tick) => (
                <g key={tick}>
                  <line x1={x(tick)} x2={x(tick)} y1={M.top + plotH} y2={M.top + plotH + 4} stroke="var(--muted)" />
                  <text x={x(tick)} y={M.top + plotH + 15} textAnchor="middle">
                    {formatValue(tick)}
                  </text>
                </g>
              ))}
            {Array.from({ length: Math.floor(regions / regionStep) + 1 }, (_, i) => Math.max(1, i * regionStep)).map((region) => (
              <text key={region} x={M.left - 4} y={M.top + (region - 0.5) * (plotH / regions) + 3} textAnchor="end">
                {region}
              </text>
            ))}
            <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle">
              {axis.title}
            </text>
            <text transform={`translate(11 ${M.top + plotH / 2}) rotate(-90)`} textAnchor="middle">
              Region
            </text>
          </svg>
        </div>
        <ColourBar range={Z_RANGE} caption="z-score (per region)" height={Math.min(H, 260)} />
      </div>
    </figure>
  );
}
