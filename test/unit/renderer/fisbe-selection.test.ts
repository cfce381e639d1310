/**
 * One selection across list, 3D and slices: keys, list order and keyboard stepping, the partner to
 * jump to, what a slice click picks, where the slices go, the view's keys and its metric rows.
 */
import { describe, expect, it } from 'vitest';
import type { FisbeMetrics } from '../../../shared/api/index.js';
import { fisbeInstance } from '../../helpers/fisbe.js';
import { fisbeCommandOf, listStepOf } from '../../../renderer/src/fisbe/keyboard.js';
import { formatScore, headlineMetrics, sortedThresholds, thresholdRow } from '../../../renderer/src/fisbe/metrics.js';
import {
  bboxCentre,
  chooseCandidate,
  instanceKey,
  listOrder,
  parseInstanceKey,
  partnerOf,
  relatedKeys,
  skeletonAnchor,
  stepKey,
} from '../../../renderer/src/fisbe/selection.js';


describe('instance keys and list order', () => {
  it('round-trips keys and rejects others', () => {
    expect(instanceKey({ side: 'gt', id: 3 })).toBe('gt:3');
    expect(parseInstanceKey('pred:12')).toEqual({ side: 'pred', id: 12 });
    expect(parseInstanceKey('gt:0')).toBeNull();
    expect(parseInstanceKey('both:1')).toBeNull();
  });

  it('lists GT then predictions, each by id, and steps through them', () => {
    const order = listOrder([fisbeInstance('pred', 2), fisbeInstance('gt', 2), fisbeInstance('pred', 1), fisbeInstance('gt', 1)]);
    expect(order.map(instanceKey)).toEqual(['gt:1', 'gt:2', 'pred:1', 'pred:2']);
    expect(stepKey(order, null, 1)).toBe('gt:1');
    expect(stepKey(order, null, -1)).toBe('pred:2');
    expect(stepKey(order, 'gt:2', 1)).toBe('pred:1');
    expect(stepKey(order, 'pred:2', 1)).toBe('pred:2');
    expect(stepKey(order, 'gt:1', -1)).toBe('gt:1');
    expect(stepKey(order, 'gt:2', 5)).toBe('pred:2');
    expect(stepKey(order, 'pred:1', -Infinity)).toBe('gt:1');
    expect(stepKey(order, 'gt:1', Infinity)).toBe('pred:2');
    expect(stepKey([], null, 1)).toBeNull();
  });
});

describe('partners, related instances and slice picks', () => {
  it('jumps to the match, else the best overlap', () => {
    expect(partnerOf(fisbeInstance('gt', 1, { matchedId: 4, bestId: 4 }))).toEqual({ side: 'pred', id: 4 });
    expect(partnerOf(fisbeInstance('pred', 4, { bestId: 2 }))).toEqual({ side: 'gt', id: 2 });
    expect(partnerOf(fisbeInstance('pred', 5))).toBeNull();
  });

  it('relates a match and the GT a prediction merges', () => {
    expect(relatedKeys(fisbeInstance('gt', 1, { matchedId: 4 }))).toEqual(['pred:4']);
    expect(relatedKeys(fisbeInstance('pred', 7, { status: 'false-merge', mergedIds: [1, 3] }))).toEqual(['gt:1', 'gt:3']);
    expect(relatedKeys(fisbeInstance('pred', 8))).toEqual([]);
  });

  it('picks GT first on a slice voxel, then toggles to the prediction there', () => {
    const both = [{ side: 'gt', id: 2 } as const, { side: 'pred', id: 5 } as const];
    expect(chooseCandidate(both, null)).toBe('gt:2');
    expect(chooseCandidate(both, 'gt:2')).toBe('pred:5');
    expect(chooseCandidate(both, 'pred:5')).toBe('gt:2');
    expect(chooseCandidate(both, 'gt:7')).toBe('gt:2');
    expect(chooseCandidate([{ side: 'pred', id: 5 }], 'pred:5')).toBe('pred:5');
    expect(chooseCandidate([], 'gt:2')).toBeNull();
  });

  it('centres slices on a skeleton voxel, or the box centre', () => {
    expect(skeletonAnchor(Uint16Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toEqual([4, 5, 6]);
    expect(skeletonAnchor(new Uint16Array(0))).toBeNull();
    // Boxes are [z, y, x]; the centre is [x, y, z].
    expect(bboxCentre([10, 20, 30], [12, 40, 31])).toEqual([31, 30, 11]);
  });
});

describe('keys of the view', () => {
  const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

  it('maps letters to commands and leaves modified keys alone', () => {
    expect(fisbeCommandOf(key('j'))).toEqual({ kind: 'step', delta: 1 });
    expect(fisbeCommandOf(key('K'))).toEqual({ kind: 'step', delta: -1 });
    expect(fisbeCommandOf(key('m'))).toEqual({ kind: 'partner' });
    expect(fisbeCommandOf(key('f'))).toEqual({ kind: 'frame' });
    expect(fisbeCommandOf(key('Escape'))).toEqual({ kind: 'clear' });
    expect(fisbeCommandOf(key('c'))).toEqual({ kind: 'toggle', layer: 'skeletons' });
    expect(fisbeCommandOf(key('b'))).toEqual({ kind: 'toggle', layer: 'sideBySide' });
    expect(fisbeCommandOf(key('5', { altKey: true }))).toBeNull();
    expect(fisbeCommandOf(key('j', { ctrlKey: true }))).toBeNull();
    expect(fisbeCommandOf(key('ArrowDown'))).toBeNull();
  });

  it('steps the list with arrows, pages and ends', () => {
    expect(listStepOf('ArrowDown')).toBe(1);
    expect(listStepOf('ArrowUp')).toBe(-1);
    expect(listStepOf('PageDown')).toBe(5);
    expect(listStepOf('Home')).toBe(-Infinity);
    expect(listStepOf('End')).toBe(Infinity);
    expect(listStepOf('a')).toBeNull();
  });
});

describe('metric rows', () => {
  // The reference scores of the real sample (R14A02-20180905_65_A6, gmm_label_cleaned, rm800).
  const row = (threshold: number, tp: number, fp: number, fn: number) => ({ threshold, tp, fp, fn, precision: tp / (tp + fp), recall: tp / (tp + fn), ap: 0, fscore: 0, falseSplit: 0, falseMerge: 0 });
  const metrics: FisbeMetrics = {
    numGt: 7,
    numPred: 9,
    tp05: 3,
    tp05Rel: 3 / 7,
    tp05ClDice: [0.99020946, 0.96136016, 0.7825463],
    avgTp05ClDice: 0.91137195,
    gtSkelCoverage: [0.08819876, 0.9552964, 0, 0.64759886, 0, 0.99777406, 0],
    avgGtSkelCoverage: 0.384124,
    avgF1CovScore: 0.36567311651176876,
    falseMerges: 0,
    falseSplits: 0,
    gtDim: 3,
    tp05Dim: 0,
    tp05RelDim: 0,
    gtCovsDim: [0, 0, 0],
    avgGtCovDim: 0,
    gtOverlap: 5,
    tp05Overlap: 2,
    tp05RelOverlap: 0.4,
    gtCovsOverlap: [],
    avgGtCovOverlap: 0.3382188,
    avAP: 0.11111111111111109,
    avAP59: 0.11111111111111109,
    avAP19: 0.12522045855379188,
    avFscore: 0.3472222222222222,
    avFscore59: 0.325,
    avFscore19: 0.3472222222222222,
    thresholds: [row(0.9, 0, 9, 7), row(0.5, 3, 6, 4), row(0.55, 3, 6, 4), row(0.1, 3, 6, 4)],
  };

  it('shows S, avF1, C, the counts at 0.5, FS, FM and clDice of the TPs', () => {
    const rows = Object.fromEntries(headlineMetrics(metrics).map((r) => [r.label, r.value]));
    expect(rows).toEqual({
      S: '0.3657',
      avF1: '0.3472',
      C: '0.3841',
      'Num GT': '7',
      'Num Pred': '9',
      TP: '3',
      FP: '6',
      FN: '4',
      FS: '0',
      FM: '0',
      'clDice TP': '0.9114',
    });
  });

  it('orders the threshold table and finds a threshold within float tolerance', () => {
    expect(sortedThresholds(metrics).map((r) => r.threshold)).toEqual([0.1, 0.5, 0.55, 0.9]);
    expect(thresholdRow(metrics, 0.1 + 0.2 + 0.2)?.tp).toBe(3);
    expect(thresholdRow(metrics, 0.3)).toBeNull();
    expect(formatScore(null)).toBe('–');
    expect(formatScore(Number.NaN)).toBe('–');
    expect(formatScore(0.5, 2)).toBe('0.50');
  });
});
