/**
 * Brain-graph nodes: coordinates in mm (MNI) with a label, from
 *
 * - BrainNet Viewer `.node` files: `x y z colour size label` per line, whitespace-separated,
 *   `#` comments, `-` for "no label" (read as an empty label);
 * - coordinate tables with a header row, comma-, tab- or space-separated: Schaefer's centroid CSV
 *   (`ROI Label,ROI Name,R,A,S`), Dosenbach (`number,x,y,z,name,network`), Power (`ROI,X,Y,Z`),
 *   Seitzman (`x y z radius(mm) netWorkbenchLabel netName`). Columns are found by their names
 *   (case and punctuation ignored): x/y/z or R/A/S; a name column; a network column; a radius or
 *   size column; a colour column.
 *
 * For tables, `network` is the network column, or for Schaefer's names (`7Networks_LH_Vis_1`) the
 * network part (`Vis`), else null; `colour` is the colour column, else the 1-based order of first
 * appearance of the node's network (0 without networks), so module colouring works alike for every
 * file; `size` is the radius (mm) or size column, else 1; `label` is the name column, else the
 * index column (`ROI` in Power's), else the 1-based row number.
 */
import { FormatError } from '../../errors.js';
import { contentLines, parseNumber, readText, type TextLine } from './text.js';

export interface BrainNode {
  x: number;
  y: number;
  z: number;
  colour: number;
  size: number;
  label: string;
  network: string | null;
}

/** Header names, lower-cased with everything but letters and digits dropped, per role. */
const COLUMNS = {
  x: ['x', 'r', 'mnix', 'xmm'],
  y: ['y', 'a', 'mniy', 'ymm'],
  z: ['z', 's', 'mniz', 'zmm'],
  name: ['roiname', 'name', 'regionname', 'region', 'labelname', 'anatomicallabel', 'label'],
  index: ['roilabel', 'roi', 'number', 'index', 'roiindex', 'id', 'roinumber'],
  network: ['network', 'netname', 'networkname', 'net', 'system'],
  size: ['radiusmm', 'radius', 'size', 'nodesize'],
  colour: ['colour', 'color', 'nodecolour', 'nodecolor'],
} as const;

const normalise = (header: string): string => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Splits a line into fields: commas when the file uses them, otherwise runs of whitespace. */
export function splitFields(text: string, comma: boolean): string[] {
  return comma ? text.split(',').map((field) => field.trim().replace(/^"(.*)"$/, '$1')) : text.split(/\s+/);
}

/** True when the first line of a table is a header naming coordinate columns (x/y/z or R/A/S). */
export function isCoordinateHeader(fields: string[]): boolean {
  const names = fields.map(normalise);
  return (['x', 'y', 'z'] as const).every((axis) => COLUMNS[axis].some((name) => names.includes(name)));
}

function coordinate(file: string, line: TextLine, token: string | undefined, column: string): number {
  const value = token === undefined ? null : parseNumber(token);
  if (value === null || !Number.isFinite(value)) {
    throw new FormatError(file, `line ${line.line}: ${column} "${token ?? ''}" is not a finite number`, column);
  }
  return value;
}

/** BrainNet Viewer's .node: exactly six fields per line. */
function brainNetNodes(file: string, lines: TextLine[]): BrainNode[] {
  return lines.map((line) => {
    const fields = line.text.split(/\s+/);
    if (fields.length !== 6) {
      throw new FormatError(file, `line ${line.line} has ${fields.length} fields; a BrainNet Viewer .node line has 6 (x y z colour size label)`, 'columns');
    }
    const [x, y, z, colour, size, label] = fields as [string, string, string, string, string, string];
    return {
      x: coordinate(file, line, x, 'x'),
      y: coordinate(file, line, y, 'y'),
      z: coordinate(file, line, z, 'z'),
      colour: coordinate(file, line, colour, 'colour'),
      size: coordinate(file, line, size, 'size'),
      label: label === '-' ? '' : label,
      network: null,
    };
  });
}

/** Schaefer's parcel names: `7Networks_LH_Vis_1`, `17Networks_RH_DefaultA_PFCm_2` → the network. */
const SCHAEFER_NAME = /^\d+Networks_(?:LH|RH)_([^_]+)_/;

function tableNodes(file: string, lines: TextLine[], comma: boolean): BrainNode[] {
  const [headerLine, ...rows] = lines as [TextLine, ...TextLine[]];
  const header = splitFields(headerLine.text, comma).map(normalise);
  const find = (role: keyof typeof COLUMNS): number => {
    for (const name of COLUMNS[role]) {
      const at = header.indexOf(name);
      if (at >= 0) return at;
    }
    return -1;
  };
  const [xAt, yAt, zAt, nameAt, indexAt, networkAt, sizeAt, colourAt] = (['x', 'y', 'z', 'name', 'index', 'network', 'size', 'colour'] as const).map(find) as [
    number, number, number, number, number, number, number, number,
  ];
  if (!rows.length) throw new FormatError(file, 'has a header but no nodes', 'rows');
  const networkOrder = new Map<string, number>();
  return rows.map((line, row) => {
    const fields = splitFields(line.text, comma);
    if (fields.length !== header.length) {
      throw new FormatError(file, `line ${line.line} has ${fields.length} fields, but the header names ${header.length}`, 'columns');
    }
    const field = (at: number): string | undefined => (at >= 0 ? fields[at] : undefined);
    const label = field(nameAt) ?? field(indexAt) ?? String(row + 1);
    const network = field(networkAt) ?? SCHAEFER_NAME.exec(label)?.[1] ?? null;
    if (network !== null && !networkOrder.has(network)) networkOrder.set(network, networkOrder.size + 1);
    return {
      x: coordinate(file, line, field(xAt), 'x'),
      y: coordinate(file, line, field(yAt), 'y'),
      z: coordinate(file, line, field(zAt), 'z'),
      colour: colourAt >= 0 ? coordinate(file, line, field(colourAt), 'colour') : network === null ? 0 : (networkOrder.get(network) as number),
      size: sizeAt >= 0 ? coordinate(file, line, field(sizeAt), 'size') : 1,
      label,
      network,
    };
  });
}

/** Parses the text of a node or coordinate file (see the file comment); `file` names it in errors. */
export function parseBrainNodes(file: string, text: string): BrainNode[] {
  const lines = contentLines(text);
  const first = lines[0];
  if (!first) throw new FormatError(file, 'holds no nodes (the file is empty)', 'rows');
  const comma = first.text.includes(',');
  if (isCoordinateHeader(splitFields(first.text, comma))) return tableNodes(file, lines, comma);
  if (comma) throw new FormatError(file, 'is a comma-separated table without a header naming x, y, z (or R, A, S) columns', 'header');
  return brainNetNodes(file, lines);
}

/** Nodes of a BrainNet .node file or a coordinate table (Schaefer, Dosenbach, Power, Seitzman). */
export async function readBrainNodes(path: string): Promise<BrainNode[]> {
  return parseBrainNodes(path, await readText(path));
}
