/**
 * The `ntf` pipeline: a dynamic functional connectome from calcium imaging (Dyballa et al., ICLR
 * 2024). Per animal: preprocessing to ΔF/F; neurons matched across animals by name; the differential
 * affinity tensor (neuron pairs × time bins × animals); non-negative CP by HALS swept over ranks with
 * several restarts each and a reasoned rank suggestion; then, for every component of the chosen rank,
 * communities of its affinity pattern by a nested weighted SBM fitted by minimum description length
 * (graph-tool's model, the paper's), with Louvain as the baseline. Factors, the community hierarchy,
 * the sweep, parameters and timings are stored.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import type { NtfCommunities, NtfComponent, NtfEpoch } from '../../../shared/api/index.js';
import { readCalcium, withStoredFrameRate } from '../../io/calcium/index.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import type { ResultItem } from '../../store/index.js';
import { affinityTensor } from './affinity.js';
import { factorColumn, normalizeKruskal, type KruskalTensor } from './cp/ktensor.js';
import { rankSweep, suggestRank } from './cp/sweep.js';
import { louvain, type WeightedGraph } from './communities/index.js';
import { toEdgeList } from './communities/evaluate.js';
import { fitNestedSbm } from './communities/nested.js';
import { NTF_PIPELINE, NTF_RESULT, nodeBlocksPerLevel, type NtfSummary } from './keys.js';
import { matchNeurons, preprocessAnimal } from './preprocess.js';
import { deriveSeed } from '../../../shared/random.js';

export const NtfParams = z
  .object({
    /** One recording per animal, in tensor order. */
    recordingIds: z.array(z.number().int().positive()).min(1).max(64),
    /** Which traces to read where a file has several (see `cajal ntf run --help`). */
    dataset: z.string().min(1).max(1000).optional(),
    minRank: z.number().int().min(1).max(50).default(2),
    maxRank: z.number().int().min(1).max(50).default(12),
    /** Randomly started fits per rank (the default 8; tensortools examples use 4–10). */
    restarts: z.number().int().min(1).max(100).default(8),
    /** Show this rank instead of the suggested one. */
    rank: z.number().int().min(1).max(50).nullable().default(null),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
    /** Frames per time bin of the tensor: 10 frames = 6 s at the worms' 1.67 Hz. */
    binFrames: z.number().int().min(1).max(10_000).default(10),
    /** σ of the Gaussian smoothing before differentiating, in frames. */
    smoothingFrames: z.number().min(0).max(1000).default(1),
    neuropilCoefficient: z.number().min(0).max(2).default(0.7),
    baselineWindowS: z.number().positive().max(10_000).default(60),
    detrend: z.enum(['linear', 'none']).default('linear'),
    matchBy: z.enum(['label', 'index']).default('label'),
    /** HALS stopping rule (tensortools' defaults). */
    maxIterations: z.number().int().min(1).max(100_000).default(500),
    tolerance: z.number().min(0).max(1).default(1e-5),
    /** Experiment epochs to shade on the time courses, in seconds from the first frame. */
    epochs: z.array(z.object({ label: z.string().max(200), startS: z.number(), endS: z.number() })).max(100).default([]),
  })
  .strict()
  .refine((p) => p.minRank <= p.maxRank, { message: 'minRank must not exceed maxRank', path: ['minRank'] });
export type NtfParams = z.infer<typeof NtfParams>;

/** The unit-norm pair factor of one component as a dense weighted graph, scaled to mean weight 1. */
export function componentGraph(kruskal: KruskalTensor, component: number, neurons: number): WeightedGraph {
  const pairFactor = factorColumn(kruskal, 0, component);
  let sum = 0;
  let count = 0;
  for (const value of pairFactor) if (value > 0) (sum += value), count++;
  // The SBM's weight model is scale-free, but numbers near 1 keep its sums well conditioned.
  const scale = count && sum > 0 ? count / sum : 1;
  const weights = new Float64Array(neurons * neurons);
  let pair = 0;
  for (let i = 0; i < neurons; i++) {
    for (let j = i + 1; j < neurons; j++, pair++) {
      const w = pairFactor[pair]! * scale;
      weights[i * neurons + j] = w;
      weights[j * neurons + i] = w;
    }
  }
  return { nodeCount: neurons, weights };
}

function blocksPerLevel(levels: readonly Int32Array[]): number[] {
  return levels.map((level) => (level.length ? Math.max(...level) + 1 : 0));
}

/**
 * The level shown by default: the finest one with fewer blocks than nodes. graph-tool's nested fits
 * sometimes keep every node in its own block at level 0 (the structure is then carried by level 1),
 * and a partition into singletons is no community structure to show.
 */
export function shownLevel(levels: readonly Int32Array[], nodes: number): { level: number; blocks: Int32Array; count: number } {
  const perNode = nodeBlocksPerLevel(levels);
  const counts = blocksPerLevel(levels);
  let level = counts.findIndex((count) => count < nodes);
  if (level < 0) level = 0;
  const blocks = perNode[level] ?? new Int32Array(nodes);
  return { level, blocks, count: counts[level] ?? 1 };
}

function epochsInBins(epochs: NtfParams['epochs'], binDurationS: number | null, binFrames: number): NtfEpoch[] {
  const perBin = binDurationS ?? binFrames;
  return epochs.map((epoch) => ({ label: epoch.label, startBin: Math.floor(epoch.startS / perBin), endBin: Math.ceil(epoch.endS / perBin) }));
}

const ntf: PipelineDefinition<NtfParams> = {
  name: NTF_PIPELINE,
  title: 'Functional connectome (NTF)',
  description:
    'Differential affinities between calcium traces, non-negative tensor factorisation over neuron pairs × time × animals with a rank sweep, and weighted SBM communities per component (Dyballa et al., ICLR 2024).',
  input: 'recordings',
  recordingKinds: ['calcium'],
  params: NtfParams as unknown as z.ZodType<NtfParams>,
  async run(context) {
    const params = context.params;
    const timingsMs: Record<string, number> = {};
    let stageStart = performance.now();

    // 1. Read and preprocess each animal.
    const animals = [];
    const animalInfo = [];
    for (const [a, recording] of context.recordings.entries()) {
      context.throwIfCancelled();
      context.progress(0.02 * a, `step 1/4, reading animal ${a + 1} of ${context.recordings.length}: ${basename(recording.sourcePath)}`);
      // The frame rate the user stored with the recording wins over the file's (the zebrafish CSVs state none).
      const calcium = withStoredFrameRate(await readCalcium(recording.sourcePath, params.dataset ? { dataset: params.dataset } : {}), recording.metadata);
      for (const warning of calcium.warnings) context.log(`${basename(recording.sourcePath)}: ${warning}`, 'warn');
      const name = basename(recording.sourcePath).replace(/(-data)?\.(h5|hdf5|nwb|csv|tsv)$/i, '');
      const animal = preprocessAnimal(name, calcium, params);
      animal.notes.forEach((note) => context.log(note));
      animals.push(animal);
      animalInfo.push({ recordingId: recording.id, name, source: recording.sourcePath, frameRateHz: calcium.frameRateHz });
    }
    const matched = matchNeurons(animals, params.matchBy);
    matched.notes.forEach((note) => context.log(note));
    const neurons = matched.names.length;
    context.log(`${neurons} neurons in the tensor (${animals.length} animal${animals.length > 1 ? 's' : ''})`);
    timingsMs.preprocess = performance.now() - stageStart;

    // 2. Affinity tensor.
    stageStart = performance.now();
    context.progress(0.05, 'step 2/4, affinity tensor');
    const { tensor, frames } = affinityTensor(
      { traces: animals.map((animal, a) => matched.indices[a]!.map((row) => animal.traces[row]!)) },
      params,
    );
    const [pairCount, binCount] = tensor.shape as [number, number, number];
    context.log(`affinity tensor ${pairCount} pairs × ${binCount} bins of ${params.binFrames} frames × ${animals.length} animals (${frames} frames used)`);
    timingsMs.affinity = performance.now() - stageStart;

    // 3. Rank sweep.
    stageStart = performance.now();
    const maxRank = Math.min(params.maxRank, Math.max(...tensor.shape));
    const sweep = await rankSweep(tensor, {
      minRank: Math.min(params.minRank, maxRank),
      maxRank,
      restarts: params.restarts,
      seed: params.seed,
      maxIterations: params.maxIterations,
      tolerance: params.tolerance,
      onProgress: (fraction, message) => context.progress(0.08 + 0.8 * fraction, `step 3/4, rank sweep: ${message}`),
      shouldStop: () => context.throwIfCancelled(),
    });
    const suggestion = suggestRank(sweep.rows);
    suggestion.reasoning.forEach((line) => context.log(line));
    const rank = params.rank !== null && sweep.best.has(params.rank) ? params.rank : suggestion.rank;
    if (params.rank !== null && rank !== params.rank) context.log(`rank ${params.rank} was not fitted; showing the suggested rank ${rank}`, 'warn');
    const fit = normalizeKruskal(sweep.best.get(rank)!.kruskal);
    timingsMs.sweep = performance.now() - stageStart;

    // 4. Communities per component.
    stageStart = performance.now();
    const components: NtfComponent[] = [];
    for (let r = 0; r < rank; r++) {
      context.throwIfCancelled();
      context.progress(0.88 + (0.11 * r) / rank, `step 4/4, communities of component ${r + 1} of ${rank}`);
      const graph = componentGraph(fit, r, neurons);
      const list = toEdgeList(graph);
      const nested = fitNestedSbm(
        { n: neurons, edges: list.edges, weights: list.weights },
        { seed: deriveSeed(params.seed, 1000 + r), shouldStop: () => context.throwIfCancelled() },
      );
      const baseline = louvain(graph, { seed: deriveSeed(params.seed, 2000 + r) });
      const shown = shownLevel(nested.levels, neurons);
      const communities: NtfCommunities = {
        method: 'sbm',
        blocks: Array.from(shown.blocks),
        count: shown.count,
        score: nested.descriptionLength,
        degreeCorrected: nested.degreeCorrected,
        levels: nested.levels.map((level) => Array.from(level)),
        level: shown.level,
      };
      components.push({
        index: r,
        weight: fit.weights[r]!,
        timeCourse: Array.from(factorColumn(fit, 1, r)),
        animalWeights: Array.from(factorColumn(fit, 2, r)),
        communities,
        baseline: { method: 'louvain', blocks: Array.from(baseline.blocks), count: baseline.count, score: baseline.modularity, degreeCorrected: null },
      });
      const perLevel = blocksPerLevel(nested.levels);
      context.log(
        `component ${r + 1}: λ ${fit.weights[r]!.toPrecision(4)}, nested SBM ${perLevel.join(' → ')} blocks per level, showing level ${shown.level} (${shown.count} communities; Louvain ${baseline.count})`,
      );
    }
    timingsMs.communities = performance.now() - stageStart;

    const rates = animalInfo.map((animal) => animal.frameRateHz).filter((rate): rate is number => rate !== null);
    const binDurationS = rates.length === animalInfo.length ? params.binFrames / Math.min(...rates) : null;
    const summary: NtfSummary = {
      animals: animalInfo,
      neurons: matched.names.map((name, index) => ({ index, name, position: matched.positions[index] ?? null })),
      binDurationS,
      binCount,
      epochs: epochsInBins(params.epochs, binDurationS, params.binFrames),
      sweep: sweep.rows,
      suggestedRank: suggestion.rank,
      rankReasoning: suggestion.reasoning,
      rank,
      timingsMs,
    };
    const factorArray = (mode: number): Float32Array => {
      const rows = fit.shape[mode]!;
      const out = new Float32Array(rank * rows);
      for (let r = 0; r < rank; r++) for (let i = 0; i < rows; i++) out[r * rows + i] = fit.factors[mode]![i * rank + r]!;
      return out;
    };
    const results: ResultItem[] = [
      { key: NTF_RESULT.summary, value: summary },
      { key: NTF_RESULT.components, value: components },
      { key: NTF_RESULT.pairFactors, value: null, array: { data: factorArray(0), shape: [rank, pairCount] } },
      { key: NTF_RESULT.timeFactors, value: null, array: { data: factorArray(1), shape: [rank, binCount] } },
      { key: NTF_RESULT.animalFactors, value: null, array: { data: factorArray(2), shape: [rank, animals.length] } },
    ];
    return results;
  },
};

export default ntf;
