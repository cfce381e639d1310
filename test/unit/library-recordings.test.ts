/**
 * Issue #17, point 7: honest duplicate messages on import, and removing a recording from a project
 * (refused while a run reads it; annotations and finished runs kept and brought back by a new
 * import of the same file; the source file never touched).
 */
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/index.js';
import { createHandlers } from '../../main/engine/handlers.js';
import { inspectSwc } from '../../main/io/swc/inspect.js';
import { readSwc } from '../../main/io/swc/parse.js';
import { computeMorphometrics } from '../../main/pipelines/morphology/index.js';
import { dataFile, hasSharedData } from '../helpers/data.js';
import { writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

const SWC = '# a soma and a forked neurite\n1 1 0 0 0 1 -1\n2 3 0 5 0 0.5 1\n3 3 0 10 0 0.4 2\n4 3 3 14 0 0.3 3\n5 3 -3 14 0 0.3 3\n';

function fingerprint(path: string): { sha256: string; mtimeMs: number; size: number } {
  const stat = statSync(path);
  return { sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), mtimeMs: stat.mtimeMs, size: stat.size };
}

describe('library: duplicates and removal', () => {
  const tmp = tempDir('cajal-library-');
  let engine: Engine;
  let edf: string;
  let swc: string;

  beforeAll(async () => {
    engine = await Engine.open({ projectPath: join(tmp.dir, 'library.cajal'), maxConcurrent: 1 });
    edf = writeSineEdf(join(tmp.dir, 'sine.edf'), { channels: 2, sampleRateHz: 128, durationS: 8 });
    swc = join(tmp.dir, 'fork.swc');
    writeFileSync(swc, SWC);
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it('says a re-imported file is already in the project and adds nothing', async () => {
    const first = await engine.importRecordings([edf, swc]);
    expect(first.imported.map((r) => r.id)).toEqual([1, 2]);
    const again = await engine.importRecordings([edf]);
    expect(again.imported).toEqual([]);
    expect(again.duplicates).toEqual([{ path: edf, recordingId: 1, message: 'sine.edf is already in the project (recording #1); nothing added' }]);
    expect(engine.store.recordings.list()).toHaveLength(2);
  });

  it('says a copy at another path has the same content as a recording it has', async () => {
    const copy = join(tmp.dir, 'copy-of-sine.edf');
    copyFileSync(edf, copy);
    const outcome = await engine.importRecordings([copy]);
    expect(outcome.imported).toEqual([]);
    expect(outcome.duplicates[0]!.message).toBe(`copy-of-sine.edf has the same content as recording #1 (${edf}), already in the project; nothing added`);
  });

  it('stores the neurite length of a morphology (the soma is not cable)', () => {
    // 2→3 is 5, 3→4 and 3→5 are 5 each; 1→2 leaves the soma and is not counted.
    expect(engine.store.recordings.get(2)!.metadata.morphology!.lengthUm).toBeCloseTo(15, 10);
  });

  it('refuses to remove a recording while a run reads it, and changes nothing', () => {
    const queued = engine.store.runs.create({ pipeline: 'rms', params: {}, recordingId: 1, codeVersion: 'test' });
    expect(() => engine.removeRecording(1)).toThrow(
      `recording 1 (sine.edf) is being analysed by run #${queued.id}; cancel it or let it finish, then remove the recording`,
    );
    engine.store.runs.markRunning(queued.id);
    expect(() => engine.removeRecording(1)).toThrow(/is being analysed by run/);
    expect(engine.store.recordings.list().map((r) => r.id)).toEqual([1, 2]);
    engine.store.runs.finish(queued.id, 'succeeded');
  });

  it('refuses while a several-recording run (params.recordingIds) reads it', () => {
    const run = engine.store.runs.create({ pipeline: 'ntf', params: { recordingIds: [2] }, recordingId: null, codeVersion: 'test' });
    expect(() => engine.removeRecording(2)).toThrow(`recording 2 (fork.swc) is being analysed by run #${run.id}; cancel it or let it finish, then remove the recording`);
    engine.store.runs.finish(run.id, 'cancelled');
  });

  it('removes through the API in one call: out of the list, annotations and finished runs kept, file untouched', async () => {
    const before = fingerprint(edf);
    engine.store.annotations.add({ recordingId: 1, onsetS: 1, durationS: 2, label: 'sz', author: 'dr.a' });
    const events: string[] = [];
    const unsubscribe = engine.subscribe((event) => events.push(event.name));
    const handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
    const removed = await handlers['recordings.remove']({ recordingId: 1 });
    unsubscribe();
    expect(removed).toMatchObject({ recording: { id: 1, sourcePath: edf }, annotationCount: 1, runCount: 1 });
    expect(events).toContain('recordings.changed');
    expect(engine.store.recordings.list().map((r) => r.id)).toEqual([2]);
    expect(engine.store.annotations.current(1)).toHaveLength(1);
    expect(engine.store.runs.list().filter((run) => run.recordingId === 1)).toHaveLength(1);
    expect(fingerprint(edf)).toEqual(before);
    await expect(async () => handlers['recordings.remove']({ recordingId: 1 })).rejects.toThrow('recording 1 not found');
  });

  it('starts no run on a removed recording', () => {
    expect(() => engine.runner.start('rms', 1, {})).toThrow('recording 1 (sine.edf) was removed from the project; import the file again to analyse it');
  });

  it('brings a removed recording back, with its annotations, when the same file is imported again', async () => {
    const outcome = await engine.importRecordings([edf]);
    expect(outcome.imported).toEqual([]);
    expect(outcome.restored.map((r) => r.id)).toEqual([1]);
    expect(engine.store.recordings.list().map((r) => r.id)).toEqual([1, 2]);
    expect(engine.store.annotations.current(1)).toHaveLength(1);
  });
});

describe('morphology length on a real neuron', () => {
  it.skipIf(!hasSharedData())('matches the morphometrics total length (NeuroM total_length)', async () => {
    const file = dataFile('morphology', 'guineapig_cerebellar_purkinje_v_e_purk2.CNG.swc');
    const { metadata } = await inspectSwc(file);
    const metrics = computeMorphometrics(await readSwc(file));
    expect(metadata.morphology!.lengthUm).toBeGreaterThan(0);
    expect(metadata.morphology!.lengthUm).toBeCloseTo(metrics.byType.all.totalLength, 6);
  });
});
