/**
 * A vertical colour bar for the diverging heat maps: −range at the bottom, 0 (white) in the middle,
 * +range at the top, tick values, and what the colours measure with its unit, written along it.
 */
import { useId } from 'react';
import { niceTicks } from '../../ntf/plot.js';
import { divergingColour } from './matrixColours.js';
import { formatValue } from './format.js';

const W = 70;
const BAR = 12;

export function ColourBar(props: { range: number; caption: string; height: number }) {
  const gradientId = useId();
  const { range, height } = props;
  const top = 8;
  const bottom = height - 8;
  const y = (value: number) => bottom - ((value + range) / (2 * range)) * (bottom - top);
  const stops = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1];
  const ticks = niceTicks(-range, range, 4).filter((tick) => Math.abs(tick) <= range * (1 + 1e-9));
  return (
    <svg className="fmri-colourbar" viewBox={`0 0 ${W} ${height}`} width={W} height={height} role="img" aria-label={`Colour scale: ${props.caption}, −${formatValue(range)} to ${formatValue(range)}`}>
      <defs>
        <linearGradient id={gradientId} x1="0" x2="0" y1="1" y2="0">
          {stops.map((stop) => (
            <stop key={stop} offset={(stop + 1) / 2} stopColor={`rgb(${divergingColour(stop).join(',')})`} />
          ))}
        </linearGradient>
      </defs>
      <rect x={2} y={top} width={BAR} height={bottom - top} fill={`url(#${gradientId})`} stroke="var(--border)" />
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={2 + BAR} x2={2 + BAR + 4} y1={y(tick)} y2={y(tick)} stroke="var(--muted)" />
          <text x={2 + BAR + 6} y={y(tick) + 3}>
            {formatValue(tick)}
          </text>
        </g>
      ))}
      <text className="fmri-colourbar-caption" transform={`translate(${W - 4} ${(top + bottom) / 2}) rotate(-90)`} textAnchor="middle">
        {props.caption}
      </text>
    </svg>
  );
}
