/**
 * Region names of label atlases, from the labels file that ships beside the volume:
 *
 * - `.xml`, AAL's form (`AAL2.xml`): `<label><index>2001</index><name>Precentral_L</name></label>`,
 *   the index being the voxel value; and FSL's form (`<label index="0" x=… >Name</label>`), where
 *   the index is 0-based and the voxel value is index + 1 (FSL's atlas convention).
 * - `.json`, NiiVue's label colormap (`aal.json`): `labels` with optional `I` (voxel values; by
 *   position otherwise) and `R`, `G`, `B`, `A` (0…255) arrays of the same length.
 * - `.txt`, lookup tables: `value name …` per line (AAL's `.txt`, FreeSurfer's LUT, where four
 *   more columns 0…255 are the RGBA colour).
 *
 * Voxel value 0 is background in every label atlas (nilearn's NiftiLabelsMasker too), so an entry
 * for 0 (NiiVue's "Air") is left out, as are entries with an empty name: what comes back are regions.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { FormatError } from '../../errors.js';
import { decodeXmlBytes, childNamed, childrenNamed, lineOf, parseXml, type XmlElement } from '../gifti/xml.js';
import { readFileBytes } from '../gifti/file-bytes.js';
import { assertReadableSource } from '../source-file.js';
import { contentLines, decodeText } from './text.js';

export interface RegionLabel {
  /** The voxel value of the region in the atlas volume. */
  index: number;
  name: string;
  abbreviation?: string;
  /** Red, green, blue, alpha 0…255, where the labels file gives a colour. */
  rgba?: [number, number, number, number];
}

const LABEL_EXTENSIONS = ['.xml', '.json', '.txt'];

function checkIndex(file: string, value: number, where: string, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new FormatError(file, `${where}: index "${value}" is not a whole number ≥ 0`, field);
  return value;
}

/** Keeps the regions (index ≠ 0, a name) and refuses an index given twice. */
function regions(file: string, labels: RegionLabel[], field: string): RegionLabel[] {
  const seen = new Set<number>();
  const out: RegionLabel[] = [];
  for (const label of labels) {
    if (seen.has(label.index)) throw new FormatError(file, `index ${label.index} is given twice`, field);
    seen.add(label.index);
    if (label.index !== 0 && label.name !== '') out.push(label);
  }
  if (!out.length) throw new FormatError(file, 'holds no region labels', field);
  return out;
}

function xmlLabels(file: string, bytes: Uint8Array): RegionLabel[] {
  const text = decodeXmlBytes(bytes);
  const root = parseXml(file, text);
  if (root.name !== 'atlas') throw new FormatError(file, `not an atlas labels file: the root element is <${root.name}>, not <atlas>`, 'atlas');
  const data = childNamed(root, 'data');
  const labels = (data ? childrenNamed(data, 'label') : []).map((label: XmlElement): RegionLabel => {
    const where = `<label> on line ${lineOf(text, label.offset)}`;
    const indexElement = childNamed(label, 'index');
    if (indexElement) {
      const index = checkIndex(file, Number(indexElement.text.trim() || NaN), where, 'label.index');
      const abbreviation = childNamed(label, 'abbreviation')?.text.trim();
      return { index, name: childNamed(label, 'name')?.text.trim() ?? '', ...(abbreviation ? { abbreviation } : {}) };
    }
    if (label.attributes.index !== undefined) {
      return { index: checkIndex(file, Number(label.attributes.index.trim() || NaN), where, 'label.index') + 1, name: label.text.trim() };
    }
    throw new FormatError(file, `${where} has no index`, 'label.index');
  });
  return regions(file, labels, 'data.label');
}

function jsonLabels(file: string, bytes: Uint8Array): RegionLabel[] {
  let json: unknown;
  try {
    json = JSON.parse(decodeText(file, bytes));
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(file, `is not valid JSON (${(error as Error).message})`, 'json');
  }
  const object = json as Record<string, unknown> | null;
  const names = object?.labels;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new FormatError(file, 'has no "labels" array of strings (NiiVue\'s label colormap has one)', 'labels');
  }
  const channel = (key: string): number[] | null => {
    const values = object?.[key];
    if (values === undefined) return null;
    if (!Array.isArray(values) || values.length !== names.length || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new FormatError(file, `"${key}" is not an array of ${names.length} numbers (one per label)`, key);
    }
    return values as number[];
  };
  const [I, R, G, B, A] = ['I', 'R', 'G', 'B', 'A'].map(channel);
  const labels = (names as string[]).map((name, i): RegionLabel => {
    const index = checkIndex(file, I ? (I[i] as number) : i, `label ${i}`, 'I');
    const rgba: [number, number, number, number] | null = R && G && B ? [R[i] as number, G[i] as number, B[i] as number, A ? (A[i] as number) : 255] : null;
    return { index, name: name.trim(), ...(rgba ? { rgba } : {}) };
  });
  return regions(file, labels, 'labels');
}

function txtLabels(file: string, bytes: Uint8Array): RegionLabel[] {
  const labels = contentLines(decodeText(file, bytes)).map(({ line, text }): RegionLabel => {
    const tokens = text.split(/\s+/);
    const index = checkIndex(file, Number(tokens[0]), `line ${line}`, 'index');
    if (tokens.length < 2) throw new FormatError(file, `line ${line} has an index but no name`, 'name');
    const colour = tokens.slice(2).map(Number);
    const rgba = colour.length === 4 && colour.every((v) => Number.isInteger(v) && v >= 0 && v <= 255) ? (colour as [number, number, number, number]) : null;
    return { index, name: tokens[1] as string, ...(rgba ? { rgba } : {}) };
  });
  return regions(file, labels, 'index');
}

/** The region labels of an atlas labels file (.xml, .json, .txt, by extension). */
export async function readAtlasLabels(path: string): Promise<RegionLabel[]> {
  const { bytes } = await readFileBytes(path);
  const extension = extname(path).toLowerCase();
  if (extension === '.xml') return xmlLabels(path, bytes);
  if (extension === '.json') return jsonLabels(path, bytes);
  if (extension === '.txt') return txtLabels(path, bytes);
  throw new FormatError(path, `is not an atlas labels file Cajal reads (${LABEL_EXTENSIONS.join(', ')})`, 'extension');
}

/**
 * The labels file beside an atlas volume: same folder, same stem (`AAL2.nii` → `AAL2.xml`,
 * `aal.nii.gz` → `aal.json`), extension .xml, .json or .txt in that order of preference, names
 * compared without case (`AAL2.XML` is found too). Null when there is none.
 */
export async function findAtlasLabels(niftiPath: string): Promise<string | null> {
  const stem = basename(niftiPath).replace(/\.nii(\.gz)?$/i, '').toLowerCase();
  const folder = dirname(niftiPath);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return null;
  }
  for (const extension of LABEL_EXTENSIONS) {
    const name = names.find((n) => n.toLowerCase() === stem + extension);
    if (name === undefined) continue;
    const path = join(folder, name);
    try {
      assertReadableSource(path);
      return path;
    } catch {
      // A folder or an unreadable file of that name is not a labels file; try the next extension.
    }
  }
  return null;
}
