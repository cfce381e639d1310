/**
 * The orders the units (raster rows, heat-map rows, the units table) can be sorted in. Cell type
 * first groups the types (ON apart from OFF), fastest first inside each, as a retina paper shows
 * them; rate puts the busiest units on top; id follows the file's ids (numbers compared as numbers).
 */
import type { SpikeUnit } from '../../../shared/api/index.js';

export type UnitOrder = 'type' | 'rate' | 'id' | 'file';

export const UNIT_ORDERS: readonly { id: UnitOrder; label: string }[] = [
  { id: 'type', label: 'cell type, then rate' },
  { id: 'rate', label: 'firing rate (fastest first)' },
  { id: 'id', label: 'unit id' },
  { id: 'file', label: 'file order' },
];

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

type Sortable = Pick<SpikeUnit, 'index' | 'id' | 'cellType' | 'rateHz'>;

/** Unit indices (SpikeUnit.index) in `order`; units without a type come after the typed ones. */
export function orderUnits(order: UnitOrder, units: readonly Sortable[]): number[] {
  const sorted = [...units];
  const byRate = (a: Sortable, b: Sortable) => b.rateHz - a.rateHz || a.index - b.index;
  if (order === 'rate') sorted.sort(byRate);
  else if (order === 'id') sorted.sort((a, b) => collator.compare(a.id, b.id) || a.index - b.index);
  else if (order === 'type')
    sorted.sort((a, b) => {
      if (a.cellType === b.cellType) return byRate(a, b);
      if (a.cellType === null) return 1;
      if (b.cellType === null) return -1;
      return collator.compare(a.cellType, b.cellType);
    });
  else sorted.sort((a, b) => a.index - b.index);
  return sorted.map((unit) => unit.index);
}

/** The default order: by type where the file names types for some units, else by rate. */
export function defaultOrder(units: readonly Sortable[]): UnitOrder {
  return units.some((unit) => unit.cellType !== null) ? 'type' : 'rate';
}
