/**
 * Calcium payloads (shared/api/calcium.ts) checked on arrival: the contract checks each array's
 * dtype, these check how the arrays relate to the counts sent beside them, so a malformed payload
 * fails with a message naming the array rather than drawing garbage.
 */
import type { CalciumOverview, CalciumPage } from '../../../shared/api/index.js';
import { expectGrid, expectGroupsOf } from '../components/decode.js';

export function checkOverview(overview: CalciumOverview): CalciumOverview {
  const what = `overview of ${overview.name}`;
  const cells = overview.cellCount;
  expectGrid(overview.heatmap, cells, overview.columns, `${what}: heat map`);
  expectGrid(overview.activity, cells, 1, `${what}: activity`);
  if (overview.positions) {
    expectGroupsOf(overview.positions, 3, `${what}: positions`, 'x, y, z triples');
    expectGrid(overview.positions, cells, 3, `${what}: positions`);
  }
  if (overview.cellNames.length !== cells) throw new Error(`${what}: ${overview.cellNames.length} names for ${cells} cells`);
  return overview;
}

export function checkPage(page: CalciumPage): CalciumPage {
  const what = `traces of recording ${page.recordingId}`;
  expectGrid(page.min, page.cells.length, page.columns, `${what}: minima`);
  expectGrid(page.max, page.cells.length, page.columns, `${what}: maxima`);
  for (const behaviour of page.behaviour) expectGrid(behaviour.max, 1, page.columns, `${what}: ${behaviour.name}`);
  return page;
}
