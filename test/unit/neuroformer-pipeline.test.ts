/**
 * Neuroformer generation in the pipelines' shape and the simulated recording
 * (main/pipelines/neuroformer/{generate,simulate-write,data}.ts): held-out window prediction,
 * window-by-window rollout that feeds the model's own
 * spikes back as the past (recorded spikes inside a span never reach it), and a simulated network
 * written as a Kilosort folder that reads back with its ground truth.
 * Run: npx vitest run test/unit/neuroformer-pipeline.test.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/random.js';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { readSpikeTrains } from '../../main/io/spikes/index.js';
import type { NeuroformerConfig } from '../../main/pipelines/neuroformer/config.js';
import { chooseStimulus, readGroundTruth } from '../../main/pipelines/neuroformer/data.js';
import { spanStarts } from '../../main/pipelines/neuroformer/generate-pipeline.js';
import { createNeuroformer, type NeuroformerModel } from '../../main/pipelines/neuroformer/model.js';
import { predictWindows, rollout, RELEASED_SAMPLING, samplingFromParams } from '../../main/pipelines/neuroformer/generate.js';
import { writeSimulatedFolder } from '../../main/pipelines/neuroformer/simulate-write.js';

const CONFIG: NeuroformerConfig = {
  name: 'custom',
  neurons: 5,
  dtS: 0.01,
  windowS: 0.05,
  windowPrevS: 0.05,
  blockSize: 10,
  blockSizePrev: 10,
  embedDim: 16,
  heads: 2,
  layers: { stateHistory: 1, state: 1, stimulus: 0 },
  stimulus: null,
  dropout: { attn: 0, resid: 0, id: 0, im: 0, temp: 0 },
  lossWeights: { id: 0.45, dt: 0.3 },
};

describe('generation and rollout', () => {
  let tf: Tfjs;
  let model: NeuroformerModel;
  beforeAll(async () => {
    tf = await activateBackend('wasm');
    model = createNeuroformer(tf, CONFIG, 3);
  });
  afterAll(() => model.dispose());

  const bins = 400;
  function counts(fill: number): { counts: Float32Array; units: number; bins: number } {
    const c = new Float32Array(5 * bins);
    const random = seededRandom(fill);
    for (let i = 0; i < c.length; i++) c[i] = random() < 0.1 ? 1 : 0;
    return { counts: c, units: 5, bins };
  }

  it('predicts valid ids and current-window dts, the same under the same seed', async () => {
    const options = { seed: 0, batch: 2 };
    const a = await predictWindows(model, counts(1), 0.01, [0.5, 1.0, 2.0], RELEASED_SAMPLING, options);
    const b = await predictWindows(model, counts(1), 0.01, [0.5, 1.0, 2.0], RELEASED_SAMPLING, options);
    expect(a).toEqual(b);
    expect(a.ids).toHaveLength(3);
    a.ids.forEach((ids, w) => {
      expect(ids.length).toBeLessThanOrEqual(CONFIG.blockSize - 1);
      for (const id of ids) expect(id >= 0 && id < 5).toBe(true);
      for (const dt of a.dts[w]!) expect(dt >= 0 && dt < 5).toBe(true);
    });
    // Greedy: the same windows whatever the seed.
    const greedy = samplingFromParams({ topP: 0.95, temperature: 1, greedy: true });
    expect((await predictWindows(model, counts(1), 0.01, [0.5, 1.0], greedy, { seed: 1 })).ids).toEqual((await predictWindows(model, counts(1), 0.01, [0.5, 1.0], greedy, { seed: 2 })).ids);
  });

  it('rolls out on its own past: recorded spikes inside the spans never reach the model', async () => {
    const sampling = samplingFromParams({ topP: 0.95, temperature: 1 });
    const base = counts(2);
    const other = counts(2);
    // Change everything inside the spans [1, 2) and [2.5, 3.5) only.
    for (let u = 0; u < 5; u++) for (const [b0, b1] of [[100, 200], [250, 350]] as const) for (let b = b0; b < b1; b++) other.counts[u * bins + b] = 1 - other.counts[u * bins + b]!;
    const x = await rollout(model, base, 0.01, [1, 2.5], 20, sampling, { seed: 4 });
    const y = await rollout(model, other, 0.01, [1, 2.5], 20, sampling, { seed: 4 });
    expect(x.spans.map((s) => Array.from(s.unit))).toEqual(y.spans.map((s) => Array.from(s.unit)));
    expect(x.spans.map((s) => Array.from(s.timeS))).toEqual(y.spans.map((s) => Array.from(s.timeS)));
    // Generated spikes lie in their span and are what the working matrix holds there.
    for (const [r, s] of x.spans.entries()) {
      const start = [1, 2.5][r]!;
      for (const t of s.timeS) expect(t >= start - 1e-9 && t < start + 1 + 1e-9).toBe(true);
    }
    let inside = 0;
    for (let u = 0; u < 5; u++) for (let b = 100; b < 200; b++) inside += x.counts[u * bins + b]!;
    expect(inside).toBe(x.spans[0]!.unit.length);
  }, 120_000);

  it('places rollout spans after a previous window inside each block', () => {
    const { starts, windows } = spanStarts([{ startS: 10, endS: 20 }], 0, { windowS: 0.05, windowPrevS: 0.15, dtS: 0.01 }, 2);
    expect(windows).toBe(40);
    expect(starts[0]).toBeCloseTo(10.15, 9);
    expect(starts).toHaveLength(4);
    for (const s of starts) expect(s + 2).toBeLessThanOrEqual(20 + 1e-9);
  });
});

describe('simulated network as a recording', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cajal-nf-sim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a Kilosort folder that reads back with the same spikes, cell types and ground truth', async () => {
    const folder = join(dir, 'net');
    const { network, spikes } = writeSimulatedFolder(folder, { neurons: 12, durationS: 30, seed: 2, hubs: 2, baseRateHz: 10 });
    const trains = await readSpikeTrains(folder);
    expect(trains.times).toHaveLength(12);
    expect(trains.times.reduce((s, t) => s + t.length, 0)).toBe(spikes);
    for (let u = 0; u < 12; u++) {
      expect(trains.times[u]!.length).toBe(network.times[u]!.length);
      // 30 kHz samples: within half a sample of the simulated times.
      for (let i = 0; i < trains.times[u]!.length; i++) expect(Math.abs(trains.times[u]![i]! - network.times[u]![i]!)).toBeLessThanOrEqual(0.5 / 30000 + 1e-12);
    }
    const hubs = new Set(network.hubIndices);
    trains.cellTypes.forEach((c, i) => expect(c).toBe(network.excitatory[i] ? (hubs.has(i) ? 'E hub' : 'E') : 'I'));
    const truth = readGroundTruth(folder)!;
    expect(truth.weights).toEqual(Array.from(network.weights));
    expect(truth.hubs).toEqual(Array.from(network.hubIndices));
    expect(chooseStimulus(trains, truth, 'auto')).toEqual({ kind: 'cosine', periodS: network.params.stimulusPeriodS });
    expect(() => writeSimulatedFolder(folder, { neurons: 12, durationS: 30, seed: 2 })).toThrow(/not empty/);
  });
});
