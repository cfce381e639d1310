/**
 * Keys of the Segmentation view, for use without a mouse. In the instance list, ↑/↓, Home/End and
 * PageUp/PageDown move the selection; in the 3D view, arrows turn it, shift+arrows pan and + / −
 * zoom; slice sliders take the arrows as sliders do. Anywhere in the view, the letters below.
 */
import { keyStep } from '../components/keySteps.js';

export type FisbeCommand =
  | { kind: 'step'; delta: number }
  | { kind: 'partner' }
  | { kind: 'frame' }
  | { kind: 'resetView' }
  | { kind: 'clear' }
  | { kind: 'toggle'; layer: 'gt' | 'pred' | 'surfaces' | 'skeletons' | 'sideBySide' };

export function fisbeCommandOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): FisbeCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case 'j':
    case 'J':
      return { kind: 'step', delta: 1 };
    case 'k':
    case 'K':
      return { kind: 'step', delta: -1 };
    case 'm':
    case 'M':
      return { kind: 'partner' };
    case 'f':
    case 'F':
      return { kind: 'frame' };
    case 'r':
    case 'R':
      return { kind: 'resetView' };
    case 'Escape':
      return { kind: 'clear' };
    case 'g':
    case 'G':
      return { kind: 'toggle', layer: 'gt' };
    case 'p':
    case 'P':
      return { kind: 'toggle', layer: 'pred' };
    case 's':
    case 'S':
      return { kind: 'toggle', layer: 'surfaces' };
    case 'c':
    case 'C':
      return { kind: 'toggle', layer: 'skeletons' };
    case 'b':
    case 'B':
      return { kind: 'toggle', layer: 'sideBySide' };
    default:
      return null;
  }
}

const LIST_STEPS: ReadonlyMap<string, number> = new Map([
  ['ArrowDown', 1],
  ['ArrowUp', -1],
  ['PageDown', 5],
  ['PageUp', -5],
]);

/** List keys: how far ↑/↓/Home/End/PageUp/PageDown move the selection (±Infinity: first/last). */
export function listStepOf(key: string): number | null {
  return keyStep(key, LIST_STEPS);
}

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'number', 'password', 'email', 'url', 'tel']);

/**
 * Whether the view (rooted at `root`) may take a letter key aimed at `target`: not while the user
 * types in a field or picks in a select, nor with a dialog open; only from inside the view or the
 * page body.
 */
export function viewOwnsKey(target: EventTarget | null, root: HTMLElement | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return true;
  if (target instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(target.type)) return false;
  if (target.closest('textarea, select, dialog, [contenteditable=""], [contenteditable="true"]')) return false;
  if (document.querySelector('dialog[open]')) return false;
  return target === document.body || (root !== null && root.contains(target));
}

export const FISBE_KEY_HELP =
  'J/K or ↑/↓ in the list: next/previous instance · M: its match · F: frame it in 3D · R: reset the view · Esc: clear · G/P: GT/predictions · S/C: surfaces/skeletons · B: side by side · 3D view: drag or arrows turn, shift/right-drag or shift+arrows pan, wheel or +/− zoom, click selects';
