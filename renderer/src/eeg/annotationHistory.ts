/**
 * Undo and redo of the user's own annotation changes in this window. Nothing is ever erased: an
 * undo writes the inverse change as a new row superseding the latest one (a delete undoes an add, a
 * restore undoes a delete, an edit back undoes an edit), so each entry follows its chain's latest
 * row id as it moves between the two stacks.
 */
export interface AnnotationValues {
  onsetS: number;
  durationS: number;
  text: string;
}

export type AnnotationChange =
  /** `id`: the live row the add made (or, once undone, the retraction). */
  | { kind: 'add'; id: number; text: string }
  | { kind: 'edit'; id: number; before: AnnotationValues; after: AnnotationValues }
  /** `id`: the retraction row (or, once undone, the restored row). */
  | { kind: 'delete'; id: number; text: string };

/** The engine call that applies a step: its result's id is the chain's new latest row. */
export type AnnotationStep =
  | { call: 'eeg.deleteAnnotation'; annotationId: number }
  | { call: 'eeg.restoreAnnotation'; annotationId: number }
  | { call: 'eeg.editAnnotation'; annotationId: number; values: AnnotationValues };

export interface AnnotationHistory {
  /** Oldest first; the last is undone next. */
  done: AnnotationChange[];
  /** Oldest first; the last is redone next. */
  undone: AnnotationChange[];
}

/** How many changes can be undone; older ones drop off. */
export const HISTORY_LIMIT = 100;

export const EMPTY_HISTORY: AnnotationHistory = { done: [], undone: [] };

/** A new change of the user's: undoable; it clears what could be redone. */
export function recordChange(history: AnnotationHistory, change: AnnotationChange): AnnotationHistory {
  return { done: [...history.done, change].slice(-HISTORY_LIMIT), undone: [] };
}

export function undoStep(change: AnnotationChange): AnnotationStep {
  switch (change.kind) {
    case 'add':
      return { call: 'eeg.deleteAnnotation', annotationId: change.id };
    case 'edit':
      return { call: 'eeg.editAnnotation', annotationId: change.id, values: change.before };
    case 'delete':
      return { call: 'eeg.restoreAnnotation', annotationId: change.id };
  }
}

export function redoStep(change: AnnotationChange): AnnotationStep {
  switch (change.kind) {
    case 'add':
      return { call: 'eeg.restoreAnnotation', annotationId: change.id };
    case 'edit':
      return { call: 'eeg.editAnnotation', annotationId: change.id, values: change.after };
    case 'delete':
      return { call: 'eeg.deleteAnnotation', annotationId: change.id };
  }
}

/** After the undo step of the last done change wrote row `newId`: that change can be redone. */
export function afterUndo(history: AnnotationHistory, newId: number): AnnotationHistory {
  const change = history.done.at(-1);
  if (!change) return history;
  return { done: history.done.slice(0, -1), undone: [...history.undone, { ...change, id: newId }] };
}

/** After the redo step of the last undone change wrote row `newId`: it can be undone again. */
export function afterRedo(history: AnnotationHistory, newId: number): AnnotationHistory {
  const change = history.undone.at(-1);
  if (!change) return history;
  return { done: [...history.done, { ...change, id: newId }], undone: history.undone.slice(0, -1) };
}

/**
 * A step the engine refused (someone else changed that annotation since): the entry can no longer
 * be applied, so it is dropped from the stack it was taken from.
 */
export function dropRefused(history: AnnotationHistory, from: 'done' | 'undone'): AnnotationHistory {
  return from === 'done' ? { ...history, done: history.done.slice(0, -1) } : { ...history, undone: history.undone.slice(0, -1) };
}

/** What Ctrl+Z / Ctrl+Shift+Z would do, for the toolbar's titles and the status line. */
export function describeChange(change: AnnotationChange): string {
  switch (change.kind) {
    case 'add':
      return `add “${change.text}”`;
    case 'edit':
      return `edit of “${change.after.text}”`;
    case 'delete':
      return `delete of “${change.text}”`;
  }
}
