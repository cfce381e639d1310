/**
 * MDS (issue #21) whole clusterings, through the `cajal` command as a user runs them (needs
 * `npm run build:main`):
 *   - the reference's toy run (`cajal mds cluster --toy-onoff --clusters 5 --seed 42`), beside the
 *     reference's own time for the same run (10.9 s on CPU, research guide B4 — published, not
 *     measured here: the reference needs datajoint/nnfabrik stubs to run);
 *   - a simulated retina end to end: simulate (seed 7, 64 cells of 8 planted types), fit a
 *     1-member response model, cluster from 8 clusters; the times of each step and the ARI against
 *     the planted types.
 * `CAJAL_BENCH_MDS_EPOCHS` (default 8) and `CAJAL_BENCH_MDS_STEPS_PER_EPOCH` (default 40) size the
 * fit; `CAJAL_BENCH_MDS_SIMULATED=0` leaves the simulated retina out (it takes minutes).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './types.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'cajal.js');
/** The reference's toy run on CPU (`scripts/run_kmeans_example.py`), from the research guide. */
const REFERENCE_TOY_SECONDS = 10.9;

function cajal(cwd: string, ...args: string[]): Record<string, unknown> {
  const run = spawnSync(process.execPath, [CLI, ...args, '--json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`cajal ${args.join(' ')} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

interface ClusteringJson {
  seconds: number;
  clusters: unknown[];
  knownTypes: { ari: number } | null;
}

function clusteringOf(json: Record<string, unknown>): ClusteringJson {
  const direct = json.clustering as ClusteringJson | undefined;
  const nested = (json.results as { clustering?: ClusteringJson } | undefined)?.clustering;
  const clustering = direct ?? nested;
  if (!clustering) throw new Error(`no clustering in ${JSON.stringify(json).slice(0, 300)}`);
  return clustering;
}

function timed<T>(work: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = work();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

export async function benchMdsClustering(dir: string): Promise<BenchResult[]> {
  const toy = clusteringOf(cajal(dir, 'mds', 'cluster', '--toy-onoff', '--clusters', '5', '--seed', '42'));
  const results: BenchResult[] = [
    {
      name: `MDS toy on/off run (42 cells, 5 → ${toy.clusters.length} clusters, ARI ${toy.knownTypes?.ari.toFixed(2) ?? '–'}), clustering time`,
      value: toy.seconds,
      unit: 's',
      reference: { name: 'the reference on CPU, published (10.9 s)', value: REFERENCE_TOY_SECONDS },
    },
  ];
  if (process.env.CAJAL_BENCH_MDS_SIMULATED === '0') return results;

  const epochs = process.env.CAJAL_BENCH_MDS_EPOCHS ?? '8';
  const stepsPerEpoch = process.env.CAJAL_BENCH_MDS_STEPS_PER_EPOCH ?? '40';
  const project = join(dir, 'mds.cajal');
  cajal(dir, 'init', project);
  const simulate = timed(() => cajal(dir, 'mds', 'simulate', join(dir, 'retina7'), '--seed', '7', '--project', project));
  const fit = timed(() => cajal(dir, 'mds', 'fit-model', project, '1', '--seed', '1', '--epochs', epochs, '--param', 'members=1', '--param', `maxStepsPerEpoch=${stepsPerEpoch}`, '--backend', 'wasm'));
  const modelId = (fit.value.model as { id?: number } | undefined)?.id;
  if (typeof modelId !== 'number') throw new Error('mds bench: the fit-model run stored no model');
  const cluster = timed(() => cajal(dir, 'mds', 'cluster', project, String(modelId), '--clusters', '8', '--seed', '42', '--backend', 'wasm'));
  const clustering = clusteringOf(cluster.value);
  const label = `simulated retina, seed 7, 64 cells of 8 types; 1-member model, ${epochs} epochs × ≤ ${stepsPerEpoch} steps`;
  results.push(
    { name: `MDS ${label}: simulate`, value: simulate.seconds, unit: 's' },
    { name: `MDS ${label}: fit-model (wasm)`, value: fit.seconds, unit: 's' },
    { name: `MDS ${label}: cluster from 8 (wasm) → ${clustering.clusters.length} clusters`, value: cluster.seconds, unit: 's' },
    { name: `MDS ${label}: ARI against the planted types`, value: clustering.knownTypes?.ari ?? Number.NaN, unit: 'ARI' },
  );
  return results;
}
