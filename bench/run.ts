/** `npm run bench`: runs every benchmark (or those named after `--`) and prints figures, with ratios against in-run references. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEdf } from './edf.bench.js';
import { benchFisbe } from './fisbe.bench.js';
import { benchFisbeSkeleton } from './fisbe-skeleton.js';
import { benchFmriConnectivity } from './fmri-connectivity.bench.js';
import { benchMatmul } from './matmul.bench.js';
import { benchTransformer } from './transformer.bench.js';
import { benchNifti } from './nifti.bench.js';
import { benchNtf } from './ntf.bench.js';
import { benchRoiCohort } from './roi-cohort.bench.js';
import { benchMorphology } from './morphology.bench.js';
import { benchSeizure } from './seizure.bench.js';
import { benchSeizureNeural } from './seizure-neural.bench.js';
import { benchStore } from './store.bench.js';
import { benchTransport } from './transport.bench.js';
import type { BenchResult } from './types.js';

function format(result: BenchResult): string {
  const value = `${result.value.toFixed(result.value < 10 ? 2 : 0)} ${result.unit}`;
  if (!result.reference) return `${result.name}: ${value}`;
  const ratio = result.value / result.reference.value;
  return `${result.name}: ${value} = ${ratio.toFixed(2)}× ${result.reference.name} (${result.reference.value.toFixed(0)} ${result.unit})`;
}

/** `npm run bench -- transport edf` runs only the benchmarks named (all when none are). */
const only = process.argv.slice(2);
const benches: [string, (dir: string) => BenchResult[] | Promise<BenchResult[]>][] = [
  ['store', benchStore],
  ['edf', benchEdf],
  ['transport', benchTransport],
  ['seizure', benchSeizure],
  ['seizure-neural', benchSeizureNeural],
  ['fisbe-skeleton', benchFisbeSkeleton],
  ['fisbe', () => benchFisbe()],
  ['ntf', benchNtf],
  ['roi-cohort', () => benchRoiCohort()],
  ['nifti', benchNifti],
  ['morphology', () => benchMorphology()],
  ['matmul', () => benchMatmul()],
  ['transformer', () => benchTransformer()],
  ['fmri-connectivity', () => benchFmriConnectivity()],
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
