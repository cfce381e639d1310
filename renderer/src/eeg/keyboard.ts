/**
 * Keyboard-first review: which key does what, and when the viewer may take a key (never while the
 * user types in a field, picks in a select, or a dialog is open; only when the focus is in the
 * viewer or on the page body).
 */
export type ReviewCommand =
  | { kind: 'page'; pages: number }
  | { kind: 'nudge'; tenths: number }
  | { kind: 'home' }
  | { kind: 'end' }
  | { kind: 'gain'; more: boolean }
  | { kind: 'montage'; index: number }
  | { kind: 'annotate' }
  | { kind: 'selectRow'; delta: number }
  | { kind: 'escape' }
  // The user's own annotation changes in this window (annotationHistory.ts).
  | { kind: 'undo' }
  | { kind: 'redo' }
  // Seizure triage (used when the recording has a detection run).
  | { kind: 'event'; delta: number }
  | { kind: 'decide'; status: 'accepted' | 'rejected' }
  | { kind: 'adjust'; edge: 'onset' | 'end'; deltaS: number };

export function commandOf(event: KeyboardEvent): ReviewCommand | null {
  if ((event.ctrlKey || event.metaKey) && !event.altKey) return undoRedoOf(event);
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case 'PageDown':
      return { kind: 'page', pages: 1 };
    case 'PageUp':
      return { kind: 'page', pages: -1 };
    case 'ArrowRight':
      return { kind: 'nudge', tenths: 1 };
    case 'ArrowLeft':
      return { kind: 'nudge', tenths: -1 };
    case 'ArrowDown':
      return { kind: 'selectRow', delta: 1 };
    case 'ArrowUp':
      return { kind: 'selectRow', delta: -1 };
    case 'Home':
      return { kind: 'home' };
    case 'End':
      return { kind: 'end' };
    case '+':
    case '=':
      return { kind: 'gain', more: true };
    case '-':
    case '_':
      return { kind: 'gain', more: false };
    case '1':
    case '2':
    case '3':
    case '4':
      return { kind: 'montage', index: Number(event.key) - 1 };
    case 'a':
    case 'A':
      return { kind: 'annotate' };
    case 'Escape':
      return { kind: 'escape' };
    case 'j':
    case 'J':
      return { kind: 'event', delta: 1 };
    case 'k':
    case 'K':
      return { kind: 'event', delta: -1 };
    case 'y':
    case 'Y':
      return { kind: 'decide', status: 'accepted' };
    case 'n':
    case 'N':
      return { kind: 'decide', status: 'rejected' };
    case '[':
      return { kind: 'adjust', edge: 'onset', deltaS: -1 };
    case ']':
      return { kind: 'adjust', edge: 'onset', deltaS: 1 };
    case '{':
      return { kind: 'adjust', edge: 'end', deltaS: -1 };
    case '}':
      return { kind: 'adjust', edge: 'end', deltaS: 1 };
    default:
      return null;
  }
}

/** Ctrl+Z undoes; Ctrl+Shift+Z and Ctrl+Y redo (Cmd for Ctrl on macOS). */
function undoRedoOf(event: KeyboardEvent): ReviewCommand | null {
  const key = event.key.toLowerCase();
  if (key === 'z') return { kind: event.shiftKey ? 'redo' : 'undo' };
  if (key === 'y' && !event.shiftKey) return { kind: 'redo' };
  return null;
}

/** Whether the viewer (rooted at `root`) may handle a key whose target is `target`. */
export function viewerOwnsKey(target: EventTarget | null, root: HTMLElement | null): boolean {
  if (!(target instanceof HTMLElement)) return true;
  if (target.closest('input, textarea, select, dialog, [contenteditable=""], [contenteditable="true"]')) return false;
  if (document.querySelector('dialog[open]')) return false;
  return target === document.body || (root !== null && root.contains(target));
}

export const KEY_HELP =
  'PageDown/PageUp: next/previous page · ←/→: a tenth of a page · Home/End · +/−: sensitivity (or the selected channel’s gain) · ↑/↓ or click a label: select a channel (shift-click: its gain up, ctrl+shift-click: down) · 1–4: referential, average, bipolar, transverse · A: annotate (click a label to edit or delete it) · Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y): undo / redo your annotation changes · drag: measure';

export const TRIAGE_KEY_HELP =
  'Seizure triage: J/K: next/previous event · Y: accept · N: reject · [ / ]: onset 1 s earlier/later · { / }: end 1 s earlier/later (saved with the next accept)';
