/** Triage of a real detection: decisions as annotations (audit trail), exports the scorer reads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/index.js';
import { parseAnnotationsTsv } from '../../main/pipelines/seizure/scoring/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

if (!hasSharedData()) console.warn(`seizure-triage skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('seizure triage', () => {
  const tmp = tempDir();
  let engine: Engine;
  let runId: number;
  let recordingId: number;

  beforeAll(async () => {
    engine = await Engine.open({ projectPath: join(tmp.dir, 'triage.cajal'), create: true, maxConcurrent: 1 });
    const { imported } = await engine.importRecordings([dataFile('eeg', 'derived', 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf')]);
    recordingId = imported[0]!.id;
    runId = engine.runner.start('seizure-classical', recordingId, {}).id;
    await engine.runner.idle();
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it('lists detection runs and their events with the probability trace', () => {
    expect(engine.services.seizure.runs(recordingId)).toMatchObject([{ runId, eventCount: 1, reviewedCount: 0 }]);
    const review = engine.services.seizure.review(runId);
    expect(review.probability).toHaveLength(326);
    expect(review.events).toHaveLength(1);
    expect(review.events[0]).toMatchObject({ index: 0, onsetS: 181, decision: null });
  });

  it('stores decisions as superseding annotations and exports accepted events', () => {
    engine.services.seizure.decide(runId, 0, 'rejected');
    const adjusted = engine.services.seizure.decide(runId, 0, 'accepted', 165, 161);
    expect(adjusted.decision).toMatchObject({ status: 'accepted', onsetS: 165, durationS: 161 });
    expect(engine.services.seizure.review(runId).reviewedCount).toBe(1);
    // The audit trail keeps both decisions; only the latest is in force.
    const history = engine.store.annotations.history(recordingId).map((a) => a.label);
    expect(history).toEqual(['seizure rejected (run 1, event 0)', 'seizure accepted (run 1, event 0)']);
    expect(engine.store.annotations.current(recordingId)).toHaveLength(1);
    const out = engine.services.seizure.export(runId, 'szcore-tsv', join(tmp.dir, 'reviewed.tsv'));
    expect(out.count).toBe(1);
    const parsed = parseAnnotationsTsv(readFileSync(out.path, 'utf8'), out.path);
    expect(JSON.stringify(parsed)).toContain('165');
    expect(() => engine.services.seizure.decide(runId, 3, 'accepted')).toThrow(/event 3 of run 1/);
    expect(() => engine.services.seizure.decide(runId, 0, 'accepted', 300, 100)).toThrow(/after the end of the recording/);
  });
});
