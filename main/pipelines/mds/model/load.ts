/**
 * Loading a trained response model for MDS (the cross-owner entry points of issue #21):
 *
 *   loadResponseModel(tf, store, modelId)           the stored ensemble, centred (readout means 0);
 *   responseModelFromBundle(tf, bytes, source)      the same from a bundle's bytes — what a pipeline
 *                                                   with `usesModel: MDS_MODEL_PIPELINE` gets as
 *                                                   context.model.weights (workers never open the project);
 *   createResponseModelFromWeights(tf, config, w)   an ensemble from a config and parameter values
 *                                                   (tests, parity, a model trained in this process).
 *
 * All three return an `EnsembleModel` (a ResponseModel with the config and the members); the
 * caller disposes it.
 */
import type { Tfjs } from '../../../compute/activate.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../../compute/nn/checkpoint.js';
import type { ParamSnapshot } from '../../../compute/nn/params.js';
import { FormatError, NotFoundError } from '../../../errors.js';
import type { Store } from '../../../store/index.js';
import { MDS_MODEL_FORMAT, parseBundleConfig, type MdsModelBundleConfig } from './bundle.js';
import { createEnsemble, type EnsembleModel, type EnsembleOptions } from './ensemble.js';

export { MDS_MODEL_FORMAT, MDS_MODEL_PIPELINE, type MdsModelBundleConfig } from './bundle.js';
export { initialWeights, type EnsembleModel, type EnsembleOptions } from './ensemble.js';

/** Decodes a stored bundle: its config and every member's weights. */
export function decodeResponseModel(bytes: Uint8Array, source: string): { config: MdsModelBundleConfig; weights: ParamSnapshot } {
  const decoded = decodeCheckpoint(bytes, source);
  const config = parseBundleConfig(decoded.header.config, source);
  const weights = decoded.groups.get('param');
  if (!weights) throw new FormatError(source, 'the bundle holds no parameters', 'tensors');
  return { config, weights };
}

export function responseModelFromBundle(tf: Tfjs, bytes: Uint8Array, source: string, options: EnsembleOptions = {}): EnsembleModel {
  const { config, weights } = decodeResponseModel(bytes, source);
  return createEnsemble(tf, config, weights, options);
}

/** The centred ensemble stored as model `modelId` (a NotFoundError/FormatError names it otherwise). */
export async function loadResponseModel(tf: Tfjs, store: Store, modelId: number, options: EnsembleOptions = {}): Promise<EnsembleModel> {
  const record = store.models.get(modelId);
  if (!record) throw new NotFoundError(`model ${modelId}`);
  const source = `model ${modelId} ("${record.name}")`;
  if (record.format !== MDS_MODEL_FORMAT) throw new FormatError(source, `stored as "${record.format}", not ${MDS_MODEL_FORMAT}`, 'format');
  return responseModelFromBundle(tf, record.weights, source, options);
}

export function createResponseModelFromWeights(tf: Tfjs, config: MdsModelBundleConfig, weights: ParamSnapshot, options: EnsembleOptions = {}): EnsembleModel {
  return createEnsemble(tf, config, weights, options);
}

/** The bundle bytes of an ensemble given its config and weights (what the fit pipeline stores). */
export function encodeResponseModel(tf: Tfjs, config: MdsModelBundleConfig, weights: ParamSnapshot): Uint8Array {
  const model = createEnsemble(tf, config, weights, { centre: false });
  try {
    return encodeCheckpoint({ params: model.params, config });
  } finally {
    model.dispose();
  }
}
