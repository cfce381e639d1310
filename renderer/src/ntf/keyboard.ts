/**
 * Keys of the Connectome view: ← / → (and Home / End) switch component from anywhere in the view
 * except where the arrows already mean something (text fields, selects, sliders, the 3D view,
 * which turns with them).
 */
import { keyStep } from '../components/keySteps.js';

/** ← / → step through the components. */
const COMPONENT_STEPS: ReadonlyMap<string, number> = new Map([
  ['ArrowRight', 1],
  ['ArrowLeft', -1],
]);

export function componentStepOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): number | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return null;
  return keyStep(event.key, COMPONENT_STEPS);
}

/** The component after moving `delta` from `current` among `count`, clamped (±Infinity: first/last). */
export function stepComponent(current: number, delta: number, count: number): number {
  if (count <= 0) return 0;
  if (delta === -Infinity) return 0;
  if (delta === Infinity) return count - 1;
  return Math.min(count - 1, Math.max(0, current + delta));
}

/** Whether a key aimed at `target` may switch component (not in fields, sliders, selects or the 3D view). */
export function arrowsFree(target: EventTarget | null, root: HTMLElement | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return true;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], [aria-roledescription="3D view"], dialog')) return false;
  if (document.querySelector('dialog[open]')) return false;
  return target === document.body || (root !== null && root.contains(target));
}
