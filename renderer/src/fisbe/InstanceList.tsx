/**
 * The instances of both sides as one listbox (GT, then predictions), each with its status colour,
 * its clDice with the match and, for GT, its skeleton coverage. ↑/↓, Home/End and PageUp/PageDown
 * move the selection; a click selects. The selection is the 3D view's and the slices' too.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { FisbeInstance } from '../../../shared/api/index.js';
import { listStepOf } from './keyboard.js';
import { formatScore } from './metrics.js';
import { sideTitle, statusTitle } from './palette.js';
import { instanceKey } from './selection.js';

export function optionId(key: string): string {
  return `fisbe-instance-${key.replace(':', '-')}`;
}

/** One line about an instance's match, as in the list. */
export function matchSummary(instance: FisbeInstance): string {
  const other = instance.side === 'gt' ? 'pred' : 'GT';
  if (instance.matchedId !== null) return `clDice ${formatScore(instance.matchedClDice, 3)} with ${other} ${instance.matchedId}`;
  if (instance.bestId !== null) return `best clDice ${formatScore(instance.bestClDice, 3)} (${other} ${instance.bestId})`;
  return 'no overlap';
}

export function InstanceList(props: {
  instances: readonly FisbeInstance[];
  selectedKey: string | null;
  onSelect(key: string): void;
  onStep(delta: number): void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const gt = props.instances.filter((instance) => instance.side === 'gt');
  const pred = props.instances.filter((instance) => instance.side === 'pred');

  useEffect(() => {
    if (!props.selectedKey) return;
    const option = list.current?.querySelector(`#${optionId(props.selectedKey)}`);
    option?.scrollIntoView({ block: 'nearest' });
  }, [props.selectedKey]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const delta = listStepOf(event.key);
    if (delta === null) return;
    event.preventDefault();
    event.stopPropagation();
    props.onStep(delta);
  };

  const group = (side: 'gt' | 'pred', items: FisbeInstance[]) => (
    <div role="group" aria-labelledby={`fisbe-group-${side}`}>
      <div id={`fisbe-group-${side}`} className="fisbe-group-title" role="presentation">
        {side === 'gt' ? 'Ground truth' : 'Predictions'} ({items.length})
      </div>
      {items.map((instance) => {
        const key = instanceKey(instance);
        const selected = key === props.selectedKey;
        return (
          <div
            key={key}
            id={optionId(key)}
            role="option"
            aria-selected={selected}
            className={`fisbe-instance fisbe-status-${instance.status}`}
            onClick={() => props.onSelect(key)}
          >
            <span className="fisbe-swatch" aria-hidden="true" />
            <span className="fisbe-instance-name">
              {sideTitle(instance.side)} {instance.id}
            </span>
            <span className="fisbe-instance-status">{statusTitle(instance.status, instance.side)}</span>
            <span className="fisbe-instance-meta">
              {matchSummary(instance)}
              {instance.coverage !== null && ` · C ${formatScore(instance.coverage, 3)}`}
              {instance.mergedIds.length > 1 && ` · merges GT ${instance.mergedIds.join(', ')}`}
            </span>
          </div>
        );
      })}
    </div>
  );

  return (
    <div
      ref={list}
      className="fisbe-instance-list"
      role="listbox"
      aria-label="Instances"
      tabIndex={0}
      aria-activedescendant={props.selectedKey ? optionId(props.selectedKey) : undefined}
      onKeyDown={onKeyDown}
    >
      {group('gt', gt)}
      {group('pred', pred)}
    </div>
  );
}
