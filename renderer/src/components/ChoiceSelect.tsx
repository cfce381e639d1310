/**
 * A labelled drop-down over a fixed list of typed choices — the Sort / Window / page-length pickers
 * of the Spikes, Calcium and EEG toolbars. The caller hands typed values (a union of ids, seconds,
 * frames) and gets the same type back: no `event.target.value as …` casts or Number(...) parsing
 * at each use, and a value missing from the list cannot be selected by accident (it is shown only
 * when the caller adds it, e.g. with `withCurrent` for a zoom that matches no preset).
 * Option values are String(value), so tests and keyboard users pick options as before.
 */
import { useId } from 'react';

export interface Choice<T extends string | number> {
  value: T;
  label: string;
}

/** `choices` with `value` added first under `label` when no choice has it (a custom zoom, a stored scale). */
export function withCurrent<T extends string | number>(choices: readonly Choice<T>[], value: T, label: string): Choice<T>[] {
  return choices.some((c) => c.value === value) ? [...choices] : [{ value, label }, ...choices];
}

export function ChoiceSelect<T extends string | number>(props: {
  /** The visible label (the accessible name unless `ariaLabel` is given). */
  label: string;
  value: T;
  choices: readonly Choice<T>[];
  onChange(value: T): void;
  /** Accessible name when the visible label is ambiguous on the page ("Window" → "Raster window"). */
  ariaLabel?: string;
  title?: string;
  /** Class of the wrapper (e.g. 'eeg-picker', whose CSS mutes the label). */
  className?: string;
  selectClassName?: string;
  disabled?: boolean;
}) {
  const id = useId();
  const key = String(props.value);
  return (
    <span className={props.className ?? 'choice-select'}>
      <label htmlFor={id}>{props.label}</label>{' '}
      <select
        id={id}
        className={props.selectClassName}
        aria-label={props.ariaLabel}
        title={props.title}
        disabled={props.disabled}
        value={key}
        onChange={(event) => {
          const chosen = props.choices.find((c) => String(c.value) === event.target.value);
          if (chosen) props.onChange(chosen.value);
        }}
      >
        {props.choices.map((choice) => (
          <option key={String(choice.value)} value={String(choice.value)}>
            {choice.label}
          </option>
        ))}
      </select>
    </span>
  );
}
