/**
 * The `mds-fit-model` pipeline end to end through the CLI on a tiny simulated retina (no shared data
 * needed): `cajal mds simulate --project`, then `cajal mds fit-model` with one member, two short
 * epochs; the run stores a complete `mds-response-model` whose bundle loads as a centred ensemble
 * (loadResponseModel), and the result "fit" has the contract's fields (MdsModelFit) with the random-
 * init and linear-filter controls per neuron and in the notes. Figures on real data are in the README (they take minutes).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MdsModelFit } from '../../shared/api/index.js';
import { runCli } from '../../main/cli/main.js';
import { activateBackend } from '../../main/compute/index.js';
import { MdsView } from '../../main/domains/mds/view.js';
import { MDS_MODEL_PIPELINE, loadResponseModel } from '../../main/pipelines/mds/model/load.js';
import { Store } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(args: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--json'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, json: out.length ? (JSON.parse(out.join('\n')) as Record<string, unknown>) : {}, err: err.join('\n') };
}

describe('mds-fit-model pipeline', () => {
  const tmp = tempDir('cajal-mds-fit-');
  afterAll(() => tmp.cleanup());

  it('fits a one-member ensemble on a tiny simulated retina and stores a loadable model', { timeout: 120_000 }, async () => {
    const project = join(tmp.dir, 'fit.cajal');
    Store.open(project).close();
    const folder = join(tmp.dir, 'retina');
    const sim = await cli(['mds', 'simulate', folder, '--project', project, '--seed', '3', '--param', 'cellsPerType=1', '--param', 'noiseS=30', '--param', 'testS=2', '--param', 'testRepeats=4', '--param', 'trials=2']);
    expect(sim.code, sim.err).toBe(0);
    const fit = await cli(['mds', 'fit-model', project, '1', '--epochs', '2', '--param', 'members=1', '--param', 'maxStepsPerEpoch=3', '--param', 'batchSize=4', '--param', 'hiddenChannels=4', '--backend', 'wasm']);
    expect(fit.code, fit.err).toBe(0);
    expect(fit.json).toMatchObject({ status: 'succeeded', model: { status: 'complete' } });
    const runId = fit.json.runId as number;
    const modelId = (fit.json.model as { id: number }).id;

    const store = Store.open(project);
    try {
      expect(store.models.get(modelId)!.pipeline).toBe(MDS_MODEL_PIPELINE);
      const view = new MdsView(store);
      const result = MdsModelFit.parse(view.fit(runId));
      expect(result.seeds).toHaveLength(1);
      expect(result.epochs.length).toBeGreaterThan(0);
      expect(result.heldOutCorr.length).toBe(result.unitIds.length);
      expect(result.ceiling.length).toBe(result.unitIds.length);
      expect(result.testDescription).toBe('repeated noise');
      expect(result.notes.some((n) => n.startsWith('random-initialisation control'))).toBe(true);
      expect(result.notes.some((n) => n.startsWith('linear-filter baseline'))).toBe(true);
      // The controls on the same test trials, per neuron, in the contract (what the fit view shows).
      expect(result.linearCorr?.length).toBe(result.unitIds.length);
      expect(result.randomInitCorr?.length).toBe(result.unitIds.length);
      expect(result.meanLinearCorr).toEqual(expect.any(Number));
      expect(result.meanLinearCorr!).toBeGreaterThanOrEqual(-1);
      expect(result.meanLinearCorr!).toBeLessThanOrEqual(1);
      const noteMean = Number(/mean held-out r (-?\d\.\d+)/.exec(result.notes.find((n) => n.startsWith('linear-filter baseline'))!)![1]);
      expect(result.meanLinearCorr!).toBeCloseTo(noteMean, 3);
      const tf = await activateBackend('wasm');
      const model = await loadResponseModel(tf, store, modelId);
      expect(model.nNeurons).toBe(result.unitIds.length);
      expect(Array.from(model.params.get('members.0.readout.maskMean').dataSync()).every((v) => v === 0)).toBe(true);
      const y = model.predict(tf.zeros([2, model.stimulus.frames, model.stimulus.height, model.stimulus.width, model.stimulus.channels]));
      expect(y.shape).toEqual([2, model.nNeurons]);
      model.dispose();
    } finally {
      store.close();
    }
  });
});
