/**
 * A volume map sampled at a surface's vertices, as nilearn's `vol_to_surf` with kind 'line': at
 * each vertex, points along its normal at the given depths (mm; positive outwards), each sampled
 * through the volume's inverse affine by nearest neighbour or trilinear interpolation, averaged
 * over the points that fall inside the volume with a finite value. A vertex with none gets NaN
 * (nilearn's nanmean does the same), which the surface view leaves uncoloured.
 */
import { applyAffine, invertAffine, type Affine } from './affine.js';

export interface SampledVolume {
  data: Float32Array;
  dims: readonly [number, number, number];
  affine: Affine;
}

/** Unit vertex normals: the sum of the normals of the triangles around each vertex, weighted by their area. */
export function vertexNormals(vertices: Float32Array, faces: Uint32Array): Float32Array {
  const normals = new Float32Array(vertices.length);
  for (let f = 0; f < faces.length; f += 3) {
    const a = 3 * faces[f]!;
    const b = 3 * faces[f + 1]!;
    const c = 3 * faces[f + 2]!;
    const ux = vertices[b]! - vertices[a]!;
    const uy = vertices[b + 1]! - vertices[a + 1]!;
    const uz = vertices[b + 2]! - vertices[a + 2]!;
    const vx = vertices[c]! - vertices[a]!;
    const vy = vertices[c + 1]! - vertices[a + 1]!;
    const vz = vertices[c + 2]! - vertices[a + 2]!;
    // The cross product's length is twice the triangle's area: area weighting comes for free.
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    for (const v of [a, b, c]) {
      normals[v] = normals[v]! + nx;
      normals[v + 1] = normals[v + 1]! + ny;
      normals[v + 2] = normals[v + 2]! + nz;
    }
  }
  for (let v = 0; v < normals.length; v += 3) {
    const length = Math.hypot(normals[v]!, normals[v + 1]!, normals[v + 2]!);
    if (length > 0) {
      normals[v] = normals[v]! / length;
      normals[v + 1] = normals[v + 1]! / length;
      normals[v + 2] = normals[v + 2]! / length;
    }
  }
  return normals;
}

/** The value at fractional voxel coordinates (nearest), or NaN outside the grid. */
function nearest(volume: SampledVolume, fi: number, fj: number, fk: number): number {
  const [nx, ny, nz] = volume.dims;
  const i = Math.round(fi);
  const j = Math.round(fj);
  const k = Math.round(fk);
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return NaN;
  return volume.data[i + nx * (j + ny * k)]!;
}

/**
 * Trilinear interpolation over the 8 surrounding voxels; corners outside the grid or not finite
 * drop out and the rest are re-weighted (so a map's edge does not fade to zero). NaN when none is left.
 */
function trilinear(volume: SampledVolume, fi: number, fj: number, fk: number): number {
  const [nx, ny, nz] = volume.dims;
  if (fi < -0.5 || fj < -0.5 || fk < -0.5 || fi > nx - 0.5 || fj > ny - 0.5 || fk > nz - 0.5) return NaN;
  const i0 = Math.floor(fi);
  const j0 = Math.floor(fj);
  const k0 = Math.floor(fk);
  const di = fi - i0;
  const dj = fj - j0;
  const dk = fk - k0;
  let sum = 0;
  let weight = 0;
  for (let c = 0; c < 8; c++) {
    const i = i0 + (c & 1);
    const j = j0 + ((c >> 1) & 1);
    const k = k0 + ((c >> 2) & 1);
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
    const v = volume.data[i + nx * (j + ny * k)]!;
    if (!Number.isFinite(v)) continue;
    const w = (c & 1 ? di : 1 - di) * ((c >> 1) & 1 ? dj : 1 - dj) * ((c >> 2) & 1 ? dk : 1 - dk);
    sum += w * v;
    weight += w;
  }
  return weight > 0 ? sum / weight : NaN;
}

export function projectToSurface(
  volume: SampledVolume,
  mesh: { vertices: Float32Array; faces: Uint32Array },
  options: { method: 'nearest' | 'trilinear'; depthsMm: readonly number[] },
): Float32Array {
  const inverse = invertAffine(volume.affine);
  const normals = vertexNormals(mesh.vertices, mesh.faces);
  const sample = options.method === 'nearest' ? nearest : trilinear;
  const count = mesh.vertices.length / 3;
  const values = new Float32Array(count);
  for (let v = 0; v < count; v++) {
    let sum = 0;
    let n = 0;
    for (const depth of options.depthsMm) {
      const x = mesh.vertices[3 * v]! + depth * normals[3 * v]!;
      const y = mesh.vertices[3 * v + 1]! + depth * normals[3 * v + 1]!;
      const z = mesh.vertices[3 * v + 2]! + depth * normals[3 * v + 2]!;
      const [fi, fj, fk] = applyAffine(inverse, x, y, z);
      const value = sample(volume, fi, fj, fk);
      if (Number.isFinite(value)) {
        sum += value;
        n++;
      }
    }
    values[v] = n > 0 ? sum / n : NaN;
  }
  return values;
}
