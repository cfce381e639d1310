/**
 * What the Brain view asks of the engine (shared/api/fmri.ts): volumes, surfaces and per-vertex
 * values of the project's brain recordings, a volume projected onto a surface, clusters of a map,
 * ROI series (a file, a cohort's subject, an extraction run's result), a connectivity matrix
 * computed on the fly, a cohort's subjects and a brain network. Files are read on request; the
 * last decoded volumes and surfaces are cached per recording (bounded), since the view rereads
 * them at every interaction.
 */
import type {
  AtlasRegion,
  BrainCluster,
  BrainGraph,
  BrainSurface,
  BrainVolume,
  CohortSummary,
  ConnectivityKind,
  ConnectivityMatrix,
  Recording,
  RoiSeriesData,
  SurfaceValues,
} from '../../../shared/api/index.js';
import { ValidationError } from '../../errors.js';
import { checkWriteTarget, writeFileAtomically } from '../../io/write-target.js';
import { readBrainNodes } from '../../io/atlas/index.js';
import { giftiKind, giftiSurface, readGifti, type SurfaceMesh } from '../../io/gifti/index.js';
import { readMz3 } from '../../io/mz3/index.js';
import { readRoiSeries } from '../../io/roi-series/index.js';
import { connectivity, type ConnectivityResult } from '../../pipelines/fmri/connectivity.js';
import type { Store } from '../../store/index.js';
import { invertAffine, voxelAt } from './affine.js';
import { findClusters } from './clusters.js';
import { edgeFileBeside, edgeWeights, regionNodes } from './graph.js';
import { ImageCache, type LoadedVolume } from './images.js';
import { projectToSurface } from './projection.js';
import { brainRecording, describeRecording, recordingName, type BrainRecording } from './recordings.js';
import { protectedPaths } from '../../store/protected-paths.js';
import { matrixCsv, matrixNpy } from './export.js';
import { atlasRegions, regionAt } from './regions.js';
import { cohortOf, loadSubjectSeries, seriesFromRun, storedTangent, subjectOf, type LoadedSeries } from './series.js';

/** At most this many clusters in a reply (a noisy map at a low threshold has thousands). */
export const MAX_CLUSTERS = 500;

/**
 * The largest cohort whose group connectivity (tangent) a call computes on the engine's thread; a
 * larger one reads its fmri-connectivity run (tangent space of 100 ABIDE subjects takes a minute).
 */
export const MAX_GROUP_SUBJECTS_NOW = 20;

const VOLUME_TYPES = ['bold', 'volume', 'atlas'] as const;

interface CachedSurface {
  mesh: SurfaceMesh;
  scalars: Float32Array | null;
}

export class FmriView {
  private readonly images = new ImageCache();
  private readonly surfaces = new Map<number, Promise<CachedSurface>>();
  private readonly regions = new Map<number, Promise<AtlasRegion[]>>();
  /** Group results (tangent needs the whole cohort), the last few only. */
  private readonly groups = new Map<string, ConnectivityResult>();

  constructor(private readonly store: Store) {}

  close(): void {
    this.images.forget();
    this.surfaces.clear();
    this.regions.clear();
    this.groups.clear();
  }

  // -----------------------------------------------------------------------------------------
  // Volumes

  private async loadVolume(recording: BrainRecording, volume: number, field = 'volume'): Promise<LoadedVolume> {
    const count = recording.metadata.brain.volumeCount ?? 1;
    if (volume >= count) throw new ValidationError(field, `${describeRecording(recording)} has ${count} volume${count === 1 ? '' : 's'} (0…${count - 1}); got ${volume}`);
    return this.images.volume(recording.id, recording.sourcePath, volume);
  }

  /** An atlas recording's regions with their centroids (cached: the centroids need a pass over the volume). */
  private atlasRegionsOf(recording: BrainRecording): Promise<AtlasRegion[]> {
    let regions = this.regions.get(recording.id);
    if (!regions) {
      regions = this.loadVolume(recording, 0).then((atlas) => atlasRegions(recording.metadata.brain.labelsFile, atlas));
      regions.catch(() => this.regions.delete(recording.id));
      this.regions.set(recording.id, regions);
    }
    return regions;
  }

  async volume(recordingId: number, volume: number): Promise<BrainVolume> {
    const recording = brainRecording(this.store, recordingId, VOLUME_TYPES, 'a NIfTI image (a BOLD run, a volume or an atlas)');
    const loaded = await this.loadVolume(recording, volume);
    const stats = loaded.stats();
    const isAtlas = recording.metadata.brain.type === 'atlas';
    const { header } = loaded;
    return {
      recordingId,
      name: recordingName(recording),
      dims: loaded.dims,
      volume,
      volumeCount: loaded.volumeCount,
      voxelSizeMm: [header.pixdim[0] ?? 1, header.pixdim[1] ?? 1, header.pixdim[2] ?? 1],
      affine: [...header.affine],
      trS: loaded.volumeCount > 1 ? header.trS : null,
      datatype: header.datatype,
      data: loaded.data,
      ...stats,
      isAtlas,
      regions: isAtlas ? await this.atlasRegionsOf(recording) : [],
    };
  }

  async clusters(params: { recordingId: number; threshold: number; sign: 'positive' | 'negative' | 'both'; minVoxels: number; atlasRecordingId: number | null }): Promise<BrainCluster[]> {
    const recording = brainRecording(this.store, params.recordingId, ['volume', 'bold'], 'a 3D map (a statistical map or any volume)');
    const map = await this.loadVolume(recording, 0);
    const found = findClusters(map.data, map.dims, map.header.affine, { threshold: params.threshold, sign: params.sign, minVoxels: params.minVoxels, limit: MAX_CLUSTERS });
    let label = (_mm: [number, number, number]): string | null => null;
    if (params.atlasRecordingId !== null) {
      const atlasRecording = brainRecording(this.store, params.atlasRecordingId, ['atlas'], 'a label atlas', 'atlasRecordingId');
      const atlas = await this.loadVolume(atlasRecording, 0, 'atlasRecordingId');
      const regions = await this.atlasRegionsOf(atlasRecording);
      // Through the atlas's own affine: the map and the atlas need not share a grid.
      const inverse = invertAffine(atlas.header.affine);
      label = ([x, y, z]) => {
        const at = voxelAt(inverse, atlas.dims, x, y, z);
        return at === null ? null : regionAt(regions, atlas.data[at]);
      };
    }
    return found.map((cluster, i) => ({ id: i + 1, ...cluster, peakRegion: label(cluster.peakMm) }));
  }

  // -----------------------------------------------------------------------------------------
  // Surfaces

  private loadSurface(recording: Recording): Promise<CachedSurface> {
    let surface = this.surfaces.get(recording.id);
    if (!surface) {
      surface = (async () => {
        if (recording.format === 'mz3') {
          const { mesh, scalars } = await readMz3(recording.sourcePath);
          return { mesh, scalars };
        }
        return { mesh: giftiSurface(await readGifti(recording.sourcePath)), scalars: null };
      })();
      surface.catch(() => this.surfaces.delete(recording.id));
      this.surfaces.set(recording.id, surface);
      // Meshes are a few MB each; keep the last four.
      for (const key of [...this.surfaces.keys()].slice(0, Math.max(0, this.surfaces.size - 4))) this.surfaces.delete(key);
    }
    return surface;
  }

  async surface(recordingId: number): Promise<BrainSurface> {
    const recording = brainRecording(this.store, recordingId, ['surface'], 'a surface mesh (GIfTI, mz3)');
    const { mesh, scalars } = await this.loadSurface(recording);
    return {
      recordingId,
      name: recordingName(recording),
      hemisphere: recording.metadata.brain.hemisphere ?? null,
      vertices: mesh.vertices,
      faces: mesh.faces,
      scalars,
    };
  }

  async surfaceValues(recordingId: number): Promise<SurfaceValues> {
    const recording = brainRecording(this.store, recordingId, ['surface-values', 'surface-labels'], 'per-vertex values or labels (GIfTI shape or label file)');
    const gifti = await readGifti(recording.sourcePath);
    const first = gifti.arrays[0];
    if (!first) throw new ValidationError('recordingId', `${describeRecording(recording)} holds no data array`);
    const labels = giftiKind(gifti) === 'surface-labels';
    return {
      recordingId,
      name: recordingName(recording),
      hemisphere: recording.metadata.brain.hemisphere ?? null,
      vertexCount: first.dims[0] ?? first.data.length,
      values: labels ? null : Float32Array.from(first.data),
      labels: labels ? Int32Array.from(first.data) : null,
      labelTable: gifti.labelTable.map((entry) => ({ key: entry.key, name: entry.name, rgba: entry.rgba })),
    };
  }

  async projectToSurface(params: { volumeRecordingId: number; surfaceRecordingId: number; method: 'nearest' | 'trilinear'; depthsMm: number[] }): Promise<{ values: Float32Array }> {
    const volumeRecording = brainRecording(this.store, params.volumeRecordingId, ['volume', 'atlas'], 'a 3D volume', 'volumeRecordingId');
    const surfaceRecording = brainRecording(this.store, params.surfaceRecordingId, ['surface'], 'a surface mesh', 'surfaceRecordingId');
    const volume = await this.loadVolume(volumeRecording, 0, 'volumeRecordingId');
    const { mesh } = await this.loadSurface(surfaceRecording);
    // An atlas is projected by nearest neighbour whatever was asked: interpolated labels mean nothing.
    const method = volumeRecording.metadata.brain.type === 'atlas' ? 'nearest' : params.method;
    return { values: projectToSurface({ data: volume.data, dims: volume.dims, affine: volume.header.affine }, mesh, { method, depthsMm: params.depthsMm }) };
  }

  // -----------------------------------------------------------------------------------------
  // ROI series, connectivity, cohorts

  private async seriesOf(recordingId: number, subject: string | null, runId: number | null): Promise<LoadedSeries> {
    if (runId !== null) return seriesFromRun(this.store, recordingId, runId);
    const recording = brainRecording(this.store, recordingId, ['roi-series', 'cohort', 'bold'], 'an ROI time series, a cohort, or a BOLD run with an extraction run');
    const brain = recording.metadata.brain;
    if (brain.type === 'bold') throw new ValidationError('runId', `${describeRecording(recording)} is a BOLD run: name an fmri-extract run of it (runId) to read its ROI series`);
    if (brain.type === 'cohort') return loadSubjectSeries(recording, subjectOf(recording, subject));
    if (subject !== null) throw new ValidationError('subject', `${describeRecording(recording)} is one subject's series; subjects are for cohorts`);
    const series = await readRoiSeries(recording.sourcePath);
    return { recording, subject: null, series, regionNames: series.regionNames ?? brain.regionNames ?? null };
  }

  async roiSeries(recordingId: number, subject: string | null, runId: number | null): Promise<RoiSeriesData> {
    const loaded = await this.seriesOf(recordingId, subject, runId);
    const { series } = loaded;
    return {
      recordingId,
      name: recordingName(loaded.recording),
      subject: loaded.subject,
      regionCount: series.regionCount,
      timepoints: series.timepoints,
      regionNames: loaded.regionNames ?? Array.from({ length: series.regionCount }, (_, r) => `ROI ${r + 1}`),
      trS: series.trS,
      data: series.data,
    };
  }

  async connectivity(recordingId: number, subject: string | null, kind: ConnectivityKind): Promise<ConnectivityMatrix> {
    const recording = brainRecording(this.store, recordingId, ['roi-series', 'cohort'], 'an ROI time series or a cohort');
    let matrix: Float64Array;
    let loaded: LoadedSeries;
    if (kind === 'tangent') {
      // Tangent space is relative to the group's geometric mean: it needs a cohort, and the whole cohort.
      if (recording.metadata.brain.type !== 'cohort') throw new ValidationError('kind', `tangent connectivity is relative to a group mean: it needs a cohort; ${describeRecording(recording)} is one series`);
      const id = subjectOf(recording, subject);
      const index = cohortOf(recording).subjects.findIndex((s) => s.id === id);
      matrix = storedTangent(this.store, recording.id, index) ?? (await this.group(recording, 'tangent')).matrices[index]!;
      loaded = await loadSubjectSeries(recording, id);
    } else {
      loaded = await this.seriesOf(recordingId, subject, null);
      matrix = connectivity([loaded.series], kind).matrices[0]!;
    }
    const n = loaded.series.regionCount;
    return {
      recordingId,
      subject: loaded.subject,
      kind,
      regionCount: n,
      regionNames: loaded.regionNames ?? Array.from({ length: n }, (_, r) => `ROI ${r + 1}`),
      matrix,
    };
  }

  /**
   * That matrix written to a path the user typed (absolute), with the CLI's writers (CSV in
   * numpy.savetxt's layout, or float64 .npy): never over the project or a source, over an existing
   * file only with `overwrite` (io/write-target).
   */
  async exportConnectivity(
    recordingId: number,
    subject: string | null,
    kind: ConnectivityKind,
    format: 'csv' | 'npy',
    path: string,
    options: { overwrite?: boolean } = {},
  ): Promise<{ path: string; regionCount: number }> {
    brainRecording(this.store, recordingId, ['roi-series', 'cohort'], 'an ROI time series or a cohort');
    const target = { overwrite: options.overwrite ?? false, requireAbsolute: true, protectedPaths: protectedPaths(this.store) };
    checkWriteTarget(path, target); // refuse before computing the matrix
    const m = await this.connectivity(recordingId, subject, kind);
    const n = m.regionCount;
    const written = writeFileAtomically(path, format === 'npy' ? matrixNpy(m.matrix, n) : matrixCsv(m.matrix, n), target);
    return { path: written, regionCount: n };
  }

  /**
   * A cohort's connectivity over all subjects, kept for the last two (recording, kind). It runs on
   * the engine's thread, so only small cohorts are computed here; a larger one needs its
   * fmri-connectivity run (a worker), whose stored matrices are then read.
   */
  private async group(recording: BrainRecording, kind: ConnectivityKind): Promise<ConnectivityResult> {
    const key = `${recording.id}:${kind}`;
    const cached = this.groups.get(key);
    if (cached) return cached;
    const cohort = cohortOf(recording);
    if (cohort.subjects.length > MAX_GROUP_SUBJECTS_NOW) {
      throw new ValidationError(
        'kind',
        `${kind} connectivity of ${describeRecording(recording)} needs all ${cohort.subjects.length} subjects: run the fmri-connectivity pipeline with kind "${kind}" on it first (cajal run <project> fmri-connectivity ${recording.id} --param kind=${kind}); its result is then read here`,
      );
    }
    const series = await Promise.all(cohort.subjects.map(async (s) => (await loadSubjectSeries(recording, s.id)).series));
    const result = connectivity(series, kind);
    this.groups.set(key, result);
    for (const old of [...this.groups.keys()].slice(0, Math.max(0, this.groups.size - 2))) this.groups.delete(old);
    return result;
  }

  cohort(recordingId: number): CohortSummary {
    const recording = brainRecording(this.store, recordingId, ['cohort'], 'a cohort');
    const brain = recording.metadata.brain;
    const cohort = cohortOf(recording);
    return {
      recordingId,
      name: recordingName(recording),
      phenotypeFile: cohort.phenotypeFile,
      labelColumns: cohort.labelColumns,
      subjects: cohort.subjects.map((s) => ({ id: s.id, labels: s.labels })),
      regionCount: brain.regionCount ?? 1,
      timepointsMin: cohort.timepointsMin,
      timepointsMax: cohort.timepointsMax,
    };
  }

  // -----------------------------------------------------------------------------------------
  // Networks

  async graph(recordingId: number, edgesRecordingId: number | null): Promise<BrainGraph> {
    const recording = brainRecording(this.store, recordingId, ['nodes', 'atlas'], 'a node file (BrainNet .node, coordinate table) or a label atlas');
    const nodes =
      recording.metadata.brain.type === 'atlas'
        ? regionNodes(await this.atlasRegionsOf(recording))
        : (await readBrainNodes(recording.sourcePath)).map((n) => ({ ...n }));
    let weights: Float64Array | null = null;
    if (edgesRecordingId !== null) {
      const edges = brainRecording(this.store, edgesRecordingId, ['edges'], 'an edge file (BrainNet .edge)', 'edgesRecordingId');
      weights = await edgeWeights(edges.sourcePath, nodes.length, 'edgesRecordingId');
    } else if (recording.metadata.brain.type === 'nodes') {
      const beside = edgeFileBeside(recording.sourcePath);
      // A file beside that does not fit is not an error: the nodes are drawn alone.
      if (beside) weights = await edgeWeights(beside, nodes.length, 'edges').catch(() => null);
    }
    return { recordingId, name: recordingName(recording), nodes, weights };
  }
}

