/**
 * Pooled Brain-JEPA features of whole subjects: a deterministic centre crop of each scan, scaled as
 * the model was trained, through the target encoder and the mean over tokens, in batches so memory
 * stays bounded. What the probes, the rank monitor and the maps read.
 */
import type { Tfjs } from '../../compute/activate.js';
import { cropBatch, type CropSpec, type JepaNormalisation, type JepaSeries, type RobustScaler } from './data.js';
import type { JepaModel } from './model.js';

export interface FeatureInput {
  spec: CropSpec;
  normalisation: JepaNormalisation;
  scaler: RobustScaler | null;
}

/** n × embedDim pooled target features (row-major), read asynchronously (WebGPU has no synchronous download). */
/**
 * `which`: 'target' (the EMA encoder, as the reference's probes read) or 'encoder' (the context
 * encoder, trained directly: after a short pretraining the EMA target is still mostly its init).
 */
export async function pooledFeatures(tf: Tfjs, model: JepaModel, series: readonly JepaSeries[], input: FeatureInput, batchSize = 16, which: 'target' | 'encoder' = 'target'): Promise<Float64Array> {
  const width = model.config.embedDim;
  const { rois, frames } = model.config;
  const out = new Float64Array(series.length * width);
  for (let start = 0; start < series.length; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, series.length - start) }, (_, k) => start + k);
    const x = cropBatch(series, indices, { spec: input.spec, mode: 'centre', normalisation: input.normalisation, scaler: input.scaler });
    const pooled = tf.tidy(() => {
      const batch = tf.tensor3d(x, [indices.length, rois, frames]);
      return which === 'target' ? model.pooled(batch) : tf.mean(model.features(batch, 'encoder'), 1);
    });
    out.set(await pooled.data(), start * width);
    pooled.dispose();
  }
  return out;
}
