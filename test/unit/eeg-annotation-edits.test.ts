/**
 * Editing, deleting and restoring project annotations: each change is a new row superseding the
 * last (the history keeps every row), only the latest row of a chain can change, and the list and
 * both exports carry only the annotations in force.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/index.js';
import { EdfReader, encodeEdf } from '../../main/io/edf/index.js';
import { tempDir } from '../helpers/tmp.js';

const RATE = 128;

describe('EEG annotation edits', () => {
  const tmp = tempDir();
  let engine: Engine;
  let recordingId: number;

  beforeAll(async () => {
    const edfPath = join(tmp.dir, 'edits.edf');
    writeFileSync(
      edfPath,
      encodeEdf({
        variant: 'edf+C',
        dataRecordDurationS: 1,
        recordCount: 20,
        startDateTime: '2025-02-03T22:15:00',
        annotations: [{ onsetS: 2, durationS: 0, text: 'from the file' }],
        signals: [{ label: 'EEG Cz', physicalDimension: 'uV', physicalMin: -100, physicalMax: 100, samplesPerRecord: RATE, values: () => new Float64Array(RATE) }],
      }),
    );
    engine = await Engine.open({ projectPath: join(tmp.dir, 'edits.cajal'), create: true, maxConcurrent: 1 });
    recordingId = (await engine.importRecordings([edfPath])).imported[0]!.id;
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  const eeg = () => engine.services.eeg;
  const listed = () => eeg().annotations(recordingId).map((a) => [a.source, a.onsetS, a.text]);

  it('edits as a new row that supersedes the old one, keeping the old row in the history', () => {
    const first = eeg().addAnnotation(recordingId, 5, 0, 'spike');
    const edited = eeg().editAnnotation(first.id!, { text: '  spike-wave ', durationS: 1.5 });
    expect(edited).toMatchObject({ source: 'project', onsetS: 5, durationS: 1.5, text: 'spike-wave' });
    expect(edited.id).not.toBe(first.id);
    expect(edited.author).toBe(first.author);
    expect(listed()).toEqual([
      ['file', 2, 'from the file'],
      ['project', 5, 'spike-wave'],
    ]);
    const history = engine.store.annotations.history(recordingId);
    expect(history.map((row) => [row.id, row.label, row.supersedesId, row.retracted])).toEqual([
      [first.id, 'spike', null, false],
      [edited.id, 'spike-wave', first.id, false],
    ]);
    const moved = eeg().editAnnotation(edited.id!, { onsetS: 7 });
    expect(moved).toMatchObject({ onsetS: 7, durationS: 1.5, text: 'spike-wave' });
  });

  it('refuses unknown ids, superseded rows, empty text and onsets past the end', () => {
    const [, current] = eeg().annotations(recordingId);
    expect(() => eeg().editAnnotation(99_999, { text: 'x' })).toThrow(/annotation 99999/);
    expect(() => eeg().deleteAnnotation(99_999)).toThrow(/annotation 99999/);
    const oldest = engine.store.annotations.history(recordingId)[0]!;
    expect(() => eeg().editAnnotation(oldest.id, { text: 'fork' })).toThrow(/already changed/);
    expect(() => eeg().deleteAnnotation(oldest.id)).toThrow(/already changed/);
    expect(() => eeg().editAnnotation(current!.id!, { text: '   ' })).toThrow(/must not be empty/);
    expect(() => eeg().editAnnotation(current!.id!, { onsetS: 21 })).toThrow(/after the end of the recording/);
    expect(engine.store.annotations.history(recordingId)).toHaveLength(3); // nothing written by a refusal
  });

  it('deletes as a retracted row: gone from the list and both exports, kept in the history, restorable', () => {
    const [, current] = eeg().annotations(recordingId);
    const kept = eeg().addAnnotation(recordingId, 9, 0, 'kept');
    const { annotationId: retraction } = eeg().deleteAnnotation(current!.id!);
    expect(listed()).toEqual([
      ['file', 2, 'from the file'],
      ['project', 9, 'kept'],
    ]);
    const retracted = engine.store.annotations.get(retraction)!;
    expect(retracted).toMatchObject({ supersedesId: current!.id, retracted: true, label: 'spike-wave', onsetS: 7 });
    expect(() => eeg().deleteAnnotation(retraction)).toThrow(/already deleted/);
    expect(() => eeg().editAnnotation(retraction, { text: 'x' })).toThrow(/was deleted/);

    const tsv = eeg().exportAnnotations(recordingId, 'bids-events', join(tmp.dir, 'after-delete.tsv'));
    expect(readFileSync(tsv.path, 'utf8')).toBe('onset\tduration\ttrial_type\n2\t0\tfrom the file\n9\t0\tkept\n');
    const edf = eeg().exportAnnotations(recordingId, 'edf+', join(tmp.dir, 'after-delete.edf'));
    const reader = EdfReader.open(edf.path);
    expect(reader.annotations().map((a) => a.text)).toEqual(['from the file', 'kept']);
    reader.close();

    // Undo of the delete: a live row supersedes the retraction, with the deleted values.
    const restored = eeg().restoreAnnotation(retraction);
    expect(restored).toMatchObject({ onsetS: 7, durationS: 1.5, text: 'spike-wave' });
    expect(() => eeg().restoreAnnotation(restored.id!)).toThrow(/is not deleted/);
    expect(listed()).toEqual([
      ['file', 2, 'from the file'],
      ['project', 7, 'spike-wave'],
      ['project', 9, 'kept'],
    ]);
    expect(kept.id).toBeLessThan(retraction);
    expect(engine.store.annotations.history(recordingId).map((row) => row.retracted)).toEqual([false, false, false, false, true, false]);
  });
});
