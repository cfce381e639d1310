/**
 * What the fuzz child does with a case, per kind: the import entry (`inspectRecording`) and then the
 * reads a view or pipeline makes (EEG pages and annotations, morphometrics, calcium traces, volume
 * chunks), reduced to a summary of plain numbers that invariants.ts judges in the parent. A summary
 * counts what is wrong (non-finite values, blocks of the wrong size…) rather than carrying the data.
 */
import type { InspectedRecording } from '../../../main/io/recording.js';
import type { NdArray } from '../../../main/io/volume/types.js';
import { seededRandom } from '../../../shared/random.js';

// Readers are imported per kind, when the child starts (`warmUp`): a reader module that does not
// load (another change half made) then fails that kind's child alone, with its import error.
const load = {
  recording: () => import('../../../main/io/recording.js'),
  edf: () => import('../../../main/io/edf/index.js'),
  swc: () => import('../../../main/io/swc/index.js'),
  morphology: () => import('../../../main/pipelines/morphology/index.js'),
  calcium: () => import('../../../main/io/calcium/index.js'),
  volume: () => import('../../../main/io/volumes.js'),
  nifti: () => import('../../../main/io/nifti/index.js'),
  gifti: () => import('../../../main/io/gifti/index.js'),
  mz3: () => import('../../../main/io/mz3/index.js'),
  matlab: () => import('../../../main/io/matlab/index.js'),
  roiSeries: () => import('../../../main/io/roi-series/index.js'),
  atlas: () => import('../../../main/io/atlas/index.js'),
  spikes: () => import('../../../main/io/spikes/index.js'),
};

const voxelCount = (shape: readonly number[]): number => shape.reduce((n, extent) => n * extent, 1);

/** Structured-clone data (the child talks to the parent with `serialization: 'advanced'`). */
export type Summary = Record<string, unknown>;

export interface CaseOptions {
  /** Per-case seed for sampled reads. */
  seed: number;
  /** Origin of a chunk the sampled read must include (a zarr chunk the mutation touched). */
  focus?: number[];
}

export interface Accepted {
  summary: Summary;
  warnings: string[];
}

export type Procedure = (path: string, options: CaseOptions) => Promise<Accepted>;

const countNonFinite = (values: ArrayLike<number>): number => {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) n++;
  return n;
};

const inspectSummary = (inspected: InspectedRecording): Summary => ({
  format: inspected.format,
  channelCount: inspected.metadata.channelCount,
  sampleRateHz: inspected.metadata.sampleRateHz,
  durationS: inspected.metadata.durationS,
  signals: inspected.metadata.signals.map((s) => ({ label: s.label, sampleRateHz: s.sampleRateHz, isAnnotation: s.isAnnotation })),
  dataRecordCount: inspected.metadata.dataRecordCount,
  dataRecordDurationS: inspected.metadata.dataRecordDurationS,
  startDateTime: inspected.metadata.startDateTime,
  sizeBytes: inspected.sizeBytes,
});

const PAGE_S = 10;
const MAX_PAGES = 12;

/** Import, then what the EEG view reads: annotations and up to 12 pages of 10 s over the recording. */
async function edf(path: string): Promise<Accepted> {
  const [{ inspectRecording }, { EdfReader }] = await Promise.all([load.recording(), load.edf()]);
  const inspected = await inspectRecording(path);
  const reader = EdfReader.open(path);
  try {
    const { header } = reader;
    const annotations = reader.annotations();
    const durationS = reader.durationS;
    const data = reader.dataSignals();
    const last = Number.isFinite(durationS) ? Math.max(0, durationS - PAGE_S) : 0;
    const starts = [...new Set(Array.from({ length: MAX_PAGES }, (_, k) => (MAX_PAGES > 1 ? (last * k) / (MAX_PAGES - 1) : 0)))];
    let values = 0;
    let nonFinite = 0;
    let pages = 0;
    if (data.length) {
      for (const start of starts) {
        const window = reader.readWindow(start, PAGE_S, data.map((d) => d.index));
        pages++;
        window.data.forEach((samples, k) => {
          const rate = data[k]!.sampleRateHz;
          for (let i = 0; i < samples.length; i++) {
            const t = start + i / rate;
            // NaN by design where no record covers; a page off the sample grid rounds a record's
            // samples to the nearest page sample, so one sample either side of a gap may be NaN too.
            if (window.gaps.some(([a, b]) => t >= a - 1 / rate && t < b + 1 / rate)) continue;
            values++;
            if (!Number.isFinite(samples[i]!)) nonFinite++;
          }
        });
      }
    }
    return {
      warnings: inspected.warnings,
      summary: {
        inspect: inspectSummary(inspected),
        header: {
          variant: header.variant,
          continuous: header.continuous,
          headerBytes: header.headerBytes,
          dataRecordCount: header.dataRecordCount,
          dataRecordDurationS: header.dataRecordDurationS,
          startDateTime: header.startDateTime,
          recordBytes: header.recordBytes,
          signals: header.signals.map((s) => ({
            label: s.label,
            isAnnotation: s.isAnnotation,
            physicalMin: s.physicalMin,
            physicalMax: s.physicalMax,
            digitalMin: s.digitalMin,
            digitalMax: s.digitalMax,
            samplesPerRecord: s.samplesPerRecord,
            gain: s.gain,
            offset: s.offset,
          })),
          warnings: header.warnings,
        },
        readerDurationS: durationS,
        dataSignalRates: data.map((d) => d.sampleRateHz),
        annotations: {
          count: annotations.length,
          nonFiniteOnsets: annotations.filter((a) => !Number.isFinite(a.onsetS)).length,
          nonFiniteDurations: annotations.filter((a) => !Number.isFinite(a.durationS)).length,
          negativeDurations: annotations.filter((a) => a.durationS < 0).length,
        },
        pages: { count: pages, values, nonFinite },
      },
    };
  } finally {
    reader.close();
  }
}

/** Import, then what the morphology view computes: sections and NeuroM morphometrics. */
async function swc(path: string): Promise<Accepted> {
  const [{ inspectRecording }, { readSwc }, { buildSections, computeMorphometrics }] = await Promise.all([load.recording(), load.swc(), load.morphology()]);
  const inspected = await inspectRecording(path);
  const m = await readSwc(path);
  const topology = buildSections(m);
  const metrics = computeMorphometrics(m, {}, topology);
  let badParents = 0;
  for (let i = 0; i < m.count; i++) {
    const p = m.parentIndex[i]!;
    if (p === i || p < -1 || p >= m.count) badParents++;
  }
  return {
    warnings: inspected.warnings,
    summary: {
      inspect: inspectSummary(inspected),
      nodeCount: inspected.metadata.morphology?.nodeCount,
      count: m.count,
      ids: Array.from(m.ids),
      parentIds: Array.from(m.parentIndex, (p) => (p < 0 ? -1 : m.ids[p]!)),
      nonFiniteCoordinates: countNonFinite(m.xyz),
      nonFiniteRadii: countNonFinite(m.radii),
      badParents,
      treeSizes: m.trees.map((t) => t.size),
      soma: { radius: metrics.soma.radius, surfaceArea: metrics.soma.surfaceArea },
      shollRadii: metrics.shollRadii.length,
      byType: Object.fromEntries(
        Object.entries(metrics.byType).map(([type, t]) => [type, { totalLength: t.totalLength, totalArea: t.totalArea, totalVolume: t.totalVolume }]),
      ),
    },
  };
}

/** Import, then the recording the calcium pipelines read. */
async function calcium(path: string): Promise<Accepted> {
  const [{ inspectRecording }, { readCalcium }] = await Promise.all([load.recording(), load.calcium()]);
  const inspected = await inspectRecording(path);
  const r = await readCalcium(path);
  const assemblyIndices = (r.assemblies ?? []).flat();
  return {
    warnings: r.warnings,
    summary: {
      inspect: inspectSummary(inspected),
      format: r.format,
      cellCount: r.cellCount,
      frameCount: r.frameCount,
      frameRateHz: r.frameRateHz,
      timestamps: r.timestampsS ? { length: r.timestampsS.length, nonFinite: countNonFinite(r.timestampsS) } : null,
      traces: { length: r.traces.length, nonFinite: countNonFinite(r.traces) },
      neuropil: r.neuropil ? { length: r.neuropil.length, nonFinite: countNonFinite(r.neuropil) } : null,
      labels: r.labels.length,
      positions: r.positions ? { length: r.positions.length, nonFinite: countNonFinite(r.positions) } : null,
      isCell: r.isCell ? r.isCell.map(Boolean) : null,
      assemblies: r.assemblies ? { count: r.assemblies.length, min: Math.min(...assemblyIndices), max: Math.max(...assemblyIndices) } : null,
    },
  };
}

interface VolumeRead {
  dataset: string;
  /** A label volume: checked as the FISBe pipeline checks one before reading it. */
  label: boolean;
}

/** Tallies the blocks a read hands out: sizes, bounds, dtype, non-finite values. */
class BlockTally {
  blocks = 0;
  voxels = 0;
  badBlocks = 0;
  outOfBounds = 0;
  dtypeMismatch = 0;
  nonFinite = 0;

  constructor(
    private readonly shape: readonly number[],
    private readonly dtype: string,
  ) {}

  add(origin: readonly number[], block: NdArray): void {
    this.blocks++;
    this.voxels += block.data.length;
    if (block.data.length !== voxelCount(block.shape) || block.shape.length !== this.shape.length) this.badBlocks++;
    if (block.shape.some((n, axis) => origin[axis]! + n > this.shape[axis]! || origin[axis]! < 0)) this.outOfBounds++;
    if (block.dtype !== this.dtype) this.dtypeMismatch++;
    if (block.dtype.startsWith('float')) this.nonFinite += countNonFinite(block.data);
  }
}

/** Chunk-aligned boxes to read: the first, the last, `focus`, and `count` seeded others. */
function sampleBoxes(shape: readonly number[], block: readonly number[], options: CaseOptions, count: number): { start: number[]; shape: number[] }[] {
  if (shape.some((n) => n === 0)) return [];
  const random = seededRandom(options.seed);
  const grid = shape.map((n, axis) => Math.ceil(n / block[axis]!));
  const origins: number[][] = [grid.map(() => 0), grid.map((g) => g - 1)];
  if (options.focus && options.focus.length === shape.length) origins.push(options.focus.map((o, axis) => Math.floor(o / block[axis]!)));
  for (let k = 0; k < count; k++) origins.push(grid.map((g) => Math.floor(random() * g)));
  const seen = new Set<string>();
  const boxes: { start: number[]; shape: number[] }[] = [];
  for (const index of origins) {
    const key = index.join(',');
    if (seen.has(key) || index.some((i, axis) => i < 0 || i >= grid[axis]!)) continue;
    seen.add(key);
    const start = index.map((i, axis) => i * block[axis]!);
    boxes.push({ start, shape: start.map((s, axis) => Math.min(block[axis]!, shape[axis]! - s)) });
  }
  return boxes;
}

/** Opens each dataset and reads it whole (chunk by chunk, as the FISBe pipeline does) or sampled. */
function volume(reads: readonly VolumeRead[], mode: 'all' | 'sampled'): Procedure {
  return async (path, options) => {
    const { expectLabelVolume, listDatasets, openVolume } = await load.volume();
    const entries = await listDatasets(path);
    const datasets: Summary[] = [];
    for (const { dataset, label } of reads) {
      const source = await openVolume(path, dataset);
      try {
        const { info } = source;
        if (label) expectLabelVolume(info);
        const tally = new BlockTally(info.shape, info.dtype);
        if (mode === 'all') {
          await source.forEachChunk((origin, chunk) => tally.add(origin, chunk));
        } else {
          const block = info.chunks && info.chunks.length === info.shape.length ? info.chunks : info.shape.map((n) => Math.min(n, 32));
          for (const box of sampleBoxes(info.shape, block, options, 6)) tally.add(box.start, await source.readRegion(box.start, box.shape));
        }
        datasets.push({
          dataset: info.dataset,
          dtype: info.dtype,
          shape: [...info.shape],
          chunks: info.chunks ? [...info.chunks] : null,
          fullRead: mode === 'all',
          expectedVoxels: voxelCount(info.shape),
          blocks: tally.blocks,
          voxels: tally.voxels,
          badBlocks: tally.badBlocks,
          outOfBounds: tally.outOfBounds,
          dtypeMismatch: tally.dtypeMismatch,
          nonFinite: tally.nonFinite,
        });
      } finally {
        await source.close();
      }
    }
    return { warnings: [], summary: { entries: entries.map((e) => ({ dataset: e.dataset, shape: [...e.shape], dtype: e.dtype })), datasets } };
  };
}

// ---------------------------------------------------------------------------------------------
// Brain readers (issue #18): read as the brain views and the fMRI pipelines read them.

/** Voxels read whole when the image has at most this many (every seed has fewer); else volume 0 and the last. */
const NIFTI_FULL_READ_VOXELS = 16 * 1024 * 1024;

/** Content sniffing, the header, volume 0 (the first slice shown) and every voxel (extraction, the histogram). */
async function nifti(path: string): Promise<Accepted> {
  const { looksLikeNifti, openNifti } = await load.nifti();
  const sniffed = await looksLikeNifti(path);
  const image = await openNifti(path);
  try {
    const { header } = image;
    const voxels = image.spatialDims[0] * image.spatialDims[1] * image.spatialDims[2];
    const first = await image.readVolume(0);
    let all: Float32Array | null = null;
    let last: Float32Array | null = null;
    if (voxels * image.volumeCount <= NIFTI_FULL_READ_VOXELS) all = await image.readAll();
    else last = await image.readVolume(image.volumeCount - 1);
    const values = all ?? first;
    return {
      warnings: [],
      summary: {
        sniffed,
        version: header.version,
        dims: [...header.dims],
        pixdim: [...header.pixdim],
        datatype: header.datatype,
        datatypeCode: header.datatypeCode,
        voxOffset: header.voxOffset,
        affine: [...header.affine],
        trS: header.trS,
        spatialDims: [...image.spatialDims],
        volumeCount: image.volumeCount,
        firstLength: first.length,
        lastLength: last?.length ?? null,
        allLength: all?.length ?? null,
        nonFinite: countNonFinite(values),
        nan: values.reduce((n, v) => (Number.isNaN(v) ? n + 1 : n), 0),
      },
    };
  } finally {
    await image.close();
  }
}

/** The whole file, what it is (surface, values, labels) and, for a surface, the mesh the view draws. */
async function gifti(path: string): Promise<Accepted> {
  const { giftiKind, giftiSurface, looksLikeGifti, readGifti } = await load.gifti();
  const sniffed = await looksLikeGifti(path);
  const g = await readGifti(path);
  const kind = giftiKind(g);
  let mesh: Summary | null = null;
  if (kind === 'surface') {
    const { vertices, faces } = giftiSurface(g);
    let maxFace = -1;
    for (let i = 0; i < faces.length; i++) if (faces[i]! > maxFace) maxFace = faces[i]!;
    mesh = { vertexCount: vertices.length / 3, verticesLength: vertices.length, facesLength: faces.length, maxFace, nonFiniteVertices: countNonFinite(vertices) };
  }
  const keys = g.labelTable.map((l) => l.key);
  return {
    warnings: [],
    summary: {
      sniffed,
      kind,
      arrays: g.arrays.map((a) => ({ intent: a.intent, datatype: a.datatype, dims: [...a.dims], length: a.data.length, nonFinite: countNonFinite(a.data), transformFinite: a.transform ? a.transform.every(Number.isFinite) : null })),
      labels: { count: keys.length, distinct: new Set(keys).size, badKeys: keys.filter((k) => !Number.isSafeInteger(k)).length },
      mesh,
    },
  };
}

/** The mesh, its colours and scalars, as the surface view takes them. */
async function mz3(path: string): Promise<Accepted> {
  const { looksLikeMz3, readMz3 } = await load.mz3();
  const sniffed = await looksLikeMz3(path);
  const m = await readMz3(path);
  let maxFace = -1;
  for (let i = 0; i < m.mesh.faces.length; i++) if (m.mesh.faces[i]! > maxFace) maxFace = m.mesh.faces[i]!;
  return {
    warnings: [],
    summary: {
      sniffed,
      verticesLength: m.mesh.vertices.length,
      facesLength: m.mesh.faces.length,
      maxFace,
      nonFiniteVertices: countNonFinite(m.mesh.vertices),
      coloursLength: m.colours?.length ?? null,
      scalarsLength: m.scalars?.length ?? null,
    },
  };
}

type MatValueSummary = { name: string; type: string; dims: number[]; length: number; expected: number };

/** Every variable (readMat), then the ROI series the import and the connectivity pipeline read (not for the DTI connectomes). */
async function mat(path: string): Promise<Accepted> {
  const [{ looksLikeMat, readMat }, { readRoiSeries }] = await Promise.all([load.matlab(), load.roiSeries()]);
  const sniffed = await looksLikeMat(path);
  const variables = await readMat(path);
  const values: MatValueSummary[] = [];
  const visit = (name: string, value: Awaited<ReturnType<typeof readMat>> extends Map<string, infer V> ? V : never, depth: number): void => {
    const expected = value.dims.reduce((a, b) => a * b, 1);
    const length = value.type === 'numeric' || value.type === 'logical' ? value.data.length : value.type === 'char' ? -1 : value.type === 'cell' ? value.cells.length : expected;
    values.push({ name, type: value.type, dims: [...value.dims], length, expected });
    if (value.type === 'numeric' && value.imaginary && value.imaginary.length !== expected) values.push({ name: `${name} (imaginary)`, type: 'numeric', dims: [...value.dims], length: value.imaginary.length, expected });
    if (depth < 4 && value.type === 'cell') value.cells.forEach((c, i) => visit(`${name}{${i}}`, c, depth + 1));
    if (depth < 4 && value.type === 'struct') for (const [field, items] of Object.entries(value.fields)) items.forEach((c, i) => visit(`${name}(${i}).${field}`, c, depth + 1));
  };
  for (const [name, value] of variables) visit(name, value, 0);
  let series: Summary | null = null;
  if (!/_DTI_/.test(path)) {
    const s = await readRoiSeries(path);
    series = { regionCount: s.regionCount, timepoints: s.timepoints, length: s.data.length, nonFinite: countNonFinite(s.data), names: s.regionNames?.length ?? null, trS: s.trS, source: s.source };
  }
  return { warnings: [], summary: { sniffed, variables: values, series } };
}

/** One subject's ROI series from a text file, as the import reads it. */
async function roiCsv(path: string): Promise<Accepted> {
  const { readRoiSeries } = await load.roiSeries();
  const s = await readRoiSeries(path);
  return {
    warnings: [],
    summary: { variables: [], series: { regionCount: s.regionCount, timepoints: s.timepoints, length: s.data.length, nonFinite: countNonFinite(s.data), names: s.regionNames?.length ?? null, trS: s.trS, source: s.source } },
  };
}

/** BrainNet nodes or edges (by extension, as the glass brain opens them), and what sniffing says. */
async function brainGraph(path: string): Promise<Accepted> {
  const { brainGraphFileKind, readBrainNetEdges, readBrainNodes } = await load.atlas();
  const sniffed = await brainGraphFileKind(path);
  if (path.toLowerCase().endsWith('.edge')) {
    const e = await readBrainNetEdges(path);
    return { warnings: [], summary: { sniffed, edges: { nodeCount: e.nodeCount, length: e.weights.length, nonFinite: countNonFinite(e.weights) } } };
  }
  const nodes = await readBrainNodes(path);
  return {
    warnings: [],
    summary: {
      sniffed,
      nodes: {
        count: nodes.length,
        nonFinite: nodes.filter((n) => ![n.x, n.y, n.z, n.colour, n.size].every(Number.isFinite)).length,
        badLabels: nodes.filter((n) => typeof n.label !== 'string').length,
      },
    },
  };
}

/** A cohort as the import reads it, then every subject's series as the connectivity pipeline loads them. */
async function cohort(path: string): Promise<Accepted> {
  const { loadCohortSeries, readCohort } = await load.roiSeries();
  const c = await readCohort(path);
  const series = await loadCohortSeries(c);
  return {
    warnings: c.warnings,
    summary: {
      subjects: c.subjects.map((s) => ({ id: s.id, file: s.file, diagnosis: s.labels['diagnosis'] ?? null, sex: s.labels['sex'] ?? null })),
      regionCount: c.regionCount,
      timepointsMin: c.timepointsMin,
      timepointsMax: c.timepointsMax,
      series: series.map((s) => ({ file: s.file, regionCount: s.regionCount, timepoints: s.timepoints, length: s.data.length, nonFinite: countNonFinite(s.data) })),
    },
  };
}

/** Region labels of an atlas labels file. */
async function atlasLabels(path: string): Promise<Accepted> {
  const { readAtlasLabels } = await load.atlas();
  const labels = await readAtlasLabels(path);
  const indices = labels.map((l) => l.index);
  return {
    warnings: [],
    summary: {
      count: labels.length,
      distinct: new Set(indices).size,
      badIndices: indices.filter((i) => !(Number.isSafeInteger(i) && i > 0)).length,
      emptyNames: labels.filter((l) => l.name === '').length,
      badColours: labels.filter((l) => l.rgba && !l.rgba.every(Number.isFinite)).length,
    },
  };
}

/** Import, then the trains the Spikes view and the pipelines read; counts of what must never be there. */
async function spikes(path: string): Promise<Accepted> {
  const [{ inspectRecording }, { readSpikes }] = await Promise.all([load.recording(), load.spikes()]);
  const inspected = await inspectRecording(path);
  const trains = await readSpikes(path);
  const unsorted = (t: Float64Array): boolean => t.some((v, i) => i > 0 && v < t[i - 1]!);
  return {
    warnings: inspected.warnings,
    summary: {
      inspect: inspectSummary(inspected),
      metadata: inspected.metadata.spikes ? { unitCount: inspected.metadata.spikes.unitCount, spikeCount: inspected.metadata.spikes.spikeCount, units: inspected.metadata.spikes.units.map((u) => u.spikeCount) } : null,
      format: trains.format,
      counts: trains.times.map((t) => t.length),
      unitIds: trains.unitIds.length,
      cellTypes: trains.cellTypes.length,
      nonFinite: trains.times.reduce((n, t) => n + countNonFinite(t), 0),
      unsortedUnits: trains.times.filter(unsorted).length,
      startS: trains.startS,
      endS: trains.endS,
      events: trains.events.map((e) => ({ count: e.times.length, nonFinite: countNonFinite(e.times), unsorted: unsorted(e.times) })),
    },
  };
}

/** The modules each kind's procedure imports, loaded before the child says it is ready. */
export async function warmUp(kind: string): Promise<void> {
  const modules: Record<string, (keyof typeof load)[]> = {
    edf: ['recording', 'edf'],
    swc: ['recording', 'swc', 'morphology'],
    suite2p: ['recording', 'calcium'],
    'calcium-hdf5': ['recording', 'calcium'],
    'calcium-csv': ['recording', 'calcium'],
    nifti: ['nifti'],
    'nifti-gz': ['nifti'],
    gifti: ['gifti'],
    mz3: ['mz3'],
    mat: ['matlab', 'roiSeries'],
    brainnet: ['atlas'],
    coords: ['atlas'],
    'atlas-labels': ['atlas'],
    cohort: ['roiSeries', 'matlab'],
    'roi-csv': ['roiSeries'],
    'spikes-npy': ['recording', 'spikes'],
    'spikes-nwb': ['recording', 'spikes'],
    'spikes-text': ['recording', 'spikes'],
  };
  await Promise.all((modules[kind] ?? ['volume']).map((name) => load[name]()));
}

export const procedures: Record<string, Procedure> = {
  edf,
  swc,
  suite2p: calcium,
  'calcium-hdf5': calcium,
  'calcium-csv': calcium,
  'hdf5-volume': volume([{ dataset: 'volumes/gmm_label_cleaned', label: true }], 'sampled'),
  'zarr-zip': volume(
    [
      { dataset: 'volumes/gt_instances', label: true },
      { dataset: 'volumes/raw', label: false },
    ],
    'all',
  ),
  'zarr-dir': volume([{ dataset: 'volumes/gt_instances', label: true }], 'sampled'),
  tiff: volume([{ dataset: '', label: false }], 'all'),
  nifti,
  'nifti-gz': nifti,
  gifti,
  mz3,
  mat,
  brainnet: brainGraph,
  coords: brainGraph,
  'atlas-labels': atlasLabels,
  cohort,
  'roi-csv': roiCsv,
  'spikes-npy': spikes,
  'spikes-nwb': spikes,
  'spikes-text': spikes,
};
