/** The display controls of a statistical map: thresholds per sign, the top of the scale, opacity. */
import { useEffect, useState } from 'react';
import type { Thresholds } from './thresholds.js';

export interface VolumeControlsProps {
  thresholds: Thresholds;
  opacity: number;
  onThresholds(next: Thresholds): void;
  onOpacity(next: number): void;
}

/**
 * A number field that reports only valid non-negative numbers, keeping what is typed (an empty or
 * half-typed field) until it is one; a new value from outside replaces the text.
 */
function NumberField({ label, value, step, onChange }: { label: string; value: number; step: number; onChange(v: number): void }) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText((current) => (Number(current) === value ? current : String(value))), [value]);
  return (
    <label className="fmri-number">
      {label}{' '}
      <input
        type="number"
        aria-label={label}
        min={0}
        step={step}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          const v = Number(event.target.value);
          if (event.target.value !== '' && Number.isFinite(v) && v >= 0) onChange(v);
        }}
      />
    </label>
  );
}

export function VolumeControls({ thresholds, opacity, onThresholds, onOpacity }: VolumeControlsProps) {
  const step = thresholds.max >= 10 ? 0.5 : thresholds.max >= 1 ? 0.1 : 0.01;
  return (
    <fieldset className="fmri-controls">
      <legend>Map display</legend>
      <NumberField label="Positive threshold" value={thresholds.positive} step={step} onChange={(positive) => onThresholds({ ...thresholds, positive })} />
      <NumberField label="Negative threshold" value={thresholds.negative} step={step} onChange={(negative) => onThresholds({ ...thresholds, negative })} />
      <NumberField label="Colour scale top" value={thresholds.max} step={step} onChange={(max) => onThresholds({ ...thresholds, max })} />
      <label className="fmri-number">
        Opacity{' '}
        <input type="range" aria-label="Opacity" min={0} max={1} step={0.05} value={opacity} onChange={(event) => onOpacity(Number(event.target.value))} />
        <output>{Math.round(opacity * 100)}%</output>
      </label>
      <p className="muted fmri-hint">A threshold of 0 hides that sign.</p>
    </fieldset>
  );
}
