/**
 * `cajal jepa import` and `cajal jepa export` end to end, and pretraining from an imported model.
 *
 * - With /usr/bin/python3 + torch: the official-layout jepa-ep1.pth.tar of the PyTorch
 *   transcription imports through the CLI (a jepa-import run that stores a `jepa` model), exports to
 *   safetensors, and the export imports again to the same weights. Skipped with a message without torch.
 * - Always: export refuses the project file, refuses an existing file without --overwrite.
 * - With the real ABIDE cohort (AAL-116): a tiny model built here is written in the reference
 *   safetensors layout, imported with its gradient CSV (heads from the tiny architecture), and a
 *   `jepa pretrain --resume <imported>` run starts from its weights at step 0 with fresh AdamW and a
 *   scaler fitted on its training subjects (at a ~0 learning rate the trained weights are still the
 *   imported ones); exports refuse a path inside the source recording.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { activateBackend } from '../../main/compute/index.js';
import { readSafetensorsWithMetadata, writeSafetensors } from '../../main/io/torch/index.js';
import { decodeJepaBundle, JEPA_MODEL_PIPELINE } from '../../main/pipelines/jepa/bundle.js';
import { jepaModelConfig } from '../../main/pipelines/jepa/config.js';
import { JEPA_PARTS } from '../../main/pipelines/jepa/import-checkpoint.js';
import { createJepaModel } from '../../main/pipelines/jepa/model.js';
import type { StateDict } from '../../main/pipelines/jepa/model-state-dict.js';
import { Store } from '../../main/store/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', 'fixtures', 'reference', 'jepa_torch.py');
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const hasTorch = torchCheck.status === 0;
if (!hasTorch) console.warn(`jepa-import: the .pth.tar import test is skipped — ${PYTHON} cannot import torch`);
const COHORT = dataFile('fmri', 'abide_aal116_100subj');
const present = hasSharedData() && existsSync(COHORT);
if (!present) console.warn(`jepa-import: the pretrain-from-import test is skipped: ${hasSharedData() ? `${COHORT} not found` : SKIP_NO_DATA}`);

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function csvOf(values: ArrayLike<number>, rois: number, components: number): string {
  const lines: string[] = [];
  for (let r = 0; r < rois; r++) lines.push(Array.from({ length: components }, (_, c) => String(values[r * components + c])).join(','));
  return `${lines.join('\n')}\n`;
}

describe('cajal jepa import / export', () => {
  const tmp = tempDir('cajal-jepa-import-');
  const project = join(tmp.dir, 'p.cajal');
  beforeAll(() => Store.open(project).close());
  afterAll(() => tmp.cleanup());

  it.skipIf(!hasTorch)('imports the official-layout .pth.tar, exports it and reads the export back', async () => {
    const ref = join(tmp.dir, 'ref');
    const run = spawnSync(PYTHON, [SCRIPT, ref], { encoding: 'utf8', timeout: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    const inputs = readSafetensorsWithMetadata(readFileSync(join(ref, 'inputs.safetensors')), 'inputs').tensors;
    const gradient = inputs.get('gradient')!;
    const csv = join(tmp.dir, 'gradients.csv');
    writeFileSync(csv, csvOf(gradient.data, gradient.shape[0]!, gradient.shape[1]!));
    const pth = join(ref, 'jepa-ep1.pth.tar');

    const noHeads = await cli(['jepa', 'import', project, pth, '--gradients', csv, '--json']);
    expect(noHeads.code).toBe(1);
    const failed = JSON.parse(noHeads.out[0]!) as { status: string; error: string; model: null };
    expect(failed).toMatchObject({ status: 'failed', model: null });
    expect(failed.error).toMatch(/jepa-ep1\.pth\.tar: an encoder 32 wide .*--heads N/);

    const ok = await cli(['jepa', 'import', project, pth, '--gradients', csv, '--heads', '2', '--name', 'lab model', '--json']);
    expect(ok.code, ok.err.join('\n')).toBe(0);
    const imported = JSON.parse(ok.out[0]!) as { runId: number; status: string; model: { id: number; name: string; architecture: Record<string, unknown>; imported: Record<string, unknown> } };
    expect(imported).toMatchObject({ status: 'succeeded', model: { name: 'lab model', architecture: { rois: 12, frames: 160, embedDim: 32, heads: 2 }, imported: { format: 'torch', scalerFitted: false } } });
    expect(ok.err.join('\n')).toMatch(/optimizer state \("opt"\) is not imported/);

    const store = Store.open(project, { create: false });
    try {
      const model = store.models.get(imported.model.id)!;
      expect(model).toMatchObject({ pipeline: JEPA_MODEL_PIPELINE, runId: imported.runId, status: 'complete' });
      expect(store.runs.get(imported.runId)!.params).toMatchObject({ file: pth, gradientCsv: csv, heads: 2 });
    } finally {
      store.close();
    }

    const out = join(tmp.dir, 'lab.safetensors');
    const exported = await cli(['jepa', 'export', project, String(imported.model.id), out, '--json']);
    expect(exported.code, exported.err.join('\n')).toBe(0);
    expect(JSON.parse(exported.out[0]!)).toMatchObject({ modelId: imported.model.id, path: out, config: { rois: 12, heads: 2 } });
    const { metadata, tensors } = readSafetensorsWithMetadata(readFileSync(out), out);
    expect(metadata).toMatchObject({ format: 'cajal-brain-jepa', name: 'lab model' });
    expect(tensors.get('encoder.patch_embed.proj.weight')!.shape).toEqual([32, 1, 1, 16]);

    const again = await cli(['jepa', 'import', project, out, '--json']);
    expect(again.code, again.err.join('\n')).toBe(0);
    const second = JSON.parse(again.out[0]!) as { model: { id: number } };
    const check = Store.open(project, { create: false });
    try {
      const a = decodeJepaBundle(check.models.get(imported.model.id)!.weights, 'a');
      const b = decodeJepaBundle(check.models.get(second.model.id)!.weights, 'b');
      expect(b.config.model).toEqual(a.config.model);
      for (const key of ['encoder', 'predictor', 'target'] as const) {
        for (const [name, t] of a[key]) expect(Array.from(b[key].get(name)!.values), `${key}.${name}`).toEqual(Array.from(t.values));
      }
    } finally {
      check.close();
    }

    // Never over the project; over an existing file only with --overwrite.
    const overProject = await cli(['jepa', 'export', project, String(imported.model.id), project]);
    expect(overProject.code).not.toBe(0);
    expect(overProject.err.join('\n')).toMatch(/open project's file; Cajal never writes over project files/);
    const exists = await cli(['jepa', 'export', project, String(imported.model.id), out]);
    expect(exists.code).not.toBe(0);
    expect(exists.err.join('\n')).toMatch(/lab\.safetensors/);
    expect((await cli(['jepa', 'export', project, String(imported.model.id), out, '--overwrite'])).code).toBe(0);
  }, 300_000);

  it('refuses what is not a Brain-JEPA model or not a file, in one line', async () => {
    const missing = await cli(['jepa', 'import', project, join(tmp.dir, 'nope.pth.tar')]);
    expect(missing.code).not.toBe(0);
    expect(missing.err.join('\n')).toMatch(/nope\.pth\.tar: no such file/);
    const noModel = await cli(['jepa', 'export', project, '999', join(tmp.dir, 'x.safetensors')]);
    expect(noModel.code).not.toBe(0);
    expect(noModel.err.join('\n')).toMatch(/model 999 not found/);
  });

  it.skipIf(!present)('a jepa-pretrain run starts from an imported model: its weights, step 0, fresh AdamW, a scaler fitted on the cohort', async () => {
    const imported = await cli(['import', project, COHORT]);
    expect(imported.code, imported.err.join('\n')).toBe(0);
    const store = Store.open(project, { create: false });
    const cohort = store.recordings.list().find((r) => r.metadata.brain?.type === 'cohort')!;
    const subjects = cohort.metadata.brain!.cohort!.subjects.map((s) => s.id);
    store.close();

    // A lab's tiny model of the AAL-116 cohort, 80-frame crops (5 time patches), in the reference layout.
    const tf = await activateBackend('wasm');
    const config = jepaModelConfig('tiny', 116, 80);
    const gradients = Float64Array.from({ length: 116 * 30 }, (_, i) => Math.cos(i * 0.11));
    const model = createJepaModel(tf, config, gradients, 5);
    const tensors: StateDict = new Map();
    for (const part of JEPA_PARTS) for (const [k, v] of model.stateDict(part, { prefix: 'module.' })) tensors.set(`${part}.${k}`, v);
    const original = model.encoder.snapshot();
    model.dispose();
    const file = join(tmp.dir, 'lab-aal116.safetensors');
    writeFileSync(file, writeSafetensors(tensors));
    const csv = join(tmp.dir, 'aal116-gradients.csv');
    writeFileSync(csv, csvOf(gradients, 116, 30));

    const imp = await cli(['jepa', 'import', project, file, '--gradients', csv, '--json']);
    expect(imp.code, imp.err.join('\n')).toBe(0);
    const modelId = (JSON.parse(imp.out[0]!) as { model: { id: number; architecture: { name: string } } }).model;
    expect(modelId.architecture.name).toBe('tiny');

    // ~0 learning rate: a run that started from the imported weights ends where they were.
    const args = ['jepa', 'pretrain', project, String(cohort.id), '--resume', String(modelId.id), '--epochs', '1', '--batch-size', '5', '--subjects', subjects.slice(0, 12).join(','), '--backend', 'wasm', '--param', 'lr=1e-12', '--param', 'startLr=0', '--param', 'finalLr=0', '--param', 'warmupEpochs=0', '--json'];
    const run = await cli(args);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.err.join('\n')).toMatch(/carries no data scaler: fitting the robust scaler on the 11 training subjects/);
    expect(run.err.join('\n')).toMatch(/fresh AdamW moments at step 0/);
    const result = JSON.parse(run.out[0]!) as { runId: number; model: { id: number } };
    const check = Store.open(project, { create: false });
    try {
      const bundle = decodeJepaBundle(check.models.get(result.model.id)!.weights, 'trained');
      expect(bundle.config.model).toEqual(config);
      expect(bundle.config.training).toMatchObject({ epoch: 1, optimizerStep: 2 });
      expect(bundle.step).toBe(2);
      expect(bundle.config.scaler.median).toHaveLength(116);
      let worst = 0;
      for (const [name, t] of original) {
        const trained = bundle.encoder.get(name)!.values;
        for (let i = 0; i < t.values.length; i++) worst = Math.max(worst, Math.abs(trained[i]! - t.values[i]!));
      }
      expect(worst).toBeLessThan(1e-6);
    } finally {
      check.close();
    }

    // Exports never write into a source recording.
    const inside = await cli(['jepa', 'export', project, String(result.model.id), join(COHORT, 'model.safetensors')]);
    expect(inside.code).not.toBe(0);
    expect(inside.err.join('\n')).toMatch(/inside the source recording/);
    expect(existsSync(join(COHORT, 'model.safetensors'))).toBe(false);
  }, 600_000);
});
