/**
 * What a GIfTI file holds, and its triangle mesh. A surface is a POINTSET array (n×3 float32,
 * vertex coordinates as stored: the CoordinateSystemTransformMatrix is not applied, as nilearn and
 * NiiVue draw them) with a TRIANGLE array (m×3 int32, 0-based indices). Every face index is checked
 * against the vertex count here, once, so views can index vertex buffers without checks of their own.
 */
import { FormatError } from '../../errors.js';
import type { GiftiDataArray, GiftiFile, GiftiKind, SurfaceMesh } from './types.js';

const POINTSET = 'NIFTI_INTENT_POINTSET';
const TRIANGLE = 'NIFTI_INTENT_TRIANGLE';
const LABEL = 'NIFTI_INTENT_LABEL';

/** 'surface' with a mesh, 'surface-labels' for a label array (or integer data with a label table), 'surface-values' otherwise. */
export function giftiKind(g: GiftiFile): GiftiKind {
  if (g.arrays.some((a) => a.intent === POINTSET) && g.arrays.some((a) => a.intent === TRIANGLE)) return 'surface';
  if (g.arrays.some((a) => a.intent === LABEL)) return 'surface-labels';
  if (g.labelTable.length > 0 && g.arrays.length > 0 && g.arrays.every((a) => !(a.data instanceof Float32Array))) return 'surface-labels';
  return 'surface-values';
}

function findArray(g: GiftiFile, intent: string, datatype: string, noun: string): { array: GiftiDataArray; index: number } {
  const index = g.arrays.findIndex((a) => a.intent === intent);
  const array = g.arrays[index];
  if (!array) throw new FormatError(g.file, `not a surface: no ${intent} array (${noun})`, 'DataArray.Intent');
  if (array.datatype !== datatype || array.dims.length !== 2 || array.dims[1] !== 3) {
    throw new FormatError(g.file, `the ${noun} (DataArray ${index}) is ${array.dims.join('×')} ${array.datatype}, not n×3 ${datatype}`, `DataArray[${index}].Dim1`);
  }
  return { array, index };
}

/** The mesh of a surface file; FormatError when it is not one or a face names a vertex it does not have. */
export function giftiSurface(g: GiftiFile): SurfaceMesh {
  const points = findArray(g, POINTSET, 'NIFTI_TYPE_FLOAT32', 'vertices');
  const triangles = findArray(g, TRIANGLE, 'NIFTI_TYPE_INT32', 'faces');
  const vertexCount = points.array.dims[0] as number;
  const source = triangles.array.data;
  for (let i = 0; i < source.length; i++) {
    const v = source[i] as number;
    if (v < 0 || v >= vertexCount) {
      throw new FormatError(
        g.file,
        `face ${Math.floor(i / 3)} names vertex ${v}, but the surface has ${vertexCount} vertices (0…${vertexCount - 1})`,
        `DataArray[${triangles.index}].Data`,
      );
    }
  }
  return { vertices: points.array.data as Float32Array, faces: new Uint32Array(source) };
}
