/**
 * The public shapes of the NIfTI reader (the contract in the fMRI plan, module A). Kept apart from
 * the parsing code so that consumers (the fmri domain, extraction, the CLI) import types only.
 */
export type NiftiDtype =
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'rgb24'
  | 'rgba32';

export interface NiftiHeader {
  file: string;
  version: 1 | 2;
  compressed: boolean;
  littleEndian: boolean;
  /** dim[1..dim[0]]. */
  dims: number[];
  /** pixdim[1..dim[0]], after nibabel's load-time fixes (0 → 1 and |x| for the spatial three). */
  pixdim: number[];
  datatype: NiftiDtype;
  datatypeCode: number;
  /** bitpix as stored (nibabel ignores a wrong one and so do we: the datatype decides). */
  bitpix: number;
  voxOffset: number;
  /** As stored (NaN when the file says "no scaling"). */
  sclSlope: number;
  sclInter: number;
  /** After nibabel's fix: a code outside 0…5 reads as 0. */
  qformCode: number;
  sformCode: number;
  /** nibabel's `img.affine`: sform if sform_code ≠ 0, else qform if qform_code ≠ 0, else the pixdim fallback. Row-major 4×4. */
  affine: number[];
  /** The qform matrix when qform_code ≠ 0, else null. */
  qform: number[] | null;
  /** The sform matrix when sform_code ≠ 0, else null. */
  sform: number[] | null;
  /** nibabel's unit names: 'unknown', 'meter', 'mm', 'micron'. */
  xyzUnits: string;
  /** 'unknown', 'sec', 'msec', 'usec', 'hz', 'ppm', 'rads'. */
  timeUnits: string;
  /** 4D: pixdim[4] in seconds (msec/usec converted, unknown units taken as seconds); null otherwise. */
  trS: number | null;
  descrip: string;
  intentCode: number;
  intentName: string;
  calMin: number;
  calMax: number;
}

export interface NiftiImage {
  readonly header: NiftiHeader;
  readonly spatialDims: [number, number, number];
  /** Product of the dims beyond the third (1 for 3D). */
  readonly volumeCount: number;
  /** Volume t (x fastest), scaled as nibabel's get_fdata(dtype=float32); reads/inflates only what it needs. */
  readVolume(t: number): Promise<Float32Array>;
  /** Every volume, volume after volume. */
  readAll(): Promise<Float32Array>;
  close(): Promise<void>;
}
