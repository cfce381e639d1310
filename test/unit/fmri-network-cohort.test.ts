/** The cohort panel's tables: diagnosis × site counts, two-class targets, chance levels and fold scores. */
import { describe, expect, it } from 'vitest';
import { binaryTargets, chanceLevels, classCounts, crossTable, foldSd, formatScore, labelText } from '../../renderer/src/fmri/cohort/report.js';

const subjects = [
  { labels: { diagnosis: 'ASD', site: 'PITT', sex: 'M', age: 24.45 } },
  { labels: { diagnosis: 'control', site: 'PITT', sex: 'F', age: 19 } },
  { labels: { diagnosis: 'ASD', site: 'NYU', sex: 'M', age: null } },
  { labels: { diagnosis: 'ASD', site: 'NYU', sex: 'M', age: 30 } },
];

describe('crossTable', () => {
  it('counts subjects by diagnosis × site with totals', () => {
    const table = crossTable(subjects, 'diagnosis', 'site');
    expect(table.rows).toEqual(['ASD', 'control']);
    expect(table.columns).toEqual(['NYU', 'PITT']);
    expect(table.counts).toEqual([
      [2, 1],
      [0, 1],
    ]);
    expect(table.rowTotals).toEqual([3, 1]);
    expect(table.columnTotals).toEqual([2, 2]);
    expect(table.total).toBe(4);
  });

  it('counts missing labels under "—"', () => {
    expect(crossTable(subjects, 'age', 'sex').rows).toContain('—');
    expect(labelText(24.4567)).toBe('24.46');
  });
});

describe('targets and chance', () => {
  it('offers the two-class columns, diagnosis first', () => {
    expect(binaryTargets({ labelColumns: ['sex', 'age', 'site', 'diagnosis'], subjects })).toEqual(['diagnosis', 'sex', 'site']);
  });

  it('says chance accuracy is the larger class share, balanced accuracy and AUROC 0.5', () => {
    const counts = classCounts(subjects, 'diagnosis');
    expect(counts).toEqual([
      { label: 'ASD', count: 3 },
      { label: 'control', count: 1 },
    ]);
    const chance = chanceLevels(counts);
    expect(chance.accuracy).toBe(0.75);
    expect(chance.balancedAccuracy).toBe(0.5);
    expect(chance.sentence).toBe('Chance: balanced accuracy and AUROC 0.5; accuracy 0.750 (always guessing ASD, 3 of 4 subjects).');
    expect(chanceLevels(null).accuracy).toBeNull();
  });
});

describe('fold scores', () => {
  it('formats scores to 3 decimals and takes the sample SD', () => {
    expect(formatScore(0.66666)).toBe('0.667');
    expect(formatScore(NaN)).toBe('–');
    const fold = (accuracy: number) => ({ fold: 0, trainCount: 8, testCount: 2, accuracy, balancedAccuracy: accuracy, auroc: accuracy });
    expect(foldSd([fold(0.5), fold(0.7)], 'accuracy')).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(foldSd([fold(0.5)], 'auroc')).toBe(0);
  });
});
