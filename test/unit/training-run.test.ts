/**
 * Training is a run that produces a model: the runner stores checkpoints as they come (incomplete),
 * the final model with the run's id, params, code version and metrics in the transaction of its
 * results, keeps the last checkpoint on cancel, and hands it to a run that resumes from it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelineRegistry } from '../../main/jobs/registry.js';
import { JobRunner, type RunnerEvent } from '../../main/jobs/runner.js';
import { runCli } from '../../main/cli/main.js';
import { Engine } from '../../main/engine/index.js';
import { Store } from '../../main/store/index.js';
import { REPO_ROOT } from '../helpers/data.js';
import { writeSeizureEdf } from '../helpers/seizure-edf.js';
import { tempDir } from '../helpers/tmp.js';

const fixture = (name: string) => pathToFileURL(join(REPO_ROOT, 'test', 'fixtures', 'pipelines', `${name}.ts`)).href;

async function waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const epochOf = (weights: Uint8Array) => new Float32Array(new Uint8Array(weights).buffer)[0];

describe('training runs', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let runner: JobRunner;
  let events: RunnerEvent[];

  beforeEach(async () => {
    tmp = tempDir();
    store = Store.open(join(tmp.dir, 'p.cajal'));
    const registry = new PipelineRegistry();
    await registry.register(fixture('trainer'));
    runner = new JobRunner(store, registry, { codeVersion: 'test-1.2', maxConcurrent: 1, cancelGraceMs: 2000 });
    events = [];
    runner.subscribe((event) => events.push(event));
  });

  afterEach(async () => {
    await runner.shutdown();
    store.close();
    tmp.cleanup();
  });

  it('stores the final model with its run id, params, code version and metrics, and reports epoch and loss', async () => {
    const run = runner.start('test-trainer', null, { epochs: 4, epochMs: 120 });
    await runner.idle();
    expect(store.runs.get(run.id)!.status).toBe('succeeded');
    const models = store.models.ofRun(run.id);
    expect(models).toHaveLength(1); // the checkpoints were replaced by the final model
    const model = store.models.get(models[0]!.id)!;
    expect(model).toMatchObject({ pipeline: 'test-model', runId: run.id, status: 'complete', format: 'test-f32' });
    expect(model.meta.run).toEqual({ id: run.id, params: { epochs: 4, epochMs: 120, failResults: false }, codeVersion: 'test-1.2' });
    expect(model.meta.metrics).toEqual({ finalLoss: 0.25 });
    expect(epochOf(model.weights)).toBe(4);
    expect(store.results.list(run.id).find((r) => r.key === 'loss-curve')!.value).toEqual({ epochs: [1, 2, 3, 4], trainLoss: [1, 0.5, 1 / 3, 0.25] });
    const messages = events.flatMap((e) => (e.name === 'run.progress' ? [e.payload.message] : []));
    expect(messages.some((m) => /^epoch \d\/4: loss \d\.\d{4}$/.test(m))).toBe(true);
  });

  it('writes no model when the results cannot be written (one transaction)', async () => {
    const run = runner.start('test-trainer', null, { epochs: 2, epochMs: 1, failResults: true });
    await runner.idle();
    const stored = store.runs.get(run.id)!;
    expect(stored.status).toBe('failed');
    expect(stored.error).toMatch(/storing the results failed/);
    expect(store.results.list(run.id)).toEqual([]);
    // The last checkpoint stays (incomplete); no complete model claims to come from this run.
    expect(store.models.ofRun(run.id).map((m) => m.status)).toEqual(['incomplete']);
  });

  it('keeps the last checkpoint, incomplete, when cancelled; a run resumed from it continues at the next epoch and ends complete', async () => {
    const first = runner.start('test-trainer', null, { epochs: 1000, epochMs: 20 });
    await waitFor(() => store.models.ofRun(first.id).some((m) => ((m.meta.training as { epoch: number }).epoch ?? 0) >= 3));
    runner.cancel(first.id);
    await runner.idle();
    expect(store.runs.get(first.id)!.status).toBe('cancelled');
    const kept = store.models.ofRun(first.id);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.status).toBe('incomplete');
    const checkpoint = store.models.get(kept[0]!.id)!;
    const stoppedAt = (checkpoint.meta.training as { epoch: number }).epoch;
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    expect(epochOf(checkpoint.weights)).toBe(stoppedAt);
    // An incomplete checkpoint is not "the latest model" a detection run would pick by itself.
    expect(store.models.list('test-model').filter((m) => m.status === 'complete')).toEqual([]);

    const resumed = runner.start('test-trainer', null, { epochs: stoppedAt + 2, epochMs: 1, resumeFromModelId: checkpoint.id });
    await runner.idle();
    expect(store.runs.get(resumed.id)!.status).toBe('succeeded');
    expect(store.results.list(resumed.id).find((r) => r.key === 'firstEpoch')!.value).toBe(stoppedAt + 1);
    const curve = store.results.list(resumed.id).find((r) => r.key === 'loss-curve')!.value as { epochs: number[] };
    expect(curve.epochs).toHaveLength(stoppedAt + 2); // the curve goes on from the checkpoint's
    const final = store.models.ofRun(resumed.id);
    expect(final.map((m) => m.status)).toEqual(['complete']);
    expect(epochOf(store.models.get(final[0]!.id)!.weights)).toBe(stoppedAt + 2);
    // The first run's checkpoint is still there to resume from again.
    expect(store.models.get(checkpoint.id)?.status).toBe('incomplete');
  });

  it('refuses to resume from a model that is not of its kind', () => {
    expect(() => runner.start('test-trainer', null, { resumeFromModelId: 99 })).toThrow(/test-model model 99 to resume from/);
  });
});

describe('cajal seizure train', () => {
  it('trains as a run: `cajal runs` lists it with its model, its loss curve and params are stored, and --resume continues it', async () => {
    const tmp = tempDir('cajal-train-run-');
    try {
      const edf = join(tmp.dir, 'synthetic.edf');
      writeSeizureEdf(edf, 150, [{ onsetS: 60, durationS: 40 }]);
      writeFileSync(join(tmp.dir, 'synthetic_events.tsv'), 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n60\t40\tsz\tn/a\tn/a\tn/a\t150\n');
      const project = join(tmp.dir, 'train.cajal');
      Store.open(project).close();
      const lines: string[] = [];
      const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(`ERR ${line}`) };
      const code = await runCli(['seizure', 'train', edf, '--project', project, '--max-epochs', '2', '--backend', 'cpu', '--name', 'tiny'], io);
      expect(code, lines.join('\n')).toBe(0);
      expect(lines.join('\n')).toMatch(/stored model #1 in .* \(run 1, "tiny"\)/);
      expect(lines.some((line) => /^ERR run 1 info: epoch 2\/2: loss \d/.test(line))).toBe(true);

      lines.length = 0;
      expect(await runCli(['runs', project], io)).toBe(0);
      const listing = lines.join('\n');
      expect(listing).toMatch(/\bmodel\b/);
      expect(listing).toMatch(/^1\s+seizure-neural-train\s.*succeeded.*#1\b/m);

      const store = Store.open(project, { create: false });
      try {
        const model = store.models.get(1)!;
        expect(model).toMatchObject({ pipeline: 'seizure-neural', runId: 1, status: 'complete', name: 'tiny' });
        expect((model.meta.run as { params: Record<string, unknown> }).params).toMatchObject({ recordingIds: [1], maxEpochs: 2, backend: 'cpu' });
        expect(model.meta.metrics).toMatchObject({ epochs: 2 });
        const curve = store.results.list(1).find((r) => r.key === 'loss-curve')!.value as { epochs: number[]; trainLoss: number[]; validationLoss: number[] };
        expect(curve.epochs).toEqual([1, 2]);
        expect(curve.trainLoss.every(Number.isFinite)).toBe(true);
        // 150 s in 60 s blocks holds nothing out here: no "validation" series that copies the training loss.
        const training = store.results.list(1).find((r) => r.key === 'training')!.value as { windows: { validation: { seizure: number; background: number } } };
        expect(training.windows.validation).toEqual({ seizure: 0, background: 0 });
        expect(curve.validationLoss).toBeUndefined();
      } finally {
        store.close();
      }

      // Resuming from the stored model's training state goes on at epoch 3.
      lines.length = 0;
      const resumed = await runCli(['seizure', 'train', '--project', project, '--max-epochs', '3', '--backend', 'cpu', '--resume', '1'], io);
      expect(resumed, lines.join('\n')).toBe(0);
      expect(lines.join('\n')).toMatch(/resuming from model #1 after epoch 2/);
      expect(lines.some((line) => /epoch 3\/3: loss/.test(line))).toBe(true);
      expect(lines.some((line) => /epoch 1\/3/.test(line))).toBe(false);

      // --json: one document on stdout naming the run and its model; progress stays on stderr.
      const out: string[] = [];
      const err: string[] = [];
      const json = await runCli(['seizure', 'train', '--project', project, '--max-epochs', '4', '--backend', 'cpu', '--resume', '2', '--json'], { out: (l) => out.push(l), err: (l) => err.push(l) });
      expect(json, err.join('\n')).toBe(0);
      expect(out).toHaveLength(1);
      expect(JSON.parse(out[0]!)).toMatchObject({ project, runId: 3, status: 'succeeded', model: { id: 3, status: 'complete' }, out: null });
      expect(err.some((line) => /epoch 4\/4: loss/.test(line))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);

  it('a cancelled seizure training keeps its last epoch as an incomplete model, shown by `cajal runs`', async () => {
    const tmp = tempDir('cajal-train-cancel-');
    try {
      const edf = join(tmp.dir, 'synthetic.edf');
      writeSeizureEdf(edf, 150, [{ onsetS: 60, durationS: 40 }]);
      const project = join(tmp.dir, 'train.cajal');
      const engine = await Engine.open({ projectPath: project, create: true });
      try {
        const { imported } = await engine.importRecordings([edf]);
        // Seizures marked in the project (no events file beside this EDF) are trained on too.
        const run = engine.runner.start('seizure-neural-train', null, { recordingIds: [imported[0]!.id], markedSeizures: { [String(imported[0]!.id)]: [[60, 100]] }, maxEpochs: 500, patience: 500, backend: 'cpu' });
        await waitFor(() => engine.store.models.ofRun(run.id).length > 0, 30_000);
        engine.runner.cancel(run.id);
        await engine.runner.idle();
        expect(engine.store.runs.get(run.id)!.status).toBe('cancelled');
        const [kept] = engine.store.models.ofRun(run.id);
        expect(kept).toMatchObject({ pipeline: 'seizure-neural', status: 'incomplete' });
        expect((kept!.meta.checkpoint as { epoch: number }).epoch).toBeGreaterThanOrEqual(1);
        expect(engine.store.results.list(run.id)).toEqual([]);
      } finally {
        await engine.close();
      }
      const lines: string[] = [];
      expect(await runCli(['runs', project], { out: (line) => lines.push(line), err: () => {} })).toBe(0);
      expect(lines.join('\n')).toMatch(/^1\s+seizure-neural-train\s.*cancelled.*#1 \(incomplete\)/m);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});
