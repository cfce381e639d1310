/**
 * The MDS runs end to end through the CLI on a tiny simulated retina (no shared data needed):
 * `mds simulate --project` writes and imports it; a small random-init response model is stored
 * directly (the fit pipeline has its own tests); `mds cluster` runs the EM loop through it with the
 * baselines and stores the MDS set; `mds assign` shows new simulated cells each MDS; the domain's view reads everything in the API contract's shapes
 * (shared/api/mds.ts). Numbers are not judged here (a random model), only the plumbing.
 * Run: npx vitest run test/unit/mds-cluster.test.ts
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MdsAssignment, MdsCellResponses, MdsClustering, MdsRunSummary } from '../../shared/api/index.js';
import { runCli } from '../../main/cli/main.js';
import { activateBackend } from '../../main/compute/index.js';
import { encodeCheckpoint } from '../../main/compute/nn/checkpoint.js';
import { MdsView } from '../../main/domains/mds/view.js';
import { buildMdsDataset } from '../../main/pipelines/mds/dataset.js';
import { MDS_SET_PIPELINE } from '../../main/pipelines/mds/mds-set.js';
import { defaultModelConfig, temporalSpan } from '../../main/pipelines/mds/model/config.js';
import { createResponseModelFromWeights, initialWeights, MDS_MODEL_FORMAT, MDS_MODEL_PIPELINE, type MdsModelBundleConfig } from '../../main/pipelines/mds/model/load.js';
import { Store } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(args: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--json'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, json: out.length ? (JSON.parse(out.join('\n')) as Record<string, unknown>) : {}, err: err.join('\n') };
}

describe('mds CLI on a tiny simulated retina', () => {
  const tmp = tempDir('cajal-mds-cli-');
  const project = join(tmp.dir, 'mds.cajal');
  afterAll(() => tmp.cleanup());

  it('simulates, clusters through a stored model, assigns new cells; the view reads it all', { timeout: 120_000 }, async () => {
    Store.open(project).close();
    const folder = join(tmp.dir, 'retina');
    const sim = await cli(['mds', 'simulate', folder, '--project', project, '--seed', '3', '--param', 'cellsPerType=2', '--param', 'noiseS=20', '--param', 'testS=2', '--param', 'testRepeats=2', '--param', 'trials=2']);
    expect(sim.code, sim.err).toBe(0);
    expect(sim.json).toMatchObject({ recordingId: 1, cells: 16 });

    // A random-init ensemble of one member, stored as a response model of the recording.
    const tf = await activateBackend('cpu');
    const dataset = await buildMdsDataset({ path: folder });
    const modelConfig = defaultModelConfig(dataset.shape, { channels: [2, 4, 4], temporalKernels: [5, 3], spatialKernels: [5, 3], responseWindow: 3 });
    const config: MdsModelBundleConfig = {
      kind: 'mds-response-model',
      version: 1,
      model: modelConfig,
      stimulus: { ...dataset.shape, frames: temporalSpan(modelConfig) + modelConfig.responseWindow },
      stimulusStats: { mean: [0, 0], std: [0.5, 0.5], min: [-1, -1], max: [1, 1], clipNorm: 4 },
      neurons: dataset.nNeurons,
      unitIds: [...dataset.unitIds],
      cellTypes: [...dataset.cellTypes],
      seeds: [1],
      recordingId: 1,
    };
    const ensemble = createResponseModelFromWeights(tf, config, initialWeights(tf, config));
    const weights = encodeCheckpoint({ params: ensemble.params, config });
    ensemble.dispose();
    let store = Store.open(project, { create: false });
    const modelId = store.models.add({ name: 'random init', pipeline: MDS_MODEL_PIPELINE, runId: null, format: MDS_MODEL_FORMAT, meta: {}, weights });
    store.close();

    const fast = ['--param', 'steps=3', '--param', 'finalSteps=2', '--param', 'maxIterations=2', '--param', 'splitStepsToEstimate=2', '--param', 'splitMaxRounds=1', '--param', 'subclusters=2', '--backend', 'cpu'];
    const cluster = await cli(['mds', 'cluster', project, String(modelId), '--recording', '1', '--clusters', '3', '--seed', '5', '--param', 'normalise=std', '--param', 'normaliseClips=8', ...fast]);
    expect(cluster.code, cluster.err).toBe(0);
    const clusterRunId = cluster.json.runId as number;
    const assign = await cli(['mds', 'assign', project, String(clusterRunId), '--param', 'cellsPerType=2', '--param', 'repeats=2']);
    expect(assign.code, assign.err).toBe(0);

    store = Store.open(project, { create: false });
    try {
      const view = new MdsView(store);
      const runs = view.runs().map((r) => MdsRunSummary.parse(r)).sort((x, y) => x.runId - y.runId);
      expect(runs.map((r) => r.kind)).toEqual(['cluster', 'assign']);
      expect(runs[0]!.modelId).toBe(modelId);
      expect(runs[1]!.clusteringRunId).toBe(clusterRunId);

      const c = MdsClustering.parse(view.clustering(clusterRunId));
      const k = c.clusters.length;
      expect(c.recordingId).toBe(1);
      expect(c.modelId).toBe(modelId);
      expect(c.mds.length).toBe(k * config.stimulus.frames * 8 * 8 * 2);
      expect(c.temporalComponent.length).toBe(k * config.stimulus.frames);
      expect(c.spatialComponent.length).toBe(k * 8 * 8 * 2);
      expect(c.responses.length).toBe(k * 16);
      expect(c.responseConfusion.length).toBe(k * k);
      expect(c.knownTypes?.types).toHaveLength(8);
      expect(c.baselines.map((b) => b.method)).toContain('k-means (k = known types)');
      expect(Array.from(c.assignment).every((a) => a >= 0 && a < k)).toBe(true);
      // The MDS set model for assignment.
      expect(store.models.ofRun(clusterRunId).some((m) => m.pipeline === MDS_SET_PIPELINE)).toBe(true);

      const a = MdsAssignment.parse(view.assignment(runs[1]!.runId));
      expect(a.method).toBe('simulated-new-cells');
      expect(a.cells).toBe(16);
      expect(a.confusion.length).toBe(k * k);

      const cell = MdsCellResponses.parse(await view.cellResponses(clusterRunId, 0));
      expect(cell.protocols.map((p) => p.protocol).length).toBeGreaterThan(0);
      expect(cell.protocols[0]!.cell.length).toBe(cell.protocols[0]!.clusterMean.length);
    } finally {
      store.close();
    }
  });
});
