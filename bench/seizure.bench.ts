/**
 * Seizure detection throughput on a generated 24 h × 19 channels × 256 Hz EDF (SzCORE standard
 * input): the classical detector's speed as a multiple of real time (target > 1000×).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeEdfFile } from '../main/io/edf/index.js';
import { ClassicalDetectionParams, detectClassical } from '../main/pipelines/seizure/index.js';
import { SZCORE_ELECTRODES } from '../main/pipelines/seizure/input.js';
import { seconds } from './timing.js';
import type { BenchResult } from './types.js';

const HOURS = Number(process.env.CAJAL_BENCH_HOURS ?? 24);
const RATE = 256;

/** Background: AR(1)-coloured noise per channel (cheap to make for a day of data). */
export function generateBackgroundEdf(path: string, hours: number): void {
  let state = 2024;
  const state0 = SZCORE_ELECTRODES.map(() => 0);
  const record = new Float64Array(RATE);
  writeEdfFile(path, {
    dataRecordDurationS: 1,
    recordCount: Math.round(hours * 3600),
    signals: SZCORE_ELECTRODES.map((electrode, c) => ({
      label: `EEG ${electrode}-REF`,
      physicalDimension: 'uV',
      physicalMin: -3000,
      physicalMax: 3000,
      samplesPerRecord: RATE,
      values: () => {
        let x = state0[c]!;
        for (let i = 0; i < RATE; i++) {
          state = (state * 1103515245 + 12345) % 2147483648;
          x = 0.95 * x + 10 * (state / 2147483648 - 0.5);
          record[i] = x;
        }
        state0[c] = x;
        return record;
      },
    })),
  });
}

/** Both seizure benchmarks read the same generated file when run together. */
export function backgroundEdfName(hours: number): string {
  return `seizure-background-${hours}h.edf`;
}

export function benchSeizure(dir: string): BenchResult[] {
  const path = join(dir, backgroundEdfName(HOURS));
  if (!existsSync(path)) generateBackgroundEdf(path, HOURS);
  const params = ClassicalDetectionParams.parse({ requireAllChannels: true });
  const elapsed = seconds(() => detectClassical(path, params));
  return [{ name: `seizure: classical detector on ${HOURS} h × 19 ch × 256 Hz, × real time (target > 1000)`, value: (HOURS * 3600) / elapsed, unit: '× real time' }];
}
