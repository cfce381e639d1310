/** A small in-page prompt for the text of a new annotation at a given time. */
import { useState, type FormEvent } from 'react';
import { ModalDialog } from './ModalDialog.js';

export function AnnotationDialog(props: {
  open: boolean;
  onsetLabel: string;
  busy: boolean;
  error: string | null;
  onSubmit(text: string): void;
  onClose(): void;
}) {
  return (
    <ModalDialog open={props.open} title="Add annotation" onClose={props.onClose}>
      <AnnotationForm {...props} />
    </ModalDialog>
  );
}

function AnnotationForm(props: { onsetLabel: string; busy: boolean; error: string | null; onSubmit(text: string): void; onClose(): void }) {
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) props.onSubmit(text.trim());
  };
  return (
    <form method="dialog" onSubmit={submit}>
      <h2>Add annotation at {props.onsetLabel}</h2>
      <label htmlFor="eeg-annotation-text">Annotation text</label>
      <input
        id="eeg-annotation-text"
        type="text"
        value={text}
        maxLength={1000}
        autoFocus
        onChange={(event) => setText(event.target.value)}
        spellCheck={false}
      />
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={props.busy || text.trim() === ''}>
          Add
        </button>
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
