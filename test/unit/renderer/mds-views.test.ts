/**
 * The MDS views' arithmetic without a browser or an engine: the fixtures obey the contract, frames and
 * components are read from the right place in the [clusters, frames, h, w, c] arrays and coloured on
 * symmetric scales, confusion cells keep readable text, and the sentences (headline, baselines,
 * model fit) say what the numbers mean.
 */
import { describe, expect, it } from 'vitest';
import { MdsAssignment, MdsClustering, MdsModelFit } from '../../../shared/api/index.js';
import {
  accuracyBasis,
  baselineVerdict,
  cellOrder,
  clusteringHeadline,
  clusterMembersText,
  componentPixels,
  divergingColor,
  extent,
  fitByType,
  fitControlsText,
  fitTypeColors,
  fitVerdict,
  framePixels,
  heatCell,
  isFullField,
  isStill,
  pixelTrace,
  secondsText,
  stimulusGrey,
  symmetricScale,
  ticks,
  worstOffDiagonal,
} from '../../../renderer/src/mds/mdsMath.js';
import { assignment, fullFieldClustering, modelFit, simulatedClustering, toyClustering } from './mds-fixtures.js';

describe('MDS view fixtures', () => {
  it('obey the contract', () => {
    for (const c of [simulatedClustering(), fullFieldClustering(), toyClustering()]) expect(MdsClustering.safeParse(c).success).toBe(true);
    expect(MdsModelFit.safeParse(modelFit()).success).toBe(true);
    expect(MdsAssignment.safeParse(assignment()).success).toBe(true);
  });
});

describe('MDS frames and components', () => {
  const shape = { frames: 2, height: 1, width: 2, channels: 2, frameRateHz: 10, channelNames: ['green', 'uv'] };
  // [clusters 2, frames 2, h 1, w 2, c 2]
  const mds = Float32Array.from({ length: 16 }, (_, i) => i - 8);

  it('reads one channel of one frame of one cluster', () => {
    const px = framePixels(mds, shape, 1, 1, 1, 8);
    // cluster 1 frame 1 starts at 8 + 4 = 12: pixel 0 channel 1 = index 13 → 5, pixel 1 channel 1 = 15 → 7.
    expect(px[0]).toBe(stimulusGrey(5, 8));
    expect(px[4]).toBe(stimulusGrey(7, 8));
    expect(px[3]).toBe(255);
    expect(pixelTrace(mds, shape, 1, 0, 1)).toEqual([1, 5]);
  });
  it('greys are symmetric about 0: black at −scale, white at +scale, clipped outside', () => {
    expect(stimulusGrey(-2, 2)).toBe(0);
    expect(stimulusGrey(2, 2)).toBe(255);
    expect(stimulusGrey(0, 2)).toBe(128);
    expect(stimulusGrey(9, 2)).toBe(255);
    expect(stimulusGrey(Number.NaN, 2)).toBe(128);
    expect(symmetricScale(Float32Array.from([0.5, -3, 1]))).toBe(3);
    expect(symmetricScale(new Float32Array(3))).toBe(1);
  });
  it('colours spatial components blue (−1) to red (+1)', () => {
    expect(divergingColor(1)).toEqual([178, 24, 43]);
    expect(divergingColor(-1)).toEqual([33, 102, 172]);
    const px = componentPixels(Float32Array.from([1, 0, -1, 0.5, 0, 0, 0, 0]), shape, 0, 0);
    expect(Array.from(px.slice(0, 3))).toEqual([178, 24, 43]);
    expect(Array.from(px.slice(4, 7))).toEqual([33, 102, 172]);
  });
  it('knows full-field sequences and still images', () => {
    expect(isFullField(fullFieldClustering().stimulus)).toBe(true);
    expect(isFullField(simulatedClustering().stimulus)).toBe(false);
    expect(isStill(toyClustering().stimulus)).toBe(true);
  });
});

describe('MDS tables and words', () => {
  it('keeps confusion numbers readable: dark text on bright cells', () => {
    expect(heatCell(1, 1).color).toBe('#111');
    expect(heatCell(0, 1).color).toBe('#fff');
    expect(heatCell(5, 0).color).toBe('#fff');
  });
  it('finds the closest rival MDS off the diagonal', () => {
    expect(worstOffDiagonal(Float32Array.from([1, 0.3, 0.8, 1]), 2)).toEqual({ value: expect.closeTo(0.8, 6), mds: 1, cells: 0 });
  });
  it('says the run in one line', () => {
    expect(clusteringHeadline(simulatedClustering())).toBe('32 cells, 3 initial clusters → 4 clusters after 3 EM passes and 4 split attempts (2 accepted); ARI 0.93 against the 4 known types.');
    expect(clusteringHeadline(fullFieldClustering())).toMatch(/^49 cells, 5 initial clusters → 2 clusters after 3 EM passes; ARI 1.00/);
    const c = simulatedClustering();
    expect(clusterMembersText(c.clusters[2]!, c.cellTypes)).toBe('9 cells, 8 ON sustained large green');
    expect(cellOrder(c.clusters).slice(0, 3)).toEqual([0, 4, 8]);
  });
  it('says whether MDS or a baseline agrees better with the known types', () => {
    expect(baselineVerdict(0.93, simulatedClustering().baselines)).toMatch(/MDS clustering agrees best .* 0.13 above the best baseline \(sparse-pca \+ gmm \(bic\), 0.80\)/);
    expect(baselineVerdict(0.5, [{ method: 'k-means', ari: 0.9, clusters: 2 }])).toBe('The k-means baseline agrees better with the known types than MDS clustering: ARI 0.90 vs 0.50.');
    expect(baselineVerdict(1, [{ method: 'k-means', ari: 1, clusters: 2 }])).toMatch(/equally well/);
    expect(baselineVerdict(null, [])).toBeNull();
  });
  it('summarises the model fit per type and as a share of the ceiling', () => {
    const rows = fitByType({ cellTypes: ['b', 'a', null, 'a'], heldOutCorr: Float64Array.from([0.5, 0.2, 0.1, Number.NaN]), ceiling: Float64Array.from([0.8, 0.4, 0.3, 0.6]) });
    expect(rows.map((r) => [r.type, r.count, r.meanR, Number(r.meanCeiling.toFixed(3))])).toEqual([
      ['a', 2, 0.2, 0.5],
      ['b', 1, 0.5, 0.8],
      [null, 1, 0.1, 0.3],
    ]);
    expect(fitVerdict({ meanHeldOutCorr: 0.6, meanCeiling: 0.8, heldOutCorr: Float64Array.from([0.6, 0.9]), ceiling: Float64Array.from([0.8, 0.8]) })).toBe(
      'Mean held-out r 0.60, 75 % of the reliability ceiling 0.80. 1 of 2 neurons reach their ceiling (the split-half ceiling is itself noisy with few trials).',
    );
  });
  it('puts the linear baseline and the random-init control beside the model, per type and overall', () => {
    const rows = fitByType({
      cellTypes: ['b', 'a', 'a'],
      heldOutCorr: Float64Array.from([0.5, 0.2, 0.4]),
      ceiling: Float64Array.from([0.8, 0.4, 0.6]),
      linearCorr: Float64Array.from([0.3, 0.1, Number.NaN]),
      randomInitCorr: Float64Array.from([0.02, -0.04, 0]),
    });
    expect(rows.map((r) => [r.type, r.meanLinear, Number(r.meanRandomInit.toFixed(3))])).toEqual([
      ['a', 0.1, -0.02],
      ['b', 0.3, 0.02],
    ]);
    expect(fitByType({ cellTypes: ['a'], heldOutCorr: Float64Array.from([0.5]), ceiling: Float64Array.from([0.8]), linearCorr: null, randomInitCorr: null })[0]!.meanLinear).toBeNaN();
    const controls = { meanHeldOutCorr: 0.8, linearCorr: Float64Array.from([0.55]), randomInitCorr: Float64Array.from([0.02]), meanLinearCorr: 0.55, meanRandomInitCorr: 0.02 };
    expect(fitControlsText(controls)).toBe('Controls on the same test trials: mean held-out r of the linear-filter baseline 0.55; the same ensemble at its random initialisation 0.02 (the model: 0.80).');
    expect(fitControlsText({ ...controls, linearCorr: null, meanLinearCorr: null, meanRandomInitCorr: null })).toBe(
      'Controls on the same test trials: mean held-out r of no linear-filter baseline in this run; the random-initialisation control predicts a constant (r undefined) (the model: 0.80).',
    );
  });
  it('says what an assignment accuracy counts', () => {
    expect(accuracyBasis(0.125, 3, 24, 21)).toBe(' (3 of 24 cells; 21 are of types no cluster stands for, counted as misses)');
    expect(accuracyBasis(1, 3, 24, 21)).toBe(' (3 of the 3 cells whose type a cluster stands for; 21 are of types no cluster stands for, left out)');
    expect(accuracyBasis(0.5, 2, 4, 0)).toBe(' (2 of 4 cells)');
  });
  it('gives each of many cell types its own colour in the fit scatter, ON/OFF colours for two', () => {
    const many = fitTypeColors(['OFF a', 'OFF b', 'ON a', null]);
    expect(new Set(['OFF a', 'OFF b', 'ON a'].map((t) => many.colorOf(t))).size).toBe(3);
    expect(many.legend.map((l) => l.type)).toEqual(['OFF a', 'OFF b', 'ON a', null]);
    const two = fitTypeColors(['OFF parasol', 'ON parasol']);
    expect(two.colorOf('OFF parasol')).toBe('#2456a6');
  });
  it('formats axes and durations', () => {
    expect(ticks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(ticks(-0.9, 0.3, 3)).toEqual([-0.5, 0]);
    expect(extent([3, Number.NaN, 1])).toEqual([1, 3]);
    expect(extent([2, 2])).toEqual([1.5, 2.5]);
    expect(secondsText(84.2)).toBe('84 s');
    expect(secondsText(312)).toBe('5 min 12 s');
    expect(secondsText(3.21)).toBe('3.2 s');
  });
});
