/** `npm run bench`: runs every benchmark and prints figures, with ratios against in-run references. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEdf } from './edf.bench.js';
import { benchFisbe } from './fisbe.bench.js';
import { benchFisbeSkeleton } from './fisbe-skeleton.js';
import { benchMatmul } from './matmul.bench.js';
import { benchTransformer } from './transformer.bench.js';
import { benchNtf } from './ntf.bench.js';
import { benchMorphology } from './morphology.bench.js';
import { benchSeizure } from './seizure.bench.js';
import { benchSeizureNeural } from './seizure-neural.bench.js';
import { benchStore } from './store.bench.js';
import type { BenchResult } from './types.js';

function format(result: BenchResult): string {
  const value = `${result.value.toFixed(result.value < 10 ? 2 : 0)} ${result.unit}`;
  if (!result.reference) return `${result.name}: ${value}`;
  const ratio = result.value / result.reference.value;
  return `${result.name}: ${value} = ${ratio.toFixed(2)}× ${result.reference.name} (${result.reference.value.toFixed(0)} ${result.unit})`;
}

const dir = mkdtempSync(join(tmpdir(), 'cajal-bench-'));
try {
  for (const result of benchStore(dir)) console.log(format(result));
  for (const result of benchEdf(dir)) console.log(format(result));
  for (const result of benchSeizure(dir)) console.log(format(result));
  for (const result of await benchSeizureNeural(dir)) console.log(format(result));
  for (const result of await benchFisbeSkeleton(dir)) console.log(format(result));
  for (const result of benchFisbe()) console.log(format(result));
  for (const result of await benchNtf(dir)) console.log(format(result));
  for (const result of await benchMorphology()) console.log(format(result));
  for (const result of await benchMatmul()) console.log(format(result));
  for (const result of await benchTransformer()) console.log(format(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
