/**
 * The NTF rank sweep against tensortools' HALS ensemble (Williams et al. 2018; the non-negative CP
 * the reference notebooks use), timed in the same run on the same tensor: the differential affinity
 * tensor of the two C. elegans recordings in ../shared/data (neuron pairs × time bins × worms), ranks
 * 2–12 × 4 restarts each, both with HALS, tol 1e-5 and at most 500 iterations (tensortools'
 * defaults). Ours: restart 0 of each rank from the NNDSVD start, the others random, the HALS mode-0
 * pass in WebAssembly SIMD, restarts on one worker thread per core, each rank's best refined and
 * each rank also fitted from the rank below plus the NNDSVD's next component.
 * Reported: wall time (ratio = ours / tensortools, below 1 is faster) and the best normalised error
 * per rank (ours must be equal or lower). tensortools draws unseeded random starts, so its errors
 * (and which ranks it wins) change from run to run: repeat the run to see the spread.
 *
 * tensortools is pure Python over numpy/scipy/numba: Debian's /usr/bin/python3 with python3-numpy,
 * -scipy, -numba, -tqdm, -munkres and -matplotlib, and tensortools itself either importable or in
 * the folder named by TENSORTOOLS_SRC (a checkout of github.com/ahwillia/tensortools). Without it
 * only our figures are printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCalcium } from '../main/io/calcium/index.js';
import { encodeNpy } from '../main/io/npy.js';
import { affinityTensor } from '../main/pipelines/ntf/affinity.js';
import type { DenseTensor } from '../main/pipelines/ntf/cp/ktensor.js';
import { rankSweep } from '../main/pipelines/ntf/cp/sweep.js';
import { NtfParams } from '../main/pipelines/ntf/index.js';
import { matchNeurons, preprocessAnimal } from '../main/pipelines/ntf/preprocess.js';
import type { BenchResult } from './types.js';

export const DATA = resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'calcium', 'celegans_flavell_dag2023');
const WORMS = ['2022-07-26-31-data.h5', '2022-07-27-31-data.h5'];
const PYTHON = '/usr/bin/python3';
const MIN_RANK = 2;
const MAX_RANK = 12;
const RESTARTS = 4;

const TENSORTOOLS_TIMER = `
import json, sys, time, os
src = os.environ.get("TENSORTOOLS_SRC")
if src: sys.path.insert(0, src)
import numpy as np
import scipy
# tensortools calls scipy.random, an alias of numpy.random that SciPy ≥ 1.10 dropped.
if not hasattr(scipy, "random"): scipy.random = np.random
import tensortools as tt
X = np.load(sys.argv[1])
ranks = list(range(int(sys.argv[2]), int(sys.argv[3]) + 1))
# One small fit first so numba's compilation is not timed.
tt.ncp_hals(X[:10], 2, max_iter=2, verbose=False)
start = time.perf_counter()
ensemble = tt.Ensemble(nonneg=True, fit_method="ncp_hals")
ensemble.fit(X, ranks=ranks, replicates=int(sys.argv[4]), verbose=False)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "best": [min(ensemble.objectives(r)) for r in ranks]}))
`;

export async function wormTensor(): Promise<DenseTensor> {
  const params = NtfParams.parse({ recordingIds: [1, 2] });
  const animals = [];
  for (const file of WORMS) animals.push(preprocessAnimal(file, await readCalcium(join(DATA, file)), params));
  const matched = matchNeurons(animals, 'label');
  return affinityTensor({ traces: animals.map((animal, a) => matched.indices[a]!.map((row) => animal.traces[row]!)) }, params).tensor;
}

function tensortools(tensorFile: string, restarts = RESTARTS): { seconds: number; best: number[] } | string {
  const probe = spawnSync(PYTHON, ['-c', 'import os,sys; s=os.environ.get("TENSORTOOLS_SRC"); s and sys.path.insert(0,s); import tensortools'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'tensortools not importable (set TENSORTOOLS_SRC to a checkout; needs python3-numpy, -scipy, -numba, -tqdm, -munkres, -matplotlib)';
  const run = spawnSync(PYTHON, ['-c', TENSORTOOLS_TIMER, tensorFile, String(MIN_RANK), String(MAX_RANK), String(restarts)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return `tensortools failed: ${run.stderr.trim().split('\n').at(-1)}`;
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { seconds: number; best: number[] };
}

/** Our best error per rank against tensortools' (≤ 1e-6 above counts as equal); prints one line per rank. */
function compareErrors(rows: readonly { rank: number; errors: number[] }[], best: readonly number[], label: string): void {
  const lines = rows.map((row, i) => {
    const theirs = best[i]!;
    const mine = row.errors[0]!;
    return `  rank ${row.rank}: error ${mine.toFixed(5)} vs ${label} ${theirs.toFixed(5)} (${mine <= theirs + 1e-6 ? 'equal or lower' : `HIGHER by ${(mine - theirs).toFixed(5)}`})`;
  });
  console.log(lines.join('\n'));
  const worse = rows.filter((row, i) => row.errors[0]! > best[i]! + 1e-6).length;
  console.log(`ntf: best error equal or lower than ${label} at ${rows.length - worse}/${rows.length} ranks`);
}

/**
 * `referenceRestarts` > RESTARTS also fits tensortools with that many starts per rank (not timed):
 * whether our 4 starts reach what many more of theirs find.
 */
export async function benchNtf(dir: string, referenceRestarts = RESTARTS): Promise<BenchResult[]> {
  if (!existsSync(DATA)) {
    console.log(`ntf: skipped, ${DATA} not found`);
    return [];
  }
  const tensor = await wormTensor();
  const tensorFile = join(dir, 'worm-affinity.npy');
  writeFileSync(tensorFile, encodeNpy({ dtype: 'float64', shape: [...tensor.shape], data: tensor.data }));
  console.log(`ntf: affinity tensor ${tensor.shape.join(' × ')} (pairs × bins × worms), ranks ${MIN_RANK}–${MAX_RANK} × ${RESTARTS} restarts`);
  const started = performance.now();
  const sweep = await rankSweep(tensor, { minRank: MIN_RANK, maxRank: MAX_RANK, restarts: RESTARTS, seed: 0 });
  const ours = (performance.now() - started) / 1000;
  const reference = tensortools(tensorFile);
  const results: BenchResult[] = [];
  if (typeof reference === 'string') {
    console.log(`ntf: ${reference}`);
    results.push({ name: 'ntf rank sweep (HALS)', value: ours, unit: 's' });
  } else {
    results.push({ name: 'ntf rank sweep (HALS)', value: ours, unit: 's', reference: { name: 'tensortools Ensemble ncp_hals', value: reference.seconds } });
    compareErrors(sweep.rows, reference.best, 'tensortools');
    if (referenceRestarts > RESTARTS) {
      const many = tensortools(tensorFile, referenceRestarts);
      if (typeof many === 'string') console.log(`ntf: ${many}`);
      else compareErrors(sweep.rows, many.best, `tensortools' best of ${referenceRestarts}`);
    }
  }
  return results;
}

/** Standalone: `tsx bench/ntf.bench.ts [--reference-restarts N]`. */
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'cajal-bench-ntf-'));
  try {
    const at = process.argv.indexOf('--reference-restarts');
    for (const result of await benchNtf(dir, at >= 0 ? Number(process.argv[at + 1]) : RESTARTS)) {
      const ratio = result.reference ? ` = ${(result.value / result.reference.value).toFixed(2)}× ${result.reference.name} (${result.reference.value.toFixed(1)} s)` : '';
      console.log(`${result.name}: ${result.value.toFixed(1)} s${ratio}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
