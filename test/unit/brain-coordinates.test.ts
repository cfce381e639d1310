/**
 * The atlas module on files written here: BrainNet Viewer .node/.edge, coordinate tables (comma,
 * tab and space separated, the header spellings of the real atlases), sniffing node vs edge
 * files, atlas label files (AAL and FSL XML, NiiVue JSON, lookup-table text), finding the labels
 * beside a volume, and region centroids; with the broken inputs, each one FormatError naming the
 * file and the field.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, ValidationError } from '../../main/errors.js';
import {
  brainGraphFileKind,
  findAtlasLabels,
  labelCentroids,
  parseBrainNetEdges,
  parseBrainNodes,
  readAtlasLabels,
  readBrainNetEdges,
  readBrainNodes,
  sniffBrainGraph,
} from '../../main/io/atlas/index.js';
import { tempDir } from '../helpers/tmp.js';
import { formatErrorOf, asyncFormatErrorOf } from '../helpers/format-error.js';

const tmp = tempDir('cajal-atlas-');
afterAll(() => tmp.cleanup());

function write(name: string, content: string | Uint8Array): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
}



describe('BrainNet Viewer .node', () => {
  it('reads x y z colour size label, with comments, CRLF, tabs and "-" for no label', async () => {
    const path = write('a.node', '#aal 3\r\n-38.65\t-5.68\t50.94\t4\t4.96\tPreCG.L\r\n\r\n41.37 -8.21 52.09 1 0.86 -\r\n  # comment\r\n1 2 3 0.5 2 SMA\r\n');
    expect(await readBrainNodes(path)).toEqual([
      { x: -38.65, y: -5.68, z: 50.94, colour: 4, size: 4.96, label: 'PreCG.L', network: null },
      { x: 41.37, y: -8.21, z: 52.09, colour: 1, size: 0.86, label: '', network: null },
      { x: 1, y: 2, z: 3, colour: 0.5, size: 2, label: 'SMA', network: null },
    ]);
  });

  it('a line with 5 fields is an error naming the line', async () => {
    const path = write('five.node', '1 2 3 4 5 a\n1 2 3 4 5\n');
    const error = await asyncFormatErrorOf(readBrainNodes(path));
    expect(error.message).toBe(`${path}: field "columns": line 2 has 5 fields; a BrainNet Viewer .node line has 6 (x y z colour size label)`);
  });

  it('a coordinate that is not a number, an empty file', () => {
    expect(formatErrorOf(() => parseBrainNodes('n.node', '1 2 3 4 5 a\n1 two 3 4 5 b\n')).message).toBe('n.node: field "y": line 2: y "two" is not a finite number');
    expect(formatErrorOf(() => parseBrainNodes('n.node', '1 2 NaN 4 5 a\n')).field).toBe('z');
    expect(formatErrorOf(() => parseBrainNodes('n.node', '# only a comment\n\n')).field).toBe('rows');
  });
});

describe('coordinate tables', () => {
  it("Schaefer's centroid CSV: names, networks from the names, network order as colour", () => {
    const nodes = parseBrainNodes(
      's.csv',
      'ROI Label,ROI Name,R,A,S\n1,7Networks_LH_Vis_1,-26,-34,-18\n2,7Networks_LH_SomMot_1,-40,-20,50\n3,17Networks_RH_DefaultA_PFCm_2,6,50,10\n4,7Networks_RH_Vis_2,20,-80,0\n',
    );
    expect(nodes.map((n) => [n.label, n.network, n.colour, n.size])).toEqual([
      ['7Networks_LH_Vis_1', 'Vis', 1, 1],
      ['7Networks_LH_SomMot_1', 'SomMot', 2, 1],
      ['17Networks_RH_DefaultA_PFCm_2', 'DefaultA', 3, 1],
      ['7Networks_RH_Vis_2', 'Vis', 1, 1],
    ]);
    expect(nodes[0]).toMatchObject({ x: -26, y: -34, z: -18 });
  });

  it('Dosenbach-like (number,x,y,z,name,network), Power-like (ROI,X,Y,Z), Seitzman-like (spaces, radius, netName)', () => {
    expect(parseBrainNodes('d.csv', 'number,x,y,z,name,network\n1,6,64,3,vmPFC,default\n2,-4,-94,12,post occipital,occipital\n')).toEqual([
      { x: 6, y: 64, z: 3, colour: 1, size: 1, label: 'vmPFC', network: 'default' },
      { x: -4, y: -94, z: 12, colour: 2, size: 1, label: 'post occipital', network: 'occipital' },
    ]);
    expect(parseBrainNodes('p.csv', 'ROI,X,Y,Z\r\n7,-25,-98,-12\r\n')).toEqual([{ x: -25, y: -98, z: -12, colour: 0, size: 1, label: '7', network: null }]);
    expect(parseBrainNodes('s.txt', 'x y z radius(mm) netWorkbenchLabel netName\n-56.16 -44.76 -24.23 5 0 unassigned\n12 -44 -18 4 10 SomatomotorDorsal\n')).toEqual([
      { x: -56.16, y: -44.76, z: -24.23, colour: 1, size: 5, label: '1', network: 'unassigned' },
      { x: 12, y: -44, z: -18, colour: 2, size: 4, label: '2', network: 'SomatomotorDorsal' },
    ]);
  });

  it('quoted CSV fields, a colour column', () => {
    expect(parseBrainNodes('q.csv', '"name","x","y","z","color"\n"A",1,2,3,5\n')).toEqual([{ x: 1, y: 2, z: 3, colour: 5, size: 1, label: 'A', network: null }]);
  });

  it('a row with a missing field, a table without coordinate columns, a header alone', () => {
    const short = formatErrorOf(() => parseBrainNodes('t.csv', 'number,x,y,z,name\n1,6,64,3,vmPFC\n2,29,57,aPFC\n'));
    expect(short.message).toBe('t.csv: field "columns": line 3 has 4 fields, but the header names 5');
    expect(formatErrorOf(() => parseBrainNodes('t.csv', 'a,b,c\n1,2,3\n')).field).toBe('header');
    expect(formatErrorOf(() => parseBrainNodes('t.csv', 'x,y,z\n')).message).toMatch(/header but no nodes/);
    expect(formatErrorOf(() => parseBrainNodes('t.csv', 'x,y,z\n1,,3\n')).field).toBe('y');
  });
});

describe('BrainNet Viewer .edge', () => {
  it('reads a square matrix (tabs, spaces, commas, NaN, no final newline)', async () => {
    const path = write('a.edge', '0\t0.5\t-1e-3\n0.5 0 NaN\n-0.001,NaN,0');
    const edges = await readBrainNetEdges(path);
    expect(edges.nodeCount).toBe(3);
    expect(Array.from(edges.weights)).toEqual([0, 0.5, -0.001, 0.5, 0, NaN, -0.001, NaN, 0]);
  });

  it('a non-square matrix is an error naming the line', async () => {
    const path = write('bad.edge', '0 1 2\n1 0 2\n');
    const error = await asyncFormatErrorOf(readBrainNetEdges(path));
    expect(error.message).toBe(`${path}: field "columns": line 1 has 3 values, but the matrix has 2 rows: an .edge file is a square n×n matrix`);
    expect(formatErrorOf(() => parseBrainNetEdges('e.edge', '0 1\n1\n')).message).toMatch(/line 2 has 1 values, but the matrix has 2 rows/);
  });

  it('a word in the matrix, an empty file', () => {
    expect(formatErrorOf(() => parseBrainNetEdges('e.edge', '0 1\n1 x\n')).message).toBe('e.edge: field "weight": line 2, column 2: "x" is not a number');
    expect(formatErrorOf(() => parseBrainNetEdges('e.edge', '\n\n')).field).toBe('rows');
  });
});

describe('brainGraphFileKind', () => {
  const row = (n: number, i: number): string => Array.from({ length: n }, (_, j) => (i === j ? 0 : (i + j) / 10)).join('\t');
  const matrix = (n: number): string => `${Array.from({ length: n }, (_, i) => row(n, i)).join('\n')}\n`;

  it('tells nodes from edges by content', async () => {
    expect(await brainGraphFileKind(write('n.txt', '1 2 3 4 5 a\n6 7 8 9 10 b\n'))).toBe('nodes');
    expect(await brainGraphFileKind(write('c.csv', 'ROI,X,Y,Z\n1,2,3,4\n'))).toBe('nodes');
    expect(await brainGraphFileKind(write('m.txt', matrix(4)))).toBe('edges');
    expect(await brainGraphFileKind(write('m90.txt', matrix(90)))).toBe('edges');
    // Six numeric columns over seven lines cannot be a square matrix: nodes labelled with numbers.
    expect(await brainGraphFileKind(write('num.txt', Array.from({ length: 7 }, (_, i) => `1 2 3 4 5 ${i}`).join('\n')))).toBe('nodes');
  });

  it('uses the extension only for the ambiguous 6×6 case', async () => {
    const six = matrix(6);
    expect(await brainGraphFileKind(write('six.edge', six))).toBe('edges');
    expect(await brainGraphFileKind(write('six.node', six))).toBe('nodes');
    expect(await brainGraphFileKind(write('six.txt', six))).toBeNull();
    // Content wins over a misleading extension.
    expect(await brainGraphFileKind(write('wrong.edge', '1 2 3 4 5 a\n'))).toBe('nodes');
  });

  it('null for other files', async () => {
    expect(await brainGraphFileKind(write('x.node', 'hello world\n'))).toBeNull();
    expect(await brainGraphFileKind(write('r.edge', '0 1 2\n1 0 2\n'))).toBeNull();
    expect(await brainGraphFileKind(write('bin.edge', new Uint8Array([0, 1, 2, 3])))).toBeNull();
    expect(await brainGraphFileKind(join(tmp.dir, 'missing.edge'))).toBeNull();
    expect(sniffBrainGraph('', true, '.edge')).toBeNull();
  });

  it('a matrix longer than the sniffed head is still edges', () => {
    const head = `${row(300, 0)}\n${row(300, 1)}\n${row(300, 2).slice(0, 50)}`;
    expect(sniffBrainGraph(head, false, '.txt')).toBe('edges');
  });
});

describe('atlas labels', () => {
  it("AAL's XML (index/name elements, Latin-1)", async () => {
    const xml = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<atlas version="2.0"><header><name>aal2</name></header><data>\n<label><index>2001</index><name>Precentral_L</name></label>\n<label><index>9170</index><name>Vermis_10 caf\xe9</name></label>\n</data></atlas>', 'latin1');
    expect(await readAtlasLabels(write('aal2.xml', xml))).toEqual([
      { index: 2001, name: 'Precentral_L' },
      { index: 9170, name: 'Vermis_10 café' },
    ]);
  });

  it("FSL's XML: 0-based index attribute, voxel value index + 1", async () => {
    const xml = '<?xml version="1.0"?><atlas><header/><data><label index="0" x="1" y="2" z="3">Frontal Pole</label><label index="1">Insular Cortex</label></data></atlas>';
    expect(await readAtlasLabels(write('fsl.xml', xml))).toEqual([
      { index: 1, name: 'Frontal Pole' },
      { index: 2, name: 'Insular Cortex' },
    ]);
  });

  it("NiiVue's JSON: by position or I, colours, 0 and empty names left out", async () => {
    const byPosition = { R: [0, 10, 20, 30], G: [0, 11, 21, 31], B: [0, 12, 22, 32], labels: ['Air', 'A', '', 'C'] };
    expect(await readAtlasLabels(write('pos.json', JSON.stringify(byPosition)))).toEqual([
      { index: 1, name: 'A', rgba: [10, 11, 12, 255] },
      { index: 3, name: 'C', rgba: [30, 31, 32, 255] },
    ]);
    const withI = { I: [0, 5, 9], A: [0, 128, 64], R: [0, 1, 2], G: [0, 1, 2], B: [0, 1, 2], labels: ['bg', 'five', 'nine'] };
    expect(await readAtlasLabels(write('i.json', JSON.stringify(withI)))).toEqual([
      { index: 5, name: 'five', rgba: [1, 1, 1, 128] },
      { index: 9, name: 'nine', rgba: [2, 2, 2, 64] },
    ]);
    expect(await readAtlasLabels(write('plain.json', '{"labels":["bg","one"]}'))).toEqual([{ index: 1, name: 'one' }]);
  });

  it('lookup-table text: AAL (value name code) and FreeSurfer (value name R G B A)', async () => {
    expect(await readAtlasLabels(write('aal.txt', '1 Precentral_L 2001\n2 Precentral_R 2002\n'))).toEqual([
      { index: 1, name: 'Precentral_L' },
      { index: 2, name: 'Precentral_R' },
    ]);
    expect(await readAtlasLabels(write('lut.txt', '# FreeSurfer\n0 Unknown 0 0 0 0\n2 Left-Cerebral-White-Matter 245 245 245 0\n'))).toEqual([
      { index: 2, name: 'Left-Cerebral-White-Matter', rgba: [245, 245, 245, 0] },
    ]);
  });

  it('broken label files', async () => {
    const dup = await asyncFormatErrorOf(readAtlasLabels(write('dup.txt', '1 a\n1 b\n')));
    expect(dup.message).toMatch(/index 1 is given twice/);
    expect((await asyncFormatErrorOf(readAtlasLabels(write('neg.txt', '-1 a\n')))).field).toBe('index');
    expect((await asyncFormatErrorOf(readAtlasLabels(write('noname.txt', '3\n')))).field).toBe('name');
    expect((await asyncFormatErrorOf(readAtlasLabels(write('bad.json', '{"labels": [1, 2]}')))).field).toBe('labels');
    expect((await asyncFormatErrorOf(readAtlasLabels(write('short.json', '{"labels": ["a","b"], "R": [1]}')))).field).toBe('R');
    expect((await asyncFormatErrorOf(readAtlasLabels(write('broken.json', '{"labels": [')))).field).toBe('json');
    expect((await asyncFormatErrorOf(readAtlasLabels(write('gifti.xml', '<GIFTI/>')))).field).toBe('atlas');
    expect((await asyncFormatErrorOf(readAtlasLabels(write('empty.xml', '<atlas><data/></atlas>')))).message).toMatch(/holds no region labels/);
    expect((await asyncFormatErrorOf(readAtlasLabels(write('noindex.xml', '<atlas><data><label><name>x</name></label></data></atlas>')))).field).toBe('label.index');
    expect((await asyncFormatErrorOf(readAtlasLabels(write('labels.csv', 'x')))).field).toBe('extension');
  });

  it('findAtlasLabels: same stem beside the volume, .xml before .json before .txt, case ignored', async () => {
    const folder = join(tmp.dir, 'atlases');
    mkdirSync(folder);
    writeFileSync(join(folder, 'AAL2.nii'), '');
    writeFileSync(join(folder, 'AAL2.XML'), '');
    writeFileSync(join(folder, 'aal2.txt'), '');
    writeFileSync(join(folder, 'aal.nii.gz'), '');
    writeFileSync(join(folder, 'aal.json'), '');
    writeFileSync(join(folder, 'aal.txt'), '');
    writeFileSync(join(folder, 'other.nii.gz'), '');
    mkdirSync(join(folder, 'dir.json'));
    expect(await findAtlasLabels(join(folder, 'AAL2.nii'))).toBe(join(folder, 'AAL2.XML'));
    expect(await findAtlasLabels(join(folder, 'aal.nii.gz'))).toBe(join(folder, 'aal.json'));
    expect(await findAtlasLabels(join(folder, 'other.nii.gz'))).toBeNull();
    expect(await findAtlasLabels(join(folder, 'dir.nii'))).toBeNull();
    expect(await findAtlasLabels(join(tmp.dir, 'no-folder', 'x.nii'))).toBeNull();
  });
});

describe('labelCentroids', () => {
  it('mean voxel position per label through the affine; 0 and NaN are background', () => {
    // 3×2×2 volume, x fastest. Label 1 at (0,0,0) and (2,0,0); label 7 at (1,1,1); label 2 at (0,1,0),(0,1,1).
    const dims: [number, number, number] = [3, 2, 2];
    const labels = new Float32Array(12);
    const at = (i: number, j: number, k: number): number => i + 3 * (j + 2 * k);
    labels[at(0, 0, 0)] = 1;
    labels[at(2, 0, 0)] = 1;
    labels[at(1, 1, 1)] = 7;
    labels[at(0, 1, 0)] = 2;
    labels[at(0, 1, 1)] = 2;
    labels[at(2, 1, 1)] = NaN;
    // 2 mm voxels, x flipped, origin (90, -126, -72) as MNI templates.
    const affine = [-2, 0, 0, 90, 0, 2, 0, -126, 0, 0, 2, -72, 0, 0, 0, 1];
    const centroids = labelCentroids(labels, dims, affine);
    expect([...centroids.keys()]).toEqual([1, 2, 7]);
    expect(centroids.get(1)).toEqual([88, -126, -72]);
    expect(centroids.get(2)).toEqual([90, -124, -71]);
    expect(centroids.get(7)).toEqual([88, -124, -70]);
  });

  it('a general affine (rotation and shear) is applied to the mean index', () => {
    const affine = [1, 0.5, 0, 1, 0, 1, 0.25, 2, 0.1, 0, 1, 3, 0, 0, 0, 1];
    const c = labelCentroids([0, 4, 4, 0], [2, 2, 1], affine).get(4)!;
    // Voxels (1,0,0) and (0,1,0): mean (0.5, 0.5, 0).
    expect(c[0]).toBeCloseTo(1 * 0.5 + 0.5 * 0.5 + 1, 12);
    expect(c[1]).toBeCloseTo(0.5 + 2, 12);
    expect(c[2]).toBeCloseTo(0.1 * 0.5 + 3, 12);
  });

  it('refuses mismatched inputs', () => {
    expect(() => labelCentroids([1, 2, 3], [2, 2, 1], new Array(16).fill(0))).toThrow(ValidationError);
    expect(() => labelCentroids([1, 2, 3, 4], [2, 2, 1], [1, 0, 0])).toThrow(/affine/);
    expect(() => labelCentroids([], [0, 2, 1], new Array(16).fill(0))).toThrow(/dims/);
  });
});
