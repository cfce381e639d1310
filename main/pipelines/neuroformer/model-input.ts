/**
 * What generate, connectivity and evaluate runs share: the stored model (context.model, a
 * `neuroformer` bundle), the recording binned on the model's clock, and its stimulus tokens. The
 * recording must have the model's unit count; the bin origin is the one the model was trained on,
 * so the held-out blocks stored with it mean the same seconds.
 */
import type { Recording } from '../../../shared/api/index.js';
import { activateBackend, type Tfjs } from '../../compute/activate.js';
import { selectBackend } from '../../compute/select.js';
import { ValidationError } from '../../errors.js';
import type { PipelineModel } from '../../jobs/pipeline.js';
import { binSpikes } from '../spikes/bin.js';
import { loadNeuroformer, NF_BUNDLE_FORMAT, type DecodedNfBundle } from './bundle.js';
import { readNfRecording, type NfRecordingData } from './data.js';
import type { NeuroformerModel } from './model.js';
import { stimulusTokens } from './split.js';

export interface NfModelInput {
  tf: Tfjs;
  backend: string;
  model: NeuroformerModel;
  bundle: DecodedNfBundle;
  data: NfRecordingData;
  /** Stimulus tokens of windows ending at these count-matrix times (undefined without a stimulus pathway). */
  stimulusFor(ends: readonly number[]): Float32Array | undefined;
  /** A second copy of the architecture at its seeded initial weights (the untrained control). */
  randomInit(): NeuroformerModel;
}

export async function loadModelInput(model: PipelineModel | null, recording: Recording, backendName?: string): Promise<NfModelInput> {
  if (!model) throw new ValidationError('modelId', 'no Neuroformer model in the project: train one first (cajal neuroformer train)');
  if (model.format !== NF_BUNDLE_FORMAT) throw new ValidationError('modelId', `model #${model.id} is in ${model.format} format, not a Neuroformer bundle`);
  const backend = backendName ?? (await selectBackend()).selected;
  const tf = await activateBackend(backend as Parameters<typeof activateBackend>[0]);
  const source = `model #${model.id}`;
  const { model: nf, bundle } = loadNeuroformer(tf, model.weights, source);
  try {
    const config = bundle.config.model;
    const read = await readNfRecording(recording, config.dtS);
    if (read.counts.units !== config.neurons) throw new ValidationError('recordingId', `recording ${recording.id} has ${read.counts.units} units, ${source} was trained on ${config.neurons}`);
    // Re-bin on the model's origin so its stored blocks are the same seconds.
    const originS = bundle.config.data.originS;
    const endS = Math.max(bundle.config.data.endS, read.endS);
    const binned = binSpikes(read.trains, config.dtS, originS, endS);
    const data: NfRecordingData = { ...read, originS, endS, counts: { counts: binned.counts, units: binned.units, bins: binned.bins } };
    const spec = bundle.config.stimulus;
    const tokens = config.stimulus?.tokens ?? 0;
    return {
      tf,
      backend,
      model: nf,
      bundle,
      data,
      stimulusFor: (ends) => (config.stimulus ? stimulusTokens(spec, ends.map((e) => e + originS), tokens, config.dtS) : undefined),
      randomInit: () => loadNeuroformer(tf, model.weights, source, { randomInit: true }).model,
    };
  } catch (error) {
    nf.dispose();
    throw error;
  }
}
