/** `npm run bench`: runs every benchmark (or those named after `--`) and prints figures, with ratios against in-run references. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './types.js';

function format(result: BenchResult): string {
  const value = `${result.value.toFixed(result.value < 10 ? 2 : 0)} ${result.unit}`;
  if (!result.reference) return `${result.name}: ${value}`;
  const ratio = result.value / result.reference.value;
  return `${result.name}: ${value} = ${ratio.toFixed(2)}× ${result.reference.name} (${result.reference.value.toFixed(result.reference.value < 10 ? 2 : 0)} ${result.unit})`;
}

/** `npm run bench -- transport edf` runs only the benchmarks named (all when none are). */
const only = process.argv.slice(2);
// Imported lazily, only the benches that run: some modules start thread pools or load native or
// wasm back-ends when imported, which would compete with the benches that do not need them.
const benches: [string, (dir: string) => Promise<BenchResult[]>][] = [
  ['store', async (dir) => (await import('./store.bench.js')).benchStore(dir)],
  ['edf', async (dir) => (await import('./edf.bench.js')).benchEdf(dir)],
  ['transport', async (dir) => (await import('./transport.bench.js')).benchTransport(dir)],
  ['seizure', async (dir) => (await import('./seizure.bench.js')).benchSeizure(dir)],
  ['seizure-neural', async (dir) => (await import('./seizure-neural.bench.js')).benchSeizureNeural(dir)],
  ['seizure-channel', async (dir) => (await import('./seizure-channel.bench.js')).benchSeizureChannel(dir)],
  ['fisbe-skeleton', async (dir) => (await import('./fisbe-skeleton.js')).benchFisbeSkeleton(dir)],
  ['fisbe', async () => (await import('./fisbe.bench.js')).benchFisbe()],
  ['ntf', async (dir) => (await import('./ntf.bench.js')).benchNtf(dir)],
  ['roi-cohort', async () => (await import('./roi-cohort.bench.js')).benchRoiCohort()],
  ['nifti', async (dir) => (await import('./nifti.bench.js')).benchNifti(dir)],
  ['morphology', async () => (await import('./morphology.bench.js')).benchMorphology()],
  ['matmul', async () => (await import('./matmul.bench.js')).benchMatmul()],
  ['transformer', async () => (await import('./transformer.bench.js')).benchTransformer()],
  ['fmri-connectivity', async () => (await import('./fmri-connectivity.bench.js')).benchFmriConnectivity()],
  ['jepa', async (dir) => (await import('./jepa.bench.js')).benchJepa(dir)],
  ['spikes-connectivity', async () => (await import('./spikes-connectivity.bench.js')).benchSpikesConnectivity()],
  ['neuroformer', async () => (await import('./neuroformer.bench.js')).benchNeuroformer()],
  ['mds', async () => (await import('./mds.bench.js')).benchMds()],
  ['mds-clustering', async (dir) => (await import('./mds-clustering.bench.js')).benchMdsClustering(dir)],
];

const dir = mkdtempSync(join(tmpdir(), 'cajal-bench-'));
try {
  for (const [name, bench] of benches) {
    if (only.length > 0 && !only.includes(name)) continue;
    for (const result of await bench(dir)) console.log(format(result));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
