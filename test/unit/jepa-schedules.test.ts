/**
 * Brain-JEPA's schedules against the reference's formulas driven as train.py drives them
 * (test/fixtures/reference/jepa_schedules.py → jepa-schedules.json): LR warm-up + cosine and the
 * increasing cosine weight decay counted in optimizer steps, and the EMA momentum advanced once per
 * optimizer step over a length counted in iterations (so with accumulation 8 it ends near 0.9965).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JepaSchedules, REFERENCE_OPTIM_CONFIG, scheduleLengths, type JepaOptimConfig } from '../../main/pipelines/jepa/schedules.js';
import { REPO_ROOT } from '../helpers/data.js';

interface Case {
  config: { ipe: number; epochs: number; warmup: number; accumulation: number; start_lr: number; ref_lr: number; final_lr: number; wd: number; final_wd: number; ema: [number, number]; ipe_scale: number };
  steps: number;
  rows: Record<string, { lr: number; wd: number; momentum: number }>;
}
const reference = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/jepa-schedules.json`, 'utf8')) as Record<string, Case>;

function ours(c: Case['config']): JepaOptimConfig {
  return {
    startLr: c.start_lr,
    lr: c.ref_lr,
    finalLr: c.final_lr,
    warmupEpochs: c.warmup,
    epochs: c.epochs,
    weightDecay: c.wd,
    finalWeightDecay: c.final_wd,
    ema: c.ema,
    ipeScale: c.ipe_scale,
    accumulationSteps: c.accumulation,
  };
}

describe('Brain-JEPA schedules', () => {
  for (const [name, c] of Object.entries(reference)) {
    it(`${name}: every checked optimizer step's LR, WD and momentum equal the reference's (1e-12)`, () => {
      const schedules = new JepaSchedules(ours(c.config), c.config.ipe);
      expect(schedules.lengths.totalSteps).toBe(c.steps);
      for (const [k, row] of Object.entries(c.rows)) {
        const s = schedules.at(Number(k));
        expect(s.lr, `lr at ${k}`).toBeCloseTo(row.lr, 12);
        expect(s.weightDecay, `wd at ${k}`).toBeCloseTo(row.wd, 12);
        expect(s.momentum, `momentum at ${k}`).toBeCloseTo(row.momentum, 12);
      }
    });
  }

  it('by hand: ipe 10, 6 epochs, warm-up 2, accumulation 4', () => {
    const config: JepaOptimConfig = { ...REFERENCE_OPTIM_CONFIG, ema: [0.996, 1], warmupEpochs: 2, epochs: 6, accumulationSteps: 4 };
    const s = new JepaSchedules(config, 10);
    // warm-up int(2·10/4) = 5 steps, T_max int(6·10/4) = 15, momentum over 60 iterations.
    expect(s.lengths).toMatchObject({ warmupSteps: 5, tMax: 15, momentumLength: 60, totalSteps: 15 });
    // Step 0 runs with _step 1: 5e-5 + (1/5)(1e-3 − 5e-5).
    expect(s.at(0).lr).toBeCloseTo(2.4e-4, 15);
    // Step 4 (_step 5 = warm-up end): the cosine at progress 0 = ref_lr.
    expect(s.at(4).lr).toBeCloseTo(1e-3, 15);
    // Step 9 (_step 10): progress 5/10 → final + (ref − final)/2.
    expect(s.at(9).lr).toBeCloseTo(1e-6 + (1e-3 - 1e-6) / 2, 15);
    // WD at _step 1: 0.4 + (0.04 − 0.4)·½(1 + cos(π/15)).
    expect(s.at(0).weightDecay).toBeCloseTo(0.4 - 0.36 * 0.5 * (1 + Math.cos(Math.PI / 15)), 15);
    expect(s.at(14).weightDecay).toBeCloseTo(0.4, 15);
    // Momentum after step k: 0.996 + k·0.004/60 (60 iterations, not 15 steps).
    expect(s.at(0).momentum).toBe(0.996);
    expect(s.at(14).momentum).toBeCloseTo(0.996 + (14 * 0.004) / 60, 15);
  });

  it('the reference config ends its momentum near 0.9965 (the stepping quirk), its LR at final_lr and its WD at 0.4', () => {
    const s = new JepaSchedules({ ...REFERENCE_OPTIM_CONFIG }, 500);
    const last = s.at(s.lengths.totalSteps - 1);
    expect(last.momentum).toBeGreaterThan(0.99649);
    expect(last.momentum).toBeLessThan(0.9965);
    expect(last.lr).toBeCloseTo(1e-6, 12);
    expect(last.weightDecay).toBeCloseTo(0.4, 12);
    expect(s.lengths.warmupSteps).toBe(2500);
  });

  it('without accumulation the momentum reaches ema[1] at the last iteration', () => {
    const s = new JepaSchedules({ ...REFERENCE_OPTIM_CONFIG, epochs: 3, warmupEpochs: 1, accumulationSteps: 1 }, 4);
    expect(s.lengths.totalSteps).toBe(12);
    expect(s.at(11).momentum).toBeCloseTo(0.996 + (11 * 0.004) / 12, 15);
    expect(s.at(12).momentum).toBeCloseTo(1, 15);
    // Past the generator's end the last value is held rather than raising.
    expect(s.at(100).momentum).toBeCloseTo(1, 15);
  });

  it('curves() lists every step of the run', () => {
    const s = new JepaSchedules({ ...REFERENCE_OPTIM_CONFIG, epochs: 2, warmupEpochs: 1, accumulationSteps: 2 }, 5);
    const curves = s.curves();
    expect(curves.lr.length).toBe(scheduleLengths(s.config, 5).totalSteps);
    expect(curves.lr[2]).toBe(s.at(2).lr);
  });

  it('refuses fewer than one iteration per epoch or a fractional accumulation', () => {
    expect(() => new JepaSchedules({ ...REFERENCE_OPTIM_CONFIG }, 0)).toThrow(/iterations per epoch/);
    expect(() => new JepaSchedules({ ...REFERENCE_OPTIM_CONFIG, accumulationSteps: 1.5 }, 3)).toThrow(/accumulation/);
  });
});
