/**
 * The NIfTI reader on files written here: both versions, both byte orders, every datatype,
 * scaling as nibabel applies it, the affine nibabel chooses (sform, qform, fallback), units and TR,
 * random access in .nii.gz, and one clear FormatError per kind of broken file.
 */
import { readFileSync, readdirSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { GzipCursor } from '../../main/io/nifti/gzip-cursor.js';
import { VolumeCache } from '../../main/io/nifti/volume-cache.js';
import { looksLikeNifti, openNifti, readNiftiHeader } from '../../main/io/nifti/index.js';
import { niftiBytes, writeNifti, type NiftiSpec } from '../helpers/nifti-writer.js';
import { tempDir } from '../helpers/tmp.js';

const { dir, cleanup } = tempDir('cajal-nifti-');
afterAll(cleanup);
let counter = 0;
const file = (spec: NiftiSpec, ext = spec.gzip ? '.nii.gz' : '.nii') => writeNifti(join(dir, `f${counter++}${ext}`), spec);

async function readAllOf(path: string): Promise<Float32Array> {
  const image = await openNifti(path);
  try {
    return await image.readAll();
  } finally {
    await image.close();
  }
}

async function formatError(promise: Promise<unknown>): Promise<FormatError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(FormatError);
  return error as FormatError;
}

const DTYPES: [string, number, number[]][] = [
  ['uint8', 2, [0, 1, 128, 255]],
  ['int8', 256, [-128, -1, 0, 127]],
  ['int16', 4, [-32768, -2, 7, 32767]],
  ['uint16', 512, [0, 1, 40000, 65535]],
  ['int32', 8, [-2147483648, -5, 16777217, 2147483647]],
  ['uint32', 768, [0, 3, 16777217, 4294967295]],
  ['int64', 1024, [-(2 ** 40), -1, 0, 2 ** 50]],
  ['uint64', 1280, [0, 1, 2 ** 33, 2 ** 52]],
  ['float32', 16, [-1.5, 0.1, 3e38, -0]],
  ['float64', 64, [-1.5, 0.1, 1e300, 2 ** -30]],
];

describe('datatypes, versions and byte orders', () => {
  for (const version of [1, 2] as const) {
    for (const littleEndian of [true, false]) {
      for (const [name, code, values] of DTYPES) {
        it(`NIfTI-${version} ${littleEndian ? 'little' : 'big'}-endian ${name}`, async () => {
          const path = file({ version, littleEndian, dims: [2, 2], datatype: code, values });
          const image = await openNifti(path);
          expect(image.header).toMatchObject({ version, littleEndian, datatype: name, datatypeCode: code, dims: [2, 2], compressed: false });
          expect(image.spatialDims).toEqual([2, 2, 1]);
          // nibabel's get_fdata(float32) of unscaled data is a cast to float32 (1e300 → inf).
          expect(Array.from(await image.readVolume(0))).toEqual(values.map((v) => Math.fround(v)));
          await image.close();
        });
      }
    }
  }

  it('RGB: the header reads, the voxels are refused with the reason', async () => {
    const path = file({ dims: [2, 1, 1], datatype: 128, values: [1, 2, 3, 4, 5, 6] });
    const image = await openNifti(path);
    expect(image.header.datatype).toBe('rgb24');
    const error = await formatError(image.readVolume(0));
    expect(error.field).toBe('datatype');
    expect(error.message).toMatch(/colour/);
    await image.close();
  });

  it('complex and unknown datatypes are refused at open, naming the field', async () => {
    const complex = await formatError(openNifti(file({ dims: [2], datatype: 32, values: [] })));
    expect([complex.field, complex.message]).toEqual(['datatype', expect.stringMatching(/complex64 data/)]);
    const unknown = await formatError(openNifti(file({ dims: [2], datatype: 3, values: [] })));
    expect(unknown.field).toBe('datatype');
  });
});

describe('scaling as nibabel get_fdata(dtype=float32)', () => {
  const f = Math.fround;
  it('int16 with slope and intercept: float32 arithmetic', async () => {
    const slope = 0.07540696859359741, inter = 3100.76171875;
    const values = [-3, 0, 1, 32767];
    const data = await readAllOf(file({ dims: [4], datatype: 4, values, sclSlope: slope, sclInter: inter }));
    expect(Array.from(data)).toEqual(values.map((v) => f(f(v * f(slope)) + f(inter))));
  });

  it('int32 with a slope: float64 arithmetic, then float32', async () => {
    const values = [16777217, -7, 2147483647];
    const data = await readAllOf(file({ dims: [3], datatype: 8, values, sclSlope: 0.1, sclInter: 0.5 }));
    expect(Array.from(data)).toEqual(values.map((v) => f(v * f(0.1) + f(0.5))));
  });

  it('NIfTI-2 float64 slope is cast to float32 first', async () => {
    const data = await readAllOf(file({ version: 2, dims: [2], datatype: 4, values: [3, 5], sclSlope: 0.1, sclInter: 0 }));
    expect(Array.from(data)).toEqual([f(3 * f(0.1)), f(5 * f(0.1))]);
  });

  it('slope 0 or NaN means no scaling; a valid slope with an infinite intercept is refused', async () => {
    expect(Array.from(await readAllOf(file({ dims: [2], datatype: 4, values: [3, 5], sclSlope: 0, sclInter: 9 })))).toEqual([3, 5]);
    expect(Array.from(await readAllOf(file({ dims: [2], datatype: 4, values: [3, 5], sclSlope: NaN, sclInter: NaN })))).toEqual([3, 5]);
    const error = await formatError(openNifti(file({ dims: [2], datatype: 4, values: [3, 5], sclSlope: 2, sclInter: Infinity })));
    expect(error.field).toBe('scl_inter');
  });
});

describe('affine, units and TR as nibabel', () => {
  const c = Math.SQRT1_2;
  const qformSpec: NiftiSpec = {
    dims: [4, 5, 6],
    pixdim: [-1, 2, 3, 4],
    datatype: 2,
    values: new Array(120).fill(0),
    qformCode: 1,
    quatern: [0, 0, Math.fround(c)],
    qoffset: [10, -20, 30],
  };

  it('qform only: the quaternion (w as the positive root) with qfac −1 scaling z', async () => {
    const h = await readNiftiHeader(file(qformSpec));
    expect(h.sform).toBeNull();
    // 90° about z: R = [[0,−1,0],[1,0,0],[0,0,1]], then · diag(2, 3, −4).
    const expected = [0, -3, 0, 10, 2, 0, 0, -20, 0, 0, -4, 30, 0, 0, 0, 1];
    h.affine.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(h.qform).toEqual(h.affine);
  });

  it('sform wins over qform when both are set; an unknown code reads as 0', async () => {
    const srow: [number[], number[], number[]] = [[1, 0, 0, -5], [0, 2, 0, 6], [0, 0, 3, 7]];
    const h = await readNiftiHeader(file({ ...qformSpec, sformCode: 4, srow }));
    expect(h.affine).toEqual([1, 0, 0, -5, 0, 2, 0, 6, 0, 0, 3, 7, 0, 0, 0, 1]);
    expect(h.qform).not.toBeNull();
    const odd = await readNiftiHeader(file({ ...qformSpec, qformCode: 9, sformCode: 0 }));
    expect([odd.qformCode, odd.qform]).toEqual([0, null]);
  });

  it('no transform: the pixdim fallback centred on the volume, x flipped (negative and zero pixdim fixed)', async () => {
    const h = await readNiftiHeader(file({ dims: [4, 5, 6], pixdim: [1, -2, 3, 0], datatype: 2, values: new Array(120).fill(0) }));
    expect(h.pixdim).toEqual([2, 3, 1]);
    expect(h.affine).toEqual([-2, 0, 0, 3, 0, 3, 0, -6, 0, 0, 1, -2.5, 0, 0, 0, 1]);
    expect([h.qform, h.sform]).toEqual([null, null]);
  });

  it('units and TR in seconds (msec converted; spectral units have no TR; 3D has none)', async () => {
    const base = { dims: [1, 1, 1, 3], datatype: 2, values: [1, 2, 3] };
    const ms = await readNiftiHeader(file({ ...base, pixdim: [1, 1, 1, 1, 2000], xyztUnits: 2 + 16 }));
    expect([ms.xyzUnits, ms.timeUnits, ms.trS]).toEqual(['mm', 'msec', 2]);
    const s = await readNiftiHeader(file({ ...base, version: 2, pixdim: [1, 1, 1, 1, 2.5], xyztUnits: 1 + 8 }));
    expect([s.xyzUnits, s.timeUnits, s.trS]).toEqual(['meter', 'sec', 2.5]);
    const hz = await readNiftiHeader(file({ ...base, pixdim: [1, 1, 1, 1, 2.5], xyztUnits: 32 }));
    expect(hz.trS).toBeNull();
    const threeD = await readNiftiHeader(file({ dims: [3], datatype: 2, values: [1, 2, 3], pixdim: [1, 1, 1, 1, 2] }));
    expect(threeD.trS).toBeNull();
  });

  it('an extension area before vox_offset is skipped; descrip stops at the first NUL', async () => {
    const ext = new Uint8Array(32).fill(7);
    const h = await readNiftiHeader(file({ dims: [2], datatype: 2, values: [4, 5], extension: ext, descrip: 'FSL\0junk' }));
    expect([h.voxOffset, h.descrip]).toEqual([352 + 32, 'FSL']);
    expect(Array.from(await readAllOf(file({ dims: [2], datatype: 2, values: [4, 5], extension: ext })))).toEqual([4, 5]);
  });
});

describe('random access by volume', () => {
  const T = 12;
  const n = 4 * 3 * 2;
  const values = Array.from({ length: n * T }, (_, i) => (i % 251) - 100);
  const spec: NiftiSpec = { dims: [4, 3, 2, T], datatype: 4, values, pixdim: [1, 1, 1, 1, 2], xyztUnits: 10 };
  const expectedVolume = (t: number) => values.slice(t * n, (t + 1) * n);

  for (const gzip of [false, true]) {
    it(`${gzip ? '.nii.gz' : '.nii'}: any volume in any order equals its slice of the whole`, async () => {
      const image = await openNifti(file({ ...spec, gzip }));
      expect([image.volumeCount, image.header.trS, image.header.compressed]).toEqual([T, 2, gzip]);
      for (const t of [0, 1, 5, 11, 3, 3, 0]) expect(Array.from(await image.readVolume(t))).toEqual(expectedVolume(t));
      expect(Array.from(await image.readAll())).toEqual(values);
      // Concurrent reads are serialised, each gets its own volume.
      const [a, b] = await Promise.all([image.readVolume(7), image.readVolume(2)]);
      expect([Array.from(a), Array.from(b)]).toEqual([expectedVolume(7), expectedVolume(2)]);
      await expect(image.readVolume(T)).rejects.toThrow(RangeError);
      await image.close();
    });
  }

  it('.nii.gz: volume 0 reads from a file whose end is missing (nothing past it is inflated)', async () => {
    const big = Array.from({ length: 64 * 64 * 8 * 6 }, (_, i) => (i * 7919) % 30000);
    const gz = niftiBytes({ dims: [64, 64, 8, 6], datatype: 4, values: big, gzip: true });
    const path = join(dir, 'cut.nii.gz');
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const image = await openNifti(path);
    expect(Array.from((await image.readVolume(0)).subarray(0, 5))).toEqual(big.slice(0, 5));
    const error = await formatError(image.readVolume(5));
    expect(error.message).toMatch(/cut\.nii\.gz.*gzip stream is truncated/);
    await image.close();
  });

  it('the gzip cursor continues forward reads and restarts only to go back', async () => {
    const path = join(dir, 'bytes.gz');
    const raw = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff);
    writeFileSync(path, gzipSync(raw));
    const cursor = new GzipCursor(path);
    expect(await cursor.read(10, 5, 'a')).toEqual(raw.subarray(10, 15));
    expect(await cursor.read(500_000, 3, 'b')).toEqual(raw.subarray(500_000, 500_003));
    expect(await cursor.read(900_000, raw.length - 900_000, 'c')).toEqual(raw.subarray(900_000));
    expect(cursor.restarts).toBe(1);
    expect(await cursor.read(0, 4, 'd')).toEqual(raw.subarray(0, 4));
    expect(cursor.restarts).toBe(2);
    cursor.close();
  });
});

describe('full reads convert in place, bit for bit', () => {
  // Large enough that readAll's in-place conversion takes its TypedArray.set chunks as well as its
  // loop; every narrow type, both byte orders, with and without scaling, .nii and .nii.gz, and a
  // vox_offset that is not a multiple of the voxel size (the .nii.gz copy that realigns).
  const dims = [64, 64, 3, 3];
  const count = 64 * 64 * 3 * 3;
  const perVolume = 64 * 64 * 3;
  const cases: [string, number, (i: number) => number, boolean][] = [
    ['uint8', 2, (i) => (i * 37) % 256, true],
    ['int8', 256, (i) => ((i * 37) % 256) - 128, true],
    ['int16', 4, (i) => ((i * 7919) % 65536) - 32768, true],
    ['uint16', 512, (i) => (i * 7919) % 65536, true],
    ['int32', 8, (i) => ((i * 104729) % 2 ** 31) * (i % 2 ? -1 : 1), false],
    ['uint32', 768, (i) => (i * 2654435761) % 2 ** 32, false],
    ['float32', 16, (i) => Math.fround(Math.sin(i) * 1e4), true],
    ['float64', 64, (i) => Math.sin(i) * 1e6, false],
  ];
  for (const [name, code, value, f32] of cases) {
    for (const littleEndian of [true, false]) {
      for (const scaled of [false, true]) {
        for (const gzip of [false, true]) {
          const voxOffset = gzip && name === 'int16' ? 353 : undefined;
          it(`${name} ${littleEndian ? 'LE' : 'BE'}${scaled ? ' scaled' : ''}${gzip ? ' .nii.gz' : ' .nii'}${voxOffset ? ' vox_offset 353' : ''}`, async () => {
            const values = Array.from({ length: count }, (_, i) => value(i));
            const [slope, inter] = scaled ? [1.5, -3] : [0, 0];
            const expected = values.map((v) => (!scaled ? Math.fround(v) : f32 ? Math.fround(Math.fround(Math.fround(v) * slope) + inter) : Math.fround(v * slope + inter)));
            const path = file({ dims, datatype: code, values, littleEndian, sclSlope: slope, sclInter: inter, gzip, ...(voxOffset ? { voxOffset } : {}) });
            const image = await openNifti(path);
            const all = await image.readAll();
            expect(all.length).toBe(count);
            expect(Buffer.from(all.buffer, all.byteOffset, all.byteLength).equals(Buffer.from(Float32Array.from(expected).buffer))).toBe(true);
            for (const t of [2, 0]) {
              const volume = await image.readVolume(t);
              expect(Buffer.from(volume.buffer, volume.byteOffset, volume.byteLength).equals(Buffer.from(all.buffer, all.byteOffset + t * perVolume * 4, perVolume * 4))).toBe(true);
            }
            await image.close();
          });
        }
      }
    }
  }
});

describe('full reads larger than one piece (1 MiB of stored voxels)', () => {
  const dims = [128, 128, 20, 2];
  const count = 128 * 128 * 20 * 2;
  for (const [littleEndian, scaled] of [[true, false], [false, true]] as const) {
    for (const gzip of [false, true]) {
      it(`int16 ${littleEndian ? 'LE' : 'BE scaled'} ${gzip ? '.nii.gz' : '.nii'}`, async () => {
        const values = Array.from({ length: count }, (_, i) => ((i * 7919) % 65536) - 32768);
        const [slope, inter] = scaled ? [0.25, 7] : [0, 0];
        const expected = Float32Array.from(values, (v) => (scaled ? Math.fround(Math.fround(v * slope) + inter) : v));
        const image = await openNifti(file({ dims, datatype: 4, values, littleEndian, sclSlope: slope, sclInter: inter, gzip }));
        const all = await image.readAll();
        expect(Buffer.from(all.buffer, all.byteOffset, all.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
        const last = await image.readVolume(1);
        expect(Buffer.from(last.buffer).equals(Buffer.from(expected.buffer, count * 2, count * 2))).toBe(true);
        await image.close();
      });
    }
  }
});

describe('full reads larger than one piece: a file that changes, a close during the read', () => {
  const dims = [128, 128, 20, 2];
  const values = Array.from({ length: 128 * 128 * 20 * 2 }, (_, i) => i % 1000);

  it('a .nii cut short after it was opened: the piece that misses its bytes is a FormatError naming the file', async () => {
    const path = file({ dims, datatype: 4, values });
    const image = await openNifti(path);
    truncateSync(path, 352 + 1024 * 1024 + 10);
    const error = await formatError(image.readAll());
    expect([error.field, error.message]).toEqual(['dim', expect.stringMatching(new RegExp(`${path}.*ends at byte ${352 + 1024 * 1024 + 10}`))]);
    await image.close();
  });

  it('closed during a full read: the read fails and the descriptor is released', async () => {
    const path = file({ dims, datatype: 4, values });
    const before = process.platform === 'linux' ? readdirSync('/proc/self/fd').length : 0;
    const image = await openNifti(path);
    const reading = image.readAll();
    await image.close();
    await expect(reading).rejects.toThrow(/was closed/);
    if (process.platform === 'linux') expect(readdirSync('/proc/self/fd').length).toBe(before);
  });
});

describe('VolumeCache', () => {
  it('keeps the most recently used volumes within its budget and hands out copies', () => {
    const cache = new VolumeCache(3 * 16);
    for (const t of [0, 1, 2]) cache.put(t, new Float32Array(4).fill(t));
    cache.get(0); // 0 becomes the most recently used: 1 goes first
    cache.put(3, new Float32Array(4).fill(3));
    expect([0, 1, 2, 3].map((t) => cache.get(t)?.[0] ?? null)).toEqual([0, null, 2, 3]);
    cache.get(2)![0] = 99;
    expect(cache.get(2)![0]).toBe(2);
    const none = new VolumeCache(0);
    none.put(0, new Float32Array(1));
    expect(none.get(0)).toBeNull();
  });
});

describe('broken files: one FormatError naming the file and the field', () => {
  const ok: NiftiSpec = { dims: [2, 2, 2], datatype: 4, values: new Array(8).fill(1) };
  const cases: [string, () => Uint8Array | NiftiSpec, string, RegExp][] = [
    ['dims larger than the file', () => ({ ...ok, dims: [2, 2, 3] }), 'dim', /needs 376 bytes, but the file has 368/],
    ['vox_offset past the end', () => { const b = niftiBytes(ok); new DataView(b.buffer).setFloat32(108, 4096, true); return b; }, 'vox_offset', /vox_offset is 4096, past the end of the file \(368 bytes\)/],
    ['vox_offset inside the header', () => ({ ...ok, voxOffset: 0 }), 'vox_offset', /byte 352 or later/],
    ['bad magic', () => ({ ...ok, magic: 'abc\0' }), 'magic', /not "n\+1"/],
    ['a .hdr/.img pair header', () => ({ ...ok, magic: 'ni1\0' }), 'magic', /\.hdr\/\.img pair/],
    ['bad sizeof_hdr', () => ({ ...ok, sizeofHdr: 1234 }), 'sizeof_hdr', /neither 348.*nor 540/],
    ['a zero dimension', () => ({ ...ok, dims: [2, 0, 2] }), 'dim', /dim\[2\] is 0/],
    ['a negative dimension', () => ({ ...ok, dims: [2, -3, 2] }), 'dim', /dim\[2\] is -3/],
    ['a NIfTI-2 dim of petabytes', () => ({ ...ok, version: 2, dims: [2 ** 20, 2 ** 20, 2 ** 10] }), 'dim', /likely damaged/],
    ['a header cut short', () => niftiBytes(ok).subarray(0, 200), 'sizeof_hdr', /inside the 348-byte NIfTI-1 header/],
    ['NIfTI-2 eol check broken', () => { const b = niftiBytes({ ...ok, version: 2 }); b[9] = 0; return b; }, 'magic', /text-mode/],
  ];
  for (const [what, make, field, message] of cases) {
    it(what, async () => {
      const content = make();
      const path = join(dir, `bad${counter++}.nii`);
      writeFileSync(path, content instanceof Uint8Array ? content : niftiBytes(content));
      const error = await formatError(openNifti(path));
      expect(error.field).toBe(field);
      expect(error.message).toContain(path);
      expect(error.message).toMatch(message);
    });
  }

  it('a truncated .nii.gz: the read that needs the missing bytes fails (at open when the header is cut)', async () => {
    const gz = niftiBytes({ dims: [64, 64, 4], datatype: 16, values: Array.from({ length: 64 * 64 * 4 }, Math.random), gzip: true });
    const path = join(dir, 'short.nii.gz');
    writeFileSync(path, gz.subarray(0, gz.length - 100));
    const image = await openNifti(path);
    const error = await formatError(image.readAll());
    expect([error.field, error.message]).toEqual(['gzip', expect.stringMatching(/short\.nii\.gz.*truncated/)]);
    await image.close();
    const tiny = join(dir, 'tiny.nii.gz');
    writeFileSync(tiny, gz.subarray(0, 40));
    expect((await formatError(openNifti(tiny))).field).toBe('gzip');
  });

  it('a .nii.gz whose dims ask for more than it holds', async () => {
    const bytes = niftiBytes(ok);
    new DataView(bytes.buffer).setInt16(40 + 6, 3, true); // dim[3] = 3
    const path = join(dir, 'dims.nii.gz');
    writeFileSync(path, gzipSync(bytes));
    const image = await openNifti(path);
    const error = await formatError(image.readAll());
    expect([error.field, error.message]).toEqual(['dim', expect.stringMatching(/ends at byte 368, but the image needs bytes up to 376/)]);
    await image.close();
  });

  it('a .nii.gz removed while open: going back (a new stream) fails naming the file', async () => {
    const path = file({ dims: [2, 2, 1, 3], datatype: 2, values: new Array(12).fill(1), gzip: true });
    const image = await openNifti(path);
    await image.readVolume(2);
    unlinkSync(path);
    await expect(image.readVolume(0)).rejects.toThrow(new RegExp(`${path}: no such file`));
    await image.close();
  });

  it.runIf(process.platform === 'linux')('descriptors: a .nii keeps one from open to close, and a refused header keeps none', async () => {
    // openNifti reads the header and the voxels through one synchronous descriptor (no async
    // open/close hops); every path out of openNifti that does not hand it to the image closes it.
    const fds = () => readdirSync('/proc/self/fd').length;
    const good = file({ dims: [2, 2], datatype: 4, values: [1, 2, 3, 4] });
    const bad = join(dir, `bad${counter++}.nii`);
    writeFileSync(bad, niftiBytes({ ...ok, magic: 'abc\0' }));
    const before = fds();
    for (let i = 0; i < 20; i++) await formatError(openNifti(bad));
    expect(fds()).toBe(before);
    const image = await openNifti(good);
    expect(fds()).toBe(before + 1);
    expect(Array.from(await image.readAll())).toEqual([1, 2, 3, 4]);
    await image.close();
    await image.close();
    expect(fds()).toBe(before);
    await expect(image.readAll()).rejects.toThrow(/was closed/);
  });

  it('a missing file is a FileAccessError, not a FormatError', async () => {
    await expect(openNifti(join(dir, 'nope.nii'))).rejects.toThrow(/no such file/);
  });
});

describe('looksLikeNifti', () => {
  it('by content, plain or gzip', async () => {
    const plain = file({ dims: [2], datatype: 2, values: [1, 2] });
    const gz = file({ dims: [2], datatype: 2, values: [1, 2], gzip: true });
    const renamed = join(dir, 'image.bin');
    writeFileSync(renamed, readFileSync(gz));
    const text = join(dir, 'notes.nii');
    writeFileSync(text, 'not an image');
    const gzText = join(dir, 'notes.gz');
    writeFileSync(gzText, gzipSync(Buffer.from('x'.repeat(1000))));
    expect(await Promise.all([plain, gz, renamed, text, gzText, dir].map((p) => looksLikeNifti(p)))).toEqual([true, true, true, false, false, false]);
  });
});
