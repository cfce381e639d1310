/**
 * A few regions' series as traces on one time axis (z-scored, so regions of different signal
 * levels share the axis), each in its own colour, chosen with one picker per trace. By default the
 * three regions whose signals vary most.
 */
import { useId, useMemo, useState } from 'react';
import { GROUP_COLORS } from '../../components/connectome/palette.js';
import { linePath, linearScale, niceTicks } from '../../ntf/plot.js';
import { formatValue, mostVariableRegions, seriesTimeAxis } from './format.js';
import { zScoreRows } from './matrixColours.js';

const W = 640;
const H = 190;
const M = { left: 44, right: 6, top: 8, bottom: 34 };
const TRACES = 3;

export function RegionTraces(props: { data: ArrayLike<number>; regions: number; timepoints: number; trS: number | null; names: readonly string[] }) {
  const { data, regions, timepoints, trS, names } = props;
  const id = useId();
  const initial = useMemo(() => mostVariableRegions(data, regions, timepoints, TRACES), [data, regions, timepoints]);
  const [chosen, setChosen] = useState<number[] | null>(null);
  const shown = chosen ?? initial;
  const z = useMemo(() => zScoreRows(data, regions, timepoints), [data, regions, timepoints]);
  const axis = seriesTimeAxis(timepoints, trS);
  const x = linearScale([0, axis.end], [M.left, W - M.right]);
  let extent = 1;
  for (const region of shown) for (let t = 0; t < timepoints; t += 1) extent = Math.max(extent, Math.abs(z[region * timepoints + t]!) || 0);
  const y = linearScale([-extent, extent], [H - M.bottom, M.top]);
  const name = (region: number) => names[region] ?? `region ${region + 1}`;
  const set = (slot: number, region: number) => setChosen(shown.map((current, i) => (i === slot ? region : current)));

  return (
    <figure className="fmri-traces">
      <div className="fmri-trace-pickers" role="group" aria-label="Regions traced">
        {shown.map((region, slot) => (
          <label key={slot} htmlFor={`${id}-${slot}`}>
            <svg className="connectome-swatch" viewBox="0 0 10 10" aria-hidden="true">
              <rect width="10" height="10" fill={GROUP_COLORS[slot]} />
            </svg>
            <select id={`${id}-${slot}`} aria-label={`Trace ${slot + 1} region`} value={region} onChange={(event) => set(slot, Number(event.target.value))}>
              {Array.from({ length: regions }, (_, r) => (
                <option key={r} value={r}>
                  {r + 1}. {name(r)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <svg className="fmri-plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Series of ${shown.map(name).join(', ')}, z-scored, over ${formatValue(axis.end)} ${trS ? 's' : 'volumes'}`} data-traces={shown.length}>
        <g className="fmri-axis">
          <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
          <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
          <line className="fmri-zero" x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} />
          {niceTicks(0, axis.end, 8)
            .filter((tick) => tick <= axis.end)
            .map((tick) => (
              <text key={tick} x={x(tick)} y={H - M.bottom + 13} textAnchor="middle">
                {formatValue(tick)}
              </text>
            ))}
          {niceTicks(-extent, extent, 4).map((tick) => (
            <text key={tick} x={M.left - 4} y={y(tick) + 3} textAnchor="end">
              {formatValue(tick)}
            </text>
          ))}
          <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle">
            {axis.title}
          </text>
          <text transform={`translate(11 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
            Signal (z-score)
          </text>
        </g>
        {shown.map((region, slot) => (
          <path
            key={`${slot}-${region}`}
            className="fmri-trace"
            stroke={GROUP_COLORS[slot]}
            d={linePath(Array.from(z.subarray(region * timepoints, (region + 1) * timepoints)), (t) => x(axis.at(t)), y)}
          />
        ))}
      </svg>
    </figure>
  );
}
