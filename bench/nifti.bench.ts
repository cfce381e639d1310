/**
 * NIfTI reading and ROI extraction, each beside Debian's nibabel 5.0 / numpy run in the same bench:
 * (a) open + first volume of a generated 4D .nii.gz (64×64×32×100 int16, 26 MB inflated; target
 *     < 300 ms), against nibabel's `nib.load(p).dataobj[..., 0]`;
 * (b) full-read throughput of the same file, .nii.gz and .nii, in MB of stored voxels per second,
 *     against `nib.load(p).get_fdata(dtype=np.float32)`;
 * (c) ROI extraction of the real haxby BOLD (1452 volumes) with AAL2, against the numpy/scipy
 *     reference's resampling + region means (test/fixtures/reference/roi_extract_numpy.py), both
 *     timed from opening the files. Skipped without ../shared/data.
 * Both sides are measured the same way: RUNS rounds, each one warm-up call then REPS timed calls
 * of load + read + a touch of the result (Cajal in this process, nibabel in a fresh python process
 * per round, timed inside it, imports excluded), rounds alternating so both see the same load on a
 * shared machine; the figure is the median of the RUNS × REPS calls. nibabel's get_fdata is asked
 * for float32, the type Cajal returns (its default float64 is slower). NIFTI_BENCH_LOG=1 prints every
 * timing of both sides.
 *
 * (b′) the .nii full read again in fresh Node processes started with GLIBC_TUNABLES=glibc.malloc.hugetlb=1
 *     (bench/nifti-read-child.ts: warm-up + REPS calls per process, as python's rounds), and the
 *     .nii against nibabel with numpy's huge pages switched off; Linux only.
 *
 * Where the time of a .nii full read goes (measured on the 2-vCPU AMD EPYC VM of the #18 work,
 * kernel 6.18, THP enabled=madvise defrag=madvise, glibc 2.36, Node 20; ms per call, medians; the
 * machine was shared, load 3–17, so wall times swing by 2× and CPU times were used to decide):
 * - open + header (stat, open, 540-byte read, parse): ~0.3 ms; the async open/close the reader used
 *   to take cost thread-pool hops of 0.1–5 ms each on the busy machine (now one sync descriptor);
 * - `new Float32Array` of 52 MB: ~0 ms (calloc maps fresh zero pages; nothing is touched yet);
 * - reading the 26 MB into memory already touched: 3–5 ms; converting int16 → float32
 *   (TypedArray.set) into memory already touched: 3–4 ms;
 * - the first touch of the 52 MB result: 12 800 page faults of 4 KiB, 35–85 ms, nearly all of the
 *   read (Cajal's reader: ~40–55 ms CPU a call, 12 800 faults).
 * numpy madvises large arrays for transparent huge pages, so nibabel's result faults 25 times in
 * 2 MiB pages (40–290 faults a call in all; ~10–12 ms CPU a call). Node's allocator (glibc malloc)
 * cannot be told to from JavaScript, and 52 MB is always a fresh mmap (glibc's mmap threshold stops
 * at 32 MiB), so no reader-side change removes these faults. Two controls, both printed here:
 * - nibabel with numpy's madvise switched off (np.core.multiarray._set_madvise_hugepage(False))
 *   faults 12 815–13 063 times and takes 39–44 ms CPU, 68–150 ms wall a call: with the same pages
 *   Cajal's reader (47–49 ms CPU) is about as fast (0.80–0.99× in two bench runs at load 15–19);
 * - Node started with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc ≥ 2.35: malloc madvises its
 *   mmapped chunks) faults 30–540 times (2 MiB pages, plus 4 KiB ones where the mapping is not
 *   2 MiB-aligned) and keeps up with nibabel (0.88× and 1.13× in two bench runs at load 15–19,
 *   against 0.57× and 0.92× for the reader before the scratch buffer): ~12 ms CPU a call, most of it the kernel zeroing the huge pages (a bare
 *   alloc + touch of 52 MB takes 9–14 ms), which numpy's result pays too. What is left against
 *   nibabel is the copy of the stored bytes (nibabel memory-maps the file and converts from the
 *   page cache) and the garbage collection of the previous result, which on the loaded machine
 *   stalls some calls by 200–800 ms on either version of the reader: each stall ends with a
 *   Mark-Compact whose marking began 450–510 ms before (--trace-gc), and none happens with
 *   --single-threaded-gc, so the main thread apparently waits for V8's concurrent-marking threads,
 *   which the scheduler seldom runs at that load.
 * Measured and kept: a 1 MiB scratch buffer read and converted piece by piece (the output written
 * once, in order) instead of reading into the output's tail and converting in place: 8–19% less
 * CPU. Measured and dropped: reading the next piece on the thread pool while converting the last
 * (lost with huge pages on the loaded machine: it waits for pool wake-ups).
 *
 * Re-profiled for #18 on 2026-12-07 (same VM, load 9–16; CPU time and minor page faults per call
 * from process.cpuUsage/resourceUsage and python's getrusage, medians of 15 calls, the same file):
 * - Cajal readAll: 44.5 ms CPU, 12 829 faults; a bare `new Float32Array(13 107 200)` touched once
 *   per 4 KiB: 41.1 ms CPU, 12 810 faults. Reading and converting the 26 MB is the other ~3.4 ms:
 *   92% of the call is the first touch of the result's pages.
 * - nibabel get_fdata(float32): 7.2–9.8 ms CPU, 40 faults; with numpy's madvise off 35–49 ms CPU,
 *   12 815 faults, i.e. the same as Cajal.
 * - Other allocations do not help: a resizable ArrayBuffer (V8's own page allocator), a
 *   SharedArrayBuffer and a WebAssembly.Memory of 52 MB all take 36–42 ms to touch, 4 KiB at a time.
 * - Node started with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc 2.36 here): Cajal readAll 9.8 ms
 *   CPU, 55 faults; the bare allocation 4.4 ms. Against nibabel's ~8 ms that is ~0.8× by CPU: what
 *   remains is the read() copy of the stored bytes, which nibabel avoids by memory-mapping the file.
 * So without a native addon (madvise, or mmap of the file) the in-process ratio cannot reach 1×; the
 * process-level fix is to start Cajal's engine processes with that tunable (bin/cajal.js re-exec,
 * the environment of the processes the app spawns), which this bench measures in (b′).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { openNifti } from '../main/io/nifti/index.js';
import { extractRoiSeries } from '../main/pipelines/fmri/extract.js';
import { dataFile, hasSharedData } from '../test/helpers/data.js';
import { niftiBytes } from '../test/helpers/nifti-writer.js';
import { tsxChildJson } from './child.js';
import { median } from './timing.js';
import type { BenchResult } from './types.js';

const DIMS = [64, 64, 32, 100];
const RUNS = 5;
/** Timed calls per round (after one warm-up call). */
const REPS = 3;

export function generate(dir: string): { gz: string; nii: string; megabytes: number } {
  const [nx, ny, nz, nt] = DIMS as [number, number, number, number];
  const perVolume = nx * ny * nz;
  // A smooth brain-like blob plus noise: compresses about as well as real BOLD (3–4×).
  const blob = new Int16Array(perVolume);
  for (let i = 0; i < perVolume; i++) {
    const x = i % nx, y = Math.floor(i / nx) % ny, z = Math.floor(i / (nx * ny));
    const r = Math.hypot((x - nx / 2) / nx, (y - ny / 2) / ny, (z - nz / 2) / nz);
    blob[i] = r < 0.45 ? 1000 + Math.round(200 * Math.cos(r * 9)) : 0;
  }
  const values = new Int16Array(perVolume * nt);
  let seed = 7;
  for (let i = 0; i < values.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    values[i] = blob[i % perVolume]! + (seed % 61);
  }
  const spec = { dims: DIMS, datatype: 4, pixdim: [1, 3, 3, 3, 2], xyztUnits: 10, sformCode: 4, srow: [[3, 0, 0, -96], [0, 3, 0, -96], [0, 0, 3, -48]] as [number[], number[], number[]] };
  // The test writer for the header only; the voxels are appended as they are (little-endian int16).
  const nii = join(dir, 'bench-bold.nii');
  const gz = join(dir, 'bench-bold.nii.gz');
  const bytes = Buffer.concat([niftiBytes({ ...spec, values: [] }), new Uint8Array(values.buffer)]);
  writeFileSync(nii, bytes);
  writeFileSync(gz, gzipSync(bytes));
  return { gz, nii, megabytes: values.byteLength / 1e6 };
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

type Case = 'firstVolume' | 'readAll';

/** How nibabel's process runs: its environment, and whether numpy may ask for huge pages (its default). */
interface NibabelSetup {
  env?: NodeJS.ProcessEnv;
  /** false: numpy's madvise(MADV_HUGEPAGE) for large arrays switched off, so that its result is first touched in 4 KiB pages as Node's is. */
  hugePages?: boolean;
}

/**
 * One round of nibabel timings (ms) in a fresh python process: a warm-up call, then REPS timed
 * calls, each timed inside python (interpreter start and imports excluded); null without Debian's
 * nibabel.
 */
function nibabelMs(kind: Case, path: string, { env = process.env, hugePages = true }: NibabelSetup = {}): number[] | null {
  const call =
    kind === 'firstVolume'
      ? `d = np.asarray(nib.load(p).dataobj[..., 0]); d.flat[-1]`
      : `d = nib.load(p).get_fdata(dtype=np.float32); d.flat[-1]`;
  const script = [
    'import time, numpy as np, nibabel as nib',
    ...(hugePages ? [] : ['np.core.multiarray._set_madvise_hugepage(False)']),
    `p = ${JSON.stringify(path)}`,
    'def run():',
    `    ${call}`,
    'run()',
    'ts = []',
    `for _ in range(${REPS}):`,
    '    t = time.perf_counter(); run(); ts.append((time.perf_counter() - t) * 1000)',
    'print(" ".join(map(str, ts)))',
  ].join('\n');
  try {
    const out = execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env }).trim();
    return out.split(' ').map(Number);
  } catch {
    return null;
  }
}

/**
 * Median ms of Cajal's `ours` and of nibabel's `kind` on `path` (one median per entry of
 * `setups`, each its own python process per round), in alternating rounds (see the file comment).
 */
async function versus(ours: () => Promise<unknown>, kind: Case, path: string, setups: NibabelSetup[] = [{}]): Promise<{ ours: number; nibabel: (number | null)[] }> {
  const mine: number[] = [];
  const theirs: number[][] = setups.map(() => []);
  const missing = setups.map(() => false);
  for (let round = 0; round < RUNS; round++) {
    // One untimed call per round, as python's: the first pays for compiling the reader and for
    // collecting the garbage of what ran before.
    await ours();
    for (let i = 0; i < REPS; i++) {
      const start = performance.now();
      await ours();
      mine.push(performance.now() - start);
    }
    setups.forEach((setup, k) => {
      const ms = nibabelMs(kind, path, setup);
      if (ms === null) missing[k] = true;
      else theirs[k]!.push(...ms);
    });
  }
  if (process.env.NIFTI_BENCH_LOG) console.log(kind, mine.map(Math.round).join(' '), ...theirs.flatMap((t) => ['|', t.map(Math.round).join(' ')]));
  return { ours: median(mine), nibabel: theirs.map((t, k) => (missing[k] ? null : median(t))) };
}

/** What the engine's process should be started with on Linux (see the file comment). */
const HUGE_PAGES_ENV = 'glibc.malloc.hugetlb=1';

/**
 * As versus() for a full read, but each round of Cajal's calls runs in a fresh Node process started
 * with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (bench/nifti-read-child.ts), as nibabel's rounds run in
 * a fresh python process: warm-up + REPS timed calls each, rounds alternating. nibabel's process
 * gets the same environment (numpy madvises its large arrays itself, so it changes nothing there).
 */
function versusHugePages(path: string): { ours: number; nibabel: number | null } | string {
  const tunables = [process.env.GLIBC_TUNABLES, HUGE_PAGES_ENV].filter(Boolean).join(':');
  const env = { ...process.env, GLIBC_TUNABLES: tunables };
  const mine: number[] = [];
  const theirs: number[] = [];
  let missing = false;
  for (let round = 0; round < RUNS; round++) {
    const child = tsxChildJson<{ ms: number[] }>('bench/nifti-read-child.ts', [path, String(REPS)], { timeoutMs: 120_000, env });
    if (typeof child === 'string') return child;
    mine.push(...child.ms);
    const ms = nibabelMs('readAll', path, { env });
    if (ms === null) missing = true;
    else theirs.push(...ms);
  }
  if (process.env.NIFTI_BENCH_LOG) console.log('readAll (hugetlb)', mine.map(Math.round).join(' '), '|', theirs.map(Math.round).join(' '));
  return { ours: median(mine), nibabel: missing ? null : median(theirs) };
}

/** The numpy reference's extraction (load + resample + means) of one BOLD × atlas, ms (median of 3). */
function numpyExtractMs(bold: string, atlas: string): number | null {
  const reference = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'reference');
  const script = `
import sys, time, json, numpy as np, nibabel as nib
from scipy import ndimage
sys.path.insert(0, ${JSON.stringify(reference)})
import roi_extract_numpy as ref
def run():
    b = nib.load(${JSON.stringify(bold)}); a = nib.load(${JSON.stringify(atlas)})
    data = b.get_fdata(dtype=np.float32).astype(np.float64)
    lab = ref.resample_nearest(a, b)
    labels = [v for v in np.unique(lab) if v != 0]
    return [ndimage.mean(v, labels=lab, index=labels) for v in np.moveaxis(data, -1, 0)]
ts = []
for _ in range(3):
    t = time.perf_counter(); run(); ts.append((time.perf_counter() - t) * 1000)
print(sorted(ts)[1])`;
  try {
    return Number(execFileSync('/usr/bin/python3', ['-W', 'ignore', '-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return null;
  }
}

export async function benchNifti(dir: string): Promise<BenchResult[]> {
  const { gz, nii, megabytes } = generate(dir);
  const results: BenchResult[] = [];
  const shape = DIMS.join('×');

  const first = await versus(async () => {
    const image = await openNifti(gz);
    const volume = await image.readVolume(0);
    await image.close();
    return volume[volume.length - 1];
  }, 'firstVolume', gz);
  const firstNibabel = first.nibabel[0]!;
  if (firstNibabel === null) console.log('(nibabel not available to /usr/bin/python3: apt-get install python3-nibabel for the references)');
  results.push({
    name: `nifti: open + first volume of a 4D .nii.gz (${shape} int16; target < 300 ms)`,
    value: first.ours,
    unit: 'ms',
    ...(firstNibabel !== null ? { reference: { name: 'nibabel dataobj[..., 0]', value: firstNibabel } } : {}),
  });

  for (const [label, path] of [['.nii.gz', gz], ['.nii', nii]] as const) {
    // The .nii is also compared with nibabel denied huge pages: the same 4 KiB first touches as Node.
    const setups: NibabelSetup[] = label === '.nii' ? [{}, { hugePages: false }] : [{}];
    const all = await versus(async () => {
      const image = await openNifti(path);
      const data = await image.readAll();
      await image.close();
      return data[data.length - 1];
    }, 'readAll', path, setups);
    all.nibabel.forEach((reference, k) => {
      const pages = setups[k]!.hugePages === false ? ', nibabel without huge pages' : '';
      results.push({
        name: `nifti: full read of ${label} (${shape} int16, ${megabytes.toFixed(0)} MB) to float32${pages}`,
        value: megabytes / (all.ours / 1000),
        unit: 'MB/s',
        ...(reference !== null ? { reference: { name: `nibabel get_fdata(float32)${pages ? ', numpy madvise off' : ''}`, value: megabytes / (reference / 1000) } } : {}),
      });
    });
  }

  if (process.platform === 'linux') {
    const all = versusHugePages(nii);
    if (typeof all === 'string') console.log(`nifti: full read of .nii with huge pages skipped: ${all}`);
    else {
      results.push({
        name: `nifti: full read of .nii (${shape} int16, ${megabytes.toFixed(0)} MB) to float32, Node started with GLIBC_TUNABLES=${HUGE_PAGES_ENV}`,
        value: megabytes / (all.ours / 1000),
        unit: 'MB/s',
        ...(all.nibabel !== null ? { reference: { name: 'nibabel get_fdata(float32)', value: megabytes / (all.nibabel / 1000) } } : {}),
      });
    }
  }

  if (hasSharedData()) {
    const bold = dataFile('fmri', 'bold', 'pymvpa_haxby_1slice_bold.nii.gz');
    const atlas = dataFile('fmri', 'atlas', 'AAL2.nii');
    const ms = await time(async () => {
      const [b, a] = await Promise.all([openNifti(bold), openNifti(atlas)]);
      await extractRoiSeries(b, a, { detrend: false, standardize: false, highPassHz: null, lowPassHz: null });
      await Promise.all([b.close(), a.close()]);
    }, 3);
    const reference = numpyExtractMs(bold, atlas);
    results.push({
      name: 'nifti: ROI extraction, haxby BOLD (40×20×1×1452) × AAL2, from open (time; lower is better)',
      value: ms,
      unit: 'ms',
      ...(reference ? { reference: { name: 'numpy/scipy reference', value: reference } } : {}),
    });
  } else {
    console.log('nifti: ROI extraction skipped (no ../shared/data)');
  }
  return results;
}
