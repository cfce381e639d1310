/**
 * The MDS response model (main/pipelines/mds/model) against our PyTorch transcription of
 * open-retina's core_readout lineage (test/fixtures/reference/mds_model_torch.py): for the same
 * weights (perturbed so every path carries signal: readout means and variances, BatchNorm gains,
 * running statistics) and the same batch, on wasm and cpu:
 *   training loss (Poisson sum + regularisers) within 1e-4 relative;
 *   every gradient within 1e-3 relative (norm-wise, floor 1e-6);
 *   one step (clip_grad_norm_ 1, AdamW lr 0.01, weight decay 0.01 on every parameter, features
 *   clamped at 0) gives the same weights (1e-4 relative, norm-wise) and BatchNorm running statistics;
 *   the eval-mode ensemble prediction (mean over output frames) within 1e-4 relative.
 * Skips without torch (TORCH_SKIP_REASON).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { AdamW, trainStepTensors } from '../../main/compute/nn/optim.js';
import { Params, type ParamSnapshot } from '../../main/compute/nn/params.js';
import { memberPrefix, type MdsModelBundleConfig } from '../../main/pipelines/mds/model/bundle.js';
import { MdsModelConfig, temporalSpan } from '../../main/pipelines/mds/model/config.js';
import type { CoreForwardOptions } from '../../main/pipelines/mds/model/core.js';
import { createResponseModelFromWeights } from '../../main/pipelines/mds/model/load.js';
import { createNetwork } from '../../main/pipelines/mds/model/network.js';
import { batchLoss } from '../../main/pipelines/mds/model/train.js';
import { seededRandom } from '../../shared/random.js';
import { TORCH_SKIP_REASON, hasTorch, runTorchScript } from '../helpers/torch.js';

const torchOk = hasTorch();
if (!torchOk) console.warn(`mds-model-parity: ${TORCH_SKIP_REASON}`);

const CONFIG = MdsModelConfig.parse({ channels: [2, 3, 4], temporalKernels: [7, 4], spatialKernels: [3, 3], responseWindow: 3 });
const INPUT = { height: 6, width: 5, channels: 2 };
const NEURONS = 5;
const BATCH = 3;
const OUT_FRAMES = 6;
const OPT = { lr: 0.01, weightDecay: 0.01, clipNorm: 1 };

interface TorchOut {
  loss: number;
  poisson: number;
  grads: Record<string, number[]>;
  after: Record<string, number[]>;
  predictEval: number[];
}

function relNorm(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), floor);
}

function perturb(snapshot: ParamSnapshot, seed: number): ParamSnapshot {
  const random = seededRandom(seed);
  const out: ParamSnapshot = new Map();
  for (const [name, t] of snapshot) {
    const v = Float32Array.from(t.values);
    for (let i = 0; i < v.length; i++) {
      if (name.endsWith('maskMean')) v[i] = (random() - 0.5) * 0.1;
      else if (name.endsWith('maskLogVar')) v[i] = (random() - 0.5) * 0.5;
      else if (name.endsWith('bn.weight') || name.endsWith('runningVar')) v[i] = 0.5 + random();
      else if (name.endsWith('bn.bias') || name.endsWith('runningMean') || name.endsWith('core.layer0.bias') || name.endsWith('core.layer1.bias')) v[i] = (random() - 0.5) * 0.4;
      else if (name.endsWith('sin') || name.endsWith('cos') || name.endsWith('spatial')) v[i] = (random() - 0.5) * 0.6;
      else if (name.endsWith('readout.bias')) v[i] = (random() - 0.5) * 0.5;
    }
    out.set(name, { shape: t.shape, values: v });
  }
  return out;
}

describe.skipIf(!torchOk)('MDS response model vs PyTorch', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`loss, gradients, one AdamW step and the eval prediction agree (${backend})`, async () => {
      const tf = await activateBackend(backend);
      const span = temporalSpan(CONFIG);
      const frames = span + OUT_FRAMES;
      const random = seededRandom(11);
      const x = Float32Array.from({ length: BATCH * frames * INPUT.height * INPUT.width * INPUT.channels }, () => 2 * random() - 1);
      const y = Float32Array.from({ length: BATCH * OUT_FRAMES * NEURONS }, () => Math.floor(random() * 3));
      const prefix = memberPrefix(0);
      const params = new Params(tf);
      const net = createNetwork(params, prefix, { config: CONFIG, input: INPUT, neurons: NEURONS, seed: 5 });
      const weights = perturb(params.snapshot(), 3);
      params.restore(weights);
      const torch = runTorchScript<TorchOut>('mds_model_torch.py', {
        config: CONFIG,
        prefix,
        weights: Object.fromEntries([...weights].map(([k, t]) => [k, { shape: t.shape, values: Array.from(t.values) }])),
        x: { shape: [BATCH, frames, INPUT.height, INPUT.width, INPUT.channels], values: Array.from(x) },
        y: { shape: [BATCH, OUT_FRAMES, NEURONS], values: Array.from(y) },
        optimizer: OPT,
      });

      // Loss and gradients.
      const { value, grads } = tf.variableGrads(() => {
        const stats: NonNullable<CoreForwardOptions['batchStats']> = [];
        const { total } = batchLoss(tf, net, tf.tensor5d(x, [BATCH, frames, INPUT.height, INPUT.width, INPUT.channels]), tf.tensor3d(y, [BATCH, OUT_FRAMES, NEURONS]), { training: true, batchStats: stats });
        stats.forEach((s) => (s.mean.dispose(), s.variance.dispose()));
        return total;
      }, params.trainableVariables());
      const loss = value.dataSync()[0]!;
      const lossError = Math.abs(loss - torch.loss) / Math.abs(torch.loss);
      expect(lossError).toBeLessThan(1e-4);
      const byName = params.byName(grads);
      expect([...byName.keys()].sort()).toEqual(Object.keys(torch.grads).sort());
      let gradError = 0;
      for (const [name, g] of byName) {
        const e = relNorm(g.dataSync(), torch.grads[name]!);
        gradError = Math.max(gradError, e);
        expect(e, name).toBeLessThan(1e-3);
      }
      value.dispose();
      Object.values(grads).forEach((g: tfTypes.Tensor) => g.dispose());

      // One step.
      const optimizer = new AdamW(params, { lr: OPT.lr, weightDecay: OPT.weightDecay, decay: () => true });
      const stats: NonNullable<CoreForwardOptions['batchStats']> = [];
      const { loss: stepLoss } = trainStepTensors(
        optimizer,
        () => batchLoss(tf, net, tf.tensor5d(x, [BATCH, frames, INPUT.height, INPUT.width, INPUT.channels]), tf.tensor3d(y, [BATCH, OUT_FRAMES, NEURONS]), { training: true, batchStats: stats }).total,
        { clipNorm: OPT.clipNorm },
      );
      stepLoss.dispose();
      net.core.updateRunningStats(stats);
      net.readout.projectPositive();
      let stepError = 0;
      for (const [name, t] of params.snapshot()) {
        const e = relNorm(t.values, torch.after[name]!);
        stepError = Math.max(stepError, e);
        expect(e, `${name} after one step`).toBeLessThan(1e-4);
      }

      // The eval-mode prediction through the ensemble (one member, not centred, identity standardisation).
      const bundle: MdsModelBundleConfig = {
        kind: 'mds-response-model',
        version: 1,
        model: CONFIG,
        stimulus: { frames, ...INPUT, frameRateHz: 30, channelNames: ['a', 'b'] },
        stimulusStats: { mean: [0, 0], std: [1, 1], min: [-1, -1], max: [1, 1], clipNorm: 1 },
        neurons: NEURONS,
        unitIds: Array.from({ length: NEURONS }, (_, i) => `u${i}`),
        cellTypes: Array.from({ length: NEURONS }, () => null),
        seeds: [5],
        recordingId: null,
      };
      const model = createResponseModelFromWeights(tf, bundle, weights, { centre: false });
      const predicted = model.predict(tf.tensor5d(x, [BATCH, frames, INPUT.height, INPUT.width, INPUT.channels]));
      const predictError = relNorm(predicted.dataSync(), torch.predictEval);
      expect(predictError).toBeLessThan(1e-4);
      console.info(`mds-model parity (${backend}): loss ${lossError.toExponential(1)}, worst gradient ${gradError.toExponential(1)}, worst weight after one AdamW step ${stepError.toExponential(1)}, eval prediction ${predictError.toExponential(1)} (relative)`);
      predicted.dispose();
      model.dispose();
      optimizer.dispose();
      net.dispose();
      params.dispose();
    }, 60_000);
  }
});
