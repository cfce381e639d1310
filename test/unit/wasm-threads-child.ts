/**
 * Child process for compute-wasm-threads.test.ts: enables `argv[2]` wasm threads, activates the
 * wasm backend through activateBackend (Cajal's kernels included), prints one JSON line with the threads outcome,
 * checksums of a 1024² matmul and a batched attention product, and their timings, then returns
 * without any cleanup: the test asserts that the process exits by itself.
 */
import { activateBackend, wasmThreadsReport } from '../../main/compute/activate.js';

const requested = Number(process.argv[2] ?? 1);
const repeats = Number(process.argv[3] ?? 3);
// The way the app asks for threads (activateBackend also registers Cajal's wasm kernels).
const tf = await activateBackend('wasm', { wasmThreads: requested });
const threads = wasmThreadsReport() ?? { threads: 1, detail: 'one thread requested' };

function filled(shape: number[], seed: number): ReturnType<typeof tf.tensor> {
  const n = shape.reduce((p, d) => p * d, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (((i * 2654435761 + seed) >>> 0) % 1000) / 500 - 1;
  return tf.tensor(v, shape);
}

function measure(f: () => ReturnType<typeof tf.tensor>): { checksum: number[]; ms: number } {
  const warm = f();
  const data = warm.dataSync() as Float32Array;
  const checksum = [data[0]!, data[data.length - 1]!, data.reduce((s: number, x: number) => s + x, 0)];
  warm.dispose();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    f().dispose();
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return { checksum, ms: times[Math.floor(times.length / 2)]! };
}

const a = filled([1024, 1024], 1);
const b = filled([1024, 1024], 2);
const q = filled([128, 64, 32], 3);
const k = filled([128, 64, 32], 4);
const plain = measure(() => tf.matMul(a, b));
const attention = measure(() => tf.matMul(q, k, false, true));
console.log(JSON.stringify({ threads, plain, attention }));
