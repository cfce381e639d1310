/**
 * What the MDS views read from a project (shared/api/mds.ts): the mds-* runs with a one-line
 * headline, a fit run's "fit", a cluster run's "clustering" (JSON + typed arrays, stored.ts), an
 * assign run's "assignment", and each cell's trial-averaged responses beside its cluster's
 * (mean and SD over the cluster's cells), from the recording's MDS dataset (cached, a few at a time).
 */
import type { MdsAssignment, MdsCellResponses, MdsClustering, MdsModelFit, MdsProtocolResponse, MdsRunKind, MdsRunSummary } from '../../../shared/api/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { MDS_ASSIGN_PIPELINE } from '../../pipelines/mds/assign-pipeline.js';
import { MDS_CLUSTER_PIPELINE } from '../../pipelines/mds/cluster-pipeline.js';
import { MDS_FIT_PIPELINE } from '../../pipelines/mds/model/fit-pipeline.js';
import { MDS_CLUSTER_TOY_PIPELINE } from '../../pipelines/mds/cluster-toy-pipeline.js';
import { buildMdsDataset, trialAverages, wholeTrials, protocolStimulusTrace } from '../../pipelines/mds/dataset.js';
import { ASSIGNMENT_KEY, readAssignment, readClustering } from '../../pipelines/mds/stored.js';
import { finiteMean } from '../../pipelines/mds/model/quality.js';
import type { MdsDataset } from '../../pipelines/mds/types.js';
import type { Store } from '../../store/index.js';

export { MDS_FIT_PIPELINE };

const KIND_OF: Record<string, MdsRunKind> = {
  [MDS_FIT_PIPELINE]: 'fit-model',
  [MDS_CLUSTER_PIPELINE]: 'cluster',
  [MDS_CLUSTER_TOY_PIPELINE]: 'cluster',
  [MDS_ASSIGN_PIPELINE]: 'assign',
};

const DATASET_CACHE = 3;

export class MdsView {
  private readonly datasets = new Map<number, Promise<MdsDataset>>();

  constructor(private readonly store: Store) {}

  runs(recordingId?: number): MdsRunSummary[] {
    return this.store.runs
      .list()
      .filter((run) => KIND_OF[run.pipeline] && (recordingId === undefined || run.recordingId === recordingId))
      .map((run) => {
        const kind = KIND_OF[run.pipeline]!;
        const own = kind === 'fit-model' ? this.store.models.ofRun(run.id)[0] : undefined;
        const clusteringRunId = kind === 'assign' && typeof run.params.clusteringRunId === 'number' ? run.params.clusteringRunId : null;
        const clusteringRun = clusteringRunId ? this.store.runs.get(clusteringRunId) : undefined;
        const used = kind === 'cluster' ? run.params.modelId : kind === 'assign' ? clusteringRun?.params.modelId : undefined;
        return {
          runId: run.id,
          kind,
          recordingId: run.recordingId,
          status: run.status,
          createdAt: run.createdAt,
          modelId: own?.id ?? (typeof used === 'number' ? used : null),
          clusteringRunId,
          headline: this.headline(run.id, kind),
        };
      });
  }

  fit(runId: number): MdsModelFit {
    const run = this.store.runs.get(runId);
    if (!run || run.pipeline !== MDS_FIT_PIPELINE) throw new NotFoundError(`MDS fit-model run ${runId}`);
    const v = this.value(runId, 'fit') as (Omit<MdsModelFit, 'heldOutCorr' | 'ceiling'> & { heldOutCorr?: (number | null)[]; ceiling?: (number | null)[] }) | undefined;
    if (!v) throw new ValidationError('runId', `run ${runId} has no model fit (status ${run.status})`);
    const f64 = (key: 'heldOutCorr' | 'ceiling') => {
      const inline = v[key];
      if (Array.isArray(inline)) return Float64Array.from(inline, (x) => (x === null ? Number.NaN : x));
      const stored = this.store.results.array(runId, `fit.${key}`);
      return Float64Array.from((stored?.data as ArrayLike<number> | undefined) ?? []);
    };
    // The controls are stored as arrays beside the fit (fit-pipeline.ts); a run without one gives null.
    const control = (key: 'linearCorr' | 'randomInitCorr'): Float64Array | null => {
      const stored = this.store.results.array(runId, `fit.${key}`);
      return stored ? Float64Array.from(stored.data as ArrayLike<number>) : null;
    };
    const meanOf = (values: Float64Array | null): number | null => {
      const m = values ? finiteMean(values) : Number.NaN;
      return Number.isFinite(m) ? m : null;
    };
    const linearCorr = control('linearCorr');
    const randomInitCorr = control('randomInitCorr');
    const model = this.store.models.ofRun(runId)[0];
    return {
      ...v,
      runId,
      recordingId: run.recordingId ?? v.recordingId,
      status: run.status,
      modelId: model?.id ?? v.modelId ?? null,
      heldOutCorr: f64('heldOutCorr'),
      ceiling: f64('ceiling'),
      linearCorr,
      randomInitCorr,
      meanLinearCorr: meanOf(linearCorr),
      meanRandomInitCorr: meanOf(randomInitCorr),
    };
  }

  clustering(runId: number): MdsClustering {
    const run = this.store.runs.get(runId);
    if (!run || KIND_OF[run.pipeline] !== 'cluster') throw new NotFoundError(`MDS cluster run ${runId}`);
    const c = readClustering(runId, run.recordingId, run.status, {
      value: (key) => this.value(runId, key),
      array: (key) => this.store.results.array(runId, key)?.data as ArrayLike<number> | undefined,
    });
    if (!c) throw new ValidationError('runId', `run ${runId} has no clustering (status ${run.status})`);
    return c;
  }

  assignment(runId: number): MdsAssignment {
    const run = this.store.runs.get(runId);
    if (!run || run.pipeline !== MDS_ASSIGN_PIPELINE) throw new NotFoundError(`MDS assign run ${runId}`);
    const a = readAssignment(runId, this.value(runId, ASSIGNMENT_KEY));
    if (!a) throw new ValidationError('runId', `run ${runId} has no assignment (status ${run.status})`);
    return a;
  }

  /** A cell's trial-averaged responses per protocol beside its cluster's mean ± SD (none for the toy). */
  async cellResponses(runId: number, neuron: number): Promise<MdsCellResponses> {
    const c = this.clustering(runId);
    if (neuron >= c.unitIds.length) throw new ValidationError('neuron', `run ${runId} clustered ${c.unitIds.length} cells; expected 0…${c.unitIds.length - 1}, got ${neuron}`);
    const clusterIndex = c.assignment[neuron]!;
    const members = c.clusters[clusterIndex]!.members;
    const protocols: MdsProtocolResponse[] = [];
    const recording = c.recordingId ? this.store.recordings.get(c.recordingId) : undefined;
    if (recording) {
      const dataset = await this.datasetOf(recording.id, recording.sourcePath);
      if (dataset.nNeurons !== c.unitIds.length) throw new ValidationError('runId', `recording ${recording.id} now has ${dataset.nNeurons} cells, run ${runId} clustered ${c.unitIds.length}`);
      for (const protocol of dataset.protocols) {
        const all = trialAverages(dataset, protocol);
        const L = protocol.lengthFrames;
        const cell = all.slice(neuron * L, (neuron + 1) * L);
        const clusterMean = new Float32Array(L);
        const clusterSd = new Float32Array(L);
        for (let f = 0; f < L; f++) {
          let s = 0;
          let ss = 0;
          for (const m of members) {
            const v = all[m * L + f]!;
            s += v;
            ss += v * v;
          }
          const mean = s / members.length;
          clusterMean[f] = mean;
          clusterSd[f] = members.length > 1 ? Math.sqrt(Math.max(0, (ss - members.length * mean * mean) / (members.length - 1))) : 0;
        }
        protocols.push({ protocol: protocol.name, binS: 1 / dataset.shape.frameRateHz, trials: wholeTrials(dataset, protocol).length, cell, clusterMean, clusterSd, stimulus: protocolStimulusTrace(dataset, protocol) });
      }
    }
    return { runId, neuron, unitId: c.unitIds[neuron]!, cellType: c.cellTypes[neuron] ?? null, clusterIndex, protocols };
  }

  private headline(runId: number, kind: MdsRunKind): string | null {
    const f2 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));
    if (kind === 'fit-model') {
      const v = this.value(runId, 'fit') as { meanHeldOutCorr?: number; meanCeiling?: number } | undefined;
      return v ? `r = ${f2(v.meanHeldOutCorr)} of ceiling ${f2(v.meanCeiling)}` : null;
    }
    if (kind === 'cluster') {
      const v = this.value(runId, 'clustering') as { initialClusters: number; clusters: unknown[]; knownTypes: { ari: number } | null } | undefined;
      return v ? `${v.initialClusters} → ${v.clusters.length} clusters${v.knownTypes ? `, ARI ${f2(v.knownTypes.ari)}` : ''}` : null;
    }
    const v = this.value(runId, ASSIGNMENT_KEY) as { accuracy: number; method: string; cells: number } | undefined;
    return v ? `accuracy ${f2(v.accuracy)} over ${v.cells} cells (${v.method})` : null;
  }

  private value(runId: number, key: string): unknown {
    return this.store.results.list(runId).find((r) => r.key === key)?.value;
  }

  private datasetOf(recordingId: number, path: string): Promise<MdsDataset> {
    const cached = this.datasets.get(recordingId);
    if (cached) return cached;
    const pending = buildMdsDataset({ path });
    this.datasets.set(recordingId, pending);
    pending.catch(() => this.datasets.delete(recordingId));
    while (this.datasets.size > DATASET_CACHE) this.datasets.delete(this.datasets.keys().next().value!);
    return pending;
  }
}
