/**
 * MDS (issue #21) response-model speed, TF.js (wasm, one XNNPACK thread unless CAJAL_WASM_THREADS)
 * beside our PyTorch transcription (test/fixtures/reference/mds_model_torch.py, torch 1 thread),
 * same config, weights shape and batch, measured in this run:
 *   - one training step of one ensemble member (train-mode forward of a batch of 16 clips of
 *     30 + 50 frames of the simulated retina's 8 × 8 × 2 canvas, 64 neurons, Poisson loss +
 *     regularisers, backward, clipping, AdamW, BatchNorm running statistics);
 *   - MDS stimulus-optimisation steps per second: K = 8 clips (one per cluster) through the
 *     3-member centred ensemble, forward and the gradient to the stimulus (the objective itself —
 *     a softmax over K cluster means — is negligible beside it; mds-core's cluster bench times
 *     whole clusterings).
 * `CAJAL_BENCH_MDS_STEPS` (default 5) sets the timed training steps. Without torch the ratios are
 * not printed.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { activateBackend } from '../main/compute/index.js';
import { AdamW, trainStepTensors } from '../main/compute/nn/optim.js';
import { Params } from '../main/compute/nn/params.js';
import { memberPrefix, type MdsModelBundleConfig } from '../main/pipelines/mds/model/bundle.js';
import { defaultModelConfig, temporalSpan } from '../main/pipelines/mds/model/config.js';
import type { CoreForwardOptions } from '../main/pipelines/mds/model/core.js';
import { createResponseModelFromWeights, initialWeights } from '../main/pipelines/mds/model/load.js';
import { createNetwork } from '../main/pipelines/mds/model/network.js';
import { batchLoss } from '../main/pipelines/mds/model/train.js';
import { hasTorch, runTorchScript } from '../test/helpers/torch.js';
import type { BenchResult } from './types.js';

const SHAPE = { frames: 1, height: 8, width: 8, channels: 2, frameRateHz: 30, channelNames: ['green', 'uv'] };
const NEURONS = 64;
const BATCH = 16;
const OUT_FRAMES = 50;
const K = 8;
const MEMBERS = 3;

export async function benchMds(): Promise<BenchResult[]> {
  const steps = Number(process.env.CAJAL_BENCH_MDS_STEPS ?? 5);
  const mdsSteps = 10;
  const tf = await activateBackend('wasm');
  const config = defaultModelConfig(SHAPE);
  const span = temporalSpan(config);
  const bundle: MdsModelBundleConfig = {
    kind: 'mds-response-model',
    version: 1,
    model: config,
    stimulus: { ...SHAPE, frames: span + config.responseWindow },
    stimulusStats: { mean: [0, 0], std: [1, 1], min: [-1, -1], max: [1, 1], clipNorm: 1 },
    neurons: NEURONS,
    unitIds: Array.from({ length: NEURONS }, (_, i) => `u${i}`),
    cellTypes: Array.from({ length: NEURONS }, () => null),
    seeds: Array.from({ length: MEMBERS }, (_, i) => i + 1),
    recordingId: null,
  };
  const weights = initialWeights(tf, bundle);

  // Training steps of member 0.
  const params = new Params(tf);
  const net = createNetwork(params, memberPrefix(0), { config, input: SHAPE, neurons: NEURONS, seed: 1 });
  const optimizer = new AdamW(params, { lr: 0.01, weightDecay: 0.01, decay: () => true });
  const x = tf.randomNormal([BATCH, span + OUT_FRAMES, SHAPE.height, SHAPE.width, SHAPE.channels]) as tfTypes.Tensor5D;
  const y = tf.floor(tf.randomUniform([BATCH, OUT_FRAMES, NEURONS], 0, 2)) as tfTypes.Tensor3D;
  const step = () => {
    const stats: NonNullable<CoreForwardOptions['batchStats']> = [];
    const { loss } = trainStepTensors(optimizer, () => batchLoss(tf, net, x, y, { training: true, batchStats: stats }).total, { clipNorm: 1 });
    loss.dataSync();
    loss.dispose();
    net.core.updateRunningStats(stats);
    net.readout.projectPositive();
  };
  step();
  let t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const trainMs = (performance.now() - t0) / steps;
  net.dispose();
  optimizer.dispose();
  params.dispose();

  // MDS steps through the centred ensemble.
  const model = createResponseModelFromWeights(tf, bundle, weights);
  const clip = tf.randomNormal([K, bundle.stimulus.frames, SHAPE.height, SHAPE.width, SHAPE.channels]);
  const mdsStep = () => {
    const g = tf.grad((v: tfTypes.Tensor) => tf.sum(model.predict(v)))(clip);
    g.dataSync();
    g.dispose();
  };
  mdsStep();
  t0 = performance.now();
  for (let i = 0; i < mdsSteps; i++) mdsStep();
  const mdsPerS = mdsSteps / ((performance.now() - t0) / 1000);
  model.dispose();

  let torch: { trainMsPerStep: number; mdsStepsPerSecond: number } | null = null;
  if (hasTorch()) {
    torch = runTorchScript('mds_model_torch.py', {
      config,
      weights: Object.fromEntries([...weights].map(([k, t]) => [k, { shape: t.shape, values: Array.from(t.values) }])),
      bench: { members: MEMBERS, batch: BATCH, frames: span + OUT_FRAMES, outFrames: OUT_FRAMES, height: SHAPE.height, width: SHAPE.width, channels: SHAPE.channels, neurons: NEURONS, steps, k: K, clipFrames: bundle.stimulus.frames, mdsSteps },
    });
  } else {
    console.warn('mds bench: /usr/bin/python3 cannot import torch; the PyTorch references are skipped');
  }
  const label = `${config.channels.slice(1).join('/')} ch, kt ${config.temporalKernels.join('/')}, ${BATCH}×${span + OUT_FRAMES} frames 8×8×2, ${NEURONS} neurons`;
  return [
    { name: `MDS response model training step (${label}; wasm)`, value: trainMs, unit: 'ms', ...(torch ? { reference: { name: 'PyTorch 1 thread', value: torch.trainMsPerStep } } : {}) },
    // Ratio of times: the steps/s figure's reciprocal, so "× PyTorch" reads as slower when > 1.
    { name: `MDS stimulus optimisation, K = ${K} clips through a ${MEMBERS}-member ensemble (wasm), seconds per step`, value: 1 / mdsPerS, unit: 's', ...(torch ? { reference: { name: 'PyTorch 1 thread', value: 1 / torch.mdsStepsPerSecond } } : {}) },
    { name: `MDS stimulus optimisation steps per second, K = ${K} (wasm)`, value: mdsPerS, unit: 'steps/s' },
  ];
}
