/**
 * NIfTI-2: no NIfTI-2 file exists in ../shared/data, so Debian's nibabel writes a NIfTI-2 copy of
 * every real .nii/.nii.gz (test/fixtures/reference/nifti_nibabel.py --nifti2-copies: a Nifti2Header
 * made from the original's, same byte order, datatype, scaling, affines, extensions and stored voxels)
 * into a temporary folder and describes each copy as it reads it back; Cajal's reader must equal
 * that description exactly as for the NIfTI-1 originals (test/helpers/nifti-conformance.ts). The
 * live description must also equal the committed one (`nifti2Files` in nifti-nibabel.json), so a
 * change in nibabel's writer shows up here rather than as a silent change of what is tested.
 * Skipped without ../shared/data or without nibabel for /usr/bin/python3 (python3-nibabel).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { expectNiftiMatchesNibabel, type NiftiReference } from '../helpers/nifti-conformance.js';
import { tempDir } from '../helpers/tmp.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'test/fixtures/reference/nifti_nibabel.py');
const REFERENCE = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/nifti-nibabel.json'), 'utf8')) as {
  files: Record<string, NiftiReference>;
  nifti2Files: Record<string, NiftiReference>;
};

const hasNibabel = spawnSync(PYTHON, ['-c', 'import nibabel'], { encoding: 'utf8' }).status === 0;
const skip = !hasSharedData() || !hasNibabel;
if (!hasSharedData()) console.warn(`nifti2-real skipped: ${SKIP_NO_DATA}`);
else if (!hasNibabel) console.warn(`nifti2-real skipped: ${PYTHON} cannot import nibabel (apt-get install python3-nibabel), which writes the NIfTI-2 copies`);

describe.skipIf(skip)('NIfTI reader on NIfTI-2 copies of the real fMRI files, against nibabel 5.0', () => {
  const folder = skip ? null : tempDir('cajal-nifti2-');
  let live: Record<string, NiftiReference> = {};

  beforeAll(() => {
    const run = spawnSync(PYTHON, [SCRIPT, '--nifti2-copies', folder!.dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (run.status !== 0) throw new Error(`nifti_nibabel.py --nifti2-copies failed (${run.status}): ${run.stderr}`);
    live = JSON.parse(run.stdout) as Record<string, NiftiReference>;
  }, 120_000);
  afterAll(() => folder?.cleanup());

  it('nibabel wrote a NIfTI-2 copy of every file, described as committed, differing from its original only in version and vox_offset', () => {
    expect(Object.keys(live).sort()).toEqual(Object.keys(REFERENCE.files).sort());
    expect(live).toEqual(REFERENCE.nifti2Files);
    for (const [name, copy] of Object.entries(live)) {
      expect(copy.version, name).toBe(2);
      expect({ ...copy, version: 1, voxOffset: 0 }).toEqual({ ...REFERENCE.files[name]!, voxOffset: 0 });
    }
  });

  for (const name of Object.keys(REFERENCE.nifti2Files)) {
    it(name, async () => {
      await expectNiftiMatchesNibabel(join(folder!.dir, name), live[name]!);
    }, 60_000);
  }
});
