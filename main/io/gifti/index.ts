/**
 * GIfTI surface files (`.gii`, `.gii.gz`): surfaces (pial, inflated), per-vertex values (sulcal
 * depth, maps) and label tables (Yeo networks). Checked against nibabel 5.0 on every file in
 * ../shared/data/fmri (test/fixtures/reference/gifti_nibabel.py).
 */
import { readFileBytes, readHead } from './file-bytes.js';
import { giftiFromXml } from './parse.js';
import type { GiftiFile } from './types.js';
import { decodeXmlBytes, parseXml } from './xml.js';

export { giftiKind, giftiSurface } from './surface.js';
export type { GiftiData, GiftiDataArray, GiftiFile, GiftiKind, LabelEntry, SurfaceMesh } from './types.js';

/** Reads a GIfTI file whole (gzipped or not, by content); a FormatError naming the file and the field when it is malformed. */
export async function readGifti(path: string): Promise<GiftiFile> {
  const { bytes } = await readFileBytes(path);
  const text = decodeXmlBytes(bytes);
  return giftiFromXml(path, text, parseXml(path, text));
}

/** True when the file (inflated when gzipped) is XML whose root element is <GIFTI>. */
export async function looksLikeGifti(path: string): Promise<boolean> {
  const head = await readHead(path, 4096);
  if (!head) return false;
  const text = decodeXmlBytes(head);
  // Prolog (declaration, DOCTYPE, comments) then the root tag.
  return /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>[]*>\s*)?(<!--[\s\S]*?-->\s*)*<GIFTI[\s>/]/.test(text);
}
