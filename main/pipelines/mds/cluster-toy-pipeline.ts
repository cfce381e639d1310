/**
 * The `mds-cluster-toy` pipeline: the reference's toy run (scripts/run_kmeans_example.py) as a run
 * of a project, without a recording or a model: TestOnOffModel (toy-model.ts), 42 neurons, 5 random
 * clusters, seed 42, no projection; the answer is 2 clusters, the even and the odd neurons. It is a
 * separate pipeline because mds-cluster needs a recording and a stored model (the runner resolves
 * both before the run); its result is the same "clustering". `cajal mds cluster --toy-onoff`.
 */
import { z } from 'zod';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { clusterNeurons } from './cluster.js';
import { ClusterLoopParams, contextHooks, loopOptions, pipelineTf } from './cluster-pipeline.js';
import { NO_PROJECTION } from './project.js';
import { clusteringItems } from './stored.js';
import { createToyOnOffModel, toyOnOffTypes } from './toy-model.js';

export const MDS_CLUSTER_TOY_PIPELINE = 'mds-cluster-toy';

export const MdsClusterToyParams = z
  .object({
    neurons: z.number().int().min(2).max(10_000).default(42),
    ...ClusterLoopParams,
    clusters: z.number().int().min(2).max(200).default(5),
    backend: ClusterLoopParams.backend.default('cpu'),
  })
  .strict();
export type MdsClusterToyParams = z.infer<typeof MdsClusterToyParams>;

/** The toy clustering's result value (also what the CLI prints without a project). */
export async function runToyClustering(params: MdsClusterToyParams, hooks: Parameters<typeof clusterNeurons>[4] = {}) {
  const tf = await pipelineTf(params.backend);
  const model = createToyOnOffModel(tf, params.neurons);
  try {
    const core = clusterNeurons(tf, model, toyOnOffTypes(params.neurons), loopOptions(params, NO_PROJECTION), hooks);
    return {
      ...core,
      modelId: null,
      unitIds: Array.from({ length: params.neurons }, (_, n) => String(n)),
      cellTypes: toyOnOffTypes(params.neurons),
      baselines: [],
      notes: [`the reference's TestOnOffModel: neuron n responds +mean(x) if n is even, −mean(x) if odd (${params.neurons} neurons, 18 × 18 canvas, ${params.backend} backend)`, ...core.notes],
    };
  } finally {
    model.dispose();
  }
}

const mdsClusterToy: PipelineDefinition<MdsClusterToyParams> = {
  name: MDS_CLUSTER_TOY_PIPELINE,
  title: 'MDS clustering (toy on/off model)',
  description: "The MDS reference's toy run: TestOnOffModel (even neurons +mean, odd −mean of the stimulus), 5 random clusters of 42 neurons → 2 clusters; no recording or model needed.",
  input: 'none',
  params: MdsClusterToyParams as unknown as z.ZodType<MdsClusterToyParams>,
  async run(context) {
    const value = await runToyClustering(context.params, contextHooks(context));
    context.log(`${value.initialClusters} → ${value.clusters.length} clusters, ARI ${value.knownTypes?.ari.toFixed(3)} against even/odd, final loss ${value.finalLoss.toFixed(5)}`);
    return clusteringItems(value);
  },
};

export default mdsClusterToy;
