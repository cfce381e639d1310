/**
 * The Neuroformer views' arithmetic without a browser or an engine: the connectivity matrix's
 * display order (by cell type, then attention received), colour scales and pixels, the undirected
 * graph for the connectome scene, type × type blocks; recorded-vs-generated rates per type and the
 * shared row order; and the verdict sentences of the evaluation tables.
 */
import { describe, expect, it } from 'vitest';
import { divergingColor, matrixPixels, received, scaleBottom, scaleTop, typeBlocks, typeOrder, typeRuns, undirected } from '../../../renderer/src/neuroformer/matrix.js';
import { countPerUnit, defaultBinS, initialWindow, pearson, ratesByType, sharedOrder, shiftWindow } from '../../../renderer/src/neuroformer/rasterPair.js';
import { connectivityVerdict, methodName, methodRole, predictionVerdict, psthVerdict } from '../../../renderer/src/neuroformer/verdict.js';

const types = ['ON parasol', 'OFF parasol', null, 'OFF parasol'];
// Row = predicted (post), column = attended (pre). Unit 3 is attended most (a hub).
const m = Float32Array.from([
  0, 0.1, 0.0, 0.5, //
  0.2, 0, 0.1, 0.6, //
  0.0, 0.3, 0, 0.7, //
  0.1, 0.0, 0.2, 0,
]);

describe('connectivity matrix', () => {
  it('counts the attention each unit receives without the diagonal', () => {
    expect(Array.from(received(m, 4)).map((v) => Number(v.toFixed(3)))).toEqual([0.3, 0.4, 0.3, 1.8]);
  });
  it('orders by type (untyped last), the most attended first within a type', () => {
    const order = typeOrder(types, received(m, 4));
    expect(order).toEqual([3, 1, 0, 2]);
    expect(typeRuns(order, types)).toEqual([
      { type: 'OFF parasol', start: 0, count: 2 },
      { type: 'ON parasol', start: 2, count: 1 },
      { type: null, start: 3, count: 1 },
    ]);
  });
  it('tops the colour scale at the 99th percentile of off-diagonal |values|', () => {
    expect(scaleTop(m, 4)).toBeCloseTo(0.6, 6);
    expect(scaleTop(new Float32Array(4), 2)).toBe(0);
    expect(scaleTop(new Float32Array(0), 0)).toBe(0);
    expect(scaleBottom(m, 4)).toBe(0);
    expect(scaleBottom(Float32Array.from([9, 0.2, 0.3, 9]), 2)).toBeCloseTo(0.2, 6);
  });
  it('colours a sequential map from its floor: the floor dark, the top bright', () => {
    const flat = Float32Array.from([0, 0.3, 0.5, 0]);
    const px = matrixPixels(flat, 2, [0, 1], { kind: 'sequential', top: 0.5, bottom: 0.3 });
    expect(Array.from(px.slice(4, 7))).toEqual([20, 18, 60]);
    expect(Array.from(px.slice(8, 11))).toEqual([250, 235, 40]);
  });
  it('paints pixels in display order with a grey diagonal', () => {
    const px = matrixPixels(m, 4, [3, 1, 0, 2], { kind: 'sequential', top: 0.7 });
    expect(Array.from(px.slice(0, 3))).toEqual([150, 150, 150]);
    // (row 2 → unit 0, column 0 → unit 3): 0.5 / 0.7 on the ramp, not the diagonal grey.
    const p = (2 * 4 + 0) * 4;
    expect(Array.from(px.slice(p, p + 3))).not.toEqual([150, 150, 150]);
    expect(px[p + 3]).toBe(255);
  });
  it('colours signed weights blue (inhibitory) to red (excitatory) through white', () => {
    expect(divergingColor(0)).toEqual([247, 247, 247]);
    expect(divergingColor(1)).toEqual([178, 24, 43]);
    expect(divergingColor(-2)).toEqual([33, 102, 172]);
    expect(divergingColor(Number.NaN)).toEqual([247, 247, 247]);
  });
  it('makes an undirected graph from the stronger direction of each pair', () => {
    const u = undirected(Float32Array.from([0, -0.5, 0.2, 0]), 2);
    expect(Array.from(u)).toEqual([0, 0.5, 0.5, 0]);
  });
  it('averages |values| per type × type block without the diagonal', () => {
    const blocks = typeBlocks(m, types);
    expect(blocks.types).toEqual(['OFF parasol', 'ON parasol', null]);
    // OFF → OFF: units 1 and 3: m[1,3] = 0.6, m[3,1] = 0.
    expect(blocks.mean[0]![0]).toBeCloseTo(0.3, 6);
    expect(blocks.mean[1]![1]).toBeNaN();
  });
});

describe('recorded vs generated', () => {
  const raster = {
    cellTypes: ['ON', 'OFF', 'OFF'],
    recordedRow: Int32Array.from([0, 1, 1, 1, 2]),
    recordedTime: Float32Array.from([0.05, 0.1, 0.6, 0.7, 0.9]),
    generatedRow: Int32Array.from([0, 0, 2]),
    generatedTime: Float32Array.from([0.1, 0.2, 0.55]),
  };
  it('shares one row order, by type then recorded count', () => {
    expect(Array.from(countPerUnit(raster.recordedRow, 3))).toEqual([1, 3, 1]);
    expect(sharedOrder(raster)).toEqual([1, 2, 0]);
  });
  it('gives the mean rate per unit of each type per bin, the last bin cut by the window', () => {
    const rates = ratesByType(raster, 0.75, 0.5);
    expect(rates.map((r) => r.type)).toEqual(['OFF', 'ON']);
    const off = rates[0]!;
    // OFF recorded: bin 0 one spike (0.1) over 2 units × 0.5 s; bin 1 (0.5–0.75 s) two spikes over 2 × 0.25 s; 0.9 s is outside.
    expect(Array.from(off.recorded)).toEqual([1, 4]);
    expect(Array.from(off.generated)).toEqual([0, 2]);
    expect(Array.from(rates[1]!.generated)).toEqual([4, 0]);
  });
  it('picks round PSTH bins and a first window inside what was generated', () => {
    expect(defaultBinS(20)).toBeCloseTo(0.1, 12);
    expect(defaultBinS(1)).toBeCloseTo(0.005, 12);
    expect(initialWindow(100, 110)).toEqual({ startS: 100, endS: 110 });
    expect(initialWindow(100, 400)).toEqual({ startS: 100, endS: 120 });
    expect(shiftWindow({ startS: 100, endS: 120 }, -50, { startS: 100, endS: 400 })).toEqual({ startS: 100, endS: 120 });
    expect(shiftWindow({ startS: 100, endS: 120 }, 500, { startS: 100, endS: 400 })).toEqual({ startS: 380, endS: 400 });
  });
  it('correlates two series, NaN when one is flat', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

describe('verdict', () => {
  it('knows the methods by what they are', () => {
    expect(methodRole('neuroformer')).toBe('model');
    expect(methodRole('neuroformer (random init)')).toBe('random-init');
    expect(methodRole('poisson-glm')).toBe('glm');
    expect(methodRole('ccg')).toBe('ccg');
    expect(methodRole('attention')).toBe('model');
    expect(methodRole('neuroformer attention (rate-normalised)')).toBe('model');
    expect(methodRole('cross-correlogram peak (|z|)')).toBe('ccg');
    expect(methodRole('Poisson GLM coupling (|β|)')).toBe('glm');
    expect(methodName('neuroformer')).toBe('Neuroformer (trained)');
    expect(methodName('neuroformer attention (per prediction)')).toBe('Neuroformer attention (per prediction)');
    expect(methodName('poisson-glm')).toBe('Poisson GLM');
  });
  it('says which predicts held-out spikes best and whether training helped', () => {
    const lines = predictionVerdict([
      { method: 'neuroformer', precision: 0.3, recall: 0.3, f1: 0.3, windows: 10 },
      { method: 'neuroformer (random init)', precision: 0.1, recall: 0.1, f1: 0.1, windows: 10 },
      { method: 'poisson-glm', precision: 0.2, recall: 0.2, f1: 0.2, windows: 10 },
    ]);
    expect(lines[0]).toBe('Best spike-prediction F1 on the held-out blocks: Neuroformer (trained), 0.300.');
    expect(lines[1]).toMatch(/beats Neuroformer \(random init\) on F1 \(0\.300 vs 0\.100\): training taught/);
    expect(lines[2]).toMatch(/beats Poisson GLM on F1/);
    expect(predictionVerdict([])).toEqual([]);
  });
  it('sets the PSTH correlation against the reliability ceiling', () => {
    const lines = psthVerdict({ ceilingMeanR: 0.8, trials: 100, eventSet: 'stimulus changes', rows: [{ method: 'neuroformer', meanR: 0.4, perUnit: new Float64Array() }] });
    expect(lines[0]).toMatch(/mean r 0\.400 against a reliability ceiling of 0\.800 .*: 50 % of/);
    const flat = psthVerdict({ ceilingMeanR: 0.95, trials: 116, eventSet: 'stimulus changes', rows: [{ method: 'neuroformer (own-past rollout)', meanR: -0.025, perUnit: new Float64Array() }] });
    expect(flat[0]).toMatch(/no stimulus-locked response yet/);
    expect(flat[0]).not.toMatch(/-3 %/);
  });
  it('says whether attention beats the cross-correlograms and recovers hubs and direction', () => {
    const lines = connectivityVerdict([
      { method: 'neuroformer attention (rate-normalised)', auroc: 0.7, auprc: 0.3, prevalence: 0.1, hubSpearman: 0.6, directionAuroc: 0.5 },
      { method: 'cross-correlogram peak (|z|)', auroc: 0.65, auprc: 0.2, prevalence: 0.1, hubSpearman: null, directionAuroc: null },
      { method: 'Poisson GLM coupling (|β|)', auroc: 0.9, auprc: 0.6, prevalence: 0.1, hubSpearman: null, directionAuroc: null },
    ]);
    expect(lines[0]).toMatch(/Best connectivity AUROC .*: Poisson GLM coupling \(\|β\|\), 0\.900/);
    expect(lines[1]).toMatch(/beats Cross-correlogram peak .*goal is met/);
    expect(lines[2]).toMatch(/loses to Poisson GLM coupling/);
    expect(lines[3]).toMatch(/hubs recovered/);
    expect(lines[4]).toMatch(/direction not recovered/);
  });
});
