/** The Morphology view's keys: its hint line and the help sheet (kept out of the three.js chunk). */
export const MORPHOLOGY_KEY_HELP =
  'Drag to orbit, right-drag or shift+drag to pan, wheel to zoom; arrows orbit, + / − zoom, F fits. Click a section to see its metrics.';
