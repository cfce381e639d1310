/**
 * Training the neural seizure detector as a run that produces a model (`cajal seizure train`): the
 * project's recordings named by params.recordingIds, with the seizures annotated in or beside each
 * file (as `annotations.ts` reads them) plus any the caller marks (params.markedSeizures, e.g.
 * accepted triage decisions), trained as train.ts does. After every epoch the run hands the runner
 * a checkpoint (the current weights, the loss history), stored incomplete, so a cancelled run keeps
 * its last epoch and a new run can resume from it (params.resumeFromModelId). The final model (the
 * best epoch's weights) is stored by the runner with the run, its params and code version, in the
 * transaction of the results: the loss curve (`loss-curve`, per epoch) and a training summary.
 *
 * With `input: 'per-channel'` the model takes window features of every channel alone; the training
 * data may then also (or only) be folders of labelled segments (params.segmentFolders, read by
 * main/io/segments' readSegmentFolder in the worker: Bonn, New Delhi or a labels.csv folder), each
 * folder a collection of its own and the recordings another, balanced in every batch.
 */
import { z } from 'zod';
import { basename, resolve } from 'node:path';
import { ValidationError } from '../../errors.js';
import { readSegmentFolder } from '../../io/segments/index.js';
import { CancelledError, type PipelineContext, type PipelineDefinition, type ProducedModel } from '../../jobs/pipeline.js';
import type { TimeEvent } from './scoring/index.js';
import {
  MODEL_FORMAT,
  MODEL_PIPELINE,
  modelFromBundle,
  modelToBundle,
  NeuralTrainOptions,
  recordingSeizures,
  tfFor,
  trainingFeatures,
  trainOnFeatures,
  segmentFeatures,
  type EpochRecord,
  type RecordingFeatures,
  type NeuralSeizureModel,
  type TrainingRecording,
  type TrainProgress,
} from './neural/index.js';

const Seizure = z.tuple([z.number().nonnegative(), z.number().positive()]);

const Params = NeuralTrainOptions.extend({
  /** EDF recordings of the project with seizures (annotated or marked); may be empty with segmentFolders. */
  recordingIds: z.array(z.number().int().positive()).default([]),
  /** Folders of labelled segments (per-channel input only), as absolute paths. */
  segmentFolders: z.array(z.string().min(1)).default([]),
  /** Labelled-segment datasets stored in the project (`cajal seizure segments import`), by id. */
  segmentDatasetIds: z.array(z.number().int().positive()).default([]),
  /** Name of the model in the project. */
  name: z.string().min(1).max(200).default('neural seizure detector'),
  /** Seizures marked in the project, by recording id, added to those of the files. */
  markedSeizures: z.record(z.string(), z.array(Seizure)).default({}),
  /** A checkpoint (or model) of a seizure-neural training run to continue from. */
  resumeFromModelId: z.number().int().positive().optional(),
})
  .strict()
  .refine((p) => p.recordingIds.length > 0 || p.segmentFolders.length > 0 || p.segmentDatasetIds.length > 0, {
    message: 'name at least one recording (recordingIds), folder of labelled segments (segmentFolders) or segment dataset (segmentDatasetIds)',
    path: ['recordingIds'],
  })
  .refine((p) => (p.segmentFolders.length === 0 && p.segmentDatasetIds.length === 0) || p.input === 'per-channel', {
    message: 'labelled segments train the per-channel detector: set input to "per-channel"',
    path: ['segmentFolders'],
  });
type Params = z.infer<typeof Params>;

/** Where a checkpoint stopped: stored in its meta, read back to resume. */
const CheckpointState = z.object({
  epoch: z.number().int().nonnegative(),
  history: z.array(z.object({ epoch: z.number().int().positive(), trainLoss: z.number(), validationLoss: z.number() })),
});

/** Fraction of the progress bar spent extracting features; the rest is the epochs. */
const FEATURES_SHARE = 0.3;

export function mergeSeizures(events: readonly TimeEvent[]): TimeEvent[] {
  const sorted = [...events].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function trainingRecordings(context: PipelineContext<Params>): TrainingRecording[] {
  return context.recordings.map((recording) => {
    const fromFile = recordingSeizures(recording.sourcePath);
    for (const warning of fromFile.warnings) context.log(warning, 'warn');
    const marked = context.params.markedSeizures[String(recording.id)] ?? [];
    const seizures = mergeSeizures([...fromFile.seizures, ...marked]);
    context.log(`#${recording.id} ${recording.sourcePath}: ${seizures.length} seizure${seizures.length === 1 ? '' : 's'} (${fromFile.source}${marked.length ? ` + ${marked.length} marked in the project` : ''})`);
    return { file: recording.sourcePath, seizures };
  });
}

/**
 * The labelled segments of each folder and of each stored dataset, as features; each is a
 * collection named after its folder or dataset (training balances collections).
 */
function segmentExamples(context: PipelineContext<Params>, folders: readonly string[]): RecordingFeatures[] {
  const names = new Set<string>();
  const sources = [
    ...folders.map((folder) => ({ collection: readSegmentFolder(resolve(folder)), name: null as string | null })),
    ...context.segmentDatasets.map((dataset) => ({ collection: dataset.collection, name: `dataset #${dataset.id} ${dataset.name}` })),
  ];
  return sources.flatMap(({ collection, name: given }) => {
    let name = given ?? basename(collection.source);
    while (names.has(name)) name = `${name}'`;
    names.add(name);
    const counts = collection.labels.map((label) => `${collection.segments.filter((s) => s.label === label).length} ${label}`).join(', ');
    context.log(`${given ? `${given}, imported from ` : ''}${collection.source} (${collection.format}): ${collection.segments.length} segments: ${counts}`);
    for (const note of collection.notes) context.log(`  ${note}`);
    context.throwIfCancelled();
    return collection.segments.map((segment) => segmentFeatures(segment, name));
  });
}

function modelMeta(neural: NeuralSeizureModel, history: readonly EpochRecord[], bestEpoch: number): Record<string, unknown> {
  const { input, lagsS, hiddenUnits, seed, featureVersion, training } = neural.config;
  const best = history.find((h) => h.epoch === bestEpoch);
  return {
    input,
    lagsS,
    hiddenUnits,
    seed,
    featureVersion,
    training,
    metrics: { bestEpoch, epochs: history.length, validationLoss: best?.validationLoss ?? null, trainLoss: best?.trainLoss ?? null },
    checkpoint: { epoch: history.at(-1)?.epoch ?? 0, history },
  };
}

async function produced(name: string, neural: NeuralSeizureModel, history: readonly EpochRecord[], bestEpoch: number): Promise<ProducedModel> {
  return { name, format: MODEL_FORMAT, meta: modelMeta(neural, history, bestEpoch), weights: await modelToBundle(neural) };
}

const seizureNeuralTrain: PipelineDefinition<Params> = {
  name: 'seizure-neural-train',
  title: 'Train the neural seizure detector',
  description: 'Trains the TensorFlow.js seizure detector on the given recordings and their seizure annotations; a checkpoint every epoch, resumable; stores the model with this run.',
  input: 'recordings',
  recordingKinds: ['eeg'],
  producesModel: { pipeline: MODEL_PIPELINE },
  readsSegmentDatasets: true,
  params: Params,
  async run(context) {
    const { recordingIds: _ids, name, markedSeizures: _marked, resumeFromModelId: _resume, segmentFolders, segmentDatasetIds: _datasets, ...options } = context.params;
    const recordings = trainingRecordings(context);
    const segments = segmentExamples(context, segmentFolders);
    if (!recordings.some((r) => r.seizures.length) && !segments.some((s) => s.seizures.length)) {
      throw new ValidationError(
        'seizures',
        segments.length
          ? 'neither the recordings nor the segments hold a seizure (segments labelled "ictal")'
          : 'none of the recordings has a seizure annotation ("seizure…"/"sz…" EDF+ annotations, a <name>_events.tsv beside the file, or seizures marked in the project)',
      );
    }
    // The worker's cancel flag, read where training checks for an abort (between chunks and steps).
    const signal = { get aborted() { return context.cancelled; } } as AbortSignal;
    const onProgress = (p: TrainProgress) => {
      if (p.phase === 'features') {
        context.progress((FEATURES_SHARE * (p.recording - 1 + p.doneS / Math.max(1, p.totalS))) / p.recordings, `features ${p.recording}/${p.recordings}`);
      } else {
        const message = `epoch ${p.epoch}/${p.maxEpochs}: loss ${p.trainLoss.toFixed(4)}, validation ${p.validationLoss.toFixed(4)}${p.best ? ' (best)' : ''}`;
        context.progress(FEATURES_SHARE + ((1 - FEATURES_SHARE) * p.epoch) / p.maxEpochs, message);
        context.log(message);
      }
    };
    const tf = await tfFor(options.backend);
    let resume: { neural: NeuralSeizureModel; history: EpochRecord[] } | undefined;
    if (context.resumeFrom) {
      const from = context.resumeFrom;
      if (from.format !== MODEL_FORMAT) throw new ValidationError('resumeFromModelId', `model #${from.id} is in ${from.format} format, not ${MODEL_FORMAT}`);
      const state = CheckpointState.safeParse(from.meta.checkpoint);
      if (!state.success) throw new ValidationError('resumeFromModelId', `model #${from.id} holds no training state to resume from (it was not stored by a training run)`);
      resume = { neural: await modelFromBundle(tf, from.weights, `model #${from.id}`), history: state.data.history };
      context.log(`resuming from model #${from.id} after epoch ${state.data.epoch}`);
    }
    const fromRecordings = trainingFeatures(recordings, options, onProgress, signal);
    // Beside segment collections the recordings are one collection more, balanced with them.
    const features = segments.length ? [...fromRecordings.map((f) => ({ ...f, collection: 'recordings' })), ...segments] : fromRecordings;
    context.throwIfCancelled();
    const result = await trainOnFeatures(features, options, onProgress, {
      tf,
      signal,
      ...(resume ? { resume } : {}),
      onEpochEnd: async ({ neural, history, bestEpoch }) => {
        context.checkpoint(await produced(name, neural, history, bestEpoch));
        if (context.cancelled) throw new CancelledError();
      },
    });
    try {
      const { history, bestEpoch, windows, backend } = result;
      context.log(`trained on ${backend}: best epoch ${bestEpoch} of ${history.length}; windows ${windows.train.seizure} seizure / ${windows.train.background} background for training, ${windows.validation.seizure} / ${windows.validation.background} held out`);
      return {
        results: [
          {
            key: 'loss-curve',
            // Without held-out windows the trainer stops on the training loss, which it also reports
            // as "validation": the curve then shows the training loss alone rather than a copy of it.
            value: {
              epochs: history.map((h) => h.epoch),
              trainLoss: history.map((h) => h.trainLoss),
              ...(windows.validation.seizure + windows.validation.background > 0 ? { validationLoss: history.map((h) => h.validationLoss) } : {}),
              bestEpoch,
            },
          },
          { key: 'training', value: { bestEpoch, epochs: history.length, windows, backend } },
        ],
        model: await produced(name, result.neural, history, bestEpoch),
      };
    } finally {
      result.neural.model.dispose();
    }
  },
};

export default seizureNeuralTrain;
