/**
 * Neural seizure detection throughput on a generated 19 channels × 256 Hz EDF (SzCORE standard
 * input), as a multiple of real time (target > 100×), on the compute backend the chain selects
 * (CAJAL_BENCH_BACKEND forces one). The whole path is timed: reading, re-referencing, feature
 * frames, the model on every one-second window, hysteresis. The classical detector on the same
 * file is the in-run reference. Speed does not depend on the weights, so the model is untrained.
 *
 * Asynchronous, unlike the other benchmarks: activating a tfjs backend is.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BackendName } from '../shared/api/index.js';
import { ClassicalDetectionParams, detectClassical } from '../main/pipelines/seizure/index.js';
import { buildModel, detectNeural, tfFor, untrainedConfig } from '../main/pipelines/seizure/neural/index.js';
import { backgroundEdfName, generateBackgroundEdf } from './seizure.bench.js';
import { seconds } from './timing.js';
import type { BenchResult } from './types.js';

const HOURS = Number(process.env.CAJAL_BENCH_NEURAL_HOURS ?? process.env.CAJAL_BENCH_HOURS ?? 24);

export async function benchSeizureNeural(dir: string): Promise<BenchResult[]> {
  const path = join(dir, backgroundEdfName(HOURS));
  if (!existsSync(path)) generateBackgroundEdf(path, HOURS);
  const backend = process.env.CAJAL_BENCH_BACKEND ? BackendName.parse(process.env.CAJAL_BENCH_BACKEND) : undefined;
  const tf = await tfFor(backend);
  const neural = buildModel(tf, untrainedConfig([0, 2, 4], 1));
  const durationS = HOURS * 3600;
  try {
    const neuralS = seconds(() => detectNeural(path, neural, { requireAllChannels: true }));
    const classicalS = seconds(() => detectClassical(path, ClassicalDetectionParams.parse({ requireAllChannels: true })));
    return [
      {
        name: `seizure: neural detector (${tf.getBackend()}) on ${HOURS} h × 19 ch × 256 Hz, × real time (target > 100)`,
        value: durationS / neuralS,
        unit: '× real time',
        reference: { name: 'classical detector', value: durationS / classicalS },
      },
    ];
  } finally {
    neural.model.dispose();
  }
}
