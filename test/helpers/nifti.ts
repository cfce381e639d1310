/**
 * Writes small NIfTI-1 images for tests (single-file `.nii`, optionally gzipped): a 348-byte header
 * with dims, pixdim, datatype, scaling, sform (and qform codes), TR, intent, then the voxels in x-
 * fastest order. Written from the NIfTI-1 header description, independently of main/io/nifti.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface TestNifti {
  /** Spatial (and time) dimensions: [nx, ny, nz] or [nx, ny, nz, nt]. */
  dims: number[];
  /** Values in x-fastest order, volume after volume. */
  data: ArrayLike<number>;
  datatype?: 'uint8' | 'int16' | 'int32' | 'float32';
  /** Row-major 4×4 voxel → mm (the sform); default 2 mm voxels with the origin at the centre. */
  affine?: number[];
  sformCode?: number;
  trS?: number;
  sclSlope?: number;
  sclInter?: number;
  intentCode?: number;
  gzip?: boolean;
}

const CODES = { uint8: [2, 8], int16: [4, 16], int32: [8, 32], float32: [16, 32] } as const;

export function defaultAffine(dims: readonly number[], voxelMm = 2): number[] {
  const [nx = 1, ny = 1, nz = 1] = dims;
  return [voxelMm, 0, 0, (-voxelMm * (nx - 1)) / 2, 0, voxelMm, 0, (-voxelMm * (ny - 1)) / 2, 0, 0, voxelMm, (-voxelMm * (nz - 1)) / 2, 0, 0, 0, 1];
}

export function niftiBytes(image: TestNifti): Uint8Array {
  const datatype = image.datatype ?? 'float32';
  const [code, bitpix] = CODES[datatype];
  const affine = image.affine ?? defaultAffine(image.dims);
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  header.writeInt16LE(image.dims.length, 40);
  image.dims.forEach((d, i) => header.writeInt16LE(d, 42 + 2 * i));
  for (let i = image.dims.length; i < 7; i++) header.writeInt16LE(1, 42 + 2 * i);
  header.writeInt16LE(image.intentCode ?? 0, 68);
  header.writeInt16LE(code, 70);
  header.writeInt16LE(bitpix, 72);
  const voxel = [Math.hypot(affine[0]!, affine[4]!, affine[8]!), Math.hypot(affine[1]!, affine[5]!, affine[9]!), Math.hypot(affine[2]!, affine[6]!, affine[10]!)];
  header.writeFloatLE(1, 76); // pixdim[0]: qfac
  voxel.forEach((v, i) => header.writeFloatLE(v, 80 + 4 * i));
  header.writeFloatLE(image.trS ?? 0, 92);
  header.writeFloatLE(352, 108); // vox_offset
  header.writeFloatLE(image.sclSlope ?? 0, 112);
  header.writeFloatLE(image.sclInter ?? 0, 116);
  header.writeUInt8(2 | 8, 123); // xyzt_units: mm, s
  header.writeInt16LE(0, 252); // qform_code
  header.writeInt16LE(image.sformCode ?? 4, 254); // sform_code (4: MNI)
  for (let row = 0; row < 3; row++) for (let col = 0; col < 4; col++) header.writeFloatLE(affine[4 * row + col]!, 280 + 16 * row + 4 * col);
  header.write('n+1\0', 344, 'latin1');
  const count = image.dims.reduce((a, b) => a * b, 1);
  if (image.data.length !== count) throw new Error(`test NIfTI: ${image.data.length} values for dims ${image.dims.join('×')}`);
  const body = Buffer.alloc(count * (bitpix / 8));
  for (let i = 0; i < count; i++) {
    const v = image.data[i]!;
    if (datatype === 'uint8') body.writeUInt8(v, i);
    else if (datatype === 'int16') body.writeInt16LE(v, 2 * i);
    else if (datatype === 'int32') body.writeInt32LE(v, 4 * i);
    else body.writeFloatLE(v, 4 * i);
  }
  const bytes = Buffer.concat([header, body]);
  return image.gzip ? gzipSync(bytes) : bytes;
}

export function writeNifti(path: string, image: TestNifti): string {
  writeFileSync(path, niftiBytes(image));
  return path;
}
