/**
 * Per-channel seizure detection throughput on a generated one-channel 24 h EDF (a single
 * derivation, AR(1)-coloured background), as a multiple of real time (target ≥ 5000×): the
 * classical detector on the channel alone, and a per-channel neural model (untrained: speed does
 * not depend on the weights) on the compute backend the chain selects (CAJAL_BENCH_BACKEND forces
 * one). The whole path is timed — reading, scaling to µV, resampling where the rate is not 256 Hz,
 * features, scoring, combining, hysteresis. A second file at 500 Hz measures the resampling's cost.
 * The 24 h × 19 channel figures of the standard input are the `seizure` and `seizure-neural` benches.
 * Each figure is wall time; the same work per CPU second (process.cpuUsage, all threads) is printed
 * beside it, since on a shared machine other processes stretch the wall time but not the CPU time.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BackendName } from '../shared/api/index.js';
import { writeEdfFile } from '../main/io/edf/index.js';
import { detectPerChannel } from '../main/pipelines/seizure/channel/detect.js';
import { untrainedPerChannelConfig } from '../main/pipelines/seizure/channel/untrained.js';
import { buildModel, tfFor } from '../main/pipelines/seizure/neural/index.js';
import type { BenchResult } from './types.js';

const HOURS = Number(process.env.CAJAL_BENCH_CHANNEL_HOURS ?? process.env.CAJAL_BENCH_HOURS ?? 24);

/** One channel of AR(1)-coloured noise (~25 µV), `hours` long at `rateHz`, in 1 s records. */
function generateOneChannelEdf(path: string, hours: number, rateHz: number): void {
  let state = 77;
  let x = 0;
  const record = new Float64Array(rateHz);
  writeEdfFile(path, {
    dataRecordDurationS: 1,
    recordCount: Math.round(hours * 3600),
    signals: [
      {
        label: 'EEG T3-T5',
        physicalDimension: 'uV',
        physicalMin: -3000,
        physicalMax: 3000,
        samplesPerRecord: rateHz,
        values: () => {
          for (let i = 0; i < rateHz; i++) {
            state = (state * 1103515245 + 12345) % 2147483648;
            x = 0.95 * x + 10 * (state / 2147483648 - 0.5);
            record[i] = x;
          }
          return record;
        },
      },
    ],
  });
}

/** Wall and CPU seconds of fn (CPU: user + system of the whole process, every thread). */
function timed(fn: () => void): { wallS: number; cpuS: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  fn();
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { wallS, cpuS: (used.user + used.system) / 1e6 };
}

function oneChannelEdf(dir: string, rateHz: number): string {
  const path = join(dir, `seizure-one-channel-${HOURS}h-${rateHz}Hz.edf`);
  if (!existsSync(path)) generateOneChannelEdf(path, HOURS, rateHz);
  return path;
}

export async function benchSeizureChannel(dir: string): Promise<BenchResult[]> {
  const durationS = HOURS * 3600;
  const at256 = oneChannelEdf(dir, 256);
  const at500 = oneChannelEdf(dir, 500);
  const classical256 = timed(() => detectPerChannel(at256, { kind: 'classical' }));
  const classical500 = timed(() => detectPerChannel(at500, { kind: 'classical' }));
  const backend = process.env.CAJAL_BENCH_BACKEND ? BackendName.parse(process.env.CAJAL_BENCH_BACKEND) : undefined;
  const tf = await tfFor(backend);
  const neural = buildModel(tf, untrainedPerChannelConfig([0, 2, 4], 1));
  try {
    const neural256 = timed(() => detectPerChannel(at256, { kind: 'neural', neural }));
    const target = '(target ≥ 5000)';
    const rate = (t: { wallS: number }) => durationS / t.wallS;
    const perCpu = (t: { cpuS: number }) => ({ name: 'per CPU second', value: durationS / t.cpuS });
    return [
      { name: `seizure: per-channel classical on ${HOURS} h × 1 ch × 256 Hz, × real time ${target}`, value: rate(classical256), unit: '× real time', reference: perCpu(classical256) },
      { name: `seizure: per-channel classical on ${HOURS} h × 1 ch × 500 Hz (resampled to 256 Hz), × real time ${target}`, value: rate(classical500), unit: '× real time', reference: perCpu(classical500) },
      { name: `seizure: per-channel neural (${tf.getBackend()}) on ${HOURS} h × 1 ch × 256 Hz, × real time ${target}`, value: rate(neural256), unit: '× real time', reference: perCpu(neural256) },
    ];
  } finally {
    neural.model.dispose();
  }
}
