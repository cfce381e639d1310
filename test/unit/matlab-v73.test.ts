/**
 * MATLAB v7.3 MAT-files (HDF5 behind a 512-byte MAT header), built here with h5wasm the way MATLAB
 * lays them out: one dataset per variable with a MATLAB_class attribute, the HDF5 shape the MATLAB
 * dims reversed, empty arrays as their dims with MATLAB_empty = 1, structs as groups.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeMat, readMat } from '../../main/io/matlab/index.js';
import { readRoiSeries } from '../../main/io/roi-series/index.js';
import { tempDir } from '../helpers/tmp.js';

type File = InstanceType<typeof h5wasm.File>;
const tmp = tempDir('cajal-mat73-');
afterAll(() => tmp.cleanup());
beforeAll(async () => {
  await h5wasm.ready;
});

/** Writes an HDF5 file with `build`, then puts MATLAB's 512-byte v7.3 header in front of it. */
function v73(name: string, build: (h5: File) => void): string {
  const plain = join(tmp.dir, `${name}.h5`);
  const h5 = new h5wasm.File(plain, 'w');
  build(h5);
  h5.close();
  const header = Buffer.alloc(512);
  header.write('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sun Dec  6 12:00:00 2026 HDF5 schema 1.00 .', 0, 'latin1');
  header.writeUInt16LE(0x0200, 124);
  header.write('IM', 126, 'latin1');
  const path = join(tmp.dir, `${name}.mat`);
  writeFileSync(path, Buffer.concat([header, readFileSync(plain)]));
  return path;
}

describe('MATLAB v7.3 files (routed to HDF5)', () => {
  it('reads numeric, logical, char and empty variables with MATLAB dims', async () => {
    const path = v73('vars', (h5) => {
      // MATLAB tc is 3 regions × 4 volumes; HDF5 holds it as 4 × 3, C order = MATLAB column-major.
      const tc = Array.from({ length: 12 }, (_, i) => 100 * (i % 3) + Math.floor(i / 3));
      h5.create_dataset({ name: 'tc', data: new Float64Array(tc), shape: [4, 3], dtype: '<d' }).create_attribute('MATLAB_class', 'double');
      h5.create_dataset({ name: 'k', data: new Int16Array([-7]), shape: [1, 1], dtype: '<h' }).create_attribute('MATLAB_class', 'int16');
      h5.create_dataset({ name: 'mask', data: new Uint8Array([1, 0]), shape: [1, 2], dtype: '<B' }).create_attribute('MATLAB_class', 'logical');
      h5.create_dataset({ name: 'label', data: new Uint16Array([...'AAL2'].map((c) => c.charCodeAt(0))), shape: [4, 1], dtype: '<H' }).create_attribute('MATLAB_class', 'char');
      const empty = h5.create_dataset({ name: 'none', data: new BigUint64Array([0n, 0n]), shape: [2], dtype: '<Q' });
      empty.create_attribute('MATLAB_class', 'double');
      empty.create_attribute('MATLAB_empty', new Uint8Array([1]), [], '<B');
    });
    expect(await looksLikeMat(path)).toBe(true);
    const vars = await readMat(path);
    expect([...vars.keys()].sort()).toEqual(['k', 'label', 'mask', 'none', 'tc']);
    const tc = vars.get('tc')!;
    expect(tc.type === 'numeric' && [tc.class, tc.dims, tc.data[1], tc.data[3]]).toEqual(['double', [3, 4], 100, 1]);
    expect(vars.get('k')).toMatchObject({ type: 'numeric', class: 'int16', dims: [1, 1] });
    expect(vars.get('k')!.type === 'numeric' && Array.from((vars.get('k') as { data: Float64Array }).data)).toEqual([-7]);
    expect(vars.get('mask')).toEqual({ type: 'logical', dims: [2, 1], data: new Uint8Array([1, 0]) });
    expect(vars.get('label')).toEqual({ type: 'char', dims: [1, 4], text: 'AAL2' });
    expect(vars.get('none')).toMatchObject({ type: 'numeric', dims: [0, 0] });
    // And as ROI series: "tc" is region × time.
    const series = await readRoiSeries(path);
    expect([series.regionCount, series.timepoints, series.data[1 * 4 + 2]]).toEqual([3, 4, 102]);
  });

  it('refuses a struct by name, with the way out', async () => {
    const path = v73('struct', (h5) => {
      h5.create_group('info').create_attribute('MATLAB_class', 'struct');
    });
    await expect(readMat(path)).rejects.toThrow(/struct\.mat: field "info": variable "info" is a MATLAB struct .*save\(\.\.\., '-v7'\)/);
  });
});
