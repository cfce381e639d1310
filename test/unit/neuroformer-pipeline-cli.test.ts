/**
 * The Neuroformer runs end to end through the CLI on a small simulated network (no shared data
 * needed): `neuroformer simulate` writes and imports it, `train` stores a model with its curves,
 * `generate`, `connectivity` and `evaluate` use it; the domain's view reads every result in the
 * API contract's shapes (shared/api/neuroformer.ts).
 * Run: npx vitest run test/unit/neuroformer-pipeline-cli.test.ts
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NeuroformerConnectivity, NeuroformerEvaluation, NeuroformerRaster, NeuroformerRunSummary, NeuroformerTraining } from '../../shared/api/index.js';
import { runCli } from '../../main/cli/main.js';
import { NeuroformerView } from '../../main/domains/neuroformer/view.js';
import { decodeNfBundle } from '../../main/pipelines/neuroformer/bundle.js';
import { Store } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(args: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--json'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, json: out.length ? (JSON.parse(out.join('\n')) as Record<string, unknown>) : {}, err: err.join('\n') };
}

describe('neuroformer CLI on a simulated network', () => {
  const tmp = tempDir('cajal-nf-cli-');
  const project = join(tmp.dir, 'nf.cajal');
  afterAll(() => tmp.cleanup());

  it('simulates, trains, generates, infers connectivity and evaluates; the view reads it all', async () => {
    Store.open(project).close();
    const sim = await cli(['neuroformer', 'simulate', project, join(tmp.dir, 'net'), '--seed', '3', '--param', 'neurons=12', '--param', 'durationS=60', '--param', 'hubs=2', '--param', 'baseRateHz=8']);
    expect(sim.code, sim.err).toBe(0);
    expect(sim.json).toMatchObject({ recordingId: 1, neurons: 12 });

    const train = await cli(['neuroformer', 'train', project, '1', '--epochs', '2', '--batch-size', '16', '--backend', 'wasm', '--param', 'maxTrainWindows=64', '--param', 'maxValidationWindows=32', '--param', 'blocks=6', '--param', 'testBlocks=1']);
    expect(train.code, train.err).toBe(0);
    const model = train.json.model as { id: number; status: string };
    expect(model.status).toBe('complete');
    expect((train.json.history as unknown[]).length).toBe(2);

    const gen = await cli(['neuroformer', 'generate', project, '1', '--backend', 'wasm', '--param', 'spanS=1', '--param', 'maxSecondsPerBlock=2']);
    expect(gen.code, gen.err).toBe(0);
    const conn = await cli(['neuroformer', 'connectivity', project, '1', '--backend', 'wasm', '--param', 'maxWindows=40']);
    expect(conn.code, conn.err).toBe(0);
    const evaluation = await cli(['neuroformer', 'evaluate', project, '1', '--backend', 'wasm', '--param', 'maxWindows=40', '--param', 'spanS=1', '--param', 'maxSecondsPerBlock=2']);
    expect(evaluation.code, evaluation.err).toBe(0);

    const store = Store.open(project, { create: false });
    try {
      const bundle = decodeNfBundle(store.models.get(model.id)!.weights, 'model');
      expect(bundle.config.stimulus.kind).toBe('cosine');
      expect(bundle.config.model.stimulus).toMatchObject({ features: 2, tokens: 5 });
      expect(bundle.config.data.split.test).toHaveLength(1);
      const view = new NeuroformerView(store);
      const runs = view.runs(1).map((r) => NeuroformerRunSummary.parse(r)).sort((x, y) => x.runId - y.runId);
      expect(runs.map((r) => r.kind)).toEqual(['train', 'generate', 'connectivity', 'evaluate']);
      expect(runs.every((r) => r.model?.id === model.id)).toBe(true);
      const curves = NeuroformerTraining.parse(view.training(runs[0]!.runId));
      expect(curves.epochs).toEqual([1, 2]);
      expect(curves.stepLoss.length).toBe(8);
      expect(curves.lr.length).toBe(8);
      const generated = (gen.json.results as { generated: { spans: [number, number][]; spikes: number } }).generated;
      const [a] = generated.spans[0]!;
      const raster = NeuroformerRaster.parse(await view.raster(runs[1]!.runId, a, a + 1));
      expect(raster.unitIds).toHaveLength(12);
      expect(raster.recordedRow.length).toBeGreaterThan(0);
      expect(raster.generatedRow.length).toBe(raster.generatedTime.length);
      for (const t of raster.generatedTime) expect(t >= 0 && t < 1).toBe(true);
      const c = NeuroformerConnectivity.parse(view.connectivity(runs[2]!.runId));
      expect(c.matrix.length).toBe(144);
      expect(c.truth?.weights.length).toBe(144);
      expect(c.scores.map((s) => s.method)).toEqual(['neuroformer attention (rate-normalised)', 'neuroformer attention (per prediction)', 'cross-correlogram peak (|z|)', 'Poisson GLM coupling (|β|)']);
      for (const s of c.scores) expect(s.auroc >= 0 && s.auroc <= 1).toBe(true);
      const e = NeuroformerEvaluation.parse(view.evaluation(runs[3]!.runId));
      expect(e.prediction.map((r) => r.method)).toEqual(['neuroformer', 'neuroformer (random init)', 'poisson-glm']);
      for (const r of e.prediction) expect(r.f1 >= 0 && r.f1 <= 1).toBe(true);
    } finally {
      store.close();
    }
  }, 600_000);
});
