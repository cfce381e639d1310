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
import { writeEdfFile } from '../main/io/edf/index.js';
import { ClassicalDetectionParams, detectClassical } from '../main/pipelines/seizure/index.js';
import { SZCORE_ELECTRODES } from '../main/pipelines/seizure/input.js';
import { buildModel, detectNeural, FEATURE_COUNT, FEATURE_NAMES, FEATURE_VERSION, tfFor } from '../main/pipelines/seizure/neural/index.js';
import { seconds } from './timing.js';
import type { BenchResult } from './types.js';

const HOURS = Number(process.env.CAJAL_BENCH_NEURAL_HOURS ?? process.env.CAJAL_BENCH_HOURS ?? 24);
const RATE = 256;

/** Pink-ish background: a random walk pulled back to zero, different per channel. */
function generate(path: string): void {
  let seed = 77;
  const level = SZCORE_ELECTRODES.map(() => 0);
  const record = new Float64Array(RATE);
  writeEdfFile(path, {
    dataRecordDurationS: 1,
    recordCount: Math.round(HOURS * 3600),
    signals: SZCORE_ELECTRODES.map((electrode, c) => ({
      label: `EEG ${electrode}-REF`,
      physicalDimension: 'uV',
      physicalMin: -3000,
      physicalMax: 3000,
      samplesPerRecord: RATE,
      values: () => {
        let x = level[c]!;
        for (let i = 0; i < RATE; i++) {
          seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
          x = 0.9 * x + 12 * (seed / 4294967296 - 0.5);
          record[i] = x;
        }
        level[c] = x;
        return record;
      },
    })),
  });
}

export async function benchSeizureNeural(dir: string): Promise<BenchResult[]> {
  const path = join(dir, `seizure-neural-${HOURS}h.edf`);
  if (!existsSync(path)) generate(path);
  const backend = process.env.CAJAL_BENCH_BACKEND ? BackendName.parse(process.env.CAJAL_BENCH_BACKEND) : undefined;
  const tf = await tfFor(backend);
  const lagsS = [0, 2, 4];
  const neural = buildModel(tf, {
    featureVersion: FEATURE_VERSION,
    featureNames: [...FEATURE_NAMES],
    windowS: 4,
    lagsS,
    featureMean: new Array<number>(FEATURE_COUNT * lagsS.length).fill(0),
    featureStd: new Array<number>(FEATURE_COUNT * lagsS.length).fill(1),
    hiddenUnits: [16, 8],
    seed: 1,
    training: {},
  });
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
