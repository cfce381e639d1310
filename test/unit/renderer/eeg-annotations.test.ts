/**
 * The annotation display's pure logic: label lanes never overlap, whatever the onsets and text
 * lengths; the undo/redo stacks step through the inverse changes and follow each chain's latest row;
 * the keys that undo and redo.
 */
import { describe, expect, it } from 'vitest';
import { layoutLabelLanes, type LabelRequest, type LaneOptions } from '../../../renderer/src/eeg/annotationLanes.js';
import {
  afterRedo,
  afterUndo,
  dropRefused,
  EMPTY_HISTORY,
  HISTORY_LIMIT,
  recordChange,
  redoStep,
  undoStep,
  type AnnotationHistory,
} from '../../../renderer/src/eeg/annotationHistory.js';
import { commandOf } from '../../../renderer/src/eeg/keyboard.js';

const OPTIONS: LaneOptions = { maxLanes: 3, gapPx: 4, rightPx: 1000, minWidthPx: 24, maxWidthPx: 160 };

/** Deterministic pseudo-random numbers (a linear congruential generator). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('annotation label lanes', () => {
  it('puts far-apart labels in the first lane and close ones in the next lanes', () => {
    const placed = layoutLabelLanes(
      [
        { x: 100, width: 60 },
        { x: 300, width: 60 },
        { x: 120, width: 60 },
        { x: 130, width: 60 },
        { x: 140, width: 60 },
      ],
      OPTIONS,
    );
    expect(placed.map((p) => p.lane)).toEqual([0, 0, 1, 2, null]);
    // Once the first label of lane 0 ends (plus the gap), lane 0 is free again.
    expect(layoutLabelLanes([{ x: 100, width: 60 }, { x: 164, width: 60 }], OPTIONS).map((p) => p.lane)).toEqual([0, 0]);
    expect(layoutLabelLanes([{ x: 100, width: 60 }, { x: 163, width: 60 }], OPTIONS).map((p) => p.lane)).toEqual([0, 1]);
  });

  it('caps long texts and cuts labels at the right edge, leaving out slivers', () => {
    const [long, edge, sliver] = layoutLabelLanes(
      [
        { x: 10, width: 900 },
        { x: 900, width: 300 },
        { x: 990, width: 60 },
      ],
      OPTIONS,
    );
    expect(long).toEqual({ lane: 0, x: 10, width: 160 });
    expect(edge).toEqual({ lane: 0, x: 900, width: 100 });
    expect(sliver!.lane).toBeNull();
  });

  it('never overlaps two labels of a lane, over many random pages', () => {
    const next = random(17);
    for (let trial = 0; trial < 300; trial++) {
      const requests: LabelRequest[] = Array.from({ length: 1 + Math.floor(next() * 40) }, () => ({
        x: Math.round(next() * 1000),
        width: 10 + Math.round(next() * 400),
      }));
      const placed = layoutLabelLanes(requests, OPTIONS);
      const shown = placed.filter((p) => p.lane !== null);
      for (const p of shown) {
        expect(p.lane).toBeLessThan(OPTIONS.maxLanes);
        expect(p.width).toBeGreaterThanOrEqual(OPTIONS.minWidthPx);
        expect(p.width).toBeLessThanOrEqual(OPTIONS.maxWidthPx);
        expect(p.x + p.width).toBeLessThanOrEqual(OPTIONS.rightPx);
      }
      for (const a of shown) {
        for (const b of shown) {
          if (a === b || a.lane !== b.lane) continue;
          const apart = a.x + a.width + OPTIONS.gapPx <= b.x || b.x + b.width + OPTIONS.gapPx <= a.x;
          expect(apart).toBe(true);
        }
      }
      // A label is left out only when every lane is taken at its x (or it would be a sliver).
      placed.forEach((p, i) => {
        if (p.lane !== null) return;
        const request = requests[i]!;
        if (Math.min(request.width, OPTIONS.maxWidthPx, OPTIONS.rightPx - request.x) < OPTIONS.minWidthPx) return;
        const blocking = new Set(shown.filter((s) => s.x <= request.x && s.x + s.width + OPTIONS.gapPx > request.x).map((s) => s.lane));
        expect(blocking.size).toBe(OPTIONS.maxLanes);
      });
    }
  });
});

describe('annotation undo and redo', () => {
  const values = (text: string, onsetS = 5) => ({ onsetS, durationS: 0, text });

  it('undoes an add with a delete, and redoes it with a restore of the retraction', () => {
    let history = recordChange(EMPTY_HISTORY, { kind: 'add', id: 10, text: 'spike' });
    expect(undoStep(history.done.at(-1)!)).toEqual({ call: 'eeg.deleteAnnotation', annotationId: 10 });
    history = afterUndo(history, 11); // row 11: the retraction
    expect(history.done).toEqual([]);
    expect(redoStep(history.undone.at(-1)!)).toEqual({ call: 'eeg.restoreAnnotation', annotationId: 11 });
    history = afterRedo(history, 12);
    expect(history).toEqual({ done: [{ kind: 'add', id: 12, text: 'spike' }], undone: [] });
    expect(undoStep(history.done.at(-1)!)).toEqual({ call: 'eeg.deleteAnnotation', annotationId: 12 });
  });

  it('undoes an edit by editing back, and a delete by restoring, newest first', () => {
    let history: AnnotationHistory = EMPTY_HISTORY;
    history = recordChange(history, { kind: 'edit', id: 21, before: values('spike'), after: values('spike-wave', 6) });
    history = recordChange(history, { kind: 'delete', id: 30, text: 'artefact' });
    expect(undoStep(history.done.at(-1)!)).toEqual({ call: 'eeg.restoreAnnotation', annotationId: 30 });
    history = afterUndo(history, 31);
    expect(undoStep(history.done.at(-1)!)).toEqual({ call: 'eeg.editAnnotation', annotationId: 21, values: values('spike') });
    history = afterUndo(history, 22);
    // Redo comes back in the order the changes were made.
    expect(redoStep(history.undone.at(-1)!)).toEqual({ call: 'eeg.editAnnotation', annotationId: 22, values: values('spike-wave', 6) });
    history = afterRedo(history, 23);
    expect(redoStep(history.undone.at(-1)!)).toEqual({ call: 'eeg.deleteAnnotation', annotationId: 31 });
  });

  it('forgets what could be redone after a new change, drops refused steps, and keeps a bounded history', () => {
    let history = recordChange(EMPTY_HISTORY, { kind: 'add', id: 1, text: 'a' });
    history = afterUndo(history, 2);
    expect(history.undone).toHaveLength(1);
    history = recordChange(history, { kind: 'add', id: 3, text: 'b' });
    expect(history.undone).toEqual([]);
    expect(dropRefused(history, 'done')).toEqual({ done: [], undone: [] });
    expect(afterUndo(EMPTY_HISTORY, 9)).toBe(EMPTY_HISTORY);
    expect(afterRedo(EMPTY_HISTORY, 9)).toBe(EMPTY_HISTORY);
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) history = recordChange(history, { kind: 'add', id: 100 + i, text: String(i) });
    expect(history.done).toHaveLength(HISTORY_LIMIT);
    expect(history.done[0]!.id).toBe(105);
  });

  it('maps Ctrl+Z to undo, Ctrl+Shift+Z and Ctrl+Y to redo (Cmd on macOS), and leaves plain Z and Y alone', () => {
    const key = (k: string, mods: Partial<KeyboardEvent> = {}) => commandOf({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods } as KeyboardEvent);
    expect(key('z', { ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toEqual({ kind: 'redo' });
    expect(key('y', { ctrlKey: true })).toEqual({ kind: 'redo' });
    expect(key('z', { metaKey: true })).toEqual({ kind: 'undo' });
    expect(key('z', { ctrlKey: true, altKey: true })).toBeNull();
    expect(key('z')).toBeNull();
    expect(key('y')).toEqual({ kind: 'decide', status: 'accepted' });
  });
});
