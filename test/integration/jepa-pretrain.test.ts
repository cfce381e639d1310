/**
 * `cajal jepa pretrain` end to end on the real 100-subject ABIDE cohort (AAL-116): the folder
 * imported as one cohort, tiny pretraining for a few iterations on a subset of subjects through the
 * CLI (model stored with its run, loss going down, curves stored), then through the engine a run
 * cancelled after its first checkpoint (nothing but that complete checkpoint left behind) and a run
 * resumed from it that continues at the stored optimizer step.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JepaRunSummary, JepaTraining } from '../../shared/api/index.js';
import { runCli } from '../../main/cli/main.js';
import { Engine } from '../../main/engine/index.js';
import { decodeJepaBundle, JEPA_MODEL_PIPELINE } from '../../main/pipelines/jepa/bundle.js';
import { Store } from '../../main/store/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const COHORT = dataFile('fmri', 'abide_aal116_100subj');
const present = hasSharedData() && existsSync(COHORT);
if (!present) console.warn(`jepa pretrain test skipped: ${hasSharedData() ? `${COHORT} not found` : SKIP_NO_DATA}`);

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!present)('Brain-JEPA pretraining on ABIDE (real data)', () => {
  const tmp = tempDir('cajal-jepa-');
  const project = join(tmp.dir, 'jepa.cajal');
  let subjects: string[] = [];
  afterAll(() => tmp.cleanup());

  it('imports the folder as one cohort and pretrains tiny through the CLI: the model is stored with its run and the loss goes down', async () => {
    Store.open(project).close();
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(`ERR ${line}`) };
    expect(await runCli(['import', project, COHORT], io), lines.join('\n')).toBe(0);
    const store = Store.open(project, { create: false });
    const cohort = store.recordings.get(1)!;
    expect(cohort.metadata.brain?.type).toBe('cohort');
    subjects = cohort.metadata.brain!.cohort!.subjects.map((s) => s.id);
    store.close();
    expect(subjects).toHaveLength(100);

    // 26 subjects: 2 held out (10 %, rounded down), 24 trained on in 2 batches of 10 per epoch; lr 2e-3 without warm-up.
    const out: string[] = [];
    const err: string[] = [];
    const args = ['jepa', 'pretrain', project, '1', '--config', 'tiny', '--epochs', '4', '--batch-size', '10', '--crop', '80', '--subjects', subjects.slice(0, 26).join(','), '--backend', 'wasm', '--param', 'lr=0.002', '--param', 'warmupEpochs=0', '--json'];
    const started = performance.now();
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    const ms = performance.now() - started;
    expect(code, err.join('\n')).toBe(0);
    expect(out).toHaveLength(1);
    const result = JSON.parse(out[0]!) as { runId: number; status: string; model: { id: number; status: string }; history: { epoch: number; trainLoss: number; validationLoss: number; effectiveRank: number; msPerIteration: number }[] };
    expect(result).toMatchObject({ runId: 1, status: 'succeeded', model: { status: 'complete' } });
    console.log(`tiny, 116 ROIs, batch 10: ${result.history.map((h) => `epoch ${h.epoch} loss ${h.trainLoss.toFixed(4)} val ${h.validationLoss.toFixed(4)} rank ${h.effectiveRank.toFixed(1)} ${Math.round(h.msPerIteration)} ms/iteration`).join('; ')}; whole run ${Math.round(ms)} ms`);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(result.history.at(-1)!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
    expect(result.history.at(-1)!.validationLoss).toBeLessThan(result.history[0]!.validationLoss);
    expect(err.some((line) => /^ERR |epoch 4\/4: loss/.test(line) || /epoch 4\/4: loss/.test(line))).toBe(true);

    const check = Store.open(project, { create: false });
    try {
      const [model] = check.models.ofRun(1);
      expect(model).toMatchObject({ id: result.model.id, pipeline: JEPA_MODEL_PIPELINE, runId: 1, status: 'complete' });
      const bundle = decodeJepaBundle(check.models.get(model!.id)!.weights, 'model');
      expect(bundle.config.model).toMatchObject({ name: 'tiny', rois: 116, frames: 80 });
      expect(bundle.config.gradients).toMatchObject({ source: 'computed', components: 30 });
      expect(bundle.config.gradients.from).toHaveLength(24);
      expect(bundle.config.training).toMatchObject({ epoch: 4, iteration: 8, optimizerStep: 8 });
      expect(bundle.step).toBe(8);
      expect(bundle.gradients.length).toBe(116 * 30);
      expect(bundle.config.scaler.iqr).toHaveLength(116);
      const keys = check.results.list(1).map((r) => r.key).sort();
      expect(keys).toEqual(['loss-curve', 'rank-monitor', 'schedules', 'training']);
      expect(check.results.array(1, 'loss-curve')!.shape).toEqual([8]);
      expect(check.results.array(1, 'schedules')!.shape).toEqual([3, 8]);
    } finally {
      check.close();
    }
  }, 600_000);

  it('a cancelled run leaves only its last complete checkpoint; a run resumed from it continues at the stored step', async () => {
    const engine = await Engine.open({ projectPath: project, create: false });
    try {
      const params = { config: 'tiny', batchSize: 10, crop: 80, trainingSubjects: subjects.slice(0, 26), backend: 'wasm', lr: 0.002, warmupEpochs: 0 };
      const run = engine.runner.start('jepa-pretrain', 1, { ...params, epochs: 200 });
      await waitFor(() => engine.store.models.ofRun(run.id).length > 0, 300_000);
      engine.runner.cancel(run.id);
      await engine.runner.idle();
      expect(engine.store.runs.get(run.id)!.status).toBe('cancelled');
      const kept = engine.store.models.ofRun(run.id);
      expect(kept.map((m) => m.status)).toEqual(['incomplete']);
      expect(engine.store.results.list(run.id)).toEqual([]);
      const checkpoint = decodeJepaBundle(engine.store.models.get(kept[0]!.id)!.weights, 'checkpoint');
      const stoppedAt = checkpoint.config.training!.epoch;
      expect(stoppedAt).toBeGreaterThanOrEqual(1);
      expect(checkpoint.step).toBe(stoppedAt * 2);
      expect(checkpoint.adam).not.toBeNull();

      const resumed = engine.runner.start('jepa-pretrain', 1, { ...params, epochs: stoppedAt + 1, resumeFromModelId: kept[0]!.id });
      await engine.runner.idle();
      expect(engine.store.runs.get(resumed.id)!.status, engine.store.runs.get(resumed.id)!.error ?? '').toBe('succeeded');
      const curve = engine.store.results.list(resumed.id).find((r) => r.key === 'loss-curve')!.value as { epochs: number[]; firstIteration: number };
      expect(curve.epochs).toEqual(Array.from({ length: stoppedAt + 1 }, (_, i) => i + 1));
      expect(curve.firstIteration).toBe(stoppedAt * 2);
      const [final] = engine.store.models.ofRun(resumed.id);
      const bundle = decodeJepaBundle(engine.store.models.get(final!.id)!.weights, 'final');
      expect(bundle.step).toBe((stoppedAt + 1) * 2);
      // The cancelled run's checkpoint is still there to resume from again.
      expect(engine.store.models.get(kept[0]!.id)?.status).toBe('incomplete');
      // What the training view gets (checked against the API's schemas).
      const training = JepaTraining.parse(engine.services.jepa.training(resumed.id));
      expect(training.trainLoss).toHaveLength(stoppedAt + 1);
      expect(training.effectiveRankCentred).toHaveLength(stoppedAt + 1);
      expect(training.lr.length).toBe((stoppedAt + 1) * 2);
      expect(training.iterationLoss.length).toBe(2);
      const runs = z.array(JepaRunSummary).parse(engine.services.jepa.runs(1));
      expect(runs.map((r) => [r.runId, r.status, r.model?.status])).toEqual([
        [resumed.id, 'succeeded', 'complete'],
        [run.id, 'cancelled', 'incomplete'],
        [1, 'succeeded', 'complete'],
      ]);
    } finally {
      await engine.close();
    }
  }, 600_000);
});
