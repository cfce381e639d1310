/**
 * The reference's toy run (issue #21 conformance): TestOnOffModel with 42 neurons, 5 random clusters
 * (Python random.Random(42) shuffle-and-chunk), SGD lr 100, 50 steps, τ 1.6, no projection, the split
 * step with 5 sub-clusters, a final 100-step re-optimisation. The reference
 * (../shared/data/mds/toy_onoff_run_summary.json) goes 5 → 2 clusters (32 neurons moved), even/odd,
 * final loss −0.67534; the exact value depends on torch.randn, so the loss is compared to ±0.01.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { clusterNeurons, CLUSTER_DEFAULTS } from '../../main/pipelines/mds/cluster.js';
import { createToyOnOffModel, toyOnOffTypes } from '../../main/pipelines/mds/toy-model.js';
import { dataFile, hasSharedData } from '../helpers/data.js';

let tf: Tfjs;
beforeAll(async () => {
  tf = await activateBackend('cpu');
});

describe('MDS toy on/off run', () => {
  it('finds the even and odd neurons as 2 clusters with the reference loss', { timeout: 60_000 }, () => {
    const model = createToyOnOffModel(tf, 42);
    const r = clusterNeurons(tf, model, toyOnOffTypes(42), { ...CLUSTER_DEFAULTS, clusters: 5, subclusters: 5, seed: 42 });
    model.dispose();
    expect(r.initialClusters).toBe(5);
    expect(r.clusters).toHaveLength(2);
    const groups = r.clusters.map((c) => c.members).sort((a, b) => a[0]! - b[0]!);
    expect(groups[0]).toEqual(Array.from({ length: 21 }, (_, i) => 2 * i));
    expect(groups[1]).toEqual(Array.from({ length: 21 }, (_, i) => 2 * i + 1));
    expect(r.knownTypes?.ari).toBe(1);
    expect(r.selfAssignmentAccuracy).toBe(1);
    // First EM iteration: 5 clusters, 32 moved (as the reference); then no change.
    expect(r.trajectory[0]).toMatchObject({ phase: 'em', clusters: 5, moved: 32 });
    expect(r.trajectory[1]).toMatchObject({ phase: 'em', clusters: 2, moved: 0 });
    expect(r.splits.every((s) => !s.accepted && s.subclusters <= 1)).toBe(true);
    const reference = hasSharedData() ? (JSON.parse(readFileSync(dataFile('mds', 'toy_onoff_run_summary.json'), 'utf8')) as { trajectory: { final_loss?: number }[] }).trajectory.at(-1)!.final_loss! : -0.67534;
    expect(Math.abs(r.finalLoss - reference)).toBeLessThan(0.01);
    expect(r.finalLoss).toBeGreaterThan(-Math.log(2));
    // The response confusion is 1 on the diagonal, negative off it (on vs off).
    expect(r.responseConfusion[0]).toBeCloseTo(1, 5);
    expect(r.responseConfusion[1]!).toBeLessThan(0);
  });
});
