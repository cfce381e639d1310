/** The 3D connectome view's keys: its hint line and the help sheet (kept out of the three.js chunk). */
export const CONNECTOME_KEY_HELP =
  '3D view: drag or arrows turn, shift/right-drag or shift+arrows pan, wheel or +/− zoom, R resets it; hover a node for its name, group and degree, or step through the nodes with [ and ] (Esc clears)';
