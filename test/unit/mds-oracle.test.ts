/**
 * The oracle control of MDS clustering (issue #21): the simulated retina's generating LN model as the
 * response model (simulate/ln-model.ts). Its predictions are the simulator's own expected rates, and
 * MDS clustering through it — the same objective, EM, split step and projection the trained model
 * gets — recovers every planted type of the seed-7 retina. So a shortfall through a trained model
 * is the model's, not the algorithm's (with the old 8-channel core it was: README "MDS").
 */
import { describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/activate.js';
import { adjustedRandIndex } from '../../main/pipelines/mds/ari.js';
import { clusterNeurons, CLUSTER_DEFAULTS } from '../../main/pipelines/mds/cluster.js';
import { datasetFromSimulation } from '../../main/pipelines/mds/dataset.js';
import { defaultModelConfig, temporalSpan } from '../../main/pipelines/mds/model/config.js';
import { stimulusStats } from '../../main/pipelines/mds/model/fit.js';
import { offsetModel } from '../../main/pipelines/mds/offset-model.js';
import { lnResponses, simulateRetina } from '../../main/pipelines/mds/simulate/index.js';
import { lnResponseModel } from '../../main/pipelines/mds/simulate/ln-model.js';
import { seededRandom } from '../../shared/random.js';

describe('MDS through the generating model (oracle control)', () => {
  const sim = simulateRetina({ seed: 7 });
  const config = defaultModelConfig(sim.shape);
  const frames = temporalSpan(config) + config.responseWindow;
  const shape = { ...sim.shape, frames };
  const centred = sim.cells.map((c) => ({ ...c, x: (sim.shape.width - 1) / 2, y: (sim.shape.height - 1) / 2 }));

  it('predicts the simulator’s expected rates of centred cells, averaged over the response window', async () => {
    const tf = await activateBackend('wasm');
    const model = lnResponseModel(tf, sim.types, sim.cells, shape, config.responseWindow);
    const r = seededRandom(5);
    const clip = Float32Array.from({ length: frames * 8 * 8 * 2 }, () => 2 * r() - 1);
    const predicted = tf.tidy(() => model.predict(tf.tensor5d(clip, [1, frames, 8, 8, 2])).dataSync() as Float32Array);
    const rates = lnResponses(sim.types, centred, clip, sim.shape, 0, null);
    const n = sim.cells.length;
    for (let i = 0; i < n; i++) {
      let expected = 0;
      for (let t = frames - config.responseWindow; t < frames; t++) expected += rates[t * n + i]! / config.responseWindow;
      expect(predicted[i]).toBeCloseTo(expected, 5);
    }
    model.dispose();
  });

  it('recovers all 8 planted types of the seed-7 retina from 8 shuffled clusters', { timeout: 300_000 }, async () => {
    const tf = await activateBackend('wasm');
    const stats = stimulusStats(datasetFromSimulation(sim), frames);
    const ln = lnResponseModel(tf, sim.types, sim.cells, shape, config.responseWindow);
    const model = offsetModel(tf, ln, stats.mean);
    const types = sim.cells.map((c) => sim.types[c.typeIndex]!.name);
    const result = clusterNeurons(tf, model, types, {
      ...CLUSTER_DEFAULTS,
      clusters: 8,
      seed: 42,
      subclusters: 8,
      projection: { norm: stats.clipNorm, channelRanges: stats.min.map((lo, c) => [lo - stats.mean[c]!, stats.max[c]! - stats.mean[c]!] as const) },
    });
    expect(result.clusters).toHaveLength(8);
    expect(adjustedRandIndex(result.assignment, types)).toBe(1);
    model.dispose();
    ln.dispose();
  });
});
