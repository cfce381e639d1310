/** The orders the traces and heat map rows can be sorted in. */
export type CellOrder = 'file' | 'name' | 'activity';

export const CELL_ORDERS: readonly { id: CellOrder; label: string }[] = [
  { id: 'activity', label: 'activity (most active first)' },
  { id: 'name', label: 'name' },
  { id: 'file', label: 'file order' },
];

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Cell indices in `order`: by name (numbers in names compared as numbers), activity (descending), or as in the file. */
export function orderCells(order: CellOrder, names: readonly string[], activity: ArrayLike<number>): number[] {
  const cells = names.map((_, i) => i);
  if (order === 'name') return cells.sort((a, b) => collator.compare(names[a]!, names[b]!) || a - b);
  if (order === 'activity') return cells.sort((a, b) => (activity[b]! || 0) - (activity[a]! || 0) || a - b);
  return cells;
}
