/**
 * "Improve detector from my reviews" as a run that produces a model (`seizure-neural-finetune`).
 *
 * Input: the reviewed recordings (params.recordingIds) — one recording or one patient's recordings
 * ("per patient"), or every reviewed recording of the project ("per site"); the caller (triage.ts
 * `improve`) picks them. The decisions are frozen into params.reviewed (spans per recording id) when
 * the run is started: workers never open the project, and the run's params then say exactly what it
 * learnt from, so it can be reproduced after more decisions are made.
 *
 * Base model: the runner's `usesModel` machinery resolves params.modelId (the model of the reviewed
 * detection run, or the latest) and records it; the new model is stored by `producesModel` as a new
 * seizure-neural model — the base model's row is never written to.
 *
 * Results: `finetune` (verdict, base model, counts, parameters, before/after totals), `comparison`
 * (per recording, all decisions and held-out ones, before/after) and `loss-curve`.
 */
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { CancelledError, type PipelineDefinition, type ProducedModel } from '../../jobs/pipeline.js';
import { FinetuneOptions, finetuneNeural, type FinetuneResult } from './finetune.js';
import { ReviewedRecording } from './finetune-examples.js';
import { MODEL_FORMAT, MODEL_PIPELINE, modelToBundle, NeuralDetectionParams, tfFor, type EpochRecord, type NeuralSeizureModel, type TrainProgress } from './neural/index.js';

const Params = FinetuneOptions.extend({
  recordingIds: z.array(z.number().int().positive()).min(1).max(1000),
  /** The base model; the runner fills in the latest seizure-neural model when omitted. */
  modelId: z.number().int().positive().optional(),
  /** Decisions by recording id (decimal string), as triage.ts `reviewedExamples` builds them. */
  reviewed: z.record(z.string().regex(/^\d+$/), ReviewedRecording),
  /** The thresholds detection uses (those of the reviewed detection run): before/after use them too. */
  detection: NeuralDetectionParams.prefault({}),
  /** Name of the new model. */
  name: z.string().min(1).max(200).optional(),
  /** The detection run whose review started this (for the record and the UI). */
  sourceRunId: z.number().int().positive().optional(),
}).strict();
type Params = z.infer<typeof Params>;

const FEATURES_SHARE = 0.4;
const EVALUATION_SHARE = 0.1;

function modelMeta(params: Params, baseModelId: number, history: readonly EpochRecord[], result: Pick<FinetuneResult, 'bestEpoch' | 'verdict' | 'totals' | 'comparisons'> | null, neural: NeuralSeizureModel): Record<string, unknown> {
  const { lagsS, hiddenUnits, seed, featureVersion, input, training } = neural.config;
  const reviewed = Object.values(params.reviewed);
  return {
    lagsS,
    hiddenUnits,
    seed,
    featureVersion,
    input,
    training,
    finetune: {
      baseModelId,
      sourceRunId: params.sourceRunId ?? null,
      recordingIds: params.recordingIds,
      reviewed: { accepted: reviewed.reduce((n, r) => n + r.accepted.length, 0), rejected: reviewed.reduce((n, r) => n + r.rejected.length, 0) },
      parameters: { epochs: params.epochs, learningRate: params.learningRate, batchSize: params.batchSize, stepsPerEpoch: params.stepsPerEpoch, replayRatio: params.replayRatio, replayMin: params.replayMin, holdOutFraction: params.holdOutFraction, seed: params.seed },
      ...(result ? { verdict: result.verdict, before: result.totals.before, after: result.totals.after, lostAccepted: result.comparisons.flatMap((c) => c.lostAccepted.map((span) => ({ recordingId: c.recordingId, span }))) } : {}),
    },
    metrics: result ? { falseAlarmsPer24hBefore: result.totals.before.falseAlarmsPer24h, falseAlarmsPer24hAfter: result.totals.after.falseAlarmsPer24h, verdict: result.verdict } : {},
    checkpoint: { epoch: history.at(-1)?.epoch ?? 0, history },
  };
}

const seizureNeuralFinetune: PipelineDefinition<Params> = {
  name: 'seizure-neural-finetune',
  title: 'Improve the neural seizure detector from reviews',
  description: 'Fine-tunes a copy of the neural seizure model on accepted (seizure) and rejected (not seizure) triage decisions plus replayed background, and compares both models on the reviewed recordings and on held-out decisions. The previous model is kept.',
  input: 'recordings',
  recordingKinds: ['eeg'],
  usesModel: MODEL_PIPELINE,
  producesModel: { pipeline: MODEL_PIPELINE },
  params: Params,
  async run(context) {
    const { params, model } = context;
    if (!model) throw new ValidationError('modelId', 'no seizure-neural model was given to this run');
    if (model.format !== MODEL_FORMAT) throw new ValidationError('modelId', `model #${model.id} is in ${model.format} format, not ${MODEL_FORMAT}`);
    const recordings = context.recordings.map((recording) => {
      const reviewed = params.reviewed[String(recording.id)];
      if (!reviewed) throw new ValidationError('reviewed', `recording ${recording.id} (${recording.sourcePath}) has no reviewed events in params.reviewed`);
      context.log(`#${recording.id} ${recording.sourcePath}: ${reviewed.accepted.length} accepted, ${reviewed.rejected.length} rejected, ${reviewed.unreviewed.length} unreviewed`);
      return { id: recording.id, file: recording.sourcePath, reviewed };
    });
    const name = params.name ?? `${model.name} + reviews`;
    const signal = { get aborted() { return context.cancelled; } } as AbortSignal;
    const onProgress = (p: TrainProgress) => {
      if (p.phase === 'features') {
        context.progress((FEATURES_SHARE * (p.recording - 1 + p.doneS / Math.max(1, p.totalS))) / p.recordings, `features ${p.recording}/${p.recordings}`);
      } else {
        const message = `epoch ${p.epoch}/${p.maxEpochs}: loss ${p.trainLoss.toFixed(4)}`;
        context.progress(FEATURES_SHARE + ((1 - FEATURES_SHARE - EVALUATION_SHARE) * p.epoch) / p.maxEpochs, message);
        context.log(message);
      }
    };
    const tf = await tfFor(params.backend);
    context.log(`fine-tuning a copy of model #${model.id} "${model.name}" on the ${tf.getBackend()} backend`);
    const { recordingIds: _ids, modelId: _model, reviewed: _reviewed, detection, name: _name, sourceRunId: _source, ...options } = params;
    const result = await finetuneNeural(tf, model.weights, `model #${model.id}`, recordings, detection, options, {
      onProgress,
      signal,
      onEpochEnd: async ({ neural, history }) => {
        context.checkpoint({ name, format: MODEL_FORMAT, meta: modelMeta(params, model.id, history, null, neural), weights: await modelToBundle(neural) });
        if (context.cancelled) throw new CancelledError();
      },
    });
    try {
      context.progress(1 - EVALUATION_SHARE / 2, 'comparing the models');
      const { totals, comparisons, verdict, history, bestEpoch } = result;
      const fa = (f: { falseAlarmsPer24h: number }) => f.falseAlarmsPer24h.toFixed(1);
      context.log(`false alarms per 24 h: ${fa(totals.before)} before, ${fa(totals.after)} after; accepted seizures found: ${totals.before.acceptedFound}/${totals.before.accepted} before, ${totals.after.acceptedFound}/${totals.after.accepted} after`);
      for (const c of comparisons) {
        for (const [s, e] of c.lostAccepted) context.log(`the new model misses the accepted seizure at ${s}–${e} s of recording ${c.recordingId}, which the base model found`, 'warn');
      }
      context.log(`verdict: ${verdict}`, verdict === 'loses an accepted seizure' ? 'warn' : 'info');
      const produced: ProducedModel = { name, format: MODEL_FORMAT, meta: modelMeta(params, model.id, history, result, result.neural), weights: await modelToBundle(result.neural) };
      return {
        results: [
          {
            key: 'finetune',
            value: {
              verdict,
              baseModelId: model.id,
              baseModelName: model.name,
              sourceRunId: params.sourceRunId ?? null,
              reviewed: comparisons.map((c) => ({ recordingId: c.recordingId, ...c.examples, windows: c.windows })),
              lostAccepted: comparisons.flatMap((c) => c.lostAccepted.map(([onsetS, endS]) => ({ recordingId: c.recordingId, onsetS, endS }))),
              totals,
              heldOut: 'a seeded part of each recording’s decisions (classes with at least 3 decisions), not trained on',
              parameters: { epochs: params.epochs, learningRate: params.learningRate, batchSize: params.batchSize, stepsPerEpoch: params.stepsPerEpoch, replayRatio: params.replayRatio, replayMin: params.replayMin, holdOutFraction: params.holdOutFraction, seed: params.seed },
              detection: params.detection,
              backend: result.backend,
            },
          },
          { key: 'comparison', value: { recordings: comparisons.map(({ lostAccepted: _l, windows: _w, examples: _e, ...rest }) => rest) } },
          { key: 'loss-curve', value: { epochs: history.map((h) => h.epoch), trainLoss: history.map((h) => h.trainLoss), bestEpoch } },
        ],
        model: produced,
      };
    } finally {
      result.neural.model.dispose();
    }
  },
};

export default seizureNeuralFinetune;
