/**
 * The whole segment-classification protocol on a small synthetic collection made here, so the
 * pipeline (folds → methods → metrics → tables) cannot silently break: every task, every method,
 * the same folds, and classes separable enough that a broken method shows as lost accuracy.
 */
import { describe, expect, it } from 'vitest';
import type { LabelledSegment, SegmentCollection, SegmentFormat } from '../../main/io/segments/types.js';
import { evaluateTask } from '../../main/pipelines/seizure/baseline/evaluate.js';
import { classicalMethod } from '../../main/pipelines/seizure/baseline/classical-method.js';
import { logisticMethod } from '../../main/pipelines/seizure/baseline/logistic-method.js';
import { neuralMethod } from '../../main/pipelines/seizure/baseline/neural-method.js';
import { activateBackend } from '../../main/compute/index.js';
import { markdownTable } from '../../main/pipelines/seizure/baseline/report.js';
import { SEGMENT_TASKS } from '../../main/pipelines/seizure/baseline/tasks.js';
import { seededRandom } from '../../shared/random.js';

/** Gaussian noise from a seeded uniform generator (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Healthy: 10 Hz alpha in noise, ~25 µV; interictal: broadband noise ~60 µV with sporadic spikes;
 * ictal: 3 Hz spike-and-wave at ~250 µV; preictal (New Delhi): 6 Hz theta in noise ~50 µV.
 */
function syntheticSegment(kind: 'healthy' | 'interictal' | 'ictal' | 'preictal', rateHz: number, durationS: number, random: () => number): Float32Array {
  const n = Math.round(durationS * rateHz);
  const out = new Float32Array(n);
  const phase = 2 * Math.PI * random();
  let smooth = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    smooth = 0.9 * smooth + gaussian(random);
    let x: number;
    if (kind === 'healthy') x = 20 * Math.sin(2 * Math.PI * 10 * t + phase) + 8 * gaussian(random);
    else if (kind === 'interictal') x = 25 * smooth + (random() < 0.002 ? 150 : 0);
    else if (kind === 'preictal') x = 30 * Math.sin(2 * Math.PI * 6 * t + phase) + 12 * smooth;
    else {
      const cycle = (3 * t + phase / (2 * Math.PI)) % 1;
      x = 250 * Math.exp(-((cycle - 0.1) ** 2) / 0.0008) - 120 * Math.sin(Math.PI * cycle) + 20 * gaussian(random);
    }
    out[i] = x;
  }
  return out;
}

function syntheticCollection(format: SegmentFormat, perGroup: number, seed: number): SegmentCollection {
  const random = seededRandom(seed);
  const groups: [string, 'healthy' | 'interictal' | 'ictal' | 'preictal'][] =
    format === 'bonn'
      ? [['A', 'healthy'], ['B', 'healthy'], ['C', 'interictal'], ['D', 'interictal'], ['E', 'ictal']]
      : [['ictal', 'ictal'], ['interictal', 'interictal'], ['preictal', 'preictal']];
  const rateHz = format === 'bonn' ? 173.61 : 200;
  const durationS = format === 'bonn' ? 12 : 5.12;
  const segments: LabelledSegment[] = [];
  for (const [group, kind] of groups) {
    for (let s = 0; s < perGroup; s++) {
      segments.push({ id: `${group}/${s}`, file: `/synthetic/${group}/${s}`, label: kind, group, rateHz, samples: syntheticSegment(kind, rateHz, durationS, random) });
    }
  }
  return { format, source: `synthetic ${format}`, labels: [...new Set(segments.map((s) => s.label))].sort(), segments, notes: ['synthetic, made in the test'] };
}

describe('segment classification protocol on a synthetic collection', () => {
  const collections = { bonn: syntheticCollection('bonn', 8, 1), delhi: syntheticCollection('delhi', 8, 2) } as Record<string, SegmentCollection>;

  it('runs every task with every method on the same folds and separates the classes', async () => {
    const tf = await activateBackend('cpu');
    const results = [];
    for (const task of SEGMENT_TASKS) {
      // Budgets for a test: a short background (the synthetic collection has minutes, not hours) and a few training steps.
      const methods = [logisticMethod(), classicalMethod({ backgroundS: 60, thresholdSegments: 6 }), neuralMethod({ tf, training: { maxEpochs: 2, stepsPerEpoch: 8 } })];
      const result = await evaluateTask(task, collections[task.format]!, methods, { folds: 3, seed: 3 });
      results.push(result);
      for (const m of result.methods) {
        const total = m.metrics.confusion.flat().reduce((a, b) => a + b, 0);
        expect(total).toBe(Object.values(result.counts).reduce((a, b) => a + b, 0));
        expect(m.foldAccuracy).toHaveLength(3);
        expect(m.metrics.accuracy, `${task.id} ${m.method}`).toBeGreaterThan(0.85);
        expect(m.metrics.sensitivity, `${task.id} ${m.method}`).toBeGreaterThan(0.85);
        // A detector is scored as ictal vs the rest on 3-class tasks, and says so.
        expect(m.collapsed).toBe(m.method === 'classical' && result.classes.length === 3);
      }
    }
    const table = markdownTable(results);
    expect(table.split('\n')).toHaveLength(2 + results.reduce((a, r) => a + r.methods.length, 0));
    expect(table).toContain('| Bonn A vs E | 8 healthy, 8 ictal |');
  }, 120_000);

  it('refuses a collection of the wrong format or missing a class', async () => {
    const bonnTask = SEGMENT_TASKS.find((t) => t.id === 'bonn-A-E')!;
    await expect(evaluateTask(bonnTask, collections.delhi!, [logisticMethod()])).rejects.toThrow(/needs a bonn collection, synthetic delhi is delhi/);
    const noE = { ...collections.bonn!, segments: collections.bonn!.segments.filter((s) => s.group !== 'E') };
    await expect(evaluateTask(bonnTask, noE, [logisticMethod()])).rejects.toThrow(/has no segments of group E/);
  });
});
