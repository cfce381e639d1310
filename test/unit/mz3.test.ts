/**
 * The mz3 reader on files written here: every section (faces, vertices, RGBA, float and double
 * scalars, skipped header bytes), plain and gzipped; and the broken files, each one FormatError
 * naming the file and the field.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { looksLikeMz3, parseMz3, readMz3 } from '../../main/io/mz3/index.js';
import { tempDir } from '../helpers/tmp.js';
import { formatErrorOf } from '../helpers/format-error.js';

const tmp = tempDir('cajal-mz3-');
afterAll(() => tmp.cleanup());

interface Mz3Spec {
  faces?: number[];
  vertices?: number[];
  rgba?: number[];
  scalars?: number[];
  double?: boolean;
  skip?: number;
  attr?: number;
  /** Header counts other than the arrays' own. */
  faceCount?: number;
  vertexCount?: number;
  magic?: number;
}

/** The bytes of an mz3 file, written independently of the reader. */
function mz3(spec: Mz3Spec): Uint8Array {
  const skip = spec.skip ?? 0;
  const attr =
    spec.attr ??
    (spec.faces ? 1 : 0) | (spec.vertices ? 2 : 0) | (spec.rgba ? 4 : 0) | (spec.scalars ? 8 : 0) | (spec.double ? 16 : 0);
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(16));
  header.setUint16(0, spec.magic ?? 0x5a4d, true);
  header.setUint16(2, attr, true);
  header.setUint32(4, spec.faceCount ?? (spec.faces?.length ?? 0) / 3, true);
  header.setUint32(8, spec.vertexCount ?? (spec.vertices?.length ?? 0) / 3, true);
  header.setUint32(12, skip, true);
  parts.push(new Uint8Array(header.buffer), new Uint8Array(skip).fill(0x7b));
  if (spec.faces) parts.push(new Uint8Array(new Uint32Array(spec.faces).buffer));
  if (spec.vertices) parts.push(new Uint8Array(new Float32Array(spec.vertices).buffer));
  if (spec.rgba) parts.push(new Uint8Array(spec.rgba));
  if (spec.scalars) parts.push(new Uint8Array((spec.double ? new Float64Array(spec.scalars) : new Float32Array(spec.scalars)).buffer));
  return Buffer.concat(parts);
}

let counter = 0;
function write(bytes: Uint8Array): string {
  const path = join(tmp.dir, `m${counter++}.mz3`);
  writeFileSync(path, bytes);
  return path;
}


const FACES = [0, 1, 2, 0, 2, 3];
const VERTICES = [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0.5];

describe('readMz3', () => {
  it('reads faces and vertices, plain and gzipped (by content), and sniffs both', async () => {
    const bytes = mz3({ faces: FACES, vertices: VERTICES });
    for (const path of [write(bytes), write(gzipSync(bytes))]) {
      const { mesh, scalars, colours } = await readMz3(path);
      expect(Array.from(mesh.faces)).toEqual(FACES);
      expect(Array.from(mesh.vertices)).toEqual(VERTICES);
      expect(scalars).toBeNull();
      expect(colours).toBeNull();
      expect(await looksLikeMz3(path)).toBe(true);
    }
    expect(await looksLikeMz3(write(gzipSync('<GIFTI/>')))).toBe(false);
    expect(await looksLikeMz3(join(tmp.dir, 'none.mz3'))).toBe(false);
  });

  it('reads RGBA colours and float scalars (two maps), after skipped header bytes', () => {
    const rgba = [255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 9, 9, 9, 9];
    const scalars = [0.5, 1.5, 2.5, 3.5, -1, -2, -3, -4];
    const out = parseMz3('m.mz3', mz3({ faces: FACES, vertices: VERTICES, rgba, scalars, skip: 7 }));
    expect(Array.from(out.mesh.faces)).toEqual(FACES);
    expect(Array.from(out.colours ?? [])).toEqual(rgba);
    expect(Array.from(out.scalars ?? [])).toEqual(scalars);
  });

  it('narrows double scalars to float32', () => {
    const out = parseMz3('m.mz3', mz3({ faces: FACES, vertices: VERTICES, scalars: [0.1, 0.2, 0.3, 0.4], double: true }));
    expect(Array.from(out.scalars ?? [])).toEqual(Array.from(new Float32Array([0.1, 0.2, 0.3, 0.4])));
  });
});

describe('readMz3: broken files give one FormatError naming the file and the field', () => {
  it('a truncated gzip stream', async () => {
    const gz = gzipSync(mz3({ faces: FACES, vertices: VERTICES }));
    const path = write(gz.subarray(0, gz.length - 12));
    await expect(readMz3(path)).rejects.toThrow(`${path}: field "gzip": the gzip stream is truncated (unexpected end of file)`);
  });

  it('face indices out of range', () => {
    const error = formatErrorOf(() => parseMz3('m.mz3', mz3({ faces: [0, 1, 2, 0, 2, 4], vertices: VERTICES })));
    expect(error.message).toBe('m.mz3: field "faces" at byte 36: face 1 names vertex 4, but the mesh has 4 vertices');
  });

  it('sections longer than the file (truncated, or counts that are wrong)', () => {
    const cut = mz3({ faces: FACES, vertices: VERTICES });
    const error = formatErrorOf(() => parseMz3('m.mz3', cut.subarray(0, cut.length - 4)));
    expect(error.field).toBe('vertexCount');
    expect(error.message).toMatch(/the vertices need 48 bytes from byte 40, but the file ends at byte 84/);
    const faces = formatErrorOf(() => parseMz3('m.mz3', mz3({ faces: FACES, vertices: VERTICES, faceCount: 1000 })));
    expect(faces.field).toBe('faceCount');
  });

  it('a wrong magic, a short header, future attribute bits, no mesh, scalars without bytes', () => {
    expect(formatErrorOf(() => parseMz3('m.mz3', mz3({ faces: FACES, vertices: VERTICES, magic: 0x1234 }))).message).toMatch(/magic is 0x1234, not 0x5a4d/);
    expect(formatErrorOf(() => parseMz3('m.mz3', new Uint8Array(10))).field).toBe('header');
    expect(formatErrorOf(() => parseMz3('m.mz3', mz3({ faces: FACES, vertices: VERTICES, attr: 128 + 3 }))).message).toMatch(/newer mz3 version/);
    expect(formatErrorOf(() => parseMz3('m.mz3', mz3({ scalars: [1, 2, 3], vertexCount: 3 }))).message).toMatch(/holds no mesh/);
    expect(formatErrorOf(() => parseMz3('m.mz3', mz3({ faces: FACES, vertices: VERTICES, attr: 1 | 2 | 8 }))).message).toMatch(/scalars bit is set but 0 bytes remain/);
    expect(formatErrorOf(() => parseMz3('m.mz3', mz3({ faces: [], vertices: VERTICES, attr: 3 }))).field).toBe('faceCount');
  });
});
