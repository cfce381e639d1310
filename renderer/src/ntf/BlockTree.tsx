/**
 * The nested SBM's block tree as an icicle: one row per hierarchy level (coarsest on top), each
 * block a bar whose width is its share of the neurons, under the block of the level above that
 * holds it (the engine's neuron order makes every level's blocks contiguous). The shown level's
 * bars carry the community colours of the 3D view and the heat map; click a row to show that level.
 */
import type { Hierarchy } from './hierarchy.js';
import { levelSpans } from './hierarchy.js';
import { groupColor } from '../components/connectome/palette.js';

const W = 420;
const ROW = 22;
const LABEL = 88;

export function BlockTree(props: {
  hierarchy: Hierarchy;
  order: readonly number[];
  level: number;
  /** Display community (colour index) of a block id at the shown level. */
  communityOf: (block: number) => number;
  onLevel: (level: number) => void;
}) {
  const { hierarchy, order, level } = props;
  const spans = levelSpans(hierarchy, order);
  const levels = spans.length;
  const n = Math.max(1, order.length);
  const scale = (W - LABEL - 4) / n;
  const height = levels * ROW + 2;
  const label = `Block tree: ${hierarchy.counts.map((count, l) => `level ${l} ${count} block${count === 1 ? '' : 's'}`).join(', ')}; level ${level} shown`;
  return (
    <svg className="ntf-plot ntf-block-tree" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={label} data-levels={levels} data-level={level}>
      {spans.map((row, l) => {
        // Coarsest level on top.
        const y = (levels - 1 - l) * ROW + 1;
        const shown = l === level;
        return (
          <g key={l} className={shown ? 'ntf-tree-level ntf-tree-shown' : 'ntf-tree-level'} onClick={() => props.onLevel(l)} data-level={l}>
            <rect className="ntf-tree-hit" x={0} y={y} width={W} height={ROW} />
            <text className="ntf-tree-label" x={LABEL - 6} y={y + ROW / 2 + 4} textAnchor="end">
              level {l} · {hierarchy.counts[l]}
            </text>
            {row.map((span, k) => (
              <rect
                key={k}
                className="ntf-tree-block"
                x={LABEL + span.start * scale}
                y={y + 3}
                width={Math.max(0.5, (span.end - span.start) * scale - 1)}
                height={ROW - 6}
                style={shown ? { fill: groupColor(props.communityOf(span.block)) } : undefined}
              >
                <title>{`level ${l}, block of ${span.end - span.start} neuron${span.end - span.start === 1 ? '' : 's'}`}</title>
              </rect>
            ))}
          </g>
        );
      })}
    </svg>
  );
}
