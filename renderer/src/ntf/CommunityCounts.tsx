/**
 * The component's communities by both methods: the SBM fit shown in 3D (its description length:
 * lower is a better model) and the Louvain baseline (its modularity), so a user can see whether the
 * two agree on how many communities there are.
 */
import type { NtfComponent } from '../../../shared/api/index.js';
import { componentTitle, formatNumber } from './format.js';

export function CommunityCounts(props: { component: NtfComponent; position: number }) {
  const { communities, baseline } = props.component;
  const variant = communities.degreeCorrected === null ? '' : communities.degreeCorrected ? ', degree-corrected' : ', plain';
  return (
    <table className="data-table ntf-communities" aria-label={`Communities of ${componentTitle(props.position)}`}>
      <thead>
        <tr>
          <th scope="col">Method</th>
          <th scope="col">Communities</th>
          <th scope="col">Score</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">SBM{variant}</th>
          <td className="number" data-method="sbm">
            {communities.count}
          </td>
          <td className="number" title="Description length of the fitted block model, nats (lower is better)">
            DL {formatNumber(communities.score, 5)}
          </td>
        </tr>
        <tr>
          <th scope="row">Louvain (baseline)</th>
          <td className="number" data-method="louvain">
            {baseline.count}
          </td>
          <td className="number" title="Modularity of the Louvain partition (higher is more modular)">
            Q {formatNumber(baseline.score)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}
