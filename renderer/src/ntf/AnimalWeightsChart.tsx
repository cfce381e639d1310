/** A component's animal factor: one bar per animal (recording), named, with its value. */
import type { NtfResult } from '../../../shared/api/index.js';
import { componentTitle, formatNumber } from './format.js';
import { linearScale } from './plot.js';

const W = 420;
const ROW = 20;
const NAME_WIDTH = 150;
const VALUE_WIDTH = 46;

export function AnimalWeightsChart(props: { result: NtfResult; component: number }) {
  const { result } = props;
  const weights = result.components[props.component]?.animalWeights ?? [];
  const names = result.animals.map((animal) => animal.name);
  const max = Math.max(1e-12, ...weights.map(Math.abs));
  const x = linearScale([0, max], [0, W - NAME_WIDTH - VALUE_WIDTH - 8]);
  const height = Math.max(1, weights.length) * ROW + 4;
  const label = `Animal weights of ${componentTitle(props.component)}: ${weights.map((weight, i) => `${names[i] ?? `animal ${i + 1}`} ${formatNumber(weight)}`).join(', ')}`;
  return (
    <svg className="ntf-plot ntf-animals" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={label} data-bars={weights.length}>
      {weights.map((weight, i) => (
        <g key={i} transform={`translate(0 ${i * ROW + 2})`}>
          <text className="ntf-bar-name" x={NAME_WIDTH - 6} y={ROW / 2 + 4} textAnchor="end">
            {names[i] ?? `animal ${i + 1}`}
          </text>
          <rect className="ntf-bar" x={NAME_WIDTH} y={3} width={Math.max(1, x(Math.abs(weight)))} height={ROW - 6} />
          <text className="ntf-bar-value" x={NAME_WIDTH + x(Math.abs(weight)) + 4} y={ROW / 2 + 4}>
            {formatNumber(weight)}
          </text>
        </g>
      ))}
    </svg>
  );
}
