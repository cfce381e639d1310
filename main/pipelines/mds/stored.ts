/**
 * How the MDS runs' results are stored and read back: one JSON value per run under its contract key
 * ("clustering", "assignment"), with the large typed arrays of a clustering (the MDS clips, their
 * SVD components, the model responses) as array results beside it, so nothing large goes through
 * JSON. The pipelines write with `clusteringItems`; the domain's view service reads with `readClustering`.
 */
import type { MdsAssignment, MdsBaseline, MdsClustering } from '../../../shared/api/mds.js';
import type { ResultItem } from '../../store/index.js';

export const CLUSTERING_KEY = 'clustering';
export const ASSIGNMENT_KEY = 'assignment';
const ARRAY_KEYS = { mds: 'clustering.mds', temporalComponent: 'clustering.temporal', spatialComponent: 'clustering.spatial', responses: 'clustering.responses' } as const;

type Stored<T> = { [K in keyof T]: T[K] extends Int32Array | Float32Array | Float64Array ? number[] : T[K] extends (infer U)[] ? Stored<U>[] : T[K] extends object | null ? (T[K] extends null ? null : Stored<T[K]>) : T[K] };

/** The clustering minus runId/recordingId/status (the run has those) and the array fields. */
export type StoredClustering = Omit<Stored<MdsClustering>, 'runId' | 'recordingId' | 'status' | keyof typeof ARRAY_KEYS>;

export function clusteringItems(c: Omit<MdsClustering, 'runId' | 'recordingId' | 'status'>): ResultItem[] {
  const { mds, temporalComponent, spatialComponent, responses, ...rest } = c;
  const k = c.clusters.length;
  const s = c.stimulus;
  const value: StoredClustering = {
    ...rest,
    assignment: Array.from(rest.assignment),
    componentVariance: Array.from(rest.componentVariance),
    responseConfusion: Array.from(rest.responseConfusion, nanToNull) as number[],
    knownTypes: rest.knownTypes ? { ...rest.knownTypes, counts: Array.from(rest.knownTypes.counts) } : null,
    baselines: rest.baselines.map((b) => ({ ...b, labels: Array.from(b.labels) })),
  };
  return [
    { key: CLUSTERING_KEY, value },
    { key: ARRAY_KEYS.mds, value: { shape: [k, s.frames, s.height, s.width, s.channels] }, array: { data: mds, shape: [k, s.frames, s.height, s.width, s.channels] } },
    { key: ARRAY_KEYS.temporalComponent, value: null, array: { data: temporalComponent, shape: [k, s.frames] } },
    { key: ARRAY_KEYS.spatialComponent, value: null, array: { data: spatialComponent, shape: [k, s.height * s.width * s.channels] } },
    { key: ARRAY_KEYS.responses, value: null, array: { data: responses, shape: [k, c.unitIds.length] } },
  ];
}

function nanToNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** What the reader needs of the store: a result's value and an array result's data. */
export interface ResultSource {
  value(key: string): unknown;
  array(key: string): ArrayLike<number> | undefined;
}

export function readClustering(runId: number, recordingId: number | null, status: MdsClustering['status'], source: ResultSource): MdsClustering | null {
  const v = source.value(CLUSTERING_KEY) as StoredClustering | undefined;
  if (!v) return null;
  const f32 = (key: string) => Float32Array.from(source.array(key) ?? []);
  return {
    ...v,
    runId,
    recordingId,
    status,
    assignment: Int32Array.from(v.assignment),
    componentVariance: Float32Array.from(v.componentVariance),
    responseConfusion: Float32Array.from(v.responseConfusion as (number | null)[], (x) => (x === null ? Number.NaN : x)),
    knownTypes: v.knownTypes ? { ...v.knownTypes, counts: Int32Array.from(v.knownTypes.counts) } : null,
    baselines: v.baselines.map((b) => ({ ...b, labels: Int32Array.from(b.labels) }) as MdsBaseline),
    mds: f32(ARRAY_KEYS.mds),
    temporalComponent: f32(ARRAY_KEYS.temporalComponent),
    spatialComponent: f32(ARRAY_KEYS.spatialComponent),
    responses: f32(ARRAY_KEYS.responses),
  };
}

export type StoredAssignment = Omit<Stored<MdsAssignment>, 'runId'>;

export function assignmentItem(a: Omit<MdsAssignment, 'runId'>): ResultItem {
  const value: StoredAssignment = { ...a, assigned: Array.from(a.assigned), reference: Array.from(a.reference), confusion: Array.from(a.confusion) };
  return { key: ASSIGNMENT_KEY, value };
}

export function readAssignment(runId: number, value: unknown): MdsAssignment | null {
  const v = value as StoredAssignment | undefined;
  if (!v) return null;
  return { ...v, runId, assigned: Int32Array.from(v.assigned), reference: Int32Array.from(v.reference), confusion: Int32Array.from(v.confusion) };
}
