/**
 * Isosurface of a binary voxel mask by naive surface nets (Gibson 1998): one vertex per cell that
 * straddles the surface, placed at the mean of its edge crossings, and one quad per crossing edge.
 * Chosen over marching cubes because it needs no 256-case tables, gives fewer, better-shaped
 * triangles, and is watertight on masks — all a viewer needs. Written here because three.js's
 * MarchingCubes works on a fixed resolution field in the renderer, and the mesh is wanted in main.
 */

export interface Mesh {
  /** x, y, z per vertex, in voxel coordinates of the input grid (voxel centres at integers). */
  positions: Float32Array;
  /** Three vertex indices per triangle. */
  indices: Uint32Array;
}

/**
 * `mask` is C order (z, y, x) with `shape` [depth, height, width]; `origin` ([z, y, x]) is added to
 * every vertex, `step` scales grid units to voxels (for a downsampled mask).
 */
export function surfaceNets(
  mask: Uint8Array,
  shape: readonly [number, number, number],
  origin: readonly [number, number, number] = [0, 0, 0],
  step = 1,
): Mesh {
  const [depth, height, width] = shape;
  // Cells span grid points [i-1, i] on each axis, i in 0..n, so the zero padding outside closes the surface.
  const cellsX = width + 1;
  const cellsY = height + 1;
  const cellsZ = depth + 1;
  const inside = (z: number, y: number, x: number) =>
    z >= 0 && y >= 0 && x >= 0 && z < depth && y < height && x < width && mask[(z * height + y) * width + x] !== 0;

  const vertexOfCell = new Int32Array(cellsX * cellsY * cellsZ).fill(-1);
  const positions: number[] = [];
  const indices: number[] = [];
  const corner = new Uint8Array(8);
  const cellIndex = (z: number, y: number, x: number) => (z * cellsY + y) * cellsX + x;

  for (let z = 0; z < cellsZ; z++) {
    for (let y = 0; y < cellsY; y++) {
      for (let x = 0; x < cellsX; x++) {
        let count = 0;
        for (let c = 0; c < 8; c++) {
          corner[c] = inside(z - 1 + ((c >> 2) & 1), y - 1 + ((c >> 1) & 1), x - 1 + (c & 1)) ? 1 : 0;
          count += corner[c]!;
        }
        if (count === 0 || count === 8) continue;
        // Mean of the midpoints of the cell's 12 edges whose two corners differ.
        let sx = 0;
        let sy = 0;
        let sz = 0;
        let crossings = 0;
        for (let a = 0; a < 8; a++) {
          for (const bit of [1, 2, 4]) {
            const b = a | bit;
            if (b === a || corner[a] === corner[b]) continue;
            sx += ((a & 1) + (b & 1)) / 2;
            sy += (((a >> 1) & 1) + ((b >> 1) & 1)) / 2;
            sz += (((a >> 2) & 1) + ((b >> 2) & 1)) / 2;
            crossings++;
          }
        }
        vertexOfCell[cellIndex(z, y, x)] = positions.length / 3;
        positions.push(
          origin[2] + (x - 1 + sx / crossings) * step,
          origin[1] + (y - 1 + sy / crossings) * step,
          origin[0] + (z - 1 + sz / crossings) * step,
        );
      }
    }
  }

  // Each grid edge between an inside and an outside point is shared by 4 cells: join their vertices.
  const quad = (a: number, b: number, c: number, d: number, flip: boolean) => {
    if (a < 0 || b < 0 || c < 0 || d < 0) return;
    if (flip) indices.push(a, c, b, a, d, c);
    else indices.push(a, b, c, a, c, d);
  };
  // From -1 so edges leaving the zero padding at the low faces are joined too.
  for (let z = -1; z < depth; z++) {
    for (let y = -1; y < height; y++) {
      for (let x = -1; x < width; x++) {
        const here = inside(z, y, x);
        // Edge along x from (z, y, x) to (z, y, x + 1); cells containing it have x index x + 1.
        if (here !== inside(z, y, x + 1)) {
          quad(
            vertexOfCell[cellIndex(z, y, x + 1)]!,
            vertexOfCell[cellIndex(z + 1, y, x + 1)]!,
            vertexOfCell[cellIndex(z + 1, y + 1, x + 1)]!,
            vertexOfCell[cellIndex(z, y + 1, x + 1)]!,
            !here,
          );
        }
        if (here !== inside(z, y + 1, x)) {
          quad(
            vertexOfCell[cellIndex(z, y + 1, x)]!,
            vertexOfCell[cellIndex(z, y + 1, x + 1)]!,
            vertexOfCell[cellIndex(z + 1, y + 1, x + 1)]!,
            vertexOfCell[cellIndex(z + 1, y + 1, x)]!,
            !here,
          );
        }
        if (here !== inside(z + 1, y, x)) {
          quad(
            vertexOfCell[cellIndex(z + 1, y, x)]!,
            vertexOfCell[cellIndex(z + 1, y + 1, x)]!,
            vertexOfCell[cellIndex(z + 1, y + 1, x + 1)]!,
            vertexOfCell[cellIndex(z + 1, y, x + 1)]!,
            !here,
          );
        }
      }
    }
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}
