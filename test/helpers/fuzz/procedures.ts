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

/** The modules each kind's procedure imports, loaded before the child says it is ready. */
export async function warmUp(kind: string): Promise<void> {
  const modules: Record<string, (keyof typeof load)[]> = {
    edf: ['recording', 'edf'],
    swc: ['recording', 'swc', 'morphology'],
    suite2p: ['recording', 'calcium'],
    'calcium-hdf5': ['recording', 'calcium'],
    'calcium-csv': ['recording', 'calcium'],
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
};
