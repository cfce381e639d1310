/**
 * Seizure detection pipeline (neural detector): the project's trained seizure-neural model, loaded
 * by the runner from the models table, streamed over the recording like the classical detector,
 * writing the same results (1 Hz probability trace and events) so triage treats both alike. The
 * model's input decides the mode: a standard-input model reads the SzCORE standard input, a
 * per-channel model scores every EEG channel alone (channel/detect.ts).
 */
import { z } from 'zod';
import { activateBackend, selectBackend } from '../../compute/index.js';
import { ValidationError } from '../../errors.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { detectPerChannel } from './channel/detect.js';
import { modelChannelMode } from './channel/mode.js';
import { detectionResults, type ModeDetectionOutput } from './index.js';
import { detectNeural, modelFromBundle, NeuralDetectionParams } from './neural/index.js';
import { defaultSeizureModelRecord, hasDefaultSeizureModel } from './neural/default-model.js';

const Params = NeuralDetectionParams.extend({
  /** Model in the project's models table; the runner fills in the latest when omitted. */
  modelId: z.number().int().positive().optional(),
}).strict();
type Params = z.infer<typeof Params>;

const seizureNeural: PipelineDefinition<Params> = {
  name: 'seizure-neural',
  title: 'Detect seizures (neural)',
  description: 'The project’s trained TensorFlow.js seizure model over per-second spectral features of every channel (the SzCORE standard input or each channel alone, as the model was trained); events by the same hysteresis as the classical detector.',
  input: 'recording',
  recordingKinds: ['eeg'],
  usesModel: 'seizure-neural',
  // A fresh project gets the model shipped in assets/seizure/default (neural/default-model.ts).
  defaultModel: () => (hasDefaultSeizureModel() ? defaultSeizureModelRecord() : null),
  params: Params,
  async run(context) {
    const { recording, model } = context;
    if (!recording) throw new ValidationError('recordingId', 'seizure detection needs a recording');
    if (!model) throw new ValidationError('modelId', 'no seizure-neural model was given to this run');
    const backend = await selectBackend();
    const tf = await activateBackend(backend.selected);
    context.log(`model #${model.id} "${model.name}" on the ${backend.selected} backend`);
    const neural = await modelFromBundle(tf, model.weights, `model #${model.id}`);
    const { modelId: _modelId, ...detection } = context.params;
    const choice = modelChannelMode(neural.config.input, detection.channelMode, `model #${model.id} "${model.name}"`);
    const onProgress = (doneS: number, totalS: number) => {
      context.throwIfCancelled();
      context.progress(doneS / totalS, `${Math.round(doneS / 60)} / ${Math.round(totalS / 60)} min`);
    };
    let output: ModeDetectionOutput;
    if (choice.mode === 'per-channel') {
      const { channelProbabilities, selection, warnings, ...rest } = detectPerChannel(recording.sourcePath, { kind: 'neural', neural }, detection, { channels: detection.channels, onProgress });
      output = { ...rest, choice, warnings, perChannel: { channelProbabilities, selection } };
    } else {
      if (detection.channels?.length) throw new ValidationError('channels', `${choice.reason}, which always uses the 19 SzCORE electrodes: a channel list applies to per-channel models only`);
      output = { ...detectNeural(recording.sourcePath, neural, detection, { onProgress }), choice, warnings: [], perChannel: null };
    }
    return detectionResults('neural', context, output, { modelId: model.id });
  },
};

export default seizureNeural;
