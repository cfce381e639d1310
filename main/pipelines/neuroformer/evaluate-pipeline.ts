/**
 * The `neuroformer-evaluate` pipeline: the evaluation tables of a stored Neuroformer on its
 * held-out time blocks (evaluate.ts): spike-prediction precision/recall/F1 (compute_scores) of the
 * model, of the same architecture at random init and of a Poisson GLM fitted on the training
 * blocks; and, when the recording has stimulus events, the PSTH correlation of the model's own-past
 * rollout against the recorded PSTH, beside the split-half reliability ceiling. Result "evaluation"
 * (shared/api/neuroformer.ts NeuroformerEvaluation, without runId/recordingId).
 */
import { z } from 'zod';
import { BackendName, type NeuroformerPredictionRow } from '../../../shared/api/index.js';
import type { PredictionScores } from '../spikes/prediction-scores.js';
import { CancelledError, type PipelineDefinition } from '../../jobs/pipeline.js';
import { NF_MODEL_PIPELINE } from './bundle.js';
import { GLM_PREDICTION_DEFAULTS, glmPrediction, modelPrediction, psthTable } from './evaluate.js';
import { generateSpikes } from './generate-pipeline.js';
import { loadModelInput } from './model-input.js';
import { RELEASED_SAMPLING, samplingFromParams } from './generate.js';
import { windowEnds } from './split.js';
import { evenSubset } from './train.js';

export const NF_EVALUATE_PIPELINE = 'neuroformer-evaluate';

export const NfEvaluateParams = z
  .object({
    modelId: z.number().int().positive().optional(),
    /** Held-out windows scored (evenly spaced over the test blocks). */
    maxWindows: z.number().int().min(1).max(1_000_000).default(2000),
    glm: z.boolean().default(true),
    randomInit: z.boolean().default(true),
    /** PSTH: rollout spans (s), bin and span after each event (s); 0 spans = no PSTH. */
    spanS: z.number().min(0).max(3600).default(5),
    maxSecondsPerBlock: z.number().positive().max(100_000).optional(),
    psthBinS: z.number().positive().max(10).default(0.05),
    psthSpanS: z.number().positive().max(60).default(0.5),
    eventSet: z.string().min(1).max(200).optional(),
    topP: z.number().gt(0).max(1).default(RELEASED_SAMPLING.topP),
    temperature: z.number().positive().max(10).default(RELEASED_SAMPLING.temperature),
    seed: z.number().int().nonnegative().max(0xffffffff).default(0),
    backend: BackendName.optional(),
  })
  .strict();
export type NfEvaluateParams = z.infer<typeof NfEvaluateParams>;

const neuroformerEvaluate: PipelineDefinition<NfEvaluateParams> = {
  name: NF_EVALUATE_PIPELINE,
  title: 'Neuroformer evaluation',
  description: 'Spike-prediction F1 (compute_scores) on held-out time blocks for the trained Neuroformer, its random-init control and a Poisson GLM; PSTH correlation of own-past rollouts against the recorded reliability ceiling.',
  input: 'recording',
  recordingKinds: ['spikes'],
  usesModel: NF_MODEL_PIPELINE,
  params: NfEvaluateParams as unknown as z.ZodType<NfEvaluateParams>,
  async run(context) {
    const params = context.params;
    const input = await loadModelInput(context.model, context.recording!, params.backend);
    const signal = { get aborted() { return context.cancelled; } };
    const disposers = [() => input.model.dispose()];
    try {
      const { model, data, bundle } = input;
      const config = model.config;
      const split = bundle.config.data.split;
      const ends = evenSubset(windowEnds(split.test, data.originS, config), params.maxWindows);
      const sampling = samplingFromParams(params);
      const notes: string[] = [
        `held-out blocks ${split.test.map((b) => `${b.startS.toFixed(1)}–${b.endS.toFixed(1)} s`).join(', ')}, never trained on; ${ends.length} windows of ${config.windowS} s, each predicted from its recorded past`,
        'F1 as analysis.compute_scores (per window, sets of neuron ids; windows without a recorded spike skipped; its FP = 0 → precision and recall 1 quirk kept)',
      ];
      const prediction: NeuroformerPredictionRow[] = [];
      const row = (method: string, s: { scores: PredictionScores; corrected: PredictionScores }) => {
        const c = s.corrected;
        prediction.push({ method, precision: s.scores.precision, recall: s.scores.recall, f1: s.scores.F1, windows: s.scores.windows, corrected: { precision: c.precision, recall: c.recall, f1: c.F1 } });
        context.log(`${method}: precision ${s.scores.precision.toFixed(3)}, recall ${s.scores.recall.toFixed(3)}, F1 ${s.scores.F1.toFixed(3)} (${s.scores.windows} windows); corrected F1 ${c.F1.toFixed(3)} (precision ${c.precision.toFixed(3)}, recall ${c.recall.toFixed(3)})`);
      };
      const models = params.randomInit ? 2 : 1;
      const stages = models + (params.glm ? 1 : 0) + (params.spanS > 0 ? 1 : 0);
      let stage = 0;
      const progress = (label: string) => (done: number, total: number) => context.progress((stage + done / total) / stages, `${label} ${done}/${total}`);
      row('neuroformer', await modelPrediction(model, data.counts, data.dtS, ends, input.stimulusFor, sampling, { seed: params.seed, onProgress: progress('neuroformer windows'), signal }));
      stage++;
      if (params.randomInit) {
        const random = input.randomInit();
        disposers.push(() => random.dispose());
        row('neuroformer (random init)', await modelPrediction(random, data.counts, data.dtS, ends, input.stimulusFor, sampling, { seed: params.seed, onProgress: progress('random-init windows'), signal }));
        stage++;
      }
      if (context.cancelled) throw new CancelledError();
      if (params.glm) {
        const glm = glmPrediction(data.counts, data.dtS, data.originS, bundle.config.stimulus, split.train, ends, config.windowS, { ...GLM_PREDICTION_DEFAULTS, seed: params.seed }, (done, total) => {
          context.throwIfCancelled();
          progress('GLM neurons')(done, total);
        });
        row('poisson-glm', glm);
        notes.push(`Poisson GLM per neuron: ${bundle.config.stimulus.kind} stimulus features, history and coupling (${GLM_PREDICTION_DEFAULTS.bases} raised-cosine basis over 1–${GLM_PREDICTION_DEFAULTS.maxLagBins} bins of ${data.dtS} s), α ${GLM_PREDICTION_DEFAULTS.alpha}, fitted on the training blocks; spikes sampled per bin`);
        stage++;
      }
      let psth = null;
      const events = params.eventSet ? data.trains.events.find((e) => e.name === params.eventSet) : bundle.config.stimulus.kind === 'reversals' ? data.trains.events.find((e) => e.name === (bundle.config.stimulus as { eventSet: string }).eventSet) : data.trains.events[0];
      if (params.spanS > 0 && events) {
        const g = await generateSpikes(input, { spanS: params.spanS, maxSecondsPerBlock: params.maxSecondsPerBlock, topP: params.topP, temperature: params.temperature, greedy: false, seed: params.seed }, progress('rollout window'), signal);
        if (context.cancelled) throw new CancelledError();
        // Events whose PSTH span lies inside a generated span (after its seeded first past).
        const inside = Array.from(events.times).filter((t) => g.spans.some(([a, b]) => t >= a + config.windowPrevS && t + params.psthSpanS <= b));
        const n = config.neurons;
        const generated = Array.from({ length: n }, () => [] as number[]);
        g.unit.forEach((u, i) => generated[u]!.push(g.timeS[i]!));
        const result = psthTable(data.trains.times, generated.map((t) => Float64Array.from(t)), inside, params.psthBinS, params.psthSpanS);
        psth = {
          eventSet: events.name,
          binS: params.psthBinS,
          trials: result.trials,
          ceilingMeanR: result.ceilingMeanR,
          ceilingPerUnit: Array.from(result.ceilingPerUnit),
          rows: [{ method: 'neuroformer (own-past rollout)', meanR: result.meanR, perUnit: Array.from(result.perUnitR) }],
          // Small (units × bins each): kept in the result's JSON as perUnit is; typed on the wire (view.ts).
          curves: { bins: result.bins, recorded: Array.from(result.recordedPsth), generated: Array.from(result.generatedPsth), unitIds: [...data.trains.unitIds], cellTypes: [...data.trains.cellTypes] },
        };
        context.log(`PSTH over ${result.trials} "${events.name}" events in the held-out blocks: mean r ${result.meanR.toFixed(3)} vs reliability ceiling ${result.ceilingMeanR.toFixed(3)}`);
        notes.push(`PSTH: rollouts of ${params.spanS} s spans (own past after the first ${config.windowPrevS} s), ${params.psthBinS} s bins over ${params.psthSpanS} s after each event; ceiling = Spearman–Brown split-half reliability of the recorded trials`);
      }
      return [
        {
          key: 'evaluation',
          value: {
            modelId: context.model!.id,
            testBlocks: split.test.map((b) => [b.startS, b.endS]),
            windowS: config.windowS,
            prediction,
            psth,
            connectivity: [],
            notes,
          },
        },
      ];
    } finally {
      for (const d of disposers) d();
    }
  },
};

export default neuroformerEvaluate;
