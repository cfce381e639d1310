/**
 * The MDS response model's pieces (main/pipelines/mds/model): the separable 3-D convolution equals
 * tf.conv3d (values and gradients; the model does not call tf.conv3d because the stock wasm
 * backend's conv3d input gradient is wrong, see core.ts), predictions and
 * input gradients agree on wasm and cpu, centring, the stored bundle round trip (loadResponseModel),
 * the quality functions, and a tiny fit that beats its random initialisation. Small shapes: fast.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { FormatError } from '../../main/errors.js';
import type { MdsModelBundleConfig } from '../../main/pipelines/mds/model/bundle.js';
import { MdsModelConfig, defaultModelConfig, temporalSpan } from '../../main/pipelines/mds/model/config.js';
import { conv3dValid, separableConv3d, temporalBasis } from '../../main/pipelines/mds/model/core.js';
import { fitResponseModel } from '../../main/pipelines/mds/model/fit.js';
import { MDS_MODEL_PIPELINE, createResponseModelFromWeights, encodeResponseModel, initialWeights, loadResponseModel } from '../../main/pipelines/mds/model/load.js';
import { finiteMean, pearson, reliabilityCeiling } from '../../main/pipelines/mds/model/quality.js';
import type { MdsDataset } from '../../main/pipelines/mds/types.js';
import { Store } from '../../main/store/index.js';
import { seededRandom } from '../../shared/random.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-mds-model-');
afterAll(() => tmp.cleanup());

const rand = (n: number, seed: number) => {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r() - 0.5);
};

function bundle(model: MdsModelConfig, neurons: number, seeds: number[]): MdsModelBundleConfig {
  return {
    kind: 'mds-response-model',
    version: 1,
    model,
    stimulus: { frames: temporalSpan(model) + model.responseWindow, height: 6, width: 6, channels: 2, frameRateHz: 30, channelNames: ['green', 'uv'] },
    stimulusStats: { mean: [0.1, -0.1], std: [1, 2], min: [-1, -1], max: [1, 1], clipNorm: 3 },
    neurons,
    unitIds: Array.from({ length: neurons }, (_, i) => `u${i}`),
    cellTypes: Array.from({ length: neurons }, () => null),
    seeds,
    recordingId: null,
  };
}

const SMALL = MdsModelConfig.parse({ channels: [2, 3, 3], temporalKernels: [6, 3], spatialKernels: [3, 3], responseWindow: 2 });

describe('MDS response model', () => {
  it('the separable conv equals tf.conv3d with the outer-product kernel (values and gradients, cpu)', async () => {
    const tf = await activateBackend('cpu');
    const [B, T, H, W, CI, CO, KT, KS] = [2, 9, 5, 6, 2, 3, 4, 3];
    const x = tf.tensor5d(rand(B * T * H * W * CI, 1), [B, T, H, W, CI]);
    const temporal = tf.tensor3d(rand(CO * CI * KT, 2), [CO, CI, KT]);
    const spatial = tf.tensor4d(rand(CO * CI * KS * KS, 3), [CO, CI, KS, KS]);
    const full = tf.mul(tf.reshape(tf.transpose(temporal, [2, 1, 0]), [KT, 1, 1, CI, CO]), tf.reshape(tf.transpose(spatial, [2, 3, 1, 0]), [1, KS, KS, CI, CO])) as import('@tensorflow/tfjs').Tensor5D;
    const reference = tf.conv3d(x, full, 1, 'valid');
    const ours = separableConv3d(tf, x, temporal, spatial);
    expect(ours.shape).toEqual(reference.shape);
    expect(tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(conv3dValid(tf, x, full), reference))).dataSync()[0]).toBeLessThan(1e-5);
    const dy = tf.tensor5d(rand(reference.size, 4), reference.shape);
    const gRef = tf.grad((v: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.mul(tf.conv3d(v as import('@tensorflow/tfjs').Tensor5D, full, 1, 'valid'), dy)))(x);
    const gOurs = tf.grad((v: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.mul(separableConv3d(tf, v as import('@tensorflow/tfjs').Tensor5D, temporal, spatial), dy)))(x);
    expect(tf.max(tf.abs(tf.sub(gOurs, gRef))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('the temporal basis: kt/3 sines and cosines, the window mask rising towards the latest tap', () => {
    const { k, sines, cosines } = temporalBasis(21, 3);
    expect(k).toBe(7);
    expect(sines.length).toBe(7 * 21);
    // cos(0·f) row = the mask itself: ~0 at the oldest tap, ~1 at the newest.
    expect(cosines[0]).toBeLessThan(0.5);
    expect(cosines[20]).toBeGreaterThan(0.99);
    expect(Array.from(sines.subarray(0, 21)).every((v) => v === 0)).toBe(true);
  });

  it('predictions and input gradients agree on wasm and cpu; centring zeroes the readout means', async () => {
    const config = bundle(SMALL, 4, [1, 2]);
    const outs: Float32Array[] = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      const tf = await activateBackend(backend);
      const model = createResponseModelFromWeights(tf, config, initialWeights(tf, config));
      const x = tf.tensor5d(rand(3 * config.stimulus.frames * 6 * 6 * 2, 8), [3, config.stimulus.frames, 6, 6, 2]);
      const y = model.predict(x);
      expect(y.shape).toEqual([3, 4]);
      const g = tf.grad((v: import('@tensorflow/tfjs').Tensor) => tf.sum(model.predict(v)))(x);
      outs.push(Float32Array.from([...y.dataSync(), ...g.dataSync()]));
      expect(Array.from(model.params.get('members.1.readout.maskMean').dataSync()).every((v) => v === 0)).toBe(true);
      expect(Array.from(y.dataSync()).every((v) => v > 0)).toBe(true);
      model.dispose();
    }
    let d = 0;
    let n = 0;
    for (let i = 0; i < outs[0]!.length; i++) {
      d = Math.max(d, Math.abs(outs[0]![i]! - outs[1]![i]!));
      n = Math.max(n, Math.abs(outs[1]![i]!));
    }
    expect(d / n).toBeLessThan(1e-4);
  });

  it('stores and loads the ensemble (loadResponseModel), refusing another format', async () => {
    const tf = await activateBackend('cpu');
    const config = bundle(SMALL, 3, [4, 5]);
    const weights = initialWeights(tf, config);
    const store = Store.open(join(tmp.dir, 'model.cajal'));
    try {
      const id = store.models.add({ name: 'm', pipeline: MDS_MODEL_PIPELINE, runId: null, format: 'cajal-nn-v1', meta: {}, weights: encodeResponseModel(tf, config, weights) });
      const loaded = await loadResponseModel(tf, store, id);
      const direct = createResponseModelFromWeights(tf, config, weights);
      const x = tf.tensor5d(rand(2 * config.stimulus.frames * 6 * 6 * 2, 9), [2, config.stimulus.frames, 6, 6, 2]);
      expect(Array.from(loaded.predict(x).dataSync())).toEqual(Array.from(direct.predict(x).dataSync()));
      expect(loaded.config).toEqual(config);
      loaded.dispose();
      direct.dispose();
      const foreign = store.models.add({ name: 'x', pipeline: MDS_MODEL_PIPELINE, runId: null, format: 'tfjs-layers', meta: {}, weights: new Uint8Array(4) });
      await expect(loadResponseModel(tf, store, foreign)).rejects.toBeInstanceOf(FormatError);
    } finally {
      store.close();
    }
  });

  it('quality: Pearson, split-half ceiling (identical trials → 1, independent noise → ~0)', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    const neurons = 2;
    const length = 50;
    const trials = 6;
    const responses = new Float32Array(trials * length * neurons);
    const r = seededRandom(3);
    for (let k = 0; k < trials; k++) {
      for (let t = 0; t < length; t++) {
        responses[(k * length + t) * neurons] = Math.sin(t / 3); // reliable
        responses[(k * length + t) * neurons + 1] = r(); // noise
      }
    }
    const ceiling = reliabilityCeiling(responses, neurons, Array.from({ length: trials }, (_, k) => k * length), length);
    expect(ceiling[0]).toBeCloseTo(1, 6);
    expect(Math.abs(ceiling[1]!)).toBeLessThan(0.5);
    expect(finiteMean([1, Number.NaN, 3])).toBe(2);
  });

  it('defaultModelConfig scales the reference core to the canvas', () => {
    const sim = defaultModelConfig({ frames: 1, height: 8, width: 8, channels: 2, frameRateHz: 30, channelNames: ['green', 'uv'] });
    expect(sim.temporalKernels).toEqual([21, 11]);
    expect(sim.spatialKernels).toEqual([5, 3]);
    expect(sim.channels).toEqual([2, 16, 16]);
    const fullField = defaultModelConfig({ frames: 1, height: 1, width: 1, channels: 2, frameRateHz: 50, channelNames: ['flash', 'grating'] });
    expect(fullField.spatialKernels).toEqual([1, 1]);
  });

  it('a tiny fit learns a planted linear filter better than its random initialisation', async () => {
    const tf = await activateBackend('wasm');
    // 1×1×1 stimulus, 2 neurons: ON (rate ∝ recent stimulus) and OFF (∝ −stimulus); 30 Hz.
    const nFrames = 2400;
    const r = seededRandom(21);
    const stimulus = Float32Array.from({ length: nFrames }, () => (r() < 0.5 ? -1 : 1));
    // The test protocol repeats frames 2000–2100 four times.
    for (let k = 1; k < 4; k++) stimulus.copyWithin(2000 + k * 100, 2000, 2100);
    const responses = new Float32Array(nFrames * 2);
    for (let t = 3; t < nFrames; t++) {
      const drive = 0.5 * stimulus[t - 1]! + 0.3 * stimulus[t - 2]!;
      responses[t * 2] = Math.round(Math.max(0, 1 + drive) * (0.6 + 0.8 * r()));
      responses[t * 2 + 1] = Math.round(Math.max(0, 1 - drive) * (0.6 + 0.8 * r()));
    }
    const dataset: MdsDataset = {
      source: 'tiny',
      shape: { frames: nFrames, height: 1, width: 1, channels: 1, frameRateHz: 30, channelNames: ['contrast'] },
      nFrames,
      stimulus,
      nNeurons: 2,
      responses,
      unitIds: ['on', 'off'],
      cellTypes: ['ON', 'OFF'],
      trainRanges: [[0, 1700]],
      validationRanges: [[1700, 2000]],
      test: { name: 'repeats', trialStarts: [2000, 2100, 2200, 2300], lengthFrames: 100 },
      protocols: [],
      warnings: [],
    };
    const fit = fitResponseModel(tf, dataset, { seed: 1, members: 1, linearBaseline: true, maxEpochs: 8, batchSize: 4, clipFrames: 30, lr: 0.03, model: { channels: [1, 2, 2], temporalKernels: [6, 3], responseWindow: 2 } });
    expect(fit.members[0]!.history.length).toBeGreaterThan(0);
    expect(finiteMean(fit.heldOutCorr)).toBeGreaterThan(0.5);
    // The untrained ensemble predicts a near-constant rate (r NaN or ~0).
    const control = finiteMean(fit.randomInitCorr);
    expect(finiteMean(fit.heldOutCorr)).toBeGreaterThan((Number.isFinite(control) ? control : 0) + 0.2);
    expect(fit.bundle.stimulus.frames).toBe(5 + 2 + 2);
    // The planted filter is linear: the ridge baseline recovers it too.
    expect(finiteMean(fit.linear!.heldOutCorr)).toBeGreaterThan(0.5);
  }, 60_000);
});
