/**
 * The user's annotation changes in this window: add, edit and delete through the engine (each a new
 * row superseding the last), recorded for Ctrl+Z / Ctrl+Shift+Z (annotationHistory.ts). One change
 * at a time: a key pressed while one is being written is ignored rather than queued out of order.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EegAnnotation } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import {
  afterRedo,
  afterUndo,
  describeChange,
  dropRefused,
  EMPTY_HISTORY,
  recordChange,
  redoStep,
  undoStep,
  type AnnotationHistory,
  type AnnotationStep,
  type AnnotationValues,
} from './annotationHistory.js';

export interface AnnotationEdits {
  busy: boolean;
  /** What the last undo/redo did or why it failed (a status line). */
  status: string | null;
  canUndo: boolean;
  canRedo: boolean;
  add(values: AnnotationValues): Promise<void>;
  edit(annotation: EegAnnotation, values: AnnotationValues): Promise<void>;
  remove(annotation: EegAnnotation): Promise<void>;
  undo(): void;
  redo(): void;
}

export function useAnnotationEdits(recordingId: number, onChanged: () => void): AnnotationEdits {
  const api = useApi();
  const [history, setHistory] = useState<AnnotationHistory>(EMPTY_HISTORY);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  // The latest history for the key handlers, which may run before a re-render.
  const current = useRef(history);
  current.current = history;
  const working = useRef(false);

  useEffect(() => {
    setHistory(EMPTY_HISTORY); // the stacks belong to one recording
    setStatus(null);
  }, [recordingId]);

  /** Runs one change; throws (for the dialog to show) after leaving the list up to date. */
  const write = useCallback(
    async <T>(change: () => Promise<T>): Promise<T> => {
      working.current = true;
      setBusy(true);
      try {
        return await change();
      } finally {
        working.current = false;
        setBusy(false);
        onChanged();
      }
    },
    [onChanged],
  );

  const apply = useCallback(
    async (step: AnnotationStep): Promise<number> => {
      switch (step.call) {
        case 'eeg.deleteAnnotation':
          return (await api.call('eeg.deleteAnnotation', { annotationId: step.annotationId })).annotationId;
        case 'eeg.restoreAnnotation':
          return (await api.call('eeg.restoreAnnotation', { annotationId: step.annotationId })).id!;
        case 'eeg.editAnnotation':
          return (await api.call('eeg.editAnnotation', { annotationId: step.annotationId, ...step.values })).id!;
      }
    },
    [api],
  );

  const add = useCallback(
    (values: AnnotationValues) =>
      write(async () => {
        const added = await api.call('eeg.addAnnotation', { recordingId, ...values });
        setHistory((h) => recordChange(h, { kind: 'add', id: added.id!, text: added.text }));
        setStatus(null);
      }),
    [api, recordingId, write],
  );

  const edit = useCallback(
    (annotation: EegAnnotation, values: AnnotationValues) =>
      write(async () => {
        const before = { onsetS: annotation.onsetS, durationS: annotation.durationS, text: annotation.text };
        const edited = await api.call('eeg.editAnnotation', { annotationId: annotation.id!, ...values });
        setHistory((h) => recordChange(h, { kind: 'edit', id: edited.id!, before, after: values }));
        setStatus(null);
      }),
    [api, write],
  );

  const remove = useCallback(
    (annotation: EegAnnotation) =>
      write(async () => {
        const { annotationId } = await api.call('eeg.deleteAnnotation', { annotationId: annotation.id! });
        setHistory((h) => recordChange(h, { kind: 'delete', id: annotationId, text: annotation.text }));
        setStatus(`Deleted “${annotation.text}” (Ctrl+Z to undo)`);
      }),
    [api, write],
  );

  const step = useCallback(
    (direction: 'undo' | 'redo') => {
      if (working.current) return;
      const stack = direction === 'undo' ? current.current.done : current.current.undone;
      const change = stack.at(-1);
      if (!change) {
        setStatus(direction === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
        return;
      }
      const what = describeChange(change);
      void write(async () => {
        try {
          const newId = await apply(direction === 'undo' ? undoStep(change) : redoStep(change));
          setHistory((h) => (direction === 'undo' ? afterUndo(h, newId) : afterRedo(h, newId)));
          setStatus(`${direction === 'undo' ? 'Undid' : 'Redid'} ${what}`);
        } catch (failure) {
          setHistory((h) => dropRefused(h, direction === 'undo' ? 'done' : 'undone'));
          setStatus(`Could not ${direction} ${what}: ${errorMessage(failure)}`);
        }
      });
    },
    [apply, write],
  );

  return {
    busy,
    status,
    canUndo: history.done.length > 0,
    canRedo: history.undone.length > 0,
    add,
    edit,
    remove,
    undo: useCallback(() => step('undo'), [step]),
    redo: useCallback(() => step('redo'), [step]),
  };
}
