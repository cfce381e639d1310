/** The shapes a GIfTI file is read into (module B of the fMRI plan). */

/** A triangle mesh: vertex coordinates as stored (mm), three vertex indices per triangle. */
export interface SurfaceMesh {
  /** x, y, z per vertex. */
  vertices: Float32Array;
  /** Three 0-based vertex indices per triangle, each below the vertex count. */
  faces: Uint32Array;
}

/** One entry of a GIfTI LabelTable. */
export interface LabelEntry {
  key: number;
  name: string;
  /** Red, green, blue, alpha as stored: floats in 0…1 (GIfTI's convention, as nibabel reports them). */
  rgba: [number, number, number, number];
}

export type GiftiData = Float32Array | Int32Array | Uint8Array;

export interface GiftiDataArray {
  /** The Intent attribute as written, e.g. 'NIFTI_INTENT_POINTSET'. */
  intent: string;
  /** 'NIFTI_TYPE_FLOAT32' | 'NIFTI_TYPE_INT32' | 'NIFTI_TYPE_UINT8'. */
  datatype: string;
  /** Dim0, Dim1, …: the array's shape. */
  dims: number[];
  /** The elements in row-major (C) order whatever ArrayIndexingOrder the file used, native byte order. */
  data: GiftiData;
  metadata: Record<string, string>;
  /** The first CoordinateSystemTransformMatrix, row-major 4×4; null when the array has none. */
  transform: number[] | null;
  /** Its DataSpace and TransformedSpace ('NIFTI_XFORM_TALAIRACH'…); null without a transform. */
  transformSpaces: { dataSpace: string; transformedSpace: string } | null;
}

export interface GiftiFile {
  file: string;
  metadata: Record<string, string>;
  arrays: GiftiDataArray[];
  labelTable: LabelEntry[];
}

export type GiftiKind = 'surface' | 'surface-values' | 'surface-labels';
