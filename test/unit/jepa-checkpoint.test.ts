/**
 * Brain-JEPA checkpoints in and out (main/pipelines/jepa/import-checkpoint.ts).
 *
 * Without torch: a model built here, written as reference-layout safetensors (the three state dicts
 * under encoder./predictor./target_encoder.), imports with the architecture read from its shapes
 * (heads from the matching named architecture), the ROI/time split read from emb_h, the gradients
 * from a CSV; our export reads back to the same weights and config; bad files fail naming the file
 * and the key.
 * With /usr/bin/python3 + torch: the official-layout jepa-ep1.pth.tar that
 * test/fixtures/reference/jepa_torch.py writes imports, and the imported model's target-encoder
 * features equal torch's on the same input to 1e-4; so does its safetensors export read back.
 * The torch part is skipped with a message when torch cannot be imported.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { readSafetensors, readSafetensorsWithMetadata, writeSafetensors } from '../../main/io/torch/index.js';
import { decodeJepaBundle, loadJepaModel } from '../../main/pipelines/jepa/bundle.js';
import { jepaModelConfig, type JepaModelConfig } from '../../main/pipelines/jepa/config.js';
import { exportJepaSafetensors, importJepaCheckpoint, isScalerFitted, JEPA_PARTS, timePatchesOfTable } from '../../main/pipelines/jepa/import-checkpoint.js';
import { createJepaModel, type JepaModel } from '../../main/pipelines/jepa/model.js';
import type { StateDict } from '../../main/pipelines/jepa/model-state-dict.js';
import { timeSinCos } from '../../main/pipelines/jepa/pos-embed.js';
import { tempDir } from '../helpers/tmp.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', 'fixtures', 'reference', 'jepa_torch.py');
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const hasTorch = torchCheck.status === 0;
if (!hasTorch) {
  console.warn(`jepa-checkpoint: the PyTorch checkpoint tests are skipped — ${PYTHON} cannot import torch (${(torchCheck.stderr || String(torchCheck.error ?? '')).trim().split('\n').pop()})`);
}

function gradientCsv(path: string, values: ArrayLike<number>, rois: number, components: number): string {
  const lines: string[] = [];
  for (let r = 0; r < rois; r++) lines.push(Array.from({ length: components }, (_, c) => String(values[r * components + c])).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function referenceSafetensors(model: JepaModel, prefix = ''): Uint8Array {
  const tensors: StateDict = new Map();
  for (const part of JEPA_PARTS) for (const [k, v] of model.stateDict(part, { prefix })) tensors.set(`${part}.${k}`, v);
  return writeSafetensors(tensors);
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function features(tf: Tfjs, model: JepaModel, x: Float32Array, shape: [number, number, number]): Float32Array {
  const input = tf.tensor3d(x, shape);
  const out = model.features(input);
  const values = out.dataSync() as Float32Array;
  input.dispose();
  out.dispose();
  return values;
}

describe('Brain-JEPA checkpoint import and export (no torch needed)', () => {
  let tf: Tfjs;
  const tmp = tempDir('cajal-jepa-ckpt-');
  // tiny's widths and depths on 6 ROIs × 32 frames (2 time patches), 30 gradient components.
  const config: JepaModelConfig = jepaModelConfig('tiny', 6, 32);
  const rois = config.rois;
  const g = config.gradientDims;
  const grads = Float64Array.from({ length: rois * g }, (_, i) => Math.sin(i * 0.37));
  let source: JepaModel;
  let file: string;
  let csv: string;

  beforeAll(async () => {
    tf = await activateBackend('cpu');
    source = createJepaModel(tf, config, grads, 11);
    // A target that differs from the encoder, so a part swapped on the way would show.
    const perturbed = createJepaModel(tf, config, grads, 12);
    source.loadStateDict('target_encoder', perturbed.stateDict('encoder'), 'perturbed');
    perturbed.dispose();
    file = join(tmp.dir, 'reference.safetensors');
    // DDP "module." keys, as the official checkpoints: accepted.
    writeFileSync(file, referenceSafetensors(source, 'module.'));
    csv = gradientCsv(join(tmp.dir, 'gradients.csv'), grads, rois, g);
  });
  afterAll(() => {
    source?.dispose();
    tmp.cleanup();
  });

  it('reads the ROI/time split from the emb_h table and refuses a table that is not one', () => {
    const table = { shape: [6 * 5, 8], data: timeSinCos(6, 5, 16) };
    expect(timePatchesOfTable('f', 'emb_h', table, 16)).toBe(5);
    const broken = { shape: table.shape, data: table.data.map((v, i) => (i === 9 ? v + 0.5 : v)) };
    expect(() => timePatchesOfTable('f.pth', 'encoder.pos_embed_proj.emb_h', broken, 16)).toThrow(/f\.pth.*encoder\.pos_embed_proj\.emb_h.*not Brain-JEPA's fixed time/);
  });

  it('imports reference-layout safetensors: architecture from the shapes, heads from the matching named architecture, weights exact', async () => {
    const imported = await importJepaCheckpoint(tf, file, { gradientCsv: csv });
    expect(imported.config.model).toEqual(config);
    expect(imported.summary).toMatchObject({ imported: { format: 'safetensors', headsFrom: 'the tiny architecture (same widths and depths)', scalerFitted: false } });
    expect(isScalerFitted(imported.config)).toBe(false);
    expect(imported.notes.join('\n')).toMatch(/no data scaler/);
    expect(imported.config.gradients).toEqual({ source: 'csv', components: g, from: csv });
    // The reference pretrains on robust-scaled input; the sampling rate is unknown (a run chooses its own).
    expect(imported.config.input).toEqual({ frames: 32, samplingRate: 1, normalisation: 'robust' });
    const bundle = decodeJepaBundle(imported.bytes, 'imported');
    expect(bundle.config.training).toBeUndefined();
    expect(bundle.adam).toBeNull();
    expect(maxAbs(bundle.gradients, grads)).toBeLessThan(1e-6);
    const { model } = loadJepaModel(tf, imported.bytes, 'imported');
    try {
      for (const part of JEPA_PARTS) {
        const ours = model.stateDict(part);
        const theirs = source.stateDict(part);
        expect([...ours.keys()]).toEqual([...theirs.keys()]);
        for (const [k, t] of ours) expect(maxAbs(t.data, theirs.get(k)!.data), `${part}.${k}`).toBe(0);
      }
    } finally {
      model.dispose();
    }
  });

  it('round-trips through our safetensors export: same weights, config and gradients, nothing else needed', async () => {
    const imported = await importJepaCheckpoint(tf, file, { gradientCsv: csv });
    const { tensors, metadata } = exportJepaSafetensors(imported.bytes, 'imported', { name: 'test' });
    const out = join(tmp.dir, 'export.safetensors');
    writeFileSync(out, writeSafetensors(tensors, metadata));
    const read = readSafetensorsWithMetadata(readFileSync(out), out);
    expect(read.metadata).toMatchObject({ format: 'cajal-brain-jepa', version: '1', name: 'test' });
    expect(JSON.parse(read.metadata.config!)).toEqual(config);
    // The reference's key names and torch layouts under the part prefixes.
    expect(read.tensors.get('encoder.patch_embed.proj.weight')!.shape).toEqual([64, 1, 1, 16]);
    expect(read.tensors.get('encoder.blocks.0.attn.proj.weight')!.shape).toEqual([64, 64]);
    expect(read.tensors.get('predictor.predictor_blocks.1.norm2.bias')!.shape).toEqual([32]);
    expect(read.tensors.get('target_encoder.pos_embed_proj.emb_h')!.shape).toEqual([12, 32]);
    expect(read.tensors.get('gradients')!.shape).toEqual([rois, g]);

    // No CSV and no heads: both come from the file.
    const again = await importJepaCheckpoint(tf, out);
    expect(again.config.model).toEqual(config);
    expect(again.config.gradients).toEqual(imported.config.gradients);
    expect(again.config.scaler).toEqual(imported.config.scaler);
    expect(again.config.input).toEqual(imported.config.input);
    const a = decodeJepaBundle(imported.bytes, 'a');
    const b = decodeJepaBundle(again.bytes, 'b');
    for (const key of ['encoder', 'predictor', 'target'] as const) {
      expect([...b[key].keys()]).toEqual([...a[key].keys()]);
      for (const [name, t] of a[key]) expect(maxAbs(b[key].get(name)!.values, t.values), `${key}.${name}`).toBe(0);
    }
    expect(maxAbs(b.gradients, a.gradients)).toBe(0);
  });

  it('a fitted scaler survives the export round trip', async () => {
    const imported = await importJepaCheckpoint(tf, file, { gradientCsv: csv });
    const bundle = decodeJepaBundle(imported.bytes, 'x');
    const scaler = { median: Array.from({ length: rois }, (_, i) => i), iqr: Array.from({ length: rois }, (_, i) => i + 1) };
    const { model } = loadJepaModel(tf, imported.bytes, 'x');
    try {
      const { encodeJepaBundle } = await import('../../main/pipelines/jepa/bundle.js');
      const bytes = await encodeJepaBundle(model, bundle.gradients, { ...bundle.config, scaler });
      const { tensors, metadata } = exportJepaSafetensors(bytes, 'fitted');
      const out = join(tmp.dir, 'fitted.safetensors');
      writeFileSync(out, writeSafetensors(tensors, metadata));
      const again = await importJepaCheckpoint(tf, out);
      expect(again.config.scaler).toEqual(scaler);
      expect(isScalerFitted(again.config)).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('needs the gradients and the head count where nothing gives them, and a CSV of the same ROIs', async () => {
    await expect(importJepaCheckpoint(tf, file)).rejects.toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds no brain gradients.*--gradients`));
    const wrongRows = gradientCsv(join(tmp.dir, 'g5.csv'), grads, 5, g);
    await expect(importJepaCheckpoint(tf, file, { gradientCsv: wrongRows })).rejects.toThrow(/g5\.csv has gradients for 5 ROIs; .*trained on 6 ROIs \(12 tokens = 6 ROIs × 2 time patches\)/);
    const fewColumns = join(tmp.dir, 'g3.csv');
    gradientCsv(fewColumns, Float64Array.from({ length: rois * 3 }, () => 0.1), rois, 3);
    await expect(importJepaCheckpoint(tf, file, { gradientCsv: fewColumns })).rejects.toThrow(/g3\.csv: 3 gradient components, .* takes 30/);

    // A custom width: heads cannot be read from shapes.
    const custom = jepaModelConfig('tiny', 6, 32, { embedDim: 48, heads: 3, predictorDim: 24 });
    const model = createJepaModel(tf, custom, grads, 3);
    const path = join(tmp.dir, 'custom.safetensors');
    writeFileSync(path, referenceSafetensors(model));
    model.dispose();
    await expect(importJepaCheckpoint(tf, path, { gradientCsv: csv })).rejects.toThrow(/custom\.safetensors: an encoder 48 wide and 2 deep .* matches no named architecture .*--heads N/);
    await expect(importJepaCheckpoint(tf, path, { gradientCsv: csv, heads: 5 })).rejects.toThrow(/custom\.safetensors: heads: 5 heads do not divide embedDim 48/);
    const ok = await importJepaCheckpoint(tf, path, { gradientCsv: csv, heads: 3 });
    expect(ok.config.model).toEqual({ ...custom, name: 'custom' });
    expect(ok.summary).toMatchObject({ imported: { headsFrom: 'the heads given' } });
  });

  it('refuses missing, unexpected and mis-shaped keys, naming the file and every key', async () => {
    const tensors = readSafetensors(readFileSync(file), file);
    const edit = (change: (m: Map<string, { shape: number[]; data: Float32Array }>) => void, name: string): string => {
      const m = new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data }]));
      change(m);
      const path = join(tmp.dir, name);
      writeFileSync(path, writeSafetensors(m));
      return path;
    };
    const broken = edit((m) => {
      m.delete('predictor.module.predictor_blocks.1.mlp.fc2.bias');
      m.set('encoder.module.blocks.0.attn.qkv.bias', { shape: [10], data: new Float32Array(10) });
      m.set('target_encoder.module.extra.weight', { shape: [2], data: new Float32Array(2) });
    }, 'broken.safetensors');
    const error = await importJepaCheckpoint(tf, broken, { gradientCsv: csv }).then(
      () => null,
      (e: Error) => e.message,
    );
    // One error for the whole file: every part's bad keys.
    expect(error).toMatch(/broken\.safetensors: the encoder state dict does not fit .*blocks\.0\.attn\.qkv\.bias is \[10\], expected \[192\]/);
    expect(error).toMatch(/broken\.safetensors: the predictor state dict .*missing keys: predictor_blocks\.1\.mlp\.fc2\.bias/);
    expect(error).toMatch(/broken\.safetensors: the target_encoder state dict .*unexpected keys: extra\.weight/);
    const predictorOnly = edit((m) => m.delete('predictor.module.predictor_blocks.1.mlp.fc2.bias'), 'pred.safetensors');
    await expect(importJepaCheckpoint(tf, predictorOnly, { gradientCsv: csv })).rejects.toThrow(/pred\.safetensors: the predictor state dict .*missing keys: predictor_blocks\.1\.mlp\.fc2\.bias/);
    const extra = edit((m) => m.set('target_encoder.module.extra.weight', { shape: [2], data: new Float32Array(2) }), 'extra.safetensors');
    await expect(importJepaCheckpoint(tf, extra, { gradientCsv: csv })).rejects.toThrow(/extra\.safetensors: the target_encoder state dict .*unexpected keys: extra\.weight/);
    const stray = edit((m) => m.set('opt.state.0.exp_avg', { shape: [2], data: new Float32Array(2) }), 'stray.safetensors');
    await expect(importJepaCheckpoint(tf, stray, { gradientCsv: csv })).rejects.toThrow(/stray\.safetensors: keys outside encoder\.\/predictor\.\/target_encoder\. .*opt\.state\.0\.exp_avg/);
    const noTarget = edit((m) => {
      for (const k of [...m.keys()]) if (k.startsWith('target_encoder.')) m.delete(k);
    }, 'notarget.safetensors');
    await expect(importJepaCheckpoint(tf, noTarget, { gradientCsv: csv })).rejects.toThrow(/notarget\.safetensors: field "target_encoder\.": no "target_encoder\." tensors/);
    await expect(importJepaCheckpoint(tf, csv)).rejects.toThrow(/gradients\.csv.*not a PyTorch checkpoint/);
  });
});

describe.skipIf(!hasTorch)('Brain-JEPA: the official-layout .pth.tar of the PyTorch transcription', () => {
  let tf: Tfjs;
  const tmp = tempDir('cajal-jepa-ckpt-torch-');
  let x: { data: Float32Array; shape: [number, number, number] };
  let torchFeatures: Float32Array;
  let csv: string;
  let result: { config: Record<string, number> };

  beforeAll(async () => {
    tf = await activateBackend('wasm');
    const run = spawnSync(PYTHON, [SCRIPT, tmp.dir], { encoding: 'utf8', timeout: 180_000 });
    if (run.status !== 0) throw new Error(`jepa_torch.py failed (${run.status}): ${run.stderr}`);
    result = JSON.parse(readFileSync(join(tmp.dir, 'result.json'), 'utf8'));
    const inputs = readSafetensors(readFileSync(join(tmp.dir, 'inputs.safetensors')), 'inputs');
    const xs = inputs.get('x')!;
    x = { data: xs.data, shape: xs.shape as [number, number, number] };
    const gradient = inputs.get('gradient')!;
    csv = gradientCsv(join(tmp.dir, 'gradients.csv'), Array.from(gradient.data, (v) => v), gradient.shape[0]!, gradient.shape[1]!);
    torchFeatures = readSafetensors(readFileSync(join(tmp.dir, 'features.safetensors')), 'features').get('features')!.data;
  }, 240_000);
  afterAll(() => tmp.cleanup());

  function check(model: JepaModel): number {
    const ours = features(tf, model, x.data, x.shape);
    return maxAbs(ours, torchFeatures);
  }

  it('imports jepa-ep1.pth.tar (module. keys, opt left out) and gives torch’s target-encoder features to 1e-4', async () => {
    const file = join(tmp.dir, 'jepa-ep1.pth.tar');
    const c = result.config;
    // 32 wide with 2 heads: no named architecture, so the heads are required.
    await expect(importJepaCheckpoint(tf, file, { gradientCsv: csv })).rejects.toThrow(/jepa-ep1\.pth\.tar: an encoder 32 wide .*--heads N/);
    const imported = await importJepaCheckpoint(tf, file, { gradientCsv: csv, heads: c.heads! });
    expect(imported.config.model).toEqual({
      name: 'custom',
      rois: c.rois,
      frames: c.frames,
      patchSize: c.patch_size,
      embedDim: c.embed_dim,
      depth: c.depth,
      heads: c.heads,
      mlpRatio: c.mlp_ratio,
      predictorDim: c.predictor_dim,
      predictorDepth: c.predictor_depth,
      gradientDims: c.gradient_dims,
    });
    expect(imported.summary).toMatchObject({ imported: { format: 'torch', checkpoint: { epoch: 1, batch_size: 2, world_size: 1 } } });
    expect(imported.notes.join('\n')).toMatch(/optimizer state \("opt"\) is not imported/);
    const { model } = loadJepaModel(tf, imported.bytes, 'imported');
    try {
      const error = check(model);
      console.info(`jepa-checkpoint: imported .pth.tar target features vs torch: max |Δ| ${error.toExponential(2)}`);
      expect(error).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }

    // Exported to safetensors and read back: the same features.
    const { tensors, metadata } = exportJepaSafetensors(imported.bytes, 'imported');
    const out = join(tmp.dir, 'exported.safetensors');
    writeFileSync(out, writeSafetensors(tensors, metadata));
    const again = await importJepaCheckpoint(tf, out);
    const reloaded = loadJepaModel(tf, again.bytes, 'again').model;
    try {
      expect(check(reloaded)).toBeLessThan(1e-4);
    } finally {
      reloaded.dispose();
    }
    // A lab's checkpoint that saved its config beside the weights: the heads come from it.
    const withArgs = join(tmp.dir, 'with-args.pth.tar');
    const save = spawnSync(PYTHON, ['-c', `import torch
c = torch.load(${JSON.stringify(file)}, map_location='cpu')
c['args'] = {'meta': {'model_name': 'custom', 'num_heads': 2}, 'data': {'crop_size': [12, 160]}}
torch.save(c, ${JSON.stringify(withArgs)})`], { encoding: 'utf8', timeout: 120_000 });
    expect(save.status, save.stderr).toBe(0);
    const declared = await importJepaCheckpoint(tf, withArgs, { gradientCsv: csv });
    expect(declared.config.model.heads).toBe(2);
    expect(declared.summary).toMatchObject({ imported: { headsFrom: "the checkpoint's args.meta.num_heads" } });
    await expect(importJepaCheckpoint(tf, withArgs, { gradientCsv: csv, heads: 4 })).rejects.toThrow(/with-args\.pth\.tar: 4 heads given, the checkpoint's args\.meta\.num_heads says 2/);

    // …and torch reads the export back into its modules with strict key checking.
    const py = spawnSync(
      PYTHON,
      [
        '-c',
        `import sys, json, struct, torch
raw = open(${JSON.stringify(out)}, 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
def t(k):
    e = header[k]; a, b = e['data_offsets']
    return torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32).reshape(e['shape'])
sd = torch.load(${JSON.stringify(join(tmp.dir, 'jepa-ep1.pth.tar'))}, map_location='cpu')
worst = 0.0
for part in ('encoder', 'predictor', 'target_encoder'):
    ref = {k[len('module.'):]: v for k, v in sd[part].items()}
    ours = {k[len(part) + 1:]: t(k) for k in header if k.startswith(part + '.')}
    assert sorted(ours) == sorted(ref), (part, sorted(set(ours) ^ set(ref)))
    for k in ref: worst = max(worst, float((ours[k] - ref[k]).abs().max()))
print(worst)`,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(py.status, py.stderr).toBe(0);
    expect(Number(py.stdout.trim())).toBe(0);
  }, 240_000);
});
