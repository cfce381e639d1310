/**
 * Minimum-cost perfect assignment on a square cost matrix (Hungarian method with potentials,
 * O(n³); Kuhn 1955, in the shortest-augmenting-path form of Jonker–Volgenant). Used to pair the
 * components of two CP fits, whose order is arbitrary.
 */

/** Returns `columnOf[row]`: the column assigned to each row, minimising Σ cost[row][column]. */
export function minimumCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  if (cost.some((row) => row.length !== n)) throw new Error('the cost matrix must be square');
  const INF = Number.POSITIVE_INFINITY;
  // 1-based arrays; index 0 is the virtual start of each augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOfColumn = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  for (let row = 1; row <= n; row++) {
    rowOfColumn[0] = row;
    let column0 = 0;
    const minSlack = new Float64Array(n + 1).fill(INF);
    const used = new Uint8Array(n + 1);
    do {
      used[column0] = 1;
      const row0 = rowOfColumn[column0]!;
      let delta = INF;
      let column1 = 0;
      for (let column = 1; column <= n; column++) {
        if (used[column]) continue;
        const slack = cost[row0 - 1]![column - 1]! - u[row0]! - v[column]!;
        if (slack < minSlack[column]!) {
          minSlack[column] = slack;
          way[column] = column0;
        }
        if (minSlack[column]! < delta) {
          delta = minSlack[column]!;
          column1 = column;
        }
      }
      for (let column = 0; column <= n; column++) {
        if (used[column]) {
          u[rowOfColumn[column]!]! += delta;
          v[column]! -= delta;
        } else {
          minSlack[column]! -= delta;
        }
      }
      column0 = column1;
    } while (rowOfColumn[column0] !== 0);
    do {
      const previous = way[column0]!;
      rowOfColumn[column0] = rowOfColumn[previous]!;
      column0 = previous;
    } while (column0 !== 0);
  }
  const columnOf = new Array<number>(n).fill(-1);
  for (let column = 1; column <= n; column++) if (rowOfColumn[column]! > 0) columnOf[rowOfColumn[column]! - 1] = column - 1;
  return columnOf;
}
