/**
 * An in-page prompt for an annotation: the text of a new one at a given time, or a project
 * annotation's text, onset and duration to change, with Delete. (Annotations read from the file are
 * not editable; they are never opened here.)
 */
import { useState, type FormEvent } from 'react';
import type { EegAnnotation } from '../../../shared/api/index.js';
import type { AnnotationValues } from './annotationHistory.js';
import { ModalDialog } from './ModalDialog.js';

export type AnnotationTarget = { kind: 'add'; onsetS: number } | { kind: 'edit'; annotation: EegAnnotation };

export function AnnotationDialog(props: {
  target: AnnotationTarget | null;
  /** A time as the user reads it (clock time and offset). */
  timeLabel(offsetS: number): string;
  busy: boolean;
  error: string | null;
  onSubmit(values: AnnotationValues): void;
  onDelete(annotation: EegAnnotation): void;
  onClose(): void;
}) {
  const title = props.target?.kind === 'edit' ? 'Edit annotation' : 'Add annotation';
  return (
    <ModalDialog open={props.target !== null} title={title} onClose={props.onClose}>
      {props.target && <AnnotationForm {...props} target={props.target} />}
    </ModalDialog>
  );
}

/** Seconds to the millisecond, as typed (float noise such as 3.1999999 would read as a change). */
function toMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function AnnotationForm(props: {
  target: AnnotationTarget;
  timeLabel(offsetS: number): string;
  busy: boolean;
  error: string | null;
  onSubmit(values: AnnotationValues): void;
  onDelete(annotation: EegAnnotation): void;
  onClose(): void;
}) {
  const editing = props.target.kind === 'edit' ? props.target.annotation : null;
  const [text, setText] = useState(editing?.text ?? '');
  const [onset, setOnset] = useState(String(toMs(editing?.onsetS ?? (props.target.kind === 'add' ? props.target.onsetS : 0))));
  const [duration, setDuration] = useState(String(toMs(editing?.durationS ?? 0)));
  const onsetS = Number(onset);
  const durationS = Number(duration);
  const timesValid = onset.trim() !== '' && Number.isFinite(onsetS) && onsetS >= 0 && duration.trim() !== '' && Number.isFinite(durationS) && durationS >= 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() && timesValid) props.onSubmit({ onsetS, durationS, text: text.trim() });
  };
  return (
    <form method="dialog" onSubmit={submit}>
      <h2>{editing ? 'Edit annotation' : 'Add annotation'} at {props.timeLabel(timesValid ? onsetS : 0)}</h2>
      <label htmlFor="eeg-annotation-text">Annotation text</label>
      <input id="eeg-annotation-text" type="text" value={text} maxLength={1000} autoFocus onChange={(event) => setText(event.target.value)} spellCheck={false} />
      {editing && (
        <div className="eeg-annotation-times">
          <label>
            Onset (s from start)
            <input type="number" min={0} step="any" value={onset} onChange={(event) => setOnset(event.target.value)} />
          </label>
          <label>
            Duration (s)
            <input type="number" min={0} step="any" value={duration} onChange={(event) => setDuration(event.target.value)} />
          </label>
        </div>
      )}
      {editing && <p className="eeg-annotation-signed">By {editing.author ?? 'unknown'}; your change is saved as a new entry signed with your name (the old one stays in the history).</p>}
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={props.busy || text.trim() === '' || !timesValid}>
          {editing ? 'Save' : 'Add'}
        </button>
        {editing && (
          <button type="button" className="eeg-annotation-delete" disabled={props.busy} onClick={() => props.onDelete(editing)}>
            Delete
          </button>
        )}
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
