/**
 * A GIfTI document (the XML tree) turned into a GiftiFile: file MetaData, the LabelTable, and each
 * DataArray's attributes, MetaData, coordinate-system matrix and decoded data. Elements GIfTI does
 * not define are ignored (as nibabel does); what GIfTI requires and a reader needs is checked, and
 * a missing or malformed value is a FormatError naming the element.
 */
import { FormatError } from '../../errors.js';
import { checkAllocation } from '../allocation.js';
import { checkLayout, decodeData, type DataLayout } from './decode.js';
import type { GiftiDataArray, GiftiFile, LabelEntry } from './types.js';
import { childNamed, childrenNamed, lineOf, type XmlElement } from './xml.js';

/** Name/value pairs of a `<MetaData>` element (none when absent). */
function readMetadata(element: XmlElement | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const md of element ? childrenNamed(element, 'MD') : []) {
    const name = childNamed(md, 'Name')?.text.trim();
    if (name) out[name] = childNamed(md, 'Value')?.text.trim() ?? '';
  }
  return out;
}

function number(file: string, value: string | undefined, field: string, where: string): number {
  const parsed = value === undefined || value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(parsed)) throw new FormatError(file, `${where}: ${field} "${value ?? ''}" is not a number`, field);
  return parsed;
}

/** Labels of a `<LabelTable>`: Key (older files: Index), the name, and the colour as stored (0…1; absent → 0, alpha 1). */
function readLabelTable(file: string, text: string, element: XmlElement | null): LabelEntry[] {
  return (element ? childrenNamed(element, 'Label') : []).map((label) => {
    const where = `<Label> on line ${lineOf(text, label.offset)}`;
    const key = number(file, label.attributes.Key ?? label.attributes.Index, 'LabelTable.Label.Key', where);
    if (!Number.isSafeInteger(key)) throw new FormatError(file, `${where}: Key ${key} is not a whole number`, 'LabelTable.Label.Key');
    const colour = (name: string, absent: number): number =>
      label.attributes[name] === undefined ? absent : number(file, label.attributes[name], `LabelTable.Label.${name}`, where);
    return { key, name: label.text.trim(), rgba: [colour('Red', 0), colour('Green', 0), colour('Blue', 0), colour('Alpha', 1)] };
  });
}

function readTransform(file: string, array: XmlElement, field: string, what: string): Pick<GiftiDataArray, 'transform' | 'transformSpaces'> {
  const matrix = childNamed(array, 'CoordinateSystemTransformMatrix');
  if (!matrix) return { transform: null, transformSpaces: null };
  const values = (childNamed(matrix, 'MatrixData')?.text.trim() ?? '').split(/\s+/).filter(Boolean).map(Number);
  if (values.length !== 16 || !values.every(Number.isFinite)) {
    throw new FormatError(file, `${what}: the MatrixData of its CoordinateSystemTransformMatrix is not 16 numbers`, `${field}.CoordinateSystemTransformMatrix`);
  }
  return {
    transform: values,
    transformSpaces: {
      dataSpace: childNamed(matrix, 'DataSpace')?.text.trim() ?? '',
      transformedSpace: childNamed(matrix, 'TransformedSpace')?.text.trim() ?? '',
    },
  };
}

/** What a DataArray's attributes say about its data (checked by checkLayout). */
function layoutOf(file: string, array: XmlElement, index: number): DataLayout {
  const a = array.attributes;
  const intent = a.Intent ?? 'NIFTI_INTENT_NONE';
  const field = `DataArray[${index}]`;
  const what = `DataArray ${index} (${intent})`;
  const dimensionality = number(file, a.Dimensionality, `${field}.Dimensionality`, what);
  if (!Number.isInteger(dimensionality) || dimensionality < 1 || dimensionality > 6) {
    throw new FormatError(file, `${what}: Dimensionality ${dimensionality} is not 1 to 6`, `${field}.Dimensionality`);
  }
  const dims = Array.from({ length: dimensionality }, (_, axis) => number(file, a[`Dim${axis}`], `${field}.Dim${axis}`, what));
  const layout: DataLayout = {
    what,
    field,
    intent,
    datatype: a.DataType ?? '',
    dims,
    encoding: a.Encoding ?? '',
    // GIfTI requires both; writers that leave them out mean the defaults below (nibabel's too).
    endian: a.Endian ?? 'LittleEndian',
    order: a.ArrayIndexingOrder ?? 'RowMajorOrder',
  };
  return layout;
}

async function readDataArray(file: string, array: XmlElement, layout: DataLayout): Promise<GiftiDataArray> {
  const { what, field, dims } = layout;
  const data = childNamed(array, 'Data');
  if (!data) throw new FormatError(file, `${what} has no <Data> element`, `${field}.Data`);
  return {
    intent: layout.intent,
    datatype: layout.datatype,
    dims,
    data: await decodeData(file, layout, data.text),
    metadata: readMetadata(childNamed(array, 'MetaData')),
    ...readTransform(file, array, field, what),
  };
}

/** The GiftiFile in the parsed document `root` (of the XML `text`, for line numbers). */
export async function giftiFromXml(file: string, text: string, root: XmlElement): Promise<GiftiFile> {
  if (root.name !== 'GIFTI') throw new FormatError(file, `not a GIfTI file: the root element is <${root.name}>, not <GIFTI>`, 'GIFTI');
  const elements = childrenNamed(root, 'DataArray');
  const declared = root.attributes.NumberOfDataArrays;
  if (declared !== undefined && Number(declared) !== elements.length) {
    throw new FormatError(file, `NumberOfDataArrays says ${declared}, but the file holds ${elements.length} DataArray elements`, 'GIFTI.NumberOfDataArrays');
  }
  const layouts = elements.map((element, index) => layoutOf(file, element, index));
  // Every array is held at once, so their total must fit too, not each alone: a small file of a
  // few compressed arrays can claim most of the memory budget per array.
  const totalBytes = layouts.reduce((sum, layout) => sum + checkLayout(file, layout).bytes, 0);
  checkAllocation(file, [totalBytes], 1, `${layouts.length} DataArrays together`);
  const arrays: GiftiDataArray[] = [];
  for (const [index, element] of elements.entries()) arrays.push(await readDataArray(file, element, layouts[index] as DataLayout));
  return {
    file,
    metadata: readMetadata(childNamed(root, 'MetaData')),
    arrays,
    labelTable: readLabelTable(file, text, childNamed(root, 'LabelTable')),
  };
}
