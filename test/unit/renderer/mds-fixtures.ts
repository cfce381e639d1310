/**
 * Results of the three MDS runs made in code, shaped by the contract (shared/api/mds.ts) and checked
 * against its schemas: a simulated-retina-like clustering (8 × 8 movies, green and UV, four clusters
 * with centre–surround MDS of either polarity, a rejected and an accepted split), a full-field one
 * (the real retina's single contrast channel), a toy still-image one, a model fit and an assignment.
 * For the views' unit test and for looking at the views before the engine has real runs.
 */
import type { MdsAssignment, MdsCellResponses, MdsClustering, MdsModelFit, MdsStimulusShape } from '../../../shared/api/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TYPES = ['OFF sustained large green', 'OFF transient small UV', 'ON sustained large green', 'ON transient small UV'];

/** A centre–surround movie per cluster: sign × (centre − 0.4 surround) × a biphasic time course. */
function movies(shape: MdsStimulusShape, polarities: number[]): Float32Array {
  const { frames, height, width, channels } = shape;
  const out = new Float32Array(polarities.length * frames * height * width * channels);
  polarities.forEach((sign, k) => {
    const cx = (width - 1) / 2 + (k % 2) - 0.5;
    const cy = (height - 1) / 2;
    for (let f = 0; f < frames; f++) {
      const t = f / frames;
      const time = Math.sin(2 * Math.PI * t * (1 + (k % 3))) * Math.exp(-2 * t);
      for (let yy = 0; yy < height; yy++)
        for (let xx = 0; xx < width; xx++) {
          const d2 = (xx - cx) ** 2 + (yy - cy) ** 2;
          const space = Math.exp(-d2 / 3) - 0.4 * Math.exp(-d2 / 12);
          for (let c = 0; c < channels; c++) out[(((k * frames + f) * height + yy) * width + xx) * channels + c] = sign * space * time * (c === 0 ? 1 : 0.5 + 0.2 * k);
        }
    }
  });
  return out;
}

function firstComponents(shape: MdsStimulusShape, k: number, mds: Float32Array) {
  const fs = shape.height * shape.width * shape.channels;
  const temporal = new Float32Array(k * shape.frames);
  const spatial = new Float32Array(k * fs);
  for (let c = 0; c < k; c++) {
    // The frame of largest energy as the spatial map, projections on it as the time course: enough for a picture.
    let best = 0;
    let bestE = -1;
    for (let f = 0; f < shape.frames; f++) {
      let e = 0;
      for (let p = 0; p < fs; p++) e += mds[(c * shape.frames + f) * fs + p]! ** 2;
      if (e > bestE) (bestE = e), (best = f);
    }
    let top = 0;
    for (let p = 0; p < fs; p++) top = Math.max(top, Math.abs(mds[(c * shape.frames + best) * fs + p]!));
    const centrePixel = Math.floor(shape.height / 2) * shape.width + Math.floor(shape.width / 2);
    const centre = mds[(c * shape.frames + best) * fs + centrePixel * shape.channels]! >= 0 ? 1 : -1;
    for (let p = 0; p < fs; p++) spatial[c * fs + p] = (centre * mds[(c * shape.frames + best) * fs + p]!) / (top || 1);
    for (let f = 0; f < shape.frames; f++) {
      let dot = 0;
      for (let p = 0; p < fs; p++) dot += mds[(c * shape.frames + f) * fs + p]! * spatial[c * fs + p]!;
      temporal[c * shape.frames + f] = dot;
    }
  }
  return { temporal, spatial, variance: Float32Array.from({ length: k }, (_, c) => 0.9 - 0.05 * c) };
}

export function simulatedClustering(): MdsClustering {
  const r = rng(3);
  const shape: MdsStimulusShape = { frames: 30, height: 8, width: 8, channels: 2, frameRateHz: 30, channelNames: ['green', 'uv'] };
  const n = 32;
  const cellTypes = Array.from({ length: n }, (_, i) => TYPES[i % 4]!);
  const assignment = Int32Array.from({ length: n }, (_, i) => (i === 5 ? 2 : i % 4));
  const k = 4;
  const clusters = Array.from({ length: k }, (_, c) => ({
    clusterId: [0, 1, 5, 6][c]!,
    members: Array.from(assignment).flatMap((a, i) => (a === c ? [i] : [])),
    majorityType: TYPES[c]!,
    loss: -0.9 - 0.1 * r(),
  }));
  const mds = movies(shape, [-1, -1, 1, 1]);
  const { temporal, spatial, variance } = firstComponents(shape, k, mds);
  const confusion = new Float32Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) confusion[i * k + j] = i === j ? 1 : 0.2 + 0.5 * r();
  const counts = new Int32Array(k * 4);
  assignment.forEach((a, i) => (counts[a * 4 + (i % 4)]! += 1));
  const responses = Float32Array.from({ length: k * n }, () => r() * 3);
  return {
    runId: 3,
    recordingId: 1,
    modelId: 1,
    status: 'succeeded',
    unitIds: Array.from({ length: n }, (_, i) => String(i)),
    cellTypes,
    initialClusters: 3,
    temperature: 1.6,
    seed: 42,
    clusters,
    assignment,
    stimulus: shape,
    mds,
    temporalComponent: temporal,
    spatialComponent: spatial,
    componentVariance: variance,
    responses,
    responseConfusion: confusion,
    knownTypes: { types: TYPES, counts, ari: 0.93 },
    selfAssignmentAccuracy: 0.97,
    trajectory: [
      { phase: 'em', iteration: 0, clusters: 3, moved: 20, loss: -0.4 },
      { phase: 'em', iteration: 1, clusters: 3, moved: 6, loss: -0.62 },
      { phase: 'em', iteration: 2, clusters: 3, moved: 0, loss: -0.7 },
      { phase: 'split', iteration: 3, clusters: 4, moved: 3, loss: -0.8 },
      { phase: 'split', iteration: 4, clusters: 4, moved: 0, loss: -0.86 },
      { phase: 'split', iteration: 5, clusters: 5, moved: 2, loss: -0.8 },
      { phase: 'final', iteration: 6, clusters: 4, moved: 0, loss: -0.95 },
    ],
    splits: [
      { clusterId: 0, subclusters: 2, lossBefore: -0.7, lossAfter: -0.86, accepted: true, newClusterIds: [5] },
      { clusterId: 1, subclusters: 1, lossBefore: -0.86, lossAfter: null, accepted: false, newClusterIds: [] },
      { clusterId: 5, subclusters: 2, lossBefore: -0.86, lossAfter: -0.8, accepted: false, newClusterIds: [] },
      { clusterId: 0, subclusters: 2, lossBefore: -0.86, lossAfter: -0.95, accepted: true, newClusterIds: [6] },
    ],
    finalLoss: -0.95,
    baselines: [
      { method: 'k-means', clusters: 4, ari: 0.71, labels: Int32Array.from({ length: n }, (_, i) => i % 3), notes: 'k = number of planted types' },
      { method: 'sparse-pca + gmm (bic)', clusters: 5, ari: 0.8, labels: Int32Array.from({ length: n }, (_, i) => i % 5), notes: 'diagonal covariance, k by BIC over 2–10' },
    ],
    seconds: 84.2,
    stepsPerSecond: 14.3,
    notes: ['Initial clusters: the reference’s seeded shuffle-and-chunk.', 'No merge step: the reference’s merge is unfinished.'],
  };
}

export function fullFieldClustering(): MdsClustering {
  const base = simulatedClustering();
  const shape: MdsStimulusShape = { frames: 60, height: 1, width: 1, channels: 1, frameRateHz: 100, channelNames: ['contrast'] };
  const n = 49;
  const cellTypes = Array.from({ length: n }, (_, i) => (i < 31 ? 'OFF parasol' : 'ON parasol'));
  const assignment = Int32Array.from({ length: n }, (_, i) => (i < 31 ? 0 : 1));
  const mds = new Float32Array(2 * 60);
  for (let f = 0; f < 60; f++) {
    mds[f] = f < 30 ? -0.8 : 0.8;
    mds[60 + f] = f < 30 ? 0.8 : -0.8;
  }
  return {
    ...base,
    runId: 7,
    unitIds: Array.from({ length: n }, (_, i) => String(i)),
    cellTypes,
    initialClusters: 5,
    clusters: [
      { clusterId: 0, members: Array.from({ length: 31 }, (_, i) => i), majorityType: 'OFF parasol', loss: -0.67 },
      { clusterId: 2, members: Array.from({ length: 18 }, (_, i) => 31 + i), majorityType: 'ON parasol', loss: -0.68 },
    ],
    assignment,
    stimulus: shape,
    mds,
    temporalComponent: mds.slice(),
    spatialComponent: Float32Array.from([1, 1]),
    componentVariance: Float32Array.from([1, 1]),
    responses: new Float32Array(2 * n),
    responseConfusion: Float32Array.from([1, 0.3, 0.25, 1]),
    knownTypes: { types: ['OFF parasol', 'ON parasol'], counts: Int32Array.from([31, 0, 0, 18]), ari: 1 },
    baselines: [{ method: 'k-means', clusters: 2, ari: 1, labels: assignment, notes: null }],
    splits: [],
    trajectory: [
      { phase: 'em', iteration: 0, clusters: 5, moved: 30, loss: -0.2 },
      { phase: 'em', iteration: 1, clusters: 2, moved: 4, loss: -0.6 },
      { phase: 'em', iteration: 2, clusters: 2, moved: 0, loss: -0.675 },
    ],
  };
}

export function toyClustering(): MdsClustering {
  const base = simulatedClustering();
  const shape: MdsStimulusShape = { frames: 1, height: 18, width: 18, channels: 1, frameRateHz: 1, channelNames: ['intensity'] };
  const mds = new Float32Array(2 * 18 * 18);
  mds.fill(1, 0, 324);
  mds.fill(-1, 324);
  return {
    ...base,
    runId: 9,
    recordingId: null,
    modelId: null,
    unitIds: Array.from({ length: 42 }, (_, i) => String(i)),
    cellTypes: Array.from({ length: 42 }, (_, i) => (i % 2 ? 'odd (off)' : 'even (on)')),
    initialClusters: 5,
    clusters: [
      { clusterId: 0, members: Array.from({ length: 21 }, (_, i) => 2 * i), majorityType: 'even (on)', loss: -0.675 },
      { clusterId: 1, members: Array.from({ length: 21 }, (_, i) => 2 * i + 1), majorityType: 'odd (off)', loss: -0.675 },
    ],
    assignment: Int32Array.from({ length: 42 }, (_, i) => i % 2),
    stimulus: shape,
    mds,
    temporalComponent: Float32Array.from([1, 1]),
    spatialComponent: mds.map((v) => Math.sign(v)),
    componentVariance: Float32Array.from([1, 1]),
    responses: new Float32Array(2 * 42),
    responseConfusion: Float32Array.from([1, -1, -1, 1]),
    knownTypes: { types: ['even (on)', 'odd (off)'], counts: Int32Array.from([21, 0, 0, 21]), ari: 1 },
    baselines: [],
    splits: [],
  };
}

export function modelFit(): MdsModelFit {
  const r = rng(5);
  const n = 32;
  const epochs = Array.from({ length: 20 }, (_, i) => i + 1);
  const ceiling = Float64Array.from({ length: n }, () => 0.5 + 0.45 * r());
  return {
    runId: 2,
    recordingId: 1,
    status: 'succeeded',
    modelId: 1,
    stimulus: { frames: 30, height: 8, width: 8, channels: 2, frameRateHz: 30, channelNames: ['green', 'uv'] },
    seeds: [0, 1, 2],
    epochs,
    trainLoss: epochs.map((e) => 0.4 + 0.6 / e),
    validationLoss: epochs.map((e) => (e % 5 === 0 ? null : 0.45 + 0.6 / e + 0.002 * e)),
    validationCorr: epochs.map((e) => 0.7 - 0.6 / e),
    unitIds: Array.from({ length: n }, (_, i) => String(i)),
    cellTypes: Array.from({ length: n }, (_, i) => TYPES[i % 4]!),
    heldOutCorr: ceiling.map((c) => c * (0.6 + 0.35 * r())),
    ceiling,
    meanHeldOutCorr: 0.58,
    meanCeiling: 0.72,
    linearCorr: ceiling.map((c) => c * 0.5),
    randomInitCorr: ceiling.map(() => 0.05 * (r() - 0.5)),
    meanLinearCorr: 0.36,
    meanRandomInitCorr: 0.0,
    testTrials: 10,
    testDescription: 'repeated noise',
    seconds: 312,
    notes: ['Early stopping on the validation frames (patience 5).'],
  };
}

export function assignment(): MdsAssignment {
  const k = 4;
  const cells = 40;
  const reference = Int32Array.from({ length: cells }, (_, i) => (i === 39 ? -1 : i % k));
  const assigned = Int32Array.from({ length: cells }, (_, i) => (i % 7 === 0 ? (i + 1) % k : i % k));
  const confusion = new Int32Array(k * k);
  reference.forEach((ref, i) => {
    if (ref >= 0) confusion[ref * k + assigned[i]!]! += 1;
  });
  return { runId: 4, clusteringRunId: 3, method: 'simulated-new-cells', cells, clusters: k, assigned, reference, accuracy: 0.85, confusion, ari: 0.74, seconds: 3.2, notes: ['10 new cells per planted type.'] };
}

export function cellResponses(neuron: number, clustering: MdsClustering): MdsCellResponses {
  const r = rng(11 + neuron);
  const k = clustering.assignment[neuron]!;
  const protocols = ['chirp', 'moving bars'].map((protocol, p) => {
    const bins = p === 0 ? 100 : 60;
    const binS = p === 0 ? 0.05 : 0.1;
    const stimulus = Float32Array.from({ length: bins }, (_, i) => (p === 0 ? Math.sin((i * i) / 400) : i % 20 < 4 ? 1 : 0));
    const sign = k < 2 ? -1 : 1;
    const clusterMean = Float32Array.from(stimulus, (s) => Math.max(0, 10 + 8 * sign * s));
    return { protocol, binS, trials: 10, cell: clusterMean.map((m) => Math.max(0, m + 4 * (r() - 0.5))), clusterMean, clusterSd: clusterMean.map(() => 2), stimulus };
  });
  return { runId: clustering.runId, neuron, unitId: clustering.unitIds[neuron]!, cellType: clustering.cellTypes[neuron] ?? null, clusterIndex: k, protocols };
}
