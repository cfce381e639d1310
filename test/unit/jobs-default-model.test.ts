/**
 * The runner's default-model hook: a pipeline that uses a kind of model and ships a default gets
 * that default stored in the project the first time a run finds no complete model of the kind
 * (logged on the run), exactly once; a model trained later is newer and is the one used; a model
 * named by id is used as asked; a pipeline without a default is refused as before.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PipelineRegistry } from '../../main/jobs/registry.js';
import { JobRunner } from '../../main/jobs/runner.js';
import { Store } from '../../main/store/index.js';
import { REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const fixture = (name: string) => pathToFileURL(join(REPO_ROOT, 'test', 'fixtures', 'pipelines', `${name}.ts`)).href;

describe('job runner: default models', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let runner: JobRunner;

  beforeEach(async () => {
    tmp = tempDir();
    store = Store.open(join(tmp.dir, 'p.cajal'));
    const registry = new PipelineRegistry();
    await registry.register(fixture('model-user'));
    await registry.register(fixture('trainer'));
    runner = new JobRunner(store, registry, { codeVersion: 'test', maxConcurrent: 1 });
  });

  afterEach(async () => {
    await runner.shutdown();
    store.close();
    tmp.cleanup();
  });

  const used = (runId: number) => store.results.list(runId).find((r) => r.key === 'model')!.value as { id: number; name: string; weight: number };

  it('stores the shipped default on first use, once, logs it, and a later trained model takes precedence', async () => {
    expect(store.models.list('test-model')).toHaveLength(0);
    const first = runner.start('test-model-user', null, {});
    await runner.idle();
    const models = store.models.list('test-model');
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ name: 'shipped test model', pipeline: 'test-model', runId: null, format: 'test-f32', status: 'complete' });
    expect(models[0]!.meta).toEqual({ card: { origin: 'fixture' }, shippedDefault: true });
    expect(store.runs.get(first.id)!.status).toBe('succeeded');
    expect(store.runs.get(first.id)!.params.modelId).toBe(models[0]!.id);
    expect(used(first.id)).toEqual({ id: models[0]!.id, name: 'shipped test model', weight: 42 });
    expect(store.runs.logs(first.id).map((l) => l.message)).toContain(
      `this project had no test-model model: stored the default one shipped with Cajal as model #${models[0]!.id} "shipped test model" (train or import another to replace it)`,
    );

    // Again: the stored default is used, not stored a second time, and nothing is logged about it.
    const second = runner.start('test-model-user', null, {});
    await runner.idle();
    expect(store.models.list('test-model')).toHaveLength(1);
    expect(used(second.id).id).toBe(models[0]!.id);
    expect(store.runs.logs(second.id).some((l) => l.message.includes('shipped with Cajal'))).toBe(false);

    // A trained model is newer: it is the default choice from now on; the shipped one can still be named.
    runner.start('test-trainer', null, { epochs: 3, epochMs: 1 });
    await runner.idle();
    const trained = store.models.list('test-model').filter((m) => m.runId !== null);
    expect(trained).toHaveLength(1);
    const third = runner.start('test-model-user', null, {});
    await runner.idle();
    expect(used(third.id)).toEqual({ id: trained[0]!.id, name: 'fake', weight: 3 });
    const named = runner.start('test-model-user', null, { modelId: models[0]!.id });
    await runner.idle();
    expect(used(named.id).weight).toBe(42);
    expect(store.models.list('test-model')).toHaveLength(2);
  });

  it('does not store the default when the project already has a model of the kind', async () => {
    runner.start('test-trainer', null, { epochs: 2, epochMs: 1 });
    await runner.idle();
    const run = runner.start('test-model-user', null, {});
    await runner.idle();
    expect(store.models.list('test-model').map((m) => m.name)).toEqual(['fake']);
    expect(used(run.id).weight).toBe(2);
  });

  it('an incomplete checkpoint does not count as a model: the default is stored beside it', async () => {
    store.models.add({ name: 'checkpoint', pipeline: 'test-model', runId: null, format: 'test-f32', meta: {}, weights: new Uint8Array(4), status: 'incomplete' });
    const run = runner.start('test-model-user', null, {});
    await runner.idle();
    expect(store.models.list('test-model').map((m) => [m.name, m.status])).toEqual([
      ['checkpoint', 'incomplete'],
      ['shipped test model', 'complete'],
    ]);
    expect(used(run.id).weight).toBe(42);
  });
});
