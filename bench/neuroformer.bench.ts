/**
 * Neuroformer speed (issue #20 "Speed"):
 * - training step (forward, loss, backward, clip-norm 1, AdamW) of the `tiny` preset and a `mid`
 *   config, TF.js wasm beside the PyTorch transcription (test/fixtures/reference/neuroformer_torch.py,
 *   its bench mode) on the CPU in the same run, same weights, same batch, the same thread count on
 *   both sides: wasm's XNNPACK threads (CAJAL_WASM_THREADS, default 1) and torch.set_num_threads(n)
 *   (the script sets 1; a wrapper here makes that call ask for n) with OMP_NUM_THREADS=n,
 *   without dropout on both sides (the torch bench sets every Dropout's p to 0). Printed as ours /
 *   PyTorch (goal ≤ 2×). Each round times ours then PyTorch back to back; CAJAL_BENCH_NF_ROUNDS rounds
 *   (default 3) give medians, which matters on a shared machine.
 * - generation tokens/s of one window (generate.ts) with and without the key/value cache, and the
 *   speed-up. The EOS/PAD logits are pushed down so every window runs all T−1 steps.
 * CAJAL_BENCH_NF_PROFILE=1 prints the kernels that take the time in one training step;
 * CAJAL_BENCH_NF_CASES=tiny (or mid) times only those configs; CAJAL_BENCH_NF_GENERATION=0 skips generation.
 * Without torch the PyTorch side is skipped with a message (the ratio is then not printed).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activateBackend, wasmThreadsReport, type Tfjs } from '../main/compute/index.js';
import { AdamW, trainStep } from '../main/compute/nn/index.js';
import {
  RELEASED_SAMPLING,
  createNeuroformer,
  generateWindow,
  neuroformerDecayRule,
  neuroformerPreset,
  neuroformerStateDict,
  tokenizeWindows,
  type NeuroformerBatch,
  type NeuroformerConfig,
  type NeuroformerModel,
} from '../main/pipelines/neuroformer/index.js';
import { seededRandom } from '../shared/random.js';
import { suppressEos } from '../test/helpers/neuroformer.js';
import { median } from './timing.js';
import type { BenchResult } from './types.js';

const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'reference', 'neuroformer_torch.py');
const UNITS = 49;
const BIN_DT_S = 0.01;
const STEPS = 3; // timed steps per round (after 2 warm-up steps), median taken

interface Case {
  label: string;
  config: NeuroformerConfig;
  batch: number;
}

const CASES: Case[] = [
  { label: 'tiny (49 neurons, C 32, 1+1+1 blocks, T 32/64), batch 32', config: neuroformerPreset('tiny', { neurons: UNITS }), batch: 32 },
  {
    label: 'mid (49 neurons, C 128, 8 heads, 2+2+2 blocks, T 100/100), batch 16',
    config: { ...neuroformerPreset('paper', { neurons: UNITS }), name: 'custom', embedDim: 128, heads: 8, layers: { stateHistory: 2, state: 2, stimulus: 0 } },
    batch: 16,
  },
];

function rounds(): number {
  const n = Number(process.env.CAJAL_BENCH_NF_ROUNDS ?? '3');
  return Number.isInteger(n) && n > 0 ? n : 3;
}

/** Sparse random spikes (3 % of bins) and `batch` windows 0.5 s apart. */
function inputs(config: NeuroformerConfig, batch: number): { counts: Uint16Array; bins: number; ends: number[]; tokens: NeuroformerBatch } {
  const bins = 2000;
  const random = seededRandom(1);
  const counts = Uint16Array.from({ length: UNITS * bins }, () => (random() < 0.03 ? 1 : 0));
  const ends = Array.from({ length: batch }, (_, i) => 0.5 + i * 0.5);
  return { counts, bins, ends, tokens: tokenizeWindows({ counts, units: UNITS, bins }, BIN_DT_S, ends, config) };
}

/** Median ms of STEPS training steps after 2 warm-up steps. */
function oursStep(model: NeuroformerModel, opt: AdamW, tokens: NeuroformerBatch): number {
  const times: number[] = [];
  for (let step = 0; step < STEPS + 2; step++) {
    const start = performance.now();
    trainStep(opt, () => model.loss(tokens, { training: false }).total, { clipNorm: 1 });
    times.push(performance.now() - start);
  }
  return median(times.slice(2));
}

/** Runs the transcription as __main__ with torch.set_num_threads pinned to `threads` (it asks for 1). */
const TORCH_WRAPPER = [
  'import runpy, sys, torch',
  'n = int(sys.argv[2])',
  'pin = torch.set_num_threads',
  'torch.set_num_threads = lambda _=None: pin(n)',
  'sys.argv = [sys.argv[1]]',
  "runpy.run_path(sys.argv[0], run_name='__main__')",
].join('\n');

function torchStep(c: Case, data: ReturnType<typeof inputs>, weights: Record<string, { shape: number[]; data: number[] }>, threads: number): { ms: number; torch: string } | string {
  const run = spawnSync(PYTHON, ['-c', TORCH_WRAPPER, TORCH_SCRIPT, String(threads)], {
    cwd: dirname(TORCH_SCRIPT), // sys.path[0] of `python -c` is the cwd: the script's own folder, as when run directly
    input: JSON.stringify({ config: c.config, counts: Array.from(data.counts), units: UNITS, bins: data.bins, binDtS: BIN_DT_S, windowEnds: data.ends, weights, stimulus: null, benchSteps: STEPS }),
    encoding: 'utf8',
    maxBuffer: 512 << 20,
    env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
  });
  if (run.error) return `${PYTHON} could not run: ${run.error.message}`;
  if (run.status !== 0) {
    const last = (run.stderr || '').trim().split('\n').pop() ?? '';
    return /No module named 'torch'/.test(run.stderr) ? `${PYTHON} cannot import torch (apt-get install python3-torch)` : `neuroformer_torch.py failed: ${last}`;
  }
  const out = JSON.parse(run.stdout) as { bench: { msPerStep: number; threads: number }; torch: string };
  if (out.bench.threads !== threads) return `PyTorch ran on ${out.bench.threads} threads, expected ${threads}`;
  return { ms: out.bench.msPerStep, torch: out.torch };
}

async function profileStep(tf: Tfjs, model: NeuroformerModel, opt: AdamW, tokens: NeuroformerBatch, label: string): Promise<void> {
  const info = await tf.profile(() => {
    trainStep(opt, () => model.loss(tokens, { training: false }).total, { clipNorm: 1 });
  });
  const byOp = new Map<string, { ms: number; count: number }>();
  const byShape = new Map<string, { ms: number; count: number }>();
  let total = 0;
  for (const k of info.kernels) {
    if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    for (const [map, key] of [
      [byOp, k.name],
      [byShape, `${k.name} ${k.inputShapes.map((s) => `[${s?.join(',')}]`).join(' ')}`],
    ] as const) {
      const e = map.get(key) ?? { ms: 0, count: 0 };
      e.ms += ms;
      e.count++;
      map.set(key, e);
    }
    total += ms;
  }
  const top = (map: Map<string, { ms: number; count: number }>, n: number): string[] =>
    [...map].sort((a, b) => b[1].ms - a[1].ms).slice(0, n).map(([key, e]) => `${key}: ${e.ms.toFixed(1)} ms in ${e.count} calls`);
  console.log(`neuroformer ${label}: profile: ${info.kernels.length} kernels, ${total.toFixed(0)} ms kernel time`);
  for (const line of [...top(byOp, 15), ...top(byShape, 15).map((l) => `by shape: ${l}`)]) console.log(`neuroformer ${label}: profile: ${line}`);
}

export async function benchNeuroformer(): Promise<BenchResult[]> {
  const tf = await activateBackend('wasm');
  const threads = wasmThreadsReport()?.threads ?? 1;
  const results: BenchResult[] = [];
  const n = rounds();
  const only = (process.env.CAJAL_BENCH_NF_CASES ?? '').split(',').filter(Boolean);
  for (const c of CASES.filter((k) => only.length === 0 || only.includes(k.label.split(' ')[0]!))) {
    const data = inputs(c.config, c.batch);
    const model = createNeuroformer(tf, c.config, 1);
    const opt = new AdamW(model.params, { lr: 1e-4, beta1: 0.9, beta2: 0.95, weightDecay: 1, decay: neuroformerDecayRule });
    const weights: Record<string, { shape: number[]; data: number[] }> = {};
    for (const [name, t] of neuroformerStateDict(model.params)) weights[name] = { shape: t.shape, data: Array.from(t.data) };
    const ours: number[] = [];
    const torch: number[] = [];
    let torchVersion = '';
    let skip: string | null = null;
    for (let r = 0; r < n; r++) {
      ours.push(oursStep(model, opt, data.tokens));
      if (skip) continue;
      const t = torchStep(c, data, weights, threads);
      if (typeof t === 'string') skip = t;
      else {
        torch.push(t.ms);
        torchVersion = t.torch;
      }
    }
    const ratios = torch.map((t, i) => ours[i]! / t);
    console.log(
      `neuroformer ${c.label}: ${n} rounds (load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}): tfjs ${ours.map((x) => x.toFixed(0)).join(', ')} ms` +
        (skip ? `; PyTorch skipped: ${skip}` : `; PyTorch ${torch.map((x) => x.toFixed(0)).join(', ')} ms; ratios ${ratios.map((x) => x.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)}×)`),
    );
    if (process.env.CAJAL_BENCH_NF_PROFILE === '1') await profileStep(tf, model, opt, data.tokens, c.label);
    results.push({
      name: `neuroformer ${c.label}: training step, tfjs wasm ${threads} thread${threads === 1 ? '' : 's'}, no dropout`,
      value: median(ours),
      unit: 'ms',
      ...(skip ? {} : { reference: { name: `PyTorch ${torchVersion} CPU (${threads} thread${threads === 1 ? '' : 's'})`, value: median(torch) } }),
    });
    opt.dispose();
    model.dispose();
  }

  // Generation: one window of the mid config (T 100, so 99 steps), cache vs no cache.
  if (process.env.CAJAL_BENCH_NF_GENERATION === '0') return results;
  const gen = CASES[1]!;
  const data = inputs(gen.config, 4);
  const model = createNeuroformer(tf, gen.config, 1);
  suppressEos(tf, model);
  const tp = gen.config.blockSizePrev;
  for (const rows of [1, 4]) {
    const context = { batch: rows, idPrev: data.tokens.idPrev.slice(0, rows * tp), dtPrev: data.tokens.dtPrev.slice(0, rows * tp) };
    await generateWindow(model, context, RELEASED_SAMPLING, { seed: 5, cache: true }); // warm-up
    const time = async (cache: boolean): Promise<{ tokensPerS: number; ms: number }> => {
      const start = performance.now();
      const g = await generateWindow(model, context, RELEASED_SAMPLING, { seed: 5, cache });
      const ms = performance.now() - start;
      const tokens = g.ids.reduce((s, a) => s + a.length, 0);
      return { tokensPerS: (tokens * 1000) / ms, ms };
    };
    const plain: number[] = [];
    const cached: number[] = [];
    for (let r = 0; r < n; r++) {
      plain.push((await time(false)).tokensPerS);
      cached.push((await time(true)).tokensPerS);
    }
    const label = `neuroformer generation (mid config, ${rows} window${rows === 1 ? '' : 's'} of ${gen.config.blockSize - 1} tokens)`;
    console.log(`${label}: no cache ${plain.map((x) => x.toFixed(0)).join(', ')} tokens/s; cache ${cached.map((x) => x.toFixed(0)).join(', ')} tokens/s`);
    results.push({ name: `${label}, key/value cache, tokens/s (ratio = speed-up)`, value: median(cached), unit: 'tokens/s', reference: { name: 'no cache', value: median(plain) } });
  }
  model.dispose();
  return results;
}
