/**
 * A NIfTI-1 file (single .nii, float32, little-endian) in memory from a volume the engine sent, so
 * NiiVue can load it as it loads any file: NiiVue takes files, not raw arrays with an affine. The
 * affine goes in the sform (code 2, "aligned"; nibabel's affine is what the engine already chose
 * between qform and sform), the qform is left unset, so there is one mapping and NiiVue uses it.
 */
import { voxelSizes } from './affine.js';

/** What the writer needs of a BrainVolume. */
export interface NiftiSource {
  dims: readonly [number, number, number];
  affine: readonly number[];
  data: Float32Array;
  /** NIFTI_INTENT_LABEL (1002) for a label atlas: NiiVue then draws it as labels. */
  isAtlas?: boolean;
  description?: string;
}

export const NIFTI1_HEADER_BYTES = 348;
/** Header plus the 4-byte extension flag: where the voxels start. */
export const NIFTI1_VOX_OFFSET = 352;
const DT_FLOAT32 = 16;
const INTENT_LABEL = 1002;
const SFORM_ALIGNED = 2;
const UNITS_MM = 2;

export function niftiFromVolume(source: NiftiSource): ArrayBuffer {
  const [nx, ny, nz] = source.dims;
  const voxels = nx * ny * nz;
  if (source.data.length !== voxels) throw new Error(`the volume has ${source.data.length} values for ${nx}×${ny}×${nz} voxels`);
  if (source.affine.length !== 16) throw new Error(`an affine has 16 numbers, not ${source.affine.length}`);
  const buffer = new ArrayBuffer(NIFTI1_VOX_OFFSET + voxels * 4);
  const view = new DataView(buffer);
  const le = true;
  view.setInt32(0, NIFTI1_HEADER_BYTES, le);
  // dim: rank, then sizes; unused entries 1 (the standard's convention for absent axes).
  const dim = [3, nx, ny, nz, 1, 1, 1, 1];
  dim.forEach((value, i) => view.setInt16(40 + 2 * i, value, le));
  view.setInt16(68, source.isAtlas ? INTENT_LABEL : 0, le);
  view.setInt16(70, DT_FLOAT32, le);
  view.setInt16(72, 32, le);
  const [dx, dy, dz] = voxelSizes(source.affine);
  // pixdim[0] is qfac, unused without a qform but read by some tools: 1.
  [1, dx, dy, dz, 1, 1, 1, 1].forEach((value, i) => view.setFloat32(76 + 4 * i, value, le));
  view.setFloat32(108, NIFTI1_VOX_OFFSET, le);
  view.setFloat32(112, 1, le); // scl_slope: the data are already scaled
  view.setFloat32(116, 0, le);
  view.setUint8(123, UNITS_MM);
  writeAscii(view, 148, 80, source.description ?? 'Cajal');
  view.setInt16(252, 0, le); // qform_code: unset
  view.setInt16(254, SFORM_ALIGNED, le);
  for (let row = 0; row < 3; row += 1) for (let col = 0; col < 4; col += 1) view.setFloat32(280 + 16 * row + 4 * col, source.affine[row * 4 + col]!, le);
  writeAscii(view, 344, 4, 'n+1');
  // The voxels: copy through a byte view (DataView per value is slow on millions of voxels);
  // float32 typed arrays are little-endian on every platform Cajal runs on.
  const out = new Float32Array(buffer, NIFTI1_VOX_OFFSET, voxels);
  out.set(source.data);
  // NaN voxels (NaN-filled maps) become 0, which no threshold shows: NiiVue's shaders do not define
  // what a NaN sample draws, and the engine already counts them for the panel to say so.
  for (let i = 0; i < voxels; i += 1) if (!Number.isFinite(out[i]!)) out[i] = 0;
  return buffer;
}

function writeAscii(view: DataView, offset: number, length: number, text: string): void {
  for (let i = 0; i < Math.min(length - 1, text.length); i += 1) view.setUint8(offset + i, text.charCodeAt(i) & 0x7f);
}
