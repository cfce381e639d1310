/**
 * The atlas module on the real files: AAL2.xml and NiiVue's aal.json beside their volumes, the
 * coordinate atlases in ../shared/data/connectome/coords (Schaefer 100, Dosenbach 160, Power 264,
 * Seitzman 300) and the BrainNet Viewer node/edge pairs (AAL90, Dos160). Expected values are read
 * from the files themselves with plain string splitting here, independently of the readers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brainGraphFileKind, findAtlasLabels, readAtlasLabels, readBrainNetEdges, readBrainNodes } from '../../main/io/atlas/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';

const coords = (name: string): string => dataFile('connectome', 'coords', name);
const brainnet = (name: string): string => dataFile('connectome', 'brainnet_viewer', name);
/** Non-empty, non-comment lines of a file, split on the delimiter. */
const rows = (path: string, delimiter: RegExp | string): string[][] =>
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(delimiter));

if (!hasSharedData()) console.warn(`atlas-real skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('atlas labels on the real files', () => {
  it('AAL2.xml: 120 regions with their AAL2 values, found beside AAL2.nii', async () => {
    const path = await findAtlasLabels(dataFile('fmri', 'atlas', 'AAL2.nii'));
    expect(path).toBe(dataFile('fmri', 'atlas', 'AAL2.xml'));
    const labels = await readAtlasLabels(path as string);
    const xml = readFileSync(path as string, 'latin1');
    const expected = [...xml.matchAll(/<index>(\d+)<\/index><name>([^<]+)<\/name>/g)].map((m) => ({ index: Number(m[1]), name: m[2] }));
    expect(expected).toHaveLength(120);
    expect(labels).toEqual(expected);
    expect(labels[0]).toEqual({ index: 2001, name: 'Precentral_L' });
    expect(labels.at(-1)).toEqual({ index: 9170, name: 'Vermis_10' });
  });

  it("aal.json: NiiVue's 116 AAL regions (values 1…116) with colours, found beside aal.nii.gz; 'Air' (0) is background", async () => {
    const path = await findAtlasLabels(dataFile('fmri', 'atlas', 'aal.nii.gz'));
    expect(path).toBe(dataFile('fmri', 'atlas', 'aal.json'));
    const json = JSON.parse(readFileSync(path as string, 'utf8')) as { labels: string[]; R: number[]; G: number[]; B: number[] };
    const labels = await readAtlasLabels(path as string);
    expect(labels).toHaveLength(116);
    expect(json.labels[0]).toBe('Air');
    labels.forEach((label, i) => {
      expect(label).toEqual({ index: i + 1, name: json.labels[i + 1], rgba: [json.R[i + 1], json.G[i + 1], json.B[i + 1], 255] });
    });
    expect(labels.at(-1)?.name).toBe('Vermis_10');
  });

  it('finds no labels file beside a volume without one', async () => {
    expect(await findAtlasLabels(dataFile('fmri', 'statmaps', 'spmMotor.nii.gz'))).toBeNull();
  });
});

describe.skipIf(!hasSharedData())('coordinate atlases and BrainNet Viewer files', () => {
  it('Schaefer 2018, 100 parcels, 7 networks: centroids (RAS mm) with names and networks', async () => {
    const path = coords('Schaefer2018_100Parcels_7Networks_order_FSLMNI152_2mm.Centroid_RAS.csv');
    const table = rows(path, ',').slice(1);
    const nodes = await readBrainNodes(path);
    expect(nodes).toHaveLength(100);
    nodes.forEach((node, i) => {
      const [, name, r, a, s] = table[i] as string[];
      expect([node.x, node.y, node.z, node.label]).toEqual([Number(r), Number(a), Number(s), name]);
    });
    expect(nodes[0]).toMatchObject({ x: -26, y: -34, z: -18, label: '7Networks_LH_Vis_1', network: 'Vis', colour: 1 });
    expect(nodes[99]).toMatchObject({ x: 6, y: -52, z: 30, label: '7Networks_RH_Default_pCunPCC_2', network: 'Default', colour: 7 });
    expect([...new Set(nodes.map((n) => n.network))]).toEqual(['Vis', 'SomMot', 'DorsAttn', 'SalVentAttn', 'Limbic', 'Cont', 'Default']);
    expect(await brainGraphFileKind(path)).toBe('nodes');
  });

  it('Dosenbach 2010: 160 ROIs with names and six networks', async () => {
    const path = coords('dosenbach_2010.csv');
    const table = rows(path, ',').slice(1);
    const nodes = await readBrainNodes(path);
    expect(nodes).toHaveLength(160);
    nodes.forEach((node, i) => {
      const [, x, y, z, name, network] = table[i] as string[];
      expect([node.x, node.y, node.z, node.label, node.network]).toEqual([Number(x), Number(y), Number(z), name, network]);
    });
    expect(nodes[0]).toMatchObject({ x: 6, y: 64, z: 3, label: 'vmPFC', network: 'default' });
    expect(nodes[159]).toMatchObject({ x: -4, y: -94, z: 12, label: 'post occipital', network: 'occipital' });
    expect(new Set(nodes.map((n) => n.network))).toEqual(new Set(['default', 'fronto-parietal', 'cingulo-opercular', 'sensorimotor', 'cerebellum', 'occipital']));
    expect(await brainGraphFileKind(path)).toBe('nodes');
  });

  it('Power 2011: 264 ROIs labelled by number, no networks in the file', async () => {
    const path = coords('power_2011.csv');
    const nodes = await readBrainNodes(path);
    expect(nodes).toHaveLength(264);
    expect(nodes[0]).toEqual({ x: -25, y: -98, z: -12, colour: 0, size: 1, label: '1', network: null });
    expect(nodes[263]).toEqual({ x: 29, y: -5, z: 54, colour: 0, size: 1, label: '264', network: null });
    expect(await brainGraphFileKind(path)).toBe('nodes');
  });

  it('Seitzman 2018: 300 ROIs with radius and network names', async () => {
    const path = coords('seitzman_2018_ROIs_300inVol_MNI_allInfo.txt');
    const table = rows(path, /\s+/).slice(1);
    const nodes = await readBrainNodes(path);
    expect(nodes).toHaveLength(300);
    nodes.forEach((node, i) => {
      const [x, y, z, radius, , network] = table[i] as string[];
      expect([node.x, node.y, node.z, node.size, node.network]).toEqual([Number(x), Number(y), Number(z), Number(radius), network]);
    });
    expect(nodes[0]).toMatchObject({ x: -56.16, y: -44.76, z: -24.23, size: 5, network: 'unassigned' });
    expect(nodes[299]).toMatchObject({ x: 12, y: -44, z: -18, size: 4, network: 'SomatomotorDorsal' });
    expect(await brainGraphFileKind(path)).toBe('nodes');
  });

  for (const [nodesFile, edgesFile, count, first, last] of [
    ['Node_AAL90.node', 'Edge_AAL90_Weighted.edge', 90, { x: -38.65, y: -5.68, z: 50.94, colour: 4, size: 4.96, label: 'PreCG.L' }, { x: 53.69, y: -31.07, z: -22.32, colour: 4, size: 0, label: 'ITG.R' }],
    ['Node_Dos160.node', 'Edge_Dos160_Weighted.edge', 160, { x: 6, y: 64, z: 3, colour: 0.77, size: 0.55, label: 'vmPFC' }, { x: 18, y: -81, z: -33, colour: 0.13, size: 0.18, label: 'infcerebellum' }],
  ] as const) {
    it(`BrainNet Viewer ${nodesFile} with ${edgesFile}: ${count} nodes and a matching ${count}×${count} matrix`, async () => {
      const nodes = await readBrainNodes(brainnet(nodesFile));
      expect(nodes).toHaveLength(count);
      expect(nodes[0]).toEqual({ ...first, network: null });
      expect(nodes.at(-1)).toEqual({ ...last, network: null });
      const edges = await readBrainNetEdges(brainnet(edgesFile));
      expect(edges.nodeCount).toBe(count);
      const matrix = rows(brainnet(edgesFile), /\s+/);
      expect(matrix).toHaveLength(count);
      expect(Array.from(edges.weights)).toEqual(matrix.flat().map(Number));
      expect(await brainGraphFileKind(brainnet(nodesFile))).toBe('nodes');
      expect(await brainGraphFileKind(brainnet(edgesFile))).toBe('edges');
    });
  }

  it('takes no NIfTI or label file for a brain-graph file', async () => {
    expect(await brainGraphFileKind(dataFile('fmri', 'atlas', 'aal.nii.gz'))).toBeNull();
    expect(await brainGraphFileKind(dataFile('fmri', 'atlas', 'AAL2.xml'))).toBeNull();
    expect(await brainGraphFileKind(dataFile('fmri', 'atlas', 'aal.json'))).toBeNull();
  });
});
