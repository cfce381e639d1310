/** The Spikes view's keys for the help sheet (plain text: importing it keeps the view's code in its chunk). */
export const SPIKES_KEY_HELP =
  '←/→: earlier/later by half the window · +/−: zoom the raster in/out · wheel on the raster: zoom about the pointer · drag: pan · click a unit: select it (A) · Shift+click: second unit (B, cross-correlogram)';
