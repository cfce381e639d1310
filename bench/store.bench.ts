/**
 * Store write throughput: a 10 MB Float32Array BLOB, and 1e6 row inserts in one transaction.
 * Reference measured in the same run: writing the same bytes to a plain file with fsync, so the
 * figures read as "how close to the disk is SQLite here".
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../main/store/index.js';
import { median, seconds } from './timing.js';
import type { BenchResult } from './types.js';

export function benchStore(dir: string): BenchResult[] {
  const store = Store.open(join(dir, 'bench.cajal'));
  const floats = new Float32Array((10 * 1024 * 1024) / 4);
  for (let i = 0; i < floats.length; i++) floats[i] = Math.sin(i);
  const megabytes = floats.byteLength / (1024 * 1024);

  const blobTimes: number[] = [];
  const fileTimes: number[] = [];
  for (let repeat = 0; repeat < 5; repeat++) {
    blobTimes.push(seconds(() => store.transaction(() => store.arrays.add(floats))));
    fileTimes.push(
      seconds(() => {
        const fd = openSync(join(dir, `raw-${repeat}.bin`), 'w');
        writeSync(fd, new Uint8Array(floats.buffer));
        fsyncSync(fd);
        closeSync(fd);
      }),
    );
  }
  const readTime = seconds(() => store.arrays.get(1));

  // 1e6 annotation-sized rows: the shape of an event table or a per-second probability trace.
  const run = store.runs.create({ pipeline: 'bench', params: {}, recordingId: null, codeVersion: 'bench' });
  const rows = 1_000_000;
  const rowTime = seconds(() =>
    store.transaction(() => {
      for (let i = 0; i < rows; i++) store.runs.appendLog(run.id, 'info', `row ${i}`);
    }),
  );
  const integrity = store.integrityCheck();
  store.close();

  const blob = median(blobTimes);
  const file = median(fileTimes);
  return [
    { name: 'store: 10 MB Float32Array BLOB write (median of 5)', value: megabytes / blob, unit: 'MB/s', reference: { name: 'plain file write + fsync', value: megabytes / file } },
    { name: 'store: 10 MB Float32Array BLOB read', value: megabytes / readTime, unit: 'MB/s' },
    { name: 'store: 1e6 row inserts in one transaction', value: rows / rowTime, unit: 'rows/s' },
    { name: 'store: integrity_check after the benchmark', value: integrity === 'ok' ? 1 : 0, unit: 'ok' },
  ];
}
