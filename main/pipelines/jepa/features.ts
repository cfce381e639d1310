/**
 * Pooled Brain-JEPA features of whole subjects: a deterministic centre crop of each scan, scaled as
 * the model was trained, through the target encoder and the mean over tokens, in batches so memory
 * stays bounded. What the probes, the rank monitor and the maps read; all of them walk the subjects
 * with `forEachCentreBatch`, so the crop and scaling of "a subject as the model sees it" is one code path.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../../compute/activate.js';
import { cropBatch, type CropSpec, type JepaNormalisation, type JepaSeries, type RobustScaler } from './data.js';
import type { JepaModel } from './model.js';

export interface FeatureInput {
  spec: CropSpec;
  normalisation: JepaNormalisation;
  scaler: RobustScaler | null;
}

/**
 * Every subject's centre crop, `batchSize` at a time, as a [B, rois, frames] tensor handed to `visit`
 * with the index of its first subject; the tensor is disposed when `visit` settles (it may read
 * results asynchronously: WebGPU has no synchronous download).
 */
export async function forEachCentreBatch(tf: Tfjs, series: readonly JepaSeries[], input: FeatureInput, shape: { rois: number; frames: number }, batchSize: number, visit: (x: tfTypes.Tensor3D, start: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < series.length; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, series.length - start) }, (_, k) => start + k);
    const x = tf.tensor3d(cropBatch(series, indices, { spec: input.spec, mode: 'centre', normalisation: input.normalisation, scaler: input.scaler }), [indices.length, shape.rois, shape.frames]);
    try {
      await visit(x, start);
    } finally {
      x.dispose();
    }
  }
}

/** n × embedDim pooled target features (row-major), read asynchronously (WebGPU has no synchronous download). */
/**
 * `which`: 'target' (the EMA encoder, as the reference's probes read) or 'encoder' (the context
 * encoder, trained directly: after a short pretraining the EMA target is still mostly its init).
 */
export async function pooledFeatures(tf: Tfjs, model: JepaModel, series: readonly JepaSeries[], input: FeatureInput, batchSize = 16, which: 'target' | 'encoder' = 'target'): Promise<Float64Array> {
  const width = model.config.embedDim;
  const out = new Float64Array(series.length * width);
  await forEachCentreBatch(tf, series, input, model.config, batchSize, async (batch, start) => {
    const pooled = tf.tidy(() => (which === 'target' ? model.pooled(batch) : tf.mean(model.features(batch, 'encoder'), 1)));
    try {
      out.set(await pooled.data(), start * width);
    } finally {
      pooled.dispose();
    }
  });
  return out;
}
