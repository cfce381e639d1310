/**
 * The `neuroformer-connectivity` pipeline: attention rollout over the state-history cross-attention
 * of a stored Neuroformer (evaluate.ts attentionConnectivity) → a directed neuron × neuron matrix
 * (row = predicted neuron, column = attended past neuron), stored as the result "connectivity"
 * (float32 [N, N], the rate-normalised matrix; "connectivity-per-prediction" without the column
 * normalisation). When the recording is a simulated network (ground_truth.json beside it) the
 * matrices are scored against the true wiring (AUROC, AUPRC, hubs, direction) beside the two
 * baselines on the same spikes: jitter-corrected cross-correlogram peaks and Poisson-GLM couplings
 * (main/pipelines/spikes).
 */
import { z } from 'zod';
import { BackendName } from '../../../shared/api/index.js';
import { CancelledError, type PipelineDefinition } from '../../jobs/pipeline.js';
import type { ResultItem } from '../../store/index.js';
import { ccgConnectivity } from '../spikes/correlogram-connectivity.js';
import { glmConnectivity } from '../spikes/glm.js';
import { NF_MODEL_PIPELINE } from './bundle.js';
import { attentionConnectivity, connectivityRow } from './evaluate.js';
import { loadModelInput } from './model-input.js';
import { windowEnds } from './split.js';
import { evenSubset } from './train.js';

export const NF_CONNECTIVITY_PIPELINE = 'neuroformer-connectivity';

export const NfConnectivityParams = z
  .object({
    modelId: z.number().int().positive().optional(),
    /** Which blocks' windows the attention is summed over. */
    windows: z.enum(['all', 'train', 'test']).default('all'),
    maxWindows: z.number().int().min(1).max(1_000_000).default(4000),
    /** With ground truth: also score the CCG and GLM baselines on the same spikes. */
    baselines: z.boolean().default(true),
    /** The GLM baseline is fitted on the first this-many seconds (Newton per neuron is the slow part on a CPU); all when absent. */
    glmSeconds: z.number().positive().max(1_000_000).optional(),
    backend: BackendName.optional(),
  })
  .strict();
export type NfConnectivityParams = z.infer<typeof NfConnectivityParams>;

const neuroformerConnectivity: PipelineDefinition<NfConnectivityParams> = {
  name: NF_CONNECTIVITY_PIPELINE,
  title: 'Neuroformer connectivity',
  description: 'Directed neuron × neuron connectivity from a trained Neuroformer’s past-window cross-attention (attention rollout, as attention_vis.get_att_neurons); scored against the true wiring of a simulated network beside CCG and GLM baselines.',
  input: 'recording',
  recordingKinds: ['spikes'],
  usesModel: NF_MODEL_PIPELINE,
  params: NfConnectivityParams as unknown as z.ZodType<NfConnectivityParams>,
  async run(context) {
    const params = context.params;
    const input = await loadModelInput(context.model, context.recording!, params.backend);
    try {
      const { model, data, bundle } = input;
      const split = bundle.config.data.split;
      const blocks = params.windows === 'all' ? split.blocks : params.windows === 'train' ? split.train : split.test;
      const ends = evenSubset(windowEnds(blocks, data.originS, model.config), params.maxWindows);
      const n = model.config.neurons;
      context.log(`attention rollout of model #${context.model!.id} over ${ends.length} windows (${params.windows} blocks) on ${input.backend}`);
      const share = data.truth && params.baselines ? 0.6 : 1;
      const att = await attentionConnectivity(model, data.counts, data.dtS, ends, input.stimulusFor, {
        onProgress: (done, total) => context.progress((share * done) / total, `window ${done}/${total}`),
        signal: { get aborted() { return context.cancelled; } },
      });
      if (context.cancelled) throw new CancelledError();
      const scores: ReturnType<typeof connectivityRow>[] = [];
      const truth = data.truth;
      if (truth) {
        const w = Float64Array.from(truth.weights);
        const hubs = truth.hubs.length;
        scores.push(connectivityRow('neuroformer attention (rate-normalised)', w, att.matrix, n, hubs));
        scores.push(connectivityRow('neuroformer attention (per prediction)', w, att.perPrediction, n, hubs));
        if (params.baselines) {
          context.progress(0.65, 'cross-correlogram baseline');
          const ccg = ccgConnectivity(data.trains.times);
          scores.push(connectivityRow('cross-correlogram peak (|z|)', w, ccg.z, n, hubs, true));
          context.throwIfCancelled();
          context.progress(0.75, 'GLM baseline');
          const period = truth.stimulusPeriodS;
          const glmEnd = params.glmSeconds === undefined ? data.trains.endS : Math.min(data.trains.endS, data.trains.startS + params.glmSeconds);
          if (glmEnd < data.trains.endS) context.log(`GLM baseline fitted on ${data.trains.startS.toFixed(1)}–${glmEnd.toFixed(1)} s (glmSeconds)`);
          const glm = glmConnectivity(data.trains.times, data.trains.startS, glmEnd, (t) => [Math.cos((2 * Math.PI * t) / period), Math.sin((2 * Math.PI * t) / period)], {}, (done, total) => {
            context.throwIfCancelled();
            context.progress(0.75 + (0.25 * done) / total, `GLM ${done}/${total}`);
          });
          scores.push(connectivityRow(glmEnd < data.trains.endS ? `Poisson GLM coupling (|β|, first ${params.glmSeconds} s)` : 'Poisson GLM coupling (|β|)', w, glm.coupling, n, hubs, true));
        }
        for (const s of scores) context.log(`${s.method}: AUROC ${s.auroc.toFixed(3)}, AUPRC ${s.auprc.toFixed(3)} (chance ${s.prevalence.toFixed(3)}), hub ρ ${s.hubSpearman?.toFixed(3) ?? '–'}, direction AUROC ${s.directionAuroc?.toFixed(3) ?? '–'}`);
      }
      const results: ResultItem[] = [
        {
          key: 'connectivity',
          value: {
            modelId: context.model!.id,
            windows: att.windows,
            blocks: params.windows,
            unitIds: bundle.config.data.unitIds,
            cellTypes: bundle.config.data.cellTypes,
            layout: 'row = predicted (post) neuron, column = attended past (pre) neuron',
            normalisation: 'mean attention per prediction of the row neuron, divided by the column neuron’s relative frequency in the previous windows',
            scores: scores.map(({ scores: _s, ...row }) => row),
            truth: truth ? { neurons: truth.neurons, hubs: truth.hubs, excitatory: truth.excitatory } : null,
          },
          array: { data: Float32Array.from(att.matrix), shape: [n, n] },
        },
        { key: 'connectivity-per-prediction', value: { note: 'mean attention per prediction, no column normalisation' }, array: { data: Float32Array.from(att.perPrediction), shape: [n, n] } },
      ];
      if (truth) results.push({ key: 'truth', value: { hubs: truth.hubs, excitatory: truth.excitatory }, array: { data: Float32Array.from(truth.weights), shape: [n, n] } });
      return results;
    } finally {
      input.model.dispose();
    }
  },
};

export default neuroformerConnectivity;
