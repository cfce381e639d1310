/**
 * The components of the shown rank as a horizontal listbox: each with a sparkline of its time
 * course, its weight λ and its SBM community count. A click selects; ←/→ and Home/End move.
 * Components are identified by their position in the run's list (as `ntf.affinity` takes them).
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { NtfComponent } from '../../../shared/api/index.js';
import { componentTitle, formatNumber } from './format.js';
import { componentStepOf, stepComponent } from './keyboard.js';
import { linePath, linearScale, paddedExtent } from './plot.js';

const SPARK_WIDTH = 56;
const SPARK_HEIGHT = 18;

function optionId(index: number): string {
  return `ntf-component-${index}`;
}

function Sparkline({ values }: { values: readonly number[] }) {
  const y = linearScale(paddedExtent(values, 0.1), [SPARK_HEIGHT - 1, 1]);
  const step = values.length > 1 ? SPARK_WIDTH / (values.length - 1) : 0;
  return (
    <svg className="ntf-sparkline" viewBox={`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`} width={SPARK_WIDTH} height={SPARK_HEIGHT} aria-hidden="true">
      <path d={linePath(values, (i) => i * step, y)} />
    </svg>
  );
}

export function ComponentStrip(props: { components: readonly NtfComponent[]; selected: number; onSelect(index: number): void }) {
  const list = useRef<HTMLDivElement>(null);
  const { components, selected, onSelect } = props;

  useEffect(() => {
    list.current?.querySelector(`#${optionId(selected)}`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [selected]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const delta = componentStepOf(event);
    if (delta === null) return;
    event.preventDefault();
    event.stopPropagation();
    onSelect(stepComponent(selected, delta, components.length));
  };

  return (
    <div
      ref={list}
      className="ntf-components"
      role="listbox"
      aria-label="Components"
      aria-orientation="horizontal"
      tabIndex={0}
      aria-activedescendant={components.length > 0 ? optionId(selected) : undefined}
      onKeyDown={onKeyDown}
    >
      {components.map((component, position) => (
        <div
          key={position}
          id={optionId(position)}
          role="option"
          aria-selected={position === selected}
          className="ntf-component"
          onClick={() => onSelect(position)}
        >
          <span className="ntf-component-name">{componentTitle(position)}</span>
          <Sparkline values={component.timeCourse} />
          <span className="ntf-component-meta">
            λ {formatNumber(component.weight)} · {component.communities.count} communities
          </span>
        </div>
      ))}
    </div>
  );
}
