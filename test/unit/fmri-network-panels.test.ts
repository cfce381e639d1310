/**
 * The network panels' choices: which surfaces outline the glass brain, which regions are traced
 * first, the series' time axis, and the classify run whose report the Cohort panel shows.
 */
import { describe, expect, it } from 'vitest';
import type { BrainMetadata, Recording, Run, RunResult } from '../../shared/api/index.js';
import { chooseOutline } from '../../renderer/src/fmri/glass/outline.js';
import { classifyRunLabel, latestClassifyRun, reportOf } from '../../renderer/src/fmri/cohort/useClassifyReport.js';
import { mostVariableRegions, seriesTimeAxis } from '../../renderer/src/fmri/series/format.js';

function surface(id: number, name: string, hemisphere: BrainMetadata['hemisphere'] = null): Recording {
  return {
    id,
    sourcePath: `/data/${name}`,
    sizeBytes: 1,
    sha256: '',
    format: name.endsWith('.mz3') ? 'mz3' : 'gifti',
    metadata: {
      signals: [], channelCount: 0, sampleRateHz: 0, durationS: 0, startDateTime: '', patient: '', recordingInfo: '', dataRecordCount: 0, dataRecordDurationS: 0,
      modality: 'brain-map',
      brain: { type: 'surface', description: '', warnings: [], hemisphere },
    },
    importedAt: '',
  };
}

describe('chooseOutline', () => {
  it('prefers a pial pair, never an inflated surface', () => {
    const choice = chooseOutline([surface(1, 'fsaverage5_infl_left.gii.gz', 'left'), surface(2, 'BrainMesh_ICBM152.lh.mz3'), surface(3, 'fsaverage5_pial_left.gii.gz', 'left'), surface(4, 'fsaverage5_pial_right.gii.gz', 'right')]);
    expect(choice).toEqual([
      { recordingId: 3, mirrorX: false },
      { recordingId: 4, mirrorX: false },
    ]);
  });

  it('mirrors a lone hemisphere (named lh.) for the other one, and is empty without surfaces', () => {
    expect(chooseOutline([surface(2, 'BrainMesh_ICBM152.lh.mz3')])).toEqual([
      { recordingId: 2, mirrorX: false },
      { recordingId: 2, mirrorX: true },
    ]);
    expect(chooseOutline([surface(1, 'fsaverage5_infl_left.gii.gz', 'left')])).toEqual([]);
  });
});

describe('series helpers', () => {
  it('traces the most variable regions first, in region order', () => {
    // 4 regions × 3 timepoints: variances 0, 4/3·…, small, large.
    const data = Float64Array.from([1, 1, 1, 0, 2, 0, 0, 0.1, 0, -5, 5, 0]);
    expect(mostVariableRegions(data, 4, 3, 2)).toEqual([1, 3]);
  });

  it('reads time in seconds with a TR, in volumes without', () => {
    expect(seriesTimeAxis(100, 2).end).toBe(200);
    expect(seriesTimeAxis(100, 2).title).toBe('Time (s), TR 2 s');
    expect(seriesTimeAxis(100, null).title).toBe('Time (volumes; TR unknown)');
    expect(seriesTimeAxis(100, null).at(5)).toBe(5);
  });
});

describe('classify report', () => {
  const run = (id: number, recordingId: number, status: Run['status'], pipeline = 'fmri-classify'): Run => ({
    id, pipeline, params: {}, recordingId, codeVersion: '', status, progress: 1, progressMessage: '', error: null, createdAt: '', startedAt: null, finishedAt: null, durationMs: null,
  });

  it('shows the newest succeeded classify run of the cohort', () => {
    const runs = [run(1, 5, 'succeeded'), run(3, 5, 'failed'), run(2, 5, 'succeeded'), run(4, 6, 'succeeded'), run(5, 5, 'succeeded', 'fmri-connectivity')];
    expect(latestClassifyRun(runs, 5)?.id).toBe(2);
    expect(latestClassifyRun(runs, 7)).toBeNull();
  });

  it('names the run with the connectivity kind of its features', () => {
    expect(classifyRunLabel({ ...run(2, 5, 'succeeded'), params: { kind: 'tangent' } })).toBe('Run 2, tangent-space connectivity features');
    expect(classifyRunLabel({ ...run(3, 5, 'succeeded'), params: { kind: 'nonsense' } })).toBe('Run 3');
  });

  it('checks the stored report against the contract', () => {
    const fold = { fold: 0, trainCount: 80, testCount: 20, accuracy: 0.6, balancedAccuracy: 0.55, auroc: 0.7 };
    const report = { target: 'diagnosis', classes: ['ASD', 'control'], folds: [fold], mean: { accuracy: 0.6, balancedAccuracy: 0.55, auroc: 0.7 }, featureCount: 6670, subjectCount: 100 };
    const results = (value: unknown): RunResult[] => [{ key: 'report', value, array: null }];
    expect(reportOf(results(report)).report?.folds).toHaveLength(1);
    expect(reportOf(results({ target: 'diagnosis' })).error).toMatch(/^The stored report is not a classifier report/);
    expect(reportOf([]).error).toBe('This run stored no report.');
  });
});
