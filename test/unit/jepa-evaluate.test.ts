/**
 * The Brain-JEPA evaluation bookkeeping: the connectivity baseline scored inside evaluateJepa equals
 * #18's classifier on the same folds; the encoders see only their fold's training subjects; features
 * that hold the label beat features that do not; subject identification on known cases.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/random.js';
import { crossValidate } from '../../main/pipelines/fmri/classify.js';
import { evaluateJepa, evaluationFolds, subjectIdentification, type EvaluationSubject, type FoldSpec } from '../../main/pipelines/jepa/evaluate.js';
import { REFERENCE_LINEAR_PROBE } from '../../main/pipelines/jepa/probe.js';

function cohort(n: number, seed: number): EvaluationSubject[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    site: ['A', 'B', 'C'][i % 3]!,
    labels: { diagnosis: random() < 0.5 ? 'ASD' : 'Control', sex: random() < 0.4 ? 'F' : 'M' },
  }));
}

function gaussianMatrix(rows: number, width: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: rows * width }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

describe('Brain-JEPA evaluation protocol', () => {
  const subjects = cohort(60, 1);
  const options = { folds: 5, seed: 0, C: 1, linearProbe: { ...REFERENCE_LINEAR_PROBE, epochs: 5 } };

  it('scores the connectivity baseline exactly as the #18 classifier on the same folds', async () => {
    const width = 12;
    const baseline = gaussianMatrix(subjects.length, width, 2);
    for (let i = 0; i < subjects.length; i++) if (subjects[i]!.labels.diagnosis === 'ASD') baseline[i * width] = baseline[i * width]! + 1.5;
    const encode = async () => ({ width: 4, pretrained: gaussianMatrix(subjects.length, 4, 3), random: gaussianMatrix(subjects.length, 4, 4) });
    const [report] = await evaluateJepa(subjects, ['diagnosis'], encode, { features: baseline, width }, options);
    const ours = report!.methods.find((m) => m.features === 'connectivity')!;
    const theirs = crossValidate(baseline, width, subjects.map((s) => s.labels.diagnosis), subjects.map((s) => s.site), { folds: 5, C: 1, seed: 0 });
    expect(ours.folds.map((f) => f.auroc)).toEqual(theirs.folds.map((f) => f.auroc));
    expect(ours.folds.map((f) => f.balancedAccuracy)).toEqual(theirs.folds.map((f) => f.balancedAccuracy));
    expect(report!.classes).toEqual(['ASD', 'Control']);
  });

  it('hands each encoder only its fold training subjects, each subject tested once per target', async () => {
    const seen: FoldSpec[] = [];
    const encode = async (fold: FoldSpec) => {
      seen.push(fold);
      return { width: 3, pretrained: gaussianMatrix(subjects.length, 3, fold.fold), random: gaussianMatrix(subjects.length, 3, 9 + fold.fold) };
    };
    await evaluateJepa(subjects, ['diagnosis', 'sex'], encode, { features: gaussianMatrix(subjects.length, 2, 5), width: 2 }, options);
    expect(seen).toHaveLength(10);
    for (const target of ['diagnosis', 'sex'] as const) {
      const folds = seen.filter((f) => f.target === target);
      const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
      expect(tested).toEqual(subjects.map((_, i) => i));
      for (const f of folds) expect(f.train.filter((i) => f.test.includes(i))).toEqual([]);
      expect(folds).toEqual(evaluationFolds(subjects, target, options));
    }
  });

  it('ranks features that carry the label above features that do not', async () => {
    const width = 8;
    const informative = gaussianMatrix(subjects.length, width, 6);
    subjects.forEach((s, i) => {
      if (s.labels.diagnosis === 'ASD') for (let j = 0; j < 3; j++) informative[i * width + j] = informative[i * width + j]! + 3;
    });
    const encode = async () => ({ width, pretrained: informative, random: gaussianMatrix(subjects.length, width, 7) });
    const [report] = await evaluateJepa(subjects, ['diagnosis'], encode, { features: gaussianMatrix(subjects.length, 4, 8), width: 4 }, options);
    const auroc = (source: string, probe: string) => report!.methods.find((m) => m.features === source && m.probe === probe)!.mean.auroc;
    expect(auroc('pretrained', 'logistic-regression')).toBeGreaterThan(0.9);
    expect(auroc('random-init', 'logistic-regression')).toBeLessThan(0.75);
    for (const m of report!.methods) {
      expect(m.folds).toHaveLength(5);
      expect(m.sd.auroc).toBeGreaterThanOrEqual(0);
    }
  });

  it('identifies subjects from two halves: all when the halves agree, near chance when unrelated', () => {
    const n = 20;
    const width = 16;
    const first = gaussianMatrix(n, width, 10);
    expect(subjectIdentification(first, first, n, width)).toBe(1);
    const noisy = Float64Array.from(first, (v, i) => v + 0.3 * gaussianMatrix(n, width, 11)[i]!);
    expect(subjectIdentification(first, noisy, n, width)).toBeGreaterThan(0.9);
    expect(subjectIdentification(first, gaussianMatrix(n, width, 12), n, width)).toBeLessThan(0.3);
  });
});
