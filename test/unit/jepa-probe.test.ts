/**
 * The Brain-JEPA linear-probe head (BatchNorm without affine + Linear, LARS, cosine lr) against our
 * PyTorch transcription (test/fixtures/reference/jepa_probe_torch.py) on the same data, initial
 * weight and batch order; and the frozen fc_norm.
 */
import { describe, expect, it } from 'vitest';
import { randomPermutation, seededRandom } from '../../shared/random.js';
import {
  initialProbe,
  layerNormRows,
  probeLogits,
  REFERENCE_LINEAR_PROBE,
  trainLinearProbe,
  type LinearProbeOptions,
} from '../../main/pipelines/jepa/probe.js';
import { hasTorch, runTorchScript, TORCH_SKIP_REASON } from '../helpers/torch.js';

interface TorchProbe {
  weight: number[];
  bias: number[];
  runningMean: number[];
  runningVar: number[];
  losses: number[];
  logits: number[];
}

/** Two classes separated along a random direction, n × d. */
function fixture(n: number, d: number, seed: number): { x: Float64Array; y: Int32Array } {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const direction = Float64Array.from({ length: d }, gauss);
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = gauss() + (y[i] ? 0.8 : -0.8) * direction[j]! + 3;
  return { x, y };
}

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

if (!hasTorch()) console.warn(`jepa-probe: ${TORCH_SKIP_REASON}`);

describe('Brain-JEPA linear probe', () => {
  it('layer-normalises rows without affine (mean 0, biased variance 1 up to eps)', () => {
    const { x } = fixture(4, 16, 1);
    const out = layerNormRows(x, 4, 16);
    for (let r = 0; r < 4; r++) {
      const row = out.subarray(r * 16, r * 16 + 16);
      const mean = row.reduce((s, v) => s + v, 0) / 16;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / 16;
      expect(Math.abs(mean)).toBeLessThan(1e-12);
      expect(variance).toBeCloseTo(1, 4);
    }
  });

  it('refuses non-finite features and one-subject batches with a named field', () => {
    const { x, y } = fixture(5, 3, 2);
    x[4] = Number.NaN;
    expect(() => layerNormRows(x, 5, 3)).toThrow(/row 1, column 1 is NaN/);
    const clean = fixture(5, 3, 2);
    expect(() => trainLinearProbe(clean.x, 3, clean.y, 2, [0, 1, 2], { ...REFERENCE_LINEAR_PROBE, batchSize: 2 })).toThrow(/final batch of one subject/);
  });

  it.skipIf(!hasTorch())('trains exactly as the PyTorch transcription (weights, running stats, losses, logits)', () => {
    const n = 90;
    const d = 24;
    const { x, y } = fixture(n, d, 3);
    const features = layerNormRows(x, n, d);
    const rows = Array.from({ length: 72 }, (_, i) => i);
    // A learning rate the weight visibly moves with, so the check covers the LARS trust ratio too.
    const options: LinearProbeOptions = { ...REFERENCE_LINEAR_PROBE, epochs: 12, batchSize: 32, blr: 40 };
    const shuffle = seededRandom(7);
    const orders = Array.from({ length: options.epochs }, () => randomPermutation(rows.length, shuffle));
    const initial = initialProbe(d, 2, 11);
    const ours = trainLinearProbe(features, d, y, 2, rows, options, (epoch) => orders[epoch]!, initial);
    const theirs = runTorchScript<TorchProbe>('jepa_probe_torch.py', {
      x: Array.from(features),
      n,
      d,
      y: Array.from(y),
      classes: 2,
      rows,
      orders: orders.map((o) => Array.from(o)),
      weight: Array.from(initial.weight),
      options,
    });
    expect(maxRelative(ours.weight, theirs.weight)).toBeLessThan(1e-9);
    expect(maxRelative(ours.bias, theirs.bias)).toBeLessThan(1e-9);
    expect(maxRelative(ours.runningMean, theirs.runningMean)).toBeLessThan(1e-9);
    expect(maxRelative(ours.runningVar, theirs.runningVar)).toBeLessThan(1e-9);
    expect(maxRelative(ours.lossCurve, theirs.losses)).toBeLessThan(1e-9);
    const all = Array.from({ length: n }, (_, i) => i);
    expect(maxRelative(probeLogits(ours, features, d, all), theirs.logits)).toBeLessThan(1e-9);
    // The weight did move: the test exercises the optimiser, not only the initial state.
    expect(maxRelative(ours.weight, initial.weight)).toBeGreaterThan(1e-3);
  });
});
