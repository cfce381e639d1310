/**
 * `cajal neuroformer simulate`: a network with known wiring (main/pipelines/spikes/simulate.ts)
 * written as a Kilosort/Phy folder, so it imports as an ordinary `spikes` recording:
 *   spike_times.npy     int64 sample indices at 30 kHz, time-ordered
 *   spike_clusters.npy  int32 cluster id = neuron index
 *   params.py           sample_rate = 30000.0
 *   cluster_group.tsv   group = E | E hub | I (the cell type the views colour by)
 *   ground_truth.json   W[post·N + pre], E/I, hubs, the stimulus period (data.ts reads it back)
 * The folder must not exist yet or be empty (never written over anything else).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../errors.js';
import { encodeNpy } from '../../io/npy.js';
import { simulateNetwork, type NetworkSimParams, type SimulatedNetwork } from '../spikes/simulate.js';
import { GROUND_TRUTH_FILE, type GroundTruth } from './data.js';

export const SIM_SAMPLE_RATE = 30000;

export function writeSimulatedFolder(folder: string, params: NetworkSimParams): { network: SimulatedNetwork; spikes: number } {
  if (existsSync(folder) && readdirSync(folder).length > 0) throw new ValidationError('folder', `${folder} exists and is not empty; choose a new folder`);
  const network = simulateNetwork(params);
  const n = network.neurons;
  for (let i = 0; i < n; i++) {
    if (network.times[i]!.length === 0) throw new ValidationError('durationS', `neuron ${i} fired no spike; simulate longer or at a higher rate (every neuron must appear as a cluster)`);
  }
  const total = network.times.reduce((s, t) => s + t.length, 0);
  const order: { t: number; c: number }[] = [];
  network.times.forEach((times, c) => times.forEach((t) => order.push({ t, c })));
  order.sort((a, b) => a.t - b.t || a.c - b.c);
  const samples = new BigInt64Array(total);
  const clusters = new Int32Array(total);
  order.forEach((s, i) => {
    samples[i] = BigInt(Math.round(s.t * SIM_SAMPLE_RATE));
    clusters[i] = s.c;
  });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'spike_times.npy'), encodeNpy({ dtype: 'int64', shape: [total], data: samples }));
  writeFileSync(join(folder, 'spike_clusters.npy'), encodeNpy({ dtype: 'int32', shape: [total], data: clusters }));
  writeFileSync(join(folder, 'params.py'), `# written by cajal neuroformer simulate\nsample_rate = ${SIM_SAMPLE_RATE.toFixed(1)}\n`);
  const hubs = new Set(network.hubIndices);
  const rows = Array.from({ length: n }, (_, i) => `${i}\t${network.excitatory[i] ? (hubs.has(i) ? 'E hub' : 'E') : 'I'}`);
  writeFileSync(join(folder, 'cluster_group.tsv'), `cluster_id\tgroup\n${rows.join('\n')}\n`);
  const truth: GroundTruth = {
    neurons: n,
    weights: Array.from(network.weights),
    excitatory: Array.from(network.excitatory, (e) => e === 1),
    hubs: Array.from(network.hubIndices),
    stimulusPeriodS: network.params.stimulusPeriodS,
    durationS: network.params.durationS,
    seed: network.params.seed,
    meanRateHz: network.meanRateHz,
    spectralRadius: network.spectralRadius,
  };
  writeFileSync(join(folder, GROUND_TRUTH_FILE), JSON.stringify(truth));
  return { network, spikes: total };
}
