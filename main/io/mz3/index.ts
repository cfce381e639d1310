/**
 * mz3 meshes (Surf Ice's format, read by NiiVue): a 16-byte little-endian header — magic 0x5A4D
 * ("MZ"), attribute bits, face count, vertex count, bytes to skip — then, each present when its bit
 * is set, the faces (uint32 × 3 per triangle), the vertices (float32 x, y, z), per-vertex RGBA bytes
 * and per-vertex scalars (float32, or float64 with the DOUBLE bit; several maps back to back). The
 * whole file may be gzipped, with no hint in its name.
 *
 * Attribute bits: 1 faces, 2 vertices, 4 RGBA, 8 scalars, 16 double scalars, 32 ambient-occlusion
 * map, 64 lookup table (in the skipped bytes). Bits above 127 belong to future versions and are
 * refused, as NiiVue does. Unlike NiiVue (which reads any file its loop can walk), every section's
 * size is checked against the bytes present and every face index against the vertex count.
 */
import { FormatError } from '../../errors.js';
import { checkAllocation, checkShape } from '../allocation.js';
import { readFileBytes, readHead } from '../gifti/file-bytes.js';
import type { SurfaceMesh } from '../gifti/types.js';

export interface Mz3File {
  mesh: SurfaceMesh;
  /** Per-vertex scalars (all maps, one after another: length = maps × vertices), float64 narrowed to float32; null when none. */
  scalars: Float32Array | null;
  /** RGBA bytes per vertex; null when none. */
  colours: Uint8Array | null;
}

export const MZ3_MAGIC = 0x5a4d;
const HEADER_BYTES = 16;
const ATTR = { faces: 1, vertices: 2, rgba: 4, scalars: 8, double: 16 } as const;

/** Parses the (inflated) bytes of an mz3 file; `file` names it in errors. */
export function parseMz3(file: string, bytes: Uint8Array): Mz3File {
  if (bytes.length < HEADER_BYTES) throw new FormatError(file, `${bytes.length} bytes, shorter than the 16-byte mz3 header`, 'header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  if (magic !== MZ3_MAGIC) throw new FormatError(file, `not an mz3 file: the magic is 0x${magic.toString(16)}, not 0x5a4d ("MZ")`, 'magic', 0);
  const attr = view.getUint16(2, true);
  const faceCount = view.getUint32(4, true);
  const vertexCount = view.getUint32(8, true);
  const skip = view.getUint32(12, true);
  if (attr > 127) throw new FormatError(file, `attribute bits 0x${attr.toString(16)} are from a newer mz3 version`, 'attributes', 2);
  const has = (bit: number): boolean => (attr & bit) !== 0;
  if (!has(ATTR.faces) || !has(ATTR.vertices)) {
    throw new FormatError(file, 'holds no mesh (faces and vertices are absent: a per-vertex overlay, open it over its mesh)', 'attributes', 2);
  }
  checkShape(file, [faceCount, 3], { what: 'faces', field: 'faceCount' });
  checkShape(file, [vertexCount, 3], { what: 'vertices', field: 'vertexCount' });

  let at = HEADER_BYTES + skip;
  const section = (what: string, field: string, byteLength: number): number => {
    if (at + byteLength > bytes.length) {
      throw new FormatError(file, `the ${what} need ${byteLength} bytes from byte ${at}, but the file ends at byte ${bytes.length} (truncated, or ${field} is wrong)`, field, at);
    }
    const start = at;
    at += byteLength;
    return start;
  };
  // Copies (not views): the inflated buffer's offsets are not aligned for 4-byte arrays in general.
  // Typed arrays over the copies read little-endian, as mz3 is: every platform Cajal ships on is.
  // (new Uint8Array(view) copies; Buffer's slice would not, and its .buffer is Node's shared pool.)
  const copy = (start: number, byteLength: number): ArrayBuffer => new Uint8Array(bytes.subarray(start, start + byteLength)).buffer;

  checkAllocation(file, [faceCount, 3], 4, 'faces');
  const faces = new Uint32Array(copy(section('faces', 'faceCount', faceCount * 12), faceCount * 12));
  checkAllocation(file, [vertexCount, 3], 4, 'vertices');
  const vertices = new Float32Array(copy(section('vertices', 'vertexCount', vertexCount * 12), vertexCount * 12));
  for (let i = 0; i < faces.length; i++) {
    if ((faces[i] as number) >= vertexCount) {
      throw new FormatError(file, `face ${Math.floor(i / 3)} names vertex ${faces[i]}, but the mesh has ${vertexCount} vertices`, 'faces', HEADER_BYTES + skip + i * 4);
    }
  }
  const colours = has(ATTR.rgba) ? new Uint8Array(copy(section('colours', 'vertexCount', vertexCount * 4), vertexCount * 4)) : null;

  let scalars: Float32Array | null = null;
  if (has(ATTR.scalars)) {
    // The scalar count is not stored: as many whole per-vertex maps as the remaining bytes hold.
    const size = has(ATTR.double) ? 8 : 4;
    const maps = Math.floor((bytes.length - at) / (size * vertexCount));
    if (maps < 1) throw new FormatError(file, `the scalars bit is set but ${bytes.length - at} bytes remain, less than one value per vertex`, 'attributes', at);
    const count = maps * vertexCount;
    checkAllocation(file, [count], size, 'scalars');
    const raw = copy(section('scalars', 'vertexCount', count * size), count * size);
    scalars = size === 8 ? Float32Array.from(new Float64Array(raw)) : new Float32Array(raw);
  }
  return { mesh: { vertices, faces }, scalars, colours };
}

/** Reads an mz3 file (gzipped or not); a FormatError naming the file and the field when it is malformed. */
export async function readMz3(path: string): Promise<Mz3File> {
  const { bytes } = await readFileBytes(path);
  return parseMz3(path, bytes);
}

/** True when the file (inflated when gzipped) starts with the mz3 magic and plausible attribute bits. */
export async function looksLikeMz3(path: string): Promise<boolean> {
  const head = await readHead(path, HEADER_BYTES);
  if (!head || head.length < HEADER_BYTES) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return view.getUint16(0, true) === MZ3_MAGIC && view.getUint16(2, true) <= 127;
}
