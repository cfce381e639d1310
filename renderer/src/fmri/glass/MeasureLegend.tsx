/** The legend of nodes coloured by a measure: the ramp from 0 to the largest value, with the measure's name. */
import { useId } from 'react';
import { rampColor } from '../../components/colormap.js';

export function MeasureLegend(props: { name: string; max: number }) {
  const gradientId = useId();
  const stops = [0, 0.25, 0.5, 0.75, 1];
  return (
    <span className="fmri-measure-legend" aria-label={`Node colour: ${props.name}, 0 to ${Number(props.max.toPrecision(3))}`}>
      <span>{props.name} 0</span>
      <svg viewBox="0 0 80 10" width="80" height="10" aria-hidden="true">
        <defs>
          <linearGradient id={gradientId}>
            {stops.map((stop) => (
              <stop key={stop} offset={stop} stopColor={`rgb(${rampColor(0.2 + 0.8 * stop).join(',')})`} />
            ))}
          </linearGradient>
        </defs>
        <rect width="80" height="10" fill={`url(#${gradientId})`} />
      </svg>
      <span>{Number(props.max.toPrecision(3))}</span>
    </span>
  );
}
