/**
 * The edge threshold: by rule (strongest percent of edges, or |weight| at least a value) and a
 * slider, with how many edges that keeps. Switching rule keeps the same edges drawn.
 */
import { useId } from 'react';
import type { EdgeList } from './edges.js';
import { formatPercent, formatWeight } from './format.js';
import { convertThreshold, thresholdRange, type Threshold, type ThresholdMode } from './threshold.js';

export function ThresholdControl(props: { edges: EdgeList; threshold: Threshold; kept: number; onChange(threshold: Threshold): void }) {
  const { edges, threshold, kept, onChange } = props;
  const modeId = useId();
  const sliderId = useId();
  const range = thresholdRange(edges, threshold.mode);
  const setting = threshold.mode === 'percentile' ? `top ${formatPercent(threshold.value)}` : `|w| ≥ ${formatWeight(threshold.value)}`;
  const summary = `${setting}: ${kept.toLocaleString('en-US')} of ${edges.count.toLocaleString('en-US')} edges`;
  return (
    <span className="connectome-threshold" role="group" aria-label="Edge threshold">
      <label htmlFor={modeId}>Edges</label>
      <select id={modeId} value={threshold.mode} aria-label="Threshold rule" onChange={(event) => onChange(convertThreshold(edges, threshold, event.target.value as ThresholdMode))}>
        <option value="percentile">strongest percent</option>
        <option value="value">weight at least</option>
      </select>
      <input
        id={sliderId}
        type="range"
        aria-label="Edge threshold"
        aria-valuetext={summary}
        min={range.min}
        max={range.max}
        step={range.step}
        value={Math.min(range.max, Math.max(range.min, threshold.value))}
        onChange={(event) => onChange({ mode: threshold.mode, value: Number(event.target.value) })}
      />
      <output htmlFor={sliderId} className="connectome-threshold-value">
        {summary}
      </output>
    </span>
  );
}
