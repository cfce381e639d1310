/**
 * The MDS views' arithmetic, without React or a canvas (tested in test/unit/renderer/mds-views.test.ts):
 * where one frame of one cluster's MDS lies in the [clusters, frames, height, width, channels] array,
 * the colours of stimulus frames (grey: black = most negative, mid-grey = 0, white = most positive,
 * one scale shared by all clusters so their contrasts compare) and of the spatial SVD components
 * (blue–white–red on [−1, 1]), the confusion tables' cell colours, per-type summaries of the model
 * fit, and the sentences that say what the numbers mean.
 */
import type { MdsAssignment, MdsBaseline, MdsCluster, MdsClustering, MdsModelFit, MdsStimulusShape } from '../../../shared/api/index.js';
import { rampColor } from '../components/colormap.js';
import { typeColors, type TypeColors } from '../spikes/colors.js';

/** Values in one frame of one clip (height · width · channels). */
export const frameSize = (shape: MdsStimulusShape) => shape.height * shape.width * shape.channels;
/** Values in one cluster's clip. */
export const clipSize = (shape: MdsStimulusShape) => shape.frames * frameSize(shape);
/** A clip with one pixel is a full-field sequence: drawn as a trace over time, not as images. */
export const isFullField = (shape: MdsStimulusShape) => shape.height * shape.width === 1;
/** A clip of one frame is an image: no movie, no temporal component. */
export const isStill = (shape: MdsStimulusShape) => shape.frames === 1;

/** Largest |value| (1 when all are 0 or none is finite), the half-range of a symmetric scale. */
export function symmetricScale(values: ArrayLike<number>): number {
  let top = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]!);
    if (Number.isFinite(v) && v > top) top = v;
  }
  return top > 0 ? top : 1;
}

/** Grey for a stimulus value: −scale black, 0 mid-grey, +scale white. */
export function stimulusGrey(value: number, scale: number): number {
  const v = Number.isFinite(value) && scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
  return Math.round(127.5 + 127.5 * v);
}

/** RGBA (height × width) of channel `channel` of frame `frame` of cluster `cluster`'s MDS. */
export function framePixels(mds: ArrayLike<number>, shape: MdsStimulusShape, cluster: number, frame: number, channel: number, scale: number): Uint8ClampedArray<ArrayBuffer> {
  const { height, width, channels } = shape;
  const rgba = new Uint8ClampedArray(height * width * 4);
  const base = cluster * clipSize(shape) + frame * frameSize(shape);
  for (let p = 0; p < height * width; p++) {
    const g = stimulusGrey(mds[base + p * channels + channel]!, scale);
    rgba.set([g, g, g, 255], p * 4);
  }
  return rgba;
}

/** Signed diverging colour: −1 blue, 0 near-white, +1 red (the spatial components, already in [−1, 1]). */
export function divergingColor(value: number): [number, number, number] {
  const v = Math.max(-1, Math.min(1, Number.isFinite(value) ? value : 0));
  const white = [247, 247, 247];
  const end = v >= 0 ? [178, 24, 43] : [33, 102, 172];
  const f = Math.abs(v);
  return [0, 1, 2].map((k) => Math.round(white[k]! + f * (end[k]! - white[k]!))) as [number, number, number];
}

/** RGBA (height × width) of one channel of cluster `cluster`'s spatial component ([clusters, h·w·c]). */
export function componentPixels(spatial: ArrayLike<number>, shape: MdsStimulusShape, cluster: number, channel: number): Uint8ClampedArray<ArrayBuffer> {
  const { height, width, channels } = shape;
  const rgba = new Uint8ClampedArray(height * width * 4);
  const base = cluster * frameSize(shape);
  for (let p = 0; p < height * width; p++) rgba.set([...divergingColor(spatial[base + p * channels + channel]!), 255], p * 4);
  return rgba;
}

/**
 * The frame where the MDS are strongest (sum of squares over all clusters): the movie opens there,
 * not on a first frame that is often flat.
 */
export function strongestFrame(mds: ArrayLike<number>, shape: MdsStimulusShape, clusters: number): number {
  let best = 0;
  let bestEnergy = -1;
  const fs = frameSize(shape);
  for (let f = 0; f < shape.frames; f++) {
    let energy = 0;
    for (let k = 0; k < clusters; k++) {
      const base = k * clipSize(shape) + f * fs;
      for (let p = 0; p < fs; p++) energy += mds[base + p]! ** 2;
    }
    if (energy > bestEnergy) (bestEnergy = energy), (best = f);
  }
  return best;
}

/** One channel of one pixel of a cluster's MDS over all frames (the full-field trace, or the centre pixel). */
export function pixelTrace(mds: ArrayLike<number>, shape: MdsStimulusShape, cluster: number, pixel: number, channel: number): number[] {
  const out: number[] = [];
  const base = cluster * clipSize(shape) + pixel * shape.channels + channel;
  for (let f = 0; f < shape.frames; f++) out.push(mds[base + f * frameSize(shape)]!);
  return out;
}

/** A cluster's temporal component ([clusters, frames]). */
export function temporalOf(temporal: ArrayLike<number>, frames: number, cluster: number): number[] {
  return Array.from({ length: frames }, (_, f) => temporal[cluster * frames + f]!);
}

/** Colours per cluster index, the same in every panel (gallery, trajectories, cell traces). */
const CLUSTER_PALETTE = ['#1f77b4', '#e6811f', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
export const clusterColor = (index: number) => CLUSTER_PALETTE[index % CLUSTER_PALETTE.length]!;

/** Neurons in display order: cluster by cluster, members in index order. */
export function cellOrder(clusters: readonly Pick<MdsCluster, 'members'>[]): number[] {
  return clusters.flatMap((c) => [...c.members].sort((a, b) => a - b));
}

/**
 * Colours per cell type for the fit's scatter: the Spikes view's (OFF blue, ON orange) for one or
 * two types; with more (a simulated retina's eight planted types) every OFF type would share one
 * blue, so each type gets its own colour from the cluster palette, in sorted order.
 */
export function fitTypeColors(types: readonly (string | null)[]): TypeColors {
  const base = typeColors(types);
  const named = base.legend.filter((l) => l.type !== null);
  if (named.length <= 2) return base;
  const colour = new Map(named.map((l, i) => [l.type, CLUSTER_PALETTE[i % CLUSTER_PALETTE.length]!] as const));
  const colorOf = (type: string | null) => (type === null ? base.colorOf(null) : colour.get(type) ?? base.colorOf(type));
  return { legend: base.legend.map((l) => ({ ...l, color: colorOf(l.type) })), colorOf };
}

/** "Cluster 3" — the stable id the run gave it (a split's sub-clusters get new ids). */
export const clusterName = (cluster: Pick<MdsCluster, 'clusterId'>) => `Cluster ${cluster.clusterId}`;

/** "12 cells, 10 OFF parasol" — the size and what most of its members are. */
export function clusterMembersText(cluster: Pick<MdsCluster, 'members' | 'majorityType'>, cellTypes: readonly (string | null)[]): string {
  const n = cluster.members.length;
  const cells = `${n} cell${n === 1 ? '' : 's'}`;
  if (cluster.majorityType === null) return cells;
  const same = cluster.members.filter((m) => cellTypes[m] === cluster.majorityType).length;
  return `${cells}, ${same} ${cluster.majorityType}`;
}

/**
 * Colour and text colour of a confusion cell: `value` on [0, top] along the ramp (dark low, bright
 * high), text black on the bright half so every number stays readable.
 */
export function heatCell(value: number, top: number): { background: string; color: string } {
  const f = top > 0 && Number.isFinite(value) ? Math.max(0, Math.min(1, value / top)) : 0;
  const [r, g, b] = rampColor(f);
  return { background: `rgb(${r}, ${g}, ${b})`, color: f > 0.55 ? '#111' : '#fff' };
}

/** Row `i` of a row-major [rows, cols] matrix. */
export function row(matrix: ArrayLike<number>, cols: number, i: number): number[] {
  return Array.from({ length: cols }, (_, j) => matrix[i * cols + j]!);
}

/**
 * How distinct the MDS are, from the response confusion (column-normalised so the diagonal is 1):
 * per column the largest off-diagonal value. Below 1, each cluster's cells respond most to their own MDS.
 */
export function worstOffDiagonal(confusion: ArrayLike<number>, k: number): { value: number; mds: number; cells: number } | null {
  let worst: { value: number; mds: number; cells: number } | null = null;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      const v = confusion[i * k + j]!;
      if (Number.isFinite(v) && (!worst || v > worst.value)) worst = { value: v, mds: i, cells: j };
    }
  return worst;
}

export const f2 = (v: number | null | undefined) => (v !== null && v !== undefined && Number.isFinite(v) ? v.toFixed(2) : '—');
export const f3 = (v: number | null | undefined) => (v !== null && v !== undefined && Number.isFinite(v) ? v.toFixed(3) : '—');
export const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(100 * v)} %` : '—');

/** "12.3 s", "2 min 05 s". */
export function secondsText(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s < 90) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
}

/** The clustering's first line: "5 random clusters → 2 clusters after 4 EM passes and 2 split attempts (1 accepted); ARI 1.00 against the known types". */
export function clusteringHeadline(c: Pick<MdsClustering, 'initialClusters' | 'clusters' | 'trajectory' | 'splits' | 'knownTypes' | 'unitIds'>): string {
  const em = c.trajectory.filter((t) => t.phase === 'em').length;
  const accepted = c.splits.filter((s) => s.accepted).length;
  const parts = [`${c.unitIds.length} cells, ${c.initialClusters} initial clusters → ${c.clusters.length} cluster${c.clusters.length === 1 ? '' : 's'}`];
  const passes = [`${em} EM pass${em === 1 ? '' : 'es'}`];
  if (c.splits.length) passes.push(`${c.splits.length} split attempt${c.splits.length === 1 ? '' : 's'} (${accepted} accepted)`);
  parts.push(`after ${passes.join(' and ')}`);
  let line = parts.join(' ');
  if (c.knownTypes) line += `; ARI ${f2(c.knownTypes.ari)} against the ${c.knownTypes.types.length} known types`;
  return `${line}.`;
}

/** The baselines beside the MDS clustering in words: who has the highest ARI against the known types. */
export function baselineVerdict(mdsAri: number | null, baselines: readonly Pick<MdsBaseline, 'method' | 'ari' | 'clusters'>[]): string | null {
  if (mdsAri === null || !Number.isFinite(mdsAri)) return baselines.length ? 'No known cell types: the baselines are listed by their cluster counts only.' : null;
  const scored = baselines.filter((b) => b.ari !== null && Number.isFinite(b.ari));
  if (scored.length === 0) return null;
  const best = scored.reduce((a, b) => (b.ari! > a.ari! ? b : a));
  const margin = mdsAri - best.ari!;
  if (Math.abs(margin) < 0.005) return `MDS clustering and ${best.method} agree with the known types equally well (ARI ${f2(mdsAri)}).`;
  if (margin > 0) return `MDS clustering agrees best with the known types: ARI ${f2(mdsAri)}, ${f2(margin)} above the best baseline (${best.method}, ${f2(best.ari)}).`;
  return `The ${best.method} baseline agrees better with the known types than MDS clustering: ARI ${f2(best.ari)} vs ${f2(mdsAri)}.`;
}

export interface TypeFit {
  type: string | null;
  count: number;
  meanR: number;
  meanCeiling: number;
  /** The controls on the same test trials (NaN where the run has none). */
  meanLinear: number;
  meanRandomInit: number;
}

/** Per cell type: mean held-out r, ceiling and controls over the neurons where each is finite. */
export function fitByType(fit: Pick<MdsModelFit, 'cellTypes' | 'heldOutCorr' | 'ceiling'> & Partial<Pick<MdsModelFit, 'linearCorr' | 'randomInitCorr'>>): TypeFit[] {
  const sum = () => ({ s: 0, n: 0 });
  const groups = new Map<string | null, { count: number; r: ReturnType<typeof sum>; c: ReturnType<typeof sum>; l: ReturnType<typeof sum>; z: ReturnType<typeof sum> }>();
  const add = (acc: { s: number; n: number }, v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) (acc.s += v), (acc.n += 1);
  };
  fit.cellTypes.forEach((type, i) => {
    const g = groups.get(type) ?? { count: 0, r: sum(), c: sum(), l: sum(), z: sum() };
    g.count += 1;
    add(g.r, fit.heldOutCorr[i]);
    add(g.c, fit.ceiling[i]);
    add(g.l, fit.linearCorr?.[i]);
    add(g.z, fit.randomInitCorr?.[i]);
    groups.set(type, g);
  });
  const avg = (acc: { s: number; n: number }) => (acc.n ? acc.s / acc.n : Number.NaN);
  const collator = new Intl.Collator('en', { numeric: true });
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : collator.compare(a, b)))
    .map(([type, g]) => ({ type, count: g.count, meanR: avg(g.r), meanCeiling: avg(g.c), meanLinear: avg(g.l), meanRandomInit: avg(g.z) }));
}

/** The controls in words: the model's held-out r beside the linear filter's and its own untrained version's, same trials. */
export function fitControlsText(fit: Pick<MdsModelFit, 'meanHeldOutCorr' | 'meanLinearCorr' | 'meanRandomInitCorr' | 'linearCorr' | 'randomInitCorr'>): string {
  const parts: string[] = [];
  if (fit.meanLinearCorr !== null) parts.push(`the linear-filter baseline ${f2(fit.meanLinearCorr)}`);
  else if (fit.linearCorr === null) parts.push('no linear-filter baseline in this run');
  if (fit.meanRandomInitCorr !== null) parts.push(`the same ensemble at its random initialisation ${f2(fit.meanRandomInitCorr)}`);
  else if (fit.randomInitCorr === null) parts.push('no random-initialisation control in this run');
  else parts.push('the random-initialisation control predicts a constant (r undefined)');
  return `Controls on the same test trials: mean held-out r of ${parts.join('; ')} (the model: ${f2(fit.meanHeldOutCorr)}).`;
}

/** The model's quality in words: its mean held-out r as a share of the reliability ceiling. */
export function fitVerdict(fit: Pick<MdsModelFit, 'meanHeldOutCorr' | 'meanCeiling' | 'heldOutCorr' | 'ceiling'>): string {
  const r = fit.meanHeldOutCorr;
  const c = fit.meanCeiling;
  if (!Number.isFinite(r)) return 'No held-out correlation could be computed.';
  let above = 0;
  let both = 0;
  for (let i = 0; i < fit.heldOutCorr.length; i++) {
    if (Number.isFinite(fit.heldOutCorr[i]!) && Number.isFinite(fit.ceiling[i]!)) {
      both += 1;
      if (fit.heldOutCorr[i]! >= fit.ceiling[i]!) above += 1;
    }
  }
  const share = Number.isFinite(c) && c > 0 ? `, ${pct(r / c)} of the reliability ceiling ${f2(c)}` : '';
  const note = above > 0 ? ` ${above} of ${both} neurons reach their ceiling (the split-half ceiling is itself noisy with few trials).` : '';
  return `Mean held-out r ${f2(r)}${share}.${note}`;
}

/** What an assign run did, in words. */
export function assignmentMethodText(method: MdsAssignment['method']): string {
  if (method === 'simulated-new-cells') return 'new cells drawn from the simulated retina’s planted types were shown each cluster’s MDS; each goes to the MDS that drove its Poisson response most';
  if (method === 'model-held-out') return 'cells left out of the clustering, through the response model: each goes to the MDS that drives its predicted response most';
  return 'every clustered cell through the response model (the reference’s compute_pred_conf_mtx_raw): each goes to the MDS that drives its predicted response most';
}

/**
 * What an assignment's accuracy counts, read off the numbers: cells without a reference cluster
 * (their type is no cluster's majority) either count as misses or are left out.
 */
export function accuracyBasis(accuracy: number, correct: number, cells: number, unreferenced: number): string {
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;
  if (unreferenced === 0) return cells > 0 && near(accuracy, correct / cells) ? ` (${correct} of ${cells} cells)` : '';
  const none = `${unreferenced} ${unreferenced === 1 ? 'is of a type' : 'are of types'} no cluster stands for`;
  if (cells > 0 && near(accuracy, correct / cells)) return ` (${correct} of ${cells} cells; ${none}, counted as misses)`;
  if (cells > unreferenced && near(accuracy, correct / (cells - unreferenced))) return ` (${correct} of the ${cells - unreferenced} cells whose type a cluster stands for; ${none}, left out)`;
  return ` (${none})`;
}

/** Evenly spaced tick values over [lo, hi] (about `count`, at 1, 2, 2.5 or 5 × 10^k). */
export function ticks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** [min, max] of finite values, padded when flat; [0, 1] when none. */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}
