/** The legend of the node colours: each group's swatch, name and node count, plus what the caller adds. */
import type { ReactNode } from 'react';
import { plural } from './format.js';
import type { GroupCount } from './nodeStyle.js';

export function GroupLegend(props: { counts: readonly GroupCount[]; noun: string; children?: ReactNode }) {
  const nouns = plural(props.noun);
  const title = `${nouns[0]?.toUpperCase() ?? ''}${nouns.slice(1)}: ${props.counts.length}`;
  return (
    <div className="connectome-legend">
      <span className="connectome-legend-title" id="connectome-legend-title">
        {title}
      </span>
      <ul aria-labelledby="connectome-legend-title">
        {props.counts.map(({ group, nodes }) => (
          <li key={group.id} data-group={group.id}>
            <svg className="connectome-swatch" viewBox="0 0 10 10" aria-hidden="true">
              <circle cx="5" cy="5" r="5" fill={group.color} />
            </svg>
            {group.label} ({nodes})
          </li>
        ))}
      </ul>
      {props.children}
    </div>
  );
}
