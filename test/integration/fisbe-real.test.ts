/**
 * The real FISBe sample R14A02-20180905_65_A6 (ground truth zarr + the baseline's HDF5 prediction)
 * scored against the official evaluator's own result for it: all 153 values of its TOML must match.
 * Also runs `cajal fisbe eval` end to end (a stored run, the printed table, the TOML export).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { evaluateSample, type SampleEvaluation } from '../../main/pipelines/fisbe/evaluate.js';
import { flattenTables, toEvaluatorTables } from '../../main/pipelines/fisbe/report.js';
import { loadSample } from '../../main/pipelines/fisbe/sample.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { expectSameMetric } from '../helpers/fisbe.js';

const FISBE = ['segmentation', 'fisbe'] as const;
const gtPath = () => dataFile(...FISBE, 'R14A02-20180905_65_A6.zarr');
const predPath = () => dataFile(...FISBE, 'R14A02-20180905_65_A6.hdf');
const referenceToml = () =>
  parse(readFileSync(dataFile(...FISBE, 'reference', 'R14A02-20180905_65_A6_volumes_gmm_label_cleaned_cldice_greedy_rm800.toml'), 'utf8'));

describe.skipIf(!hasSharedData())('FISBe: the real sample against the official evaluator', () => {
  if (!hasSharedData()) it.skip(SKIP_NO_DATA, () => {});
  let evaluation: SampleEvaluation;

  beforeAll(async () => {
    const sample = await loadSample({
      gtPath: gtPath(),
      gtDataset: 'volumes/gt_instances',
      predPath: predPath(),
      predDataset: 'volumes/gmm_label_cleaned',
      removeSmallComponents: 800,
    });
    evaluation = evaluateSample(sample.gt, sample.pred, { partly: false, dimIds: sample.dimIds });
  }, 300_000);

  it('matches all 153 values of the evaluator’s TOML', () => {
    const expected = flattenTables(referenceToml());
    const ours = flattenTables(toEvaluatorTables(evaluation.metrics));
    expect(expected.size).toBe(153);
    for (const [key, value] of expected) {
      expect(ours.has(key), `${key} computed`).toBe(true);
      expectSameMetric(key, ours.get(key), value);
    }
    expect(evaluation.metrics.avgF1CovScore).toBeCloseTo(0.36567311651176876, 12);
  });

  it('describes every instance for the error view', () => {
    const gt = evaluation.instances.filter((i) => i.side === 'gt');
    const pred = evaluation.instances.filter((i) => i.side === 'pred');
    expect(gt.map((i) => i.voxels)).toEqual([72631, 41350, 47861, 70804, 3888, 53601, 29399]);
    expect(pred).toHaveLength(9);
    expect(gt.filter((i) => i.status === 'true-positive')).toHaveLength(3);
    expect(pred.filter((i) => i.status === 'false-split')).toHaveLength(3);
    expect(gt.map((i) => i.coverage)).toEqual(evaluation.metrics.gtSkelCoverage);
  });

  it('cajal fisbe eval stores a run, prints the table and writes the evaluator’s TOML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cajal-fisbe-'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    const code = await runCli(
      ['fisbe', 'eval', '--gt', gtPath(), '--pred', predPath(), '--project', join(dir, 'p.cajal'), '--out', join(dir, 'metrics.toml')],
      io,
    );
    expect(code, err.join('\n')).toBe(0);
    expect(out.join('\n')).toMatch(/S \(avg_f1_cov_score\)\s+0\.3657/);
    const written = flattenTables(parse(readFileSync(join(dir, 'metrics.toml'), 'utf8')));
    for (const [key, value] of flattenTables(referenceToml())) expectSameMetric(key, written.get(key), value);
  }, 300_000);
});
