/** The selected instance's numbers: status, clDice with its match, coverage, sizes, where it is. */
import type { FisbeInstance } from '../../../shared/api/index.js';
import { formatScore } from './metrics.js';
import { sideTitle, statusTitle } from './palette.js';

export function InstanceDetails(props: { instance: FisbeInstance | null; onPartner(): void; onFrame(): void }) {
  const { instance } = props;
  if (!instance) {
    return (
      <section className="fisbe-details" aria-label="Selected instance">
        <p className="empty">No instance selected: click one in 3D, in a slice or in the list (J selects the first).</p>
      </section>
    );
  }
  const other = instance.side === 'gt' ? 'pred' : 'GT';
  const [z0, y0, x0] = instance.bboxMin;
  const [z1, y1, x1] = instance.bboxMax;
  return (
    <section className={`fisbe-details fisbe-status-${instance.status}`} aria-label="Selected instance">
      <h2>
        <span className="fisbe-swatch" aria-hidden="true" /> {sideTitle(instance.side)} {instance.id}
      </h2>
      <dl className="fisbe-facts">
        <dt>Status</dt>
        <dd>{statusTitle(instance.status, instance.side)}</dd>
        <dt>clDice</dt>
        <dd>
          {instance.matchedId !== null
            ? `${formatScore(instance.matchedClDice)} with ${other} ${instance.matchedId} (matched)`
            : instance.bestId !== null
              ? `not matched; best ${formatScore(instance.bestClDice)} with ${other} ${instance.bestId}`
              : 'not matched; overlaps nothing'}
        </dd>
        {instance.matchedId !== null && instance.bestId !== null && instance.bestId !== instance.matchedId && (
          <>
            <dt>Best clDice</dt>
            <dd>
              {formatScore(instance.bestClDice)} with {other} {instance.bestId}
            </dd>
          </>
        )}
        {instance.coverage !== null && (
          <>
            <dt>Coverage</dt>
            <dd>{formatScore(instance.coverage)}</dd>
          </>
        )}
        {instance.mergedIds.length > 0 && (
          <>
            <dt>Merges</dt>
            <dd>GT {instance.mergedIds.join(', ')}</dd>
          </>
        )}
        <dt>Voxels</dt>
        <dd>{instance.voxels.toLocaleString('en-US')}</dd>
        <dt>Skeleton voxels</dt>
        <dd>{instance.skeletonVoxels.toLocaleString('en-US')}</dd>
        <dt>In the file</dt>
        <dd>
          {instance.side === 'gt' ? `channel ${instance.sourceChannel}, label ${instance.sourceLabel}` : `label ${instance.sourceLabel}`}
        </dd>
        <dt>Box (x, y, z)</dt>
        <dd>
          {x0}–{x1}, {y0}–{y1}, {z0}–{z1}
        </dd>
      </dl>
      <div className="fisbe-detail-actions">
        <button type="button" aria-keyshortcuts="M" disabled={instance.matchedId === null && instance.bestId === null} onClick={props.onPartner}>
          {instance.matchedId !== null ? 'Go to match' : 'Go to best overlap'}
        </button>
        <button type="button" aria-keyshortcuts="F" onClick={props.onFrame}>
          Frame in 3D
        </button>
      </div>
    </section>
  );
}
