/**
 * Morphologies in a project: the four NeuroMorpho SWC files imported by content, listed and served
 * to the viewer (geometry, NeuroM sections with their metrics, the metrics table), with a scale
 * stored per recording. Section lengths must add up to the NeuroM total length of the fixture.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { Engine } from '../../main/engine/index.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const FILES = [
  'cat_spinal_motoneuron_v_e_moto1.CNG.swc',
  'guineapig_cerebellar_purkinje_v_e_purk2.CNG.swc',
  'rat_CA3c_pyramidal_l22.CNG.swc',
  'rat_dentate_granule_1220882a.CNG.swc',
];

if (!hasSharedData()) console.warn(`morphology engine test skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('morphologies in a project', () => {
  const tmp = tempDir();
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.open({ projectPath: `${tmp.dir}/morph.cajal`, create: true });
  });
  afterAll(async () => {
    await engine?.close();
    tmp.cleanup();
  });

  it('imports SWC files by content as morphology recordings', async () => {
    const { imported, errors } = await engine.importRecordings(FILES.map((f) => dataFile('morphology', f)));
    expect(errors).toEqual([]);
    expect(imported.map((r) => [r.format, r.metadata.modality])).toEqual(FILES.map(() => ['swc', 'morphology']));
    expect(engine.services.morphology.list().map((m) => m.name)).toEqual(FILES.map((f) => f.replace('.CNG.swc', '')));
  });

  it('refuses malformed SWC with the line and stores nothing', async () => {
    const { writeFileSync } = await import('node:fs');
    const before = engine.store.recordings.list().length;
    const cases: [string, string, RegExp][] = [
      ['cycle.swc', '1 1 0 0 0 1 -1\n2 3 1 0 0 1 3\n3 3 2 0 0 1 2\n', /cycle/],
      ['orphan.swc', '1 1 0 0 0 1 -1\n2 3 1 0 0 1 7\n', /line 2: .*parent 7/],
      ['duplicate.swc', '1 1 0 0 0 1 -1\n1 3 1 0 0 1 -1\n', /duplicate/],
      ['nan.swc', '1 1 0 0 0 1 -1\n2 3 NaN 0 0 1 1\n', /line 2/],
    ];
    for (const [name, text, message] of cases) {
      writeFileSync(`${tmp.dir}/${name}`, text);
      const { imported, errors } = await engine.importRecordings([`${tmp.dir}/${name}`]);
      expect(imported).toEqual([]);
      expect(errors[0]!.message).toMatch(message);
    }
    expect(engine.store.recordings.list()).toHaveLength(before);
  });

  it('serves each neuron with sections whose lengths add up to the NeuroM total length', async () => {
    const fixture = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/morphology/neurom-features.json`, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(fixture).length).toBeGreaterThan(0);
    for (const summary of engine.services.morphology.list()) {
      const neuron = await engine.services.morphology.neuron(summary.recordingId);
      const { positions, parents } = neuron;
      expect(positions.length).toBe(3 * neuron.nodeCount);
      expect(parents.length).toBe(neuron.nodeCount);
      const total = neuron.sections.reduce((sum, s) => sum + s.lengthUm, 0);
      expect(total).toBeCloseTo(neuron.metrics.all!.totalLength!, 6);
      expect(neuron.sections.length).toBe(neuron.metrics.all!.sections);
      for (const s of neuron.sections) {
        if (s.parent >= 0) expect(s.branchOrder).toBe(neuron.sections[s.parent]!.branchOrder + 1);
        expect(s.pathDistanceUm).toBeGreaterThanOrEqual(s.lengthUm - 1e-9);
      }
    }
  });

  it('stores the morphometrics of a neuron as a run (pipeline morphology-metrics)', async () => {
    const [first] = engine.services.morphology.list();
    const run = engine.runner.start('morphology-metrics', first!.recordingId, { shollRadii: [100, 200] });
    await engine.runner.idle();
    expect(engine.store.runs.get(run.id)!.status).toBe('succeeded');
    const results = engine.store.results.list(run.id);
    const metrics = results.find((r) => r.key === 'metrics')!.value as { byType: { all: { totalLength: number; shollCrossings: number[] } } };
    const neuron = await engine.services.morphology.neuron(first!.recordingId);
    expect(metrics.byType.all.totalLength).toBeCloseTo(neuron.metrics.all!.totalLength!, 9);
    expect(metrics.byType.all.shollCrossings).toHaveLength(2);
    expect(String(results.find((r) => r.key === 'csv')!.value)).toMatch(/^file,/);
  });

  it('stores a scale with the recording and applies it', async () => {
    const [first] = engine.services.morphology.list();
    const before = await engine.services.morphology.neuron(first!.recordingId);
    expect(engine.services.morphology.setScale(first!.recordingId, 0.5).scaleUmPerUnit).toBe(0.5);
    const after = await engine.services.morphology.neuron(first!.recordingId);
    expect(after.metrics.all!.totalLength).toBeCloseTo(before.metrics.all!.totalLength! / 2, 6);
    engine.services.morphology.setScale(first!.recordingId, null);
    expect(engine.services.morphology.list()[0]!.scaleUmPerUnit).toBe(1);
  });
});

describe.skipIf(!hasSharedData())('cajal import / morphology scale', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('imports an SWC file and stores a scale with it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    const project = `${tmp.dir}/scale.cajal`;
    expect(await runCli(['init', project], io)).toBe(0);
    expect(await runCli(['import', project, dataFile('morphology', FILES[3]!)], io)).toBe(0);
    expect(out.at(-1)).toMatch(/\(SWC, 459 nodes, 1 tree, 3,255 µm\)$/);
    expect(await runCli(['morphology', 'scale', project, '1', '0.008'], io)).toBe(0);
    expect(out.at(-1)).toBe('rat_dentate_granule_1220882a: 0.008 µm per unit');
    expect(await runCli(['morphology', 'scale', project, '1', 'zero'], io)).toBe(1);
    expect(err.at(-1)).toMatch(/um-per-unit: expected a positive number/);
  });
});
