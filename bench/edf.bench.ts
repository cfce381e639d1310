/**
 * EDF reading on a generated 24 h × 23 channels × 256 Hz EDF (1.0 GB, written by our writer):
 * (a) open + read everything, MB/s and samples/s, beside MNE-Python's
 *     `read_raw_edf(..., preload=True)` on the same file when Debian's python3 has mne;
 * (b) time to the first 10 s page after open (target < 200 ms);
 * (c) median time to read one random 10 s page (target < 5 ms).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EdfReader, writeEdfFile } from '../main/io/edf/index.js';
import { median, seconds } from './timing.js';
import type { BenchResult } from './types.js';

const CHANNELS = 23;
const RATE = 256;
const HOURS = Number(process.env.CAJAL_BENCH_HOURS ?? 24);
const PAGE_S = 10;

function generate(path: string): void {
  const record = new Float64Array(RATE);
  writeEdfFile(path, {
    dataRecordDurationS: 1,
    recordCount: HOURS * 3600,
    startDateTime: '2024-01-01T00:00:00',
    signals: Array.from({ length: CHANNELS }, (_, c) => ({
      label: `EEG C${c + 1}`,
      physicalDimension: 'uV',
      physicalMin: -3200,
      physicalMax: 3200,
      samplesPerRecord: RATE,
      values: (r: number) => {
        for (let i = 0; i < RATE; i++) record[i] = 50 * Math.sin((2 * Math.PI * (c + 1) * (r * RATE + i)) / RATE);
        return record;
      },
    })),
  });
}

function readAll(path: string): number {
  const reader = EdfReader.open(path);
  const indices = reader.dataSignals().map((d) => d.index);
  // Hour by hour, as a pipeline would stream it.
  let samples = 0;
  for (let hour = 0; hour < HOURS; hour++) {
    for (const channel of reader.readWindow(hour * 3600, 3600, indices).data) samples += channel.length;
  }
  reader.close();
  return samples;
}

function mneReadAllSeconds(path: string): number | null {
  const script = `import time, mne\nt=time.perf_counter()\nmne.io.read_raw_edf(${JSON.stringify(path)}, preload=True, verbose='error')\nprint(time.perf_counter()-t)`;
  try {
    return Number(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return null;
  }
}

export function benchEdf(dir: string): BenchResult[] {
  const path = join(dir, `bench-${HOURS}h.edf`);
  if (!existsSync(path)) generate(path);
  const megabytes = statSync(path).size / 1e6;
  const results: BenchResult[] = [];

  let samples = 0;
  const ours = seconds(() => (samples = readAll(path)));
  const mne = mneReadAllSeconds(path);
  results.push({
    name: `edf: open + read all of ${HOURS} h × ${CHANNELS} ch × ${RATE} Hz (${megabytes.toFixed(0)} MB)`,
    value: megabytes / ours,
    unit: 'MB/s',
    ...(mne ? { reference: { name: 'MNE read_raw_edf(preload=True)', value: megabytes / mne } } : {}),
  });
  results.push({ name: 'edf: read-all samples', value: samples / ours / 1e6, unit: 'M samples/s' });
  if (!mne) console.log('(MNE-Python not available to /usr/bin/python3: apt-get install python3-mne for the reference)');

  let firstPageMs = 0;
  firstPageMs = seconds(() => {
    const reader = EdfReader.open(path);
    reader.readWindow(0, PAGE_S, reader.dataSignals().map((d) => d.index));
    reader.close();
  }) * 1000;
  results.push({ name: 'edf: open + first 10 s page (target < 200 ms)', value: firstPageMs, unit: 'ms' });

  const reader = EdfReader.open(path);
  const indices = reader.dataSignals().map((d) => d.index);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = Math.floor(random() * (HOURS * 3600 - PAGE_S));
    times.push(seconds(() => reader.readWindow(start, PAGE_S, indices)) * 1000);
  }
  reader.close();
  results.push({ name: 'edf: random 10 s page, median of 200 (target < 5 ms)', value: median(times), unit: 'ms' });
  return results;
}
