/**
 * The rank sweep: several independently started fits per rank, as tensortools' Ensemble does
 * (Williams et al. 2018), with each rank's best error and how alike its restarts are; then a rank
 * suggestion whose reasoning is spelled out for the user to check rather than taken on trust.
 *
 * Restart 0 of each rank starts from the deterministic NNDSVD of the tensor (svd-init.ts), the
 * others from random factors. The SVD start lands in the best optimum more often than a random one
 * (one good candidate for the best error), while the stability score stays what it was meant to be:
 * the similarity of the best solution to fits from independent random starts. A perturbed copy of
 * the SVD start for every restart would make the restarts agree because they start alike, not
 * because the optimum is reproducible; only one restart is deterministic, so at most one of the
 * compared pairs shares a start with the best.
 */
import { availableParallelism } from 'node:os';
import { deriveSeed } from '../../../../shared/random.js';
import { fitNonnegativeCp, type CpFit, type CpMethod } from './fit.js';
import { FitPool, type FitRequest } from './fit-pool.js';
import type { DenseTensor } from './ktensor.js';
import { ensembleSimilarity } from './similarity.js';

export interface SweepOptions {
  minRank: number;
  maxRank: number;
  restarts: number;
  seed?: number;
  method?: CpMethod;
  maxIterations?: number;
  tolerance?: number;
  /**
   * Worker threads fitting restarts side by side (default: one per core). Results do not depend on
   * it: each restart's seed is fixed by (seed, rank, restart).
   */
  threads?: number;
  /**
   * Refine each rank's best restart from where it stopped, with a tolerance this many times
   * tighter (default 100; 1 = no refinement). A restart stops when one iteration improves the error
   * by less than `tolerance`, often on a slow slope rather than at the optimum; continuing only the
   * winner costs one short fit per rank.
   */
  polishFactor?: number;
  /** Start restart 0 of each rank from the NNDSVD start instead of a random one (default true). */
  svdStart?: boolean;
  /**
   * Also fit each rank from the previous rank's best plus the NNDSVD's next component (default
   * true; svd-init.ts, `grownKruskal`), at the refinement's tolerance, in parallel with the
   * refinement; the lower error takes the winner's place.
   */
  growStart?: boolean;
  /** Progress over the whole sweep in [0, 1]. */
  onProgress?: (fraction: number, message: string) => void;
  /** Called as fits progress; throw to cancel (running fits stop at their next iteration). */
  shouldStop?: () => void;
}

export interface SweepRow {
  rank: number;
  /** Normalised errors of the restarts, best first. */
  errors: number[];
  iterations: number[];
  /** Mean ensemble similarity of the other restarts to the best one (1 with a single restart). */
  similarity: number;
  /** Fitting time of this rank's restarts, summed (CPU time when they ran in parallel). */
  durationMs: number;
}

export interface RankSweep {
  rows: SweepRow[];
  /** Best fit of each rank. */
  best: Map<number, CpFit>;
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export async function rankSweep(x: DenseTensor, options: SweepOptions): Promise<RankSweep> {
  const { minRank, maxRank, restarts } = options;
  if (!(Number.isInteger(minRank) && Number.isInteger(maxRank) && minRank >= 1 && maxRank >= minRank)) {
    throw new Error(`ranks must be integers with 1 ≤ min ≤ max, got ${minRank}..${maxRank}`);
  }
  if (!(Number.isInteger(restarts) && restarts >= 1)) throw new Error(`restarts must be a positive integer, got ${restarts}`);
  const maxIterations = options.maxIterations ?? 500;
  const jobs: { rank: number; restart: number }[] = [];
  // Largest ranks first: they take longest, so the threads finish together.
  for (let rank = maxRank; rank >= minRank; rank--) for (let restart = 0; restart < restarts; restart++) jobs.push({ rank, restart });
  // Work grows about linearly with the rank: weight progress by it.
  const totalWork = jobs.reduce((sum, job) => sum + job.rank, 0);
  let doneWork = 0;
  let doneFits = 0;
  // Each message says where in the whole sweep it is: "rank 5 of 2..12, restart 3/8 (14 of 88 fits done)".
  const where = (job: { rank: number; restart: number }) =>
    `rank ${job.rank} of ${minRank}..${maxRank}, restart ${job.restart + 1}/${restarts} (${doneFits} of ${jobs.length} fits done)`;
  const partial = new Map<number, number>();
  const report = (message: string) => {
    const running = [...partial.values()].reduce((a, b) => a + b, 0);
    options.onProgress?.(Math.min(1, (doneWork + running) / totalWork), message);
  };
  const threads = Math.min(options.threads ?? defaultThreads(), jobs.length);
  const pool = threads > 1 ? new FitPool(x, threads) : null;
  const fits = new Map<number, CpFit[]>();
  try {
    await Promise.all(
      jobs.map(async (job, index) => {
        const seed = deriveSeed(options.seed ?? 0, job.rank, job.restart);
        const onIteration = (iteration: number) => {
          options.shouldStop?.();
          partial.set(index, (job.rank * Math.min(iteration, maxIterations)) / maxIterations);
          if (iteration % 10 === 0) report(where(job));
        };
        const start = job.restart === 0 && options.svdStart !== false ? ('svd' as const) : ('random' as const);
        const request = { rank: job.rank, seed, start, method: options.method, maxIterations, tolerance: options.tolerance };
        const fit = pool
          ? await pool.fit(request, onIteration)
          : fitNonnegativeCp(x, job.rank, { ...request, onIteration });
        partial.delete(index);
        doneWork += job.rank;
        doneFits += 1;
        report(where(job));
        const list = fits.get(job.rank) ?? [];
        list[job.restart] = fit;
        fits.set(job.rank, list);
      }),
    );
    const polishFactor = options.polishFactor ?? 100;
    const growStart = options.growStart !== false;
    if (polishFactor > 1 || growStart) {
      const tolerance = (options.tolerance ?? 1e-5) / Math.max(1, polishFactor);
      const winners = new Map([...fits].map(([rank, list]) => [rank, list.reduce((a, b) => (b.error < a.error ? b : a))]));
      report(`refining the best fit of each rank ${minRank}..${maxRank}`);
      await Promise.all(
        [...winners].map(async ([rank, winner]) => {
          const request = { rank, seed: 0, method: options.method, maxIterations, tolerance };
          const onIteration = () => options.shouldStop?.();
          const fitFrom = async (start: Pick<FitRequest, 'init' | 'growFrom'>) =>
            pool ? pool.fit({ ...request, ...start }, onIteration) : fitNonnegativeCp(x, rank, { ...request, ...start, onIteration });
          const previous = winners.get(rank - 1);
          const [refined, grown] = await Promise.all([
            polishFactor > 1 ? fitFrom({ init: winner.kruskal }) : null,
            growStart && previous ? fitFrom({ growFrom: previous.kruskal }) : null,
          ]);
          const extraMs = (refined?.durationMs ?? 0) + (grown?.durationMs ?? 0);
          if (refined) refined.iterations += winner.iterations;
          const best = [refined, grown].reduce<CpFit>((a, b) => (b && b.error < a.error ? b : a), winner);
          const list = fits.get(rank)!;
          // The winner's slot holds the best of the three; the row's time counts all of them.
          list[list.indexOf(winner)] = { ...best, durationMs: winner.durationMs + extraMs };
        }),
      );
    }
  } catch (error) {
    pool?.cancel();
    throw error;
  } finally {
    await pool?.close();
  }
  const rows: SweepRow[] = [];
  const best = new Map<number, CpFit>();
  for (let rank = minRank; rank <= maxRank; rank++) {
    const ranked = [...fits.get(rank)!].sort((a, b) => a.error - b.error);
    const others = ranked.slice(1).map((fit) => ensembleSimilarity(ranked[0]!.kruskal, fit.kruskal));
    rows.push({
      rank,
      errors: ranked.map((fit) => fit.error),
      iterations: ranked.map((fit) => fit.iterations),
      similarity: others.length ? others.reduce((a, b) => a + b, 0) / others.length : 1,
      durationMs: ranked.reduce((sum, fit) => sum + fit.durationMs, 0),
    });
    best.set(rank, ranked[0]!);
  }
  return { rows, best };
}

export interface RankSuggestion {
  rank: number;
  reasoning: string[];
}

export interface SuggestOptions {
  /** Restarts must agree at least this much for a rank to count as stable (default 0.8). */
  minSimilarity?: number;
  /** The elbow: the rank after which less than this share of the sweep's error drop remains (0.1). */
  remainingDropShare?: number;
}

/**
 * The largest rank that is both before the error curve's elbow and stable across restarts. Two
 * criteria because error alone always favours more components, and stability alone favours few:
 * a component worth interpreting must lower the error noticeably AND come back from every restart.
 */
export function suggestRank(rows: readonly SweepRow[], options: SuggestOptions = {}): RankSuggestion {
  if (!rows.length) throw new Error('no ranks in the sweep');
  const minSimilarity = options.minSimilarity ?? 0.8;
  const share = options.remainingDropShare ?? 0.1;
  const bestError = (row: SweepRow) => row.errors[0]!;
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const drop = bestError(first) - bestError(last);
  const reasoning: string[] = [];
  let elbow = last.rank;
  if (rows.length === 1) {
    reasoning.push(`Only rank ${first.rank} was fitted (error ${bestError(first).toFixed(4)}).`);
  } else if (drop <= 0) {
    elbow = first.rank;
    reasoning.push(`The error does not fall with more components (${bestError(first).toFixed(4)} at rank ${first.rank}, ${bestError(last).toFixed(4)} at rank ${last.rank}): the smallest rank explains as much.`);
  } else {
    elbow = rows.find((row) => bestError(row) - bestError(last) <= share * drop)!.rank;
    reasoning.push(
      elbow === last.rank
        ? `The error falls from ${bestError(first).toFixed(4)} at rank ${first.rank} to ${bestError(last).toFixed(4)} at rank ${last.rank} and is still falling at the largest rank tried: sweep higher ranks to find where it levels off.`
        : `The error falls from ${bestError(first).toFixed(4)} at rank ${first.rank} to ${bestError(last).toFixed(4)} at rank ${last.rank}; ` +
            `from rank ${elbow} on, less than ${Math.round(share * 100)} % of that drop remains, so larger ranks add little.`,
    );
  }
  const unstable = rows.filter((row) => row.similarity < minSimilarity);
  if (unstable.length) {
    reasoning.push(
      `Restarts disagree (similarity < ${minSimilarity.toFixed(2)}) at rank${unstable.length > 1 ? 's' : ''} ` +
        `${unstable.map((row) => `${row.rank} (${row.similarity.toFixed(3)})`).join(', ')}: their components are not reproducible.`,
    );
  } else {
    reasoning.push(`Restarts agree at every rank (similarity ≥ ${minSimilarity.toFixed(2)}).`);
  }
  const stable = rows.filter((row) => row.rank <= elbow && row.similarity >= minSimilarity);
  if (stable.length) {
    const rank = stable.at(-1)!.rank;
    reasoning.push(`Suggested rank ${rank}: the largest rank up to ${elbow} whose restarts agree (similarity ${stable.at(-1)!.similarity.toFixed(2)}).`);
    return { rank, reasoning };
  }
  const fallback = rows.reduce((a, b) => (b.similarity > a.similarity ? b : a));
  reasoning.push(`No rank up to ${elbow} is stable; suggested rank ${fallback.rank}, the most stable one (similarity ${fallback.similarity.toFixed(2)}). Consider more restarts or a different preprocessing.`);
  return { rank: fallback.rank, reasoning };
}
