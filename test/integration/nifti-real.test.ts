/**
 * The NIfTI reader on every .nii/.nii.gz under ../shared/data/fmri, against what nibabel 5.0 reads
 * (test/fixtures/reference/nifti_nibabel.py → nifti-nibabel.json): header fields, the affine nibabel
 * chooses, qform/sform, units and TR to 1e-6; voxels of get_fdata(dtype=float32) bit for bit at the
 * sampled indices, checksums to float64 summation order (test/helpers/nifti-conformance.ts). The
 * NIfTI-2 copies of the same files: nifti2-real.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { expectNiftiMatchesNibabel, type NiftiReference } from '../helpers/nifti-conformance.js';

const REFERENCE = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/nifti-nibabel.json'), 'utf8')) as { files: Record<string, NiftiReference> };
const FMRI = dataFile('fmri');

function niftiFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.nii(\.gz)?$/.test(e.name))
    .map((e) => relative(FMRI, join(e.parentPath, e.name)))
    .sort();
}

if (!hasSharedData()) console.warn(`nifti-real skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('NIfTI reader on the real fMRI files, against nibabel 5.0', () => {
  it('the reference covers every NIfTI file in the data folder', () => {
    expect(Object.keys(REFERENCE.files).sort()).toEqual(niftiFiles(FMRI));
  });

  for (const [name, ref] of Object.entries(REFERENCE.files)) {
    it(name, async () => {
      await expectNiftiMatchesNibabel(join(FMRI, name), ref);
    });
  }
});
