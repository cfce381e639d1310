/**
 * NIfTI-1 and NIfTI-2 single-file images (.nii, .nii.gz), read to agree with nibabel 5: header
 * fields, the affine nibabel chooses, and voxels scaled as get_fdata(dtype=float32). Volumes are
 * read one at a time (a gzip file is inflated only as far as needed). RGB images: the header reads,
 * the voxels are refused (a colour is not one value). Complex and float128 data are refused.
 */
import { open } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { GzipCursor } from './gzip-cursor.js';
import { hasNiftiMagic, MAX_HEADER_BYTES } from './header.js';

export type { NiftiDtype, NiftiHeader, NiftiImage } from './types.js';
export { openNifti, readNiftiHeader } from './image.js';

/** True when the file's content is a single-file NIfTI-1/2 header, plain or inside gzip. Never throws. */
export async function looksLikeNifti(path: string): Promise<boolean> {
  try {
    if (!statSync(path).isFile()) return false;
    const handle = await open(path, 'r');
    let head: Uint8Array;
    try {
      const buffer = new Uint8Array(MAX_HEADER_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, MAX_HEADER_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const cursor = new GzipCursor(path);
      try {
        head = await cursor.readUpTo(0, MAX_HEADER_BYTES);
      } finally {
        cursor.close();
      }
    }
    return hasNiftiMagic(head);
  } catch {
    return false;
  }
}
