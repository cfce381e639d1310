/**
 * Connectivity baselines on a simulated network with known wiring (#20): the numbers Neuroformer's
 * attention connectivity has to beat. Simulates a 100-neuron network (main/pipelines/spikes/
 * simulate.ts), infers directed connectivity from the spikes by cross-correlogram peaks and by Poisson
 * GLM coupling filters, and scores both against the true W (AUROC, AUPRC, hubs, direction).
 *
 *   npx tsx bench/spikes-connectivity.bench.ts [durationS=600] [neurons=100] [seed=1]
 *   npm run bench -- spikes-connectivity          (SPIKES_BENCH_DURATION_S, default 120: the GLM's
 *                                                  Newton fits take ~35 min for 600 s on a busy 2-core box)
 */
import { ccgConnectivity } from '../main/pipelines/spikes/correlogram-connectivity.js';
import { absolute, scoreConnectivity, type ConnectivityScores } from '../main/pipelines/spikes/connectivity-metrics.js';
import { glmConnectivity } from '../main/pipelines/spikes/glm.js';
import { simulateNetwork, stimulusAt } from '../main/pipelines/spikes/simulate.js';
import type { BenchResult } from './types.js';

export interface ConnectivityBenchReport {
  durationS: number;
  neurons: number;
  seed: number;
  meanRateHz: number;
  edges: number;
  spectralRadius: number;
  simulateS: number;
  ccg: ConnectivityScores & { seconds: number };
  glm: ConnectivityScores & { seconds: number };
}

export function runConnectivityBench(durationS: number, neurons: number, seed: number, log: (line: string) => void = () => {}): ConnectivityBenchReport {
  let t0 = performance.now();
  const sim = simulateNetwork({ neurons, durationS, seed });
  const simulateS = (performance.now() - t0) / 1000;
  log(`simulated ${neurons} neurons × ${durationS} s in ${simulateS.toFixed(1)} s: mean rate ${sim.meanRateHz.toFixed(2)} Hz, ρ(W⁺) ${sim.spectralRadius.toFixed(3)}`);
  const hubs = sim.params.hubs;
  t0 = performance.now();
  const ccg = ccgConnectivity(sim.times);
  const ccgS = (performance.now() - t0) / 1000;
  const ccgScores = { ...scoreConnectivity(sim.weights, absolute(ccg.z), neurons, { hubs }), seconds: ccgS };
  log(`CCG peaks: ${ccgS.toFixed(1)} s`);
  const period = sim.params.stimulusPeriodS;
  t0 = performance.now();
  const glm = glmConnectivity(
    sim.times,
    0,
    durationS,
    (t) => [stimulusAt(t, period), Math.sin((2 * Math.PI * t) / period)],
    {},
    (done, total) => {
      if (done % 10 === 0) log(`GLM ${done}/${total} neurons, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    },
  );
  const glmS = (performance.now() - t0) / 1000;
  const glmScores = { ...scoreConnectivity(sim.weights, absolute(glm.coupling), neurons, { hubs }), seconds: glmS };
  const edges = ccgScores.edges;
  return { durationS, neurons, seed, meanRateHz: sim.meanRateHz, edges, spectralRadius: sim.spectralRadius, simulateS, ccg: ccgScores, glm: glmScores };
}

export function formatReport(r: ConnectivityBenchReport): string {
  const row = (name: string, s: ConnectivityScores & { seconds: number }) =>
    `| ${name} | ${s.auroc.toFixed(3)} | ${s.auprc.toFixed(3)} | ${s.hubSpearman.toFixed(3)} | ${s.hubRecall.toFixed(2)} | ${s.directionAuroc.toFixed(3)} | ${s.seconds.toFixed(0)} s |`;
  return [
    `Simulated network: ${r.neurons} neurons, ${r.durationS} s, seed ${r.seed}; ${r.edges} edges of ${r.neurons * (r.neurons - 1)} (chance AUPRC ${r.ccg.chanceAuprc.toFixed(3)}), mean rate ${r.meanRateHz.toFixed(2)} Hz, ρ(W⁺) = ${r.spectralRadius.toFixed(2)}`,
    '| method | AUROC | AUPRC | hub Spearman | hub recall | direction AUROC | time |',
    '|---|---|---|---|---|---|---|',
    row('cross-correlogram peak (jitter-corrected)', r.ccg),
    row('Poisson GLM coupling filters', r.glm),
  ].join('\n');
}

/** `npm run bench -- spikes-connectivity`. */
export function benchSpikesConnectivity(): BenchResult[] {
  const durationS = Number(process.env.SPIKES_BENCH_DURATION_S ?? 120);
  const r = runConnectivityBench(durationS, 100, 1, (line) => console.log(line));
  console.log(formatReport(r));
  return [
    { name: `spikes connectivity: CCG AUROC (100 neurons, ${durationS} s)`, value: r.ccg.auroc, unit: '' },
    { name: `spikes connectivity: GLM AUROC (100 neurons, ${durationS} s)`, value: r.glm.auroc, unit: '' },
    { name: `spikes connectivity: GLM fit time`, value: r.glm.seconds, unit: 's', reference: { name: 'CCG', value: r.ccg.seconds } },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [durationS = 600, neurons = 100, seed = 1] = process.argv.slice(2).map(Number);
  const r = runConnectivityBench(durationS, neurons, seed, (line) => console.log(line));
  console.log(formatReport(r));
  console.log(JSON.stringify(r));
}
