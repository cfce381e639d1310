/**
 * A component's time course: its time factor over the tensor's bins, against seconds when the
 * frame rate is known, with the experiment's epochs shaded behind it.
 */
import type { NtfResult } from '../../../shared/api/index.js';
import { componentTitle, formatNumber, formatSeconds } from './format.js';
import { linePath, linearScale, niceTicks, paddedExtent } from './plot.js';
import { epochSpans, timeAxis } from './timeAxis.js';

const W = 420;
const H = 150;
const M = { left: 44, right: 10, top: 10, bottom: 30 };

export function TimeCoursePlot(props: { result: NtfResult; component: number }) {
  const { result } = props;
  const values = result.components[props.component]?.timeCourse ?? [];
  const axis = timeAxis(values.length, result.binDurationS);
  const x = linearScale([0, axis.end], [M.left, W - M.right]);
  const y = linearScale(paddedExtent(values, 0.06), [H - M.bottom, M.top]);
  // Each value is drawn at the middle of its bin.
  const xOf = (bin: number) => x(axis.at(bin + 0.5));
  const spans = epochSpans(result.epochs, axis, values.length);
  const length = axis.unit === 's' ? formatSeconds(axis.end) : `${values.length} bins`;
  const label = `Time course of ${componentTitle(props.component)}: ${values.length} bins over ${length}${spans.length > 0 ? `, epochs ${spans.map((span) => span.label).join(', ')}` : ''}`;
  return (
    <svg className="ntf-plot ntf-time-course" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-points={values.length} data-unit={axis.unit}>
      {spans.map((span, i) => (
        <g key={i} className="ntf-epoch">
          <rect x={x(span.from)} y={M.top} width={Math.max(1, x(span.to) - x(span.from))} height={H - M.top - M.bottom} />
          <text x={x(span.from) + 3} y={M.top + 11}>
            {span.label}
          </text>
        </g>
      ))}
      <g className="ntf-axis">
        <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
        <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
        {niceTicks(0, axis.end, 6).map((tick) => (
          <text key={tick} x={x(tick)} y={H - M.bottom + 13} textAnchor="middle">
            {formatNumber(tick)}
          </text>
        ))}
        {niceTicks(y.domain[0], y.domain[1], 3)
          .filter((tick) => tick >= y.domain[0] && tick <= y.domain[1])
          .map((tick) => (
            <text key={tick} x={M.left - 4} y={y(tick) + 3} textAnchor="end">
              {formatNumber(tick)}
            </text>
          ))}
        <text x={(M.left + W - M.right) / 2} y={H - 3} textAnchor="middle">
          {axis.title}
        </text>
      </g>
      <path className="ntf-line" d={linePath(values, xOf, y)} />
    </svg>
  );
}
