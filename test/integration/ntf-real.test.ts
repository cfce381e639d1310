/**
 * The NTF pipeline end to end on the two real C. elegans whole-brain recordings (Flavell lab, Dag et
 * al. 2023): imported into a project, run through the job runner like `cajal ntf run`, and read back
 * through the connectome view service. Known answers: the two NeuroPAL label files share exactly 80
 * unambiguous names (2022-07-27-31 names "SIBV?" twice, so it identifies neither cell):
 * (`uniqueLabels` below applies that rule to the CSVs themselves).
 * and the tensor is 3160 pairs × 80 bins × 2 worms (800 frames in bins of 10).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const DIR = dataFile('calcium', 'celegans_flavell_dag2023');
const WORMS = ['2022-07-26-31', '2022-07-27-31'];

if (!hasSharedData()) console.warn(`NTF real-data test skipped: ${SKIP_NO_DATA}`);

/** Names given to exactly one cell in a NeuroPAL label CSV. */
function uniqueLabels(worm: string): Set<string> {
  const rows = readFileSync(`${DIR}/neuropal_labels_csv/${worm}_neuropal_labels.csv`, 'utf8').trim().split('\n').slice(1);
  const labels = rows.map((row) => row.split(',')[1]!);
  return new Set(labels.filter((label) => labels.indexOf(label) === labels.lastIndexOf(label)));
}

describe.skipIf(!hasSharedData())('NTF on two C. elegans recordings', () => {
  let tmp: ReturnType<typeof tempDir>;
  let engine: Engine;
  let runId: number;

  beforeAll(async () => {
    tmp = tempDir();
    engine = await Engine.open({ projectPath: `${tmp.dir}/worms.cajal`, create: true });
    const { imported, errors } = await engine.importRecordings(WORMS.map((worm) => `${DIR}/${worm}-data.h5`));
    expect(errors).toEqual([]);
    const run = engine.runner.start('ntf', null, { recordingIds: imported.map((r) => r.id), minRank: 2, maxRank: 5, restarts: 3, seed: 7 });
    runId = run.id;
    await engine.runner.idle();
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
    tmp?.cleanup();
  });

  it('imports the worms as calcium recordings with their NeuroPAL names', () => {
    const recordings = engine.store.recordings.list();
    expect(recordings.map((r) => [r.format, r.metadata.modality, r.metadata.channelCount, r.metadata.calcium?.frameCount])).toEqual([
      ['calcium-hdf5', 'calcium', 146, 800],
      ['calcium-hdf5', 'calcium', 145, 800],
    ]);
    expect(recordings[0]!.metadata.sampleRateHz).toBeCloseTo(1.6666, 3);
  });

  it('succeeds and matches the neurons both worms name', () => {
    const run = engine.store.runs.get(runId)!;
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const result = engine.services.ntf.result(runId);
    const [a, b] = WORMS.map(uniqueLabels) as [Set<string>, Set<string>];
    const shared = [...a].filter((label) => b.has(label));
    expect(shared).toHaveLength(80);
    expect(new Set(result.neurons.map((n) => n.name))).toEqual(new Set(shared));
    expect(result.animals.map((animal) => animal.name)).toEqual(WORMS);
    expect(result.binCount).toBe(80);
    expect(result.binDurationS).toBeCloseTo(6.0, 2);
  });

  it('stores the sweep, a reasoned rank and the components with their communities', () => {
    const result = engine.services.ntf.result(runId);
    expect(result.sweep.map((row) => row.rank)).toEqual([2, 3, 4, 5]);
    const best = result.sweep.map((row) => row.errors[0]!);
    // More components never fit worse (each restart set includes the smaller model's optimum region).
    for (let i = 1; i < best.length; i++) expect(best[i]!).toBeLessThan(best[i - 1]!);
    for (const row of result.sweep) {
      expect(row.errors).toHaveLength(3);
      expect(row.similarity).toBeGreaterThan(0);
      expect(row.similarity).toBeLessThanOrEqual(1 + 1e-9);
    }
    expect(result.rankReasoning.join(' ')).toMatch(new RegExp(`Suggested rank ${result.suggestedRank}`));
    expect(result.components).toHaveLength(result.rank);
    for (const component of result.components) {
      expect(component.timeCourse).toHaveLength(80);
      expect(component.animalWeights).toHaveLength(2);
      expect(component.communities.blocks).toHaveLength(80);
      expect(component.baseline.blocks).toHaveLength(80);
      expect(component.communities.count).toBe(new Set(component.communities.blocks).size);
      expect(Math.min(...component.timeCourse, ...component.animalWeights)).toBeGreaterThanOrEqual(0);
    }
    expect(Object.keys(result.timingsMs).sort()).toEqual(['affinity', 'communities', 'preprocess', 'sweep']);
    expect(result.params).toMatchObject({ minRank: 2, maxRank: 5, restarts: 3, seed: 7, binFrames: 10 });
  });

  it('serves each component as a symmetric affinity matrix ordered by community', () => {
    const { neuronCount, matrix, order } = engine.services.ntf.affinity(runId, 0);
    expect(neuronCount).toBe(80);
    const values = matrix;
    expect(values).toHaveLength(80 * 80);
    for (let i = 0; i < 80; i++) {
      expect(values[i * 80 + i]).toBe(0);
      for (let j = 0; j < i; j++) expect(values[i * 80 + j]).toBe(values[j * 80 + i]);
    }
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    const blocks = engine.services.ntf.result(runId).components[0]!.communities.blocks;
    const runs = order.map((i) => blocks[i]).filter((block, k, all) => k === 0 || block !== all[k - 1]);
    expect(runs).toHaveLength(new Set(blocks).size); // each community is one contiguous run
  });

  it('is reproducible from the stored parameters', async () => {
    const first = engine.services.ntf.result(runId);
    const again = engine.runner.start('ntf', null, { ...first.params, maxRank: 3 });
    await engine.runner.idle();
    const second = engine.services.ntf.result(again.id);
    expect(second.sweep.map((row) => row.errors)).toEqual(first.sweep.slice(0, 2).map((row) => row.errors));
  }, 120_000);
});
