/**
 * Shape checks for typed arrays on arrival. The contract's schemas check each array's dtype; what
 * they cannot check is how arrays relate to the sizes sent beside them (whole triples, a grid of
 * the stated size, indices within the vertices). Every domain's decoder runs these first, so a
 * malformed payload fails with a message that names the array rather than drawing garbage.
 */

type Values = ArrayLike<number>;

/** Throws unless `array` holds whole groups of `size` values (x, y, z triples, triangles). */
export function expectGroupsOf(array: Values, size: number, what: string, groups: string): void {
  if (array.length % size !== 0) throw new Error(`${what}: ${array.length} values are not ${groups}`);
}

/** Throws unless `array` holds `rows` × `cols` values (a slice, a square matrix). */
export function expectGrid(array: Values, rows: number, cols: number, what: string, noun = 'values'): void {
  const expected = rows * cols;
  if (array.length !== expected) throw new Error(`${what}: ${array.length} ${noun}, expected ${rows} × ${cols} = ${expected}`);
}

/** Throws unless every index is below `count` (triangle corners within the vertices). */
export function expectIndicesBelow(indices: Values, count: number, what: string, noun: string): void {
  for (let i = 0; i < indices.length; i += 1) {
    if (indices[i]! >= count) throw new Error(`${what}: index ${indices[i]} past the ${count} ${noun}`);
  }
}
