/**
 * The calcium domain's service (main/domains/calcium): ΔF/F against a known baseline, the drawn
 * values per trace kind, payloads bounded by the columns asked for (never by the recording), the
 * frame rate stored with a recording (and used by other consumers), and what the real files give
 * the view: positions (zebrafish CSV, Suite2p stat) and behaviour (Flavell HDF5).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALCIUM_MAX_HEATMAP_VALUES } from '../../shared/api/index.js';
import { deltaFOverF, displayTraces, baselineWindowFrames, BASELINE_WINDOW_FRAMES_NO_RATE } from '../../main/domains/calcium/dff.js';
import { minMaxColumns } from '../../main/domains/calcium/decimate.js';
import { CalciumView } from '../../main/domains/calcium/view.js';
import { inspectCalcium } from '../../main/io/calcium/inspect.js';
import { readCalcium, withStoredFrameRate, type CalciumRecording } from '../../main/io/calcium/index.js';
import { Store } from '../../main/store/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

describe('ΔF/F', () => {
  it('is (F − F0)/F0 with F0 the maximin baseline: a flat 100 with transients of +50 gives 0.5 at the peaks and 0 between', () => {
    const frames = 3000;
    const raw = new Float64Array(frames).fill(100);
    // Short transients (5 frames) far apart: the running minimum over the window never sees them.
    const peaks = [400, 1200, 2100];
    for (const p of peaks) for (let t = p; t < p + 5; t++) raw[t] = 150;
    const dff = deltaFOverF(raw, null, 600);
    for (const p of peaks) expect(dff[p + 2]).toBeCloseTo(0.5, 5);
    expect(dff[100]).toBeCloseTo(0, 5);
    expect(dff[2900]).toBeCloseTo(0, 5);
  });

  it('follows a slow drift of the baseline (the window, not the whole trace, sets F0)', () => {
    const frames = 6000;
    // Baseline rising linearly 100 → 200; a transient of 0.3·F0 at frame 5000.
    const raw = Float64Array.from({ length: frames }, (_, t) => 100 + (100 * t) / frames);
    const f0At5000 = raw[5000]!;
    for (let t = 5000; t < 5004; t++) raw[t] = raw[t]! + 0.3 * f0At5000;
    const dff = deltaFOverF(raw, null, 300);
    expect(dff[5002]).toBeGreaterThan(0.27);
    expect(dff[5002]).toBeLessThan(0.33);
    expect(Math.abs(dff[1000]!)).toBeLessThan(0.02);
  });

  it('subtracts 0.7 × neuropil in the numerator and divides by the baseline of the uncorrected F', () => {
    const frames = 2000;
    const neuropil = Float64Array.from({ length: frames }, (_, t) => 50 + 20 * Math.sin(t / 30));
    const raw = Float64Array.from(neuropil, (n) => 100 + 0.7 * n);
    for (let t = 1000; t < 1005; t++) raw[t] = raw[t]! + 60;
    const dff = deltaFOverF(raw, neuropil, 400);
    // The neuropil's oscillation is gone; the transient is 60 over a baseline of F near 100 + 0.7·30.
    expect(Math.abs(dff[500]!)).toBeLessThan(0.01);
    expect(dff[1002]).toBeGreaterThan(60 / (100 + 0.7 * 70) - 0.02);
    expect(dff[1002]).toBeLessThan(60 / (100 + 0.7 * 30) + 0.02);
  });

  it('takes a 60 s window at the frame rate, 600 frames when it is unknown, never more than the recording', () => {
    expect(baselineWindowFrames(30, 100_000)).toBe(1800);
    expect(baselineWindowFrames(null, 100_000)).toBe(BASELINE_WINDOW_FRAMES_NO_RATE);
    expect(baselineWindowFrames(30, 500)).toBe(500);
  });

  const recordingOf = (traceKind: CalciumRecording['traceKind'], values: number[]): CalciumRecording => ({
    source: 'x', format: 'calcium-csv', cellCount: 1, frameCount: values.length, frameRateHz: null, timestampsS: null,
    traces: Float32Array.from(values), traceKind, neuropil: null, deconvolved: null, labels: [null], positions: null, isCell: null,
    assemblies: null, behaviour: null, warnings: [], description: '',
  });

  it('turns F/F20 into ΔF/F (minus 1) and shows ΔF/F, z-scores and unknown values as the file holds them, saying so', () => {
    const f20 = displayTraces(recordingOf('f-over-f20', [1, 1.5, 0.8]));
    expect(Array.from(f20.values).map((v) => Number(v.toFixed(5)))).toEqual([0, 0.5, -0.2]);
    expect(f20.note).toMatch(/F\/F20 − 1/);
    const z = displayTraces(recordingOf('zscore', [1, -2]));
    expect(Array.from(z.values)).toEqual([1, -2]);
    expect(z.label).toBe('z-score');
    const unknown = displayTraces(recordingOf('unknown', [3, 4]));
    expect(Array.from(unknown.values)).toEqual([3, 4]);
    expect(unknown.note).toMatch(/as the file holds them/);
  });
});

describe('min/max columns', () => {
  it('keeps each column’s extremes (a one-frame spike survives decimation) and marks an all-NaN column NaN', () => {
    const trace = Float32Array.from({ length: 1000 }, (_, t) => (t === 537 ? 9 : t >= 900 ? Number.NaN : 0));
    const min = new Float32Array(10);
    const max = new Float32Array(10);
    minMaxColumns(trace, 0, 1000, 10, min, max);
    expect(max[5]).toBe(9);
    expect(max[4]).toBe(0);
    expect(Number.isNaN(max[9]!)).toBe(true);
  });
});

describe('CalciumView (service)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    tmp = tempDir();
    store = Store.open(join(tmp.dir, 'p.cajal'));
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  /** Writes a cells × frames CSV (value = f(cell, frame)) and imports it; its recording id. */
  async function importCsv(name: string, cells: number, frames: number, value: (cell: number, frame: number) => number): Promise<number> {
    const file = join(tmp.dir, name);
    const lines: string[] = [];
    for (let c = 0; c < cells; c++) lines.push(Array.from({ length: frames }, (_, t) => value(c, t)).join(','));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const inspected = await inspectCalcium(file);
    return store.recordings.add({ ...inspected }).recording.id;
  }

  it('bounds the heat map by the columns asked for and by the total, however long the recording', async () => {
    const cells = 1100;
    const frames = 4000;
    const id = await importCsv('big.csv', cells, frames, (c, t) => (t % 97 === c % 97 ? 1 : 0));
    const view = new CalciumView(store);
    const narrow = await view.overview(id, 300);
    expect(narrow.columns).toBe(300);
    expect(narrow.heatmap.length).toBe(cells * 300);
    const wide = await view.overview(id, 4096);
    expect(wide.columns).toBe(Math.floor(CALCIUM_MAX_HEATMAP_VALUES / cells));
    expect(wide.heatmap.length).toBeLessThanOrEqual(CALCIUM_MAX_HEATMAP_VALUES);
  }, 60_000);

  it('pages traces as min/max per column over the window, never more columns than frames', async () => {
    const id = await importCsv('small.csv', 3, 500, (c, t) => (c === 1 && t === 250 ? 7 : c));
    const view = new CalciumView(store);
    const page = await view.page(id, [1, 2], 200, 300, 20);
    expect(page.columns).toBe(20);
    expect(page.min.length).toBe(2 * 20);
    expect(Math.max(...page.max.subarray(0, 20))).toBe(7);
    expect(Array.from(page.max.subarray(20, 40)).every((v) => v === 2)).toBe(true);
    const fewFrames = await view.page(id, [0], 0, 10, 4000);
    expect(fewFrames.columns).toBe(10);
    await expect(view.page(id, [3], 0, 10, 10)).rejects.toThrow(/past the 3 cells/);
    await expect(view.page(id, [0], 0, 501, 10)).rejects.toThrow(/not a window/);
  });

  it('stores a frame rate with a recording that lacks one, uses it everywhere, and restores the file’s on reset', async () => {
    const id = await importCsv('norate.csv', 2, 600, (c, t) => Math.sin(t / 10 + c));
    const view = new CalciumView(store);
    expect(view.list()[0]!.frameRateHz).toBeNull();
    expect((await view.overview(id, 100)).frameRateHz).toBeNull();

    const summary = view.setFrameRate(id, 4.8);
    expect(summary).toMatchObject({ frameRateHz: 4.8, frameRateSetByUser: true, fileFrameRateHz: null });
    const stored = store.recordings.get(id)!;
    expect(stored.metadata.sampleRateHz).toBe(4.8);
    expect(stored.metadata.durationS).toBeCloseTo(600 / 4.8, 6);
    expect((await view.overview(id, 100)).frameRateHz).toBe(4.8);
    // Another consumer (NTF) reading the file gets the stored rate through withStoredFrameRate.
    const read = withStoredFrameRate(await readCalcium(stored.sourcePath), stored.metadata);
    expect(read.frameRateHz).toBe(4.8);
    expect(read.timestampsS![600 - 1]).toBeCloseTo(599 / 4.8, 6);

    const reset = view.setFrameRate(id, null);
    expect(reset).toMatchObject({ frameRateHz: null, frameRateSetByUser: false });
    expect(store.recordings.get(id)!.metadata.sampleRateHz).toBe(0);
    expect((await view.overview(id, 100)).frameRateHz).toBeNull();
    expect(() => view.setFrameRate(id, -1)).toThrow(/positive/);
  });
});

const ZEBRAFISH = dataFile('calcium', 'zebrafish_tectum_triplett2018', 'zf_20170215-f3_activity_matrix.csv');
const SUITE2P = dataFile('calcium', 'suite2p_fissa_example', 'plane0');
const FLAVELL = dataFile('calcium', 'celegans_flavell_dag2023', '2022-07-26-31-data.h5');

if (!hasSharedData()) console.warn(`calcium view on real files skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('CalciumView on the real files', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let view: CalciumView;
  beforeEach(() => {
    tmp = tempDir();
    store = Store.open(join(tmp.dir, 'p.cajal'));
    view = new CalciumView(store);
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });
  const add = async (path: string) => store.recordings.add(await inspectCalcium(path)).recording.id;

  it('zebrafish CSV: 75 cells with positions from the coordinates file, no rate, values shown as the file holds them', async () => {
    const overview = await view.overview(await add(ZEBRAFISH), 1000);
    expect(overview.cellCount).toBe(75);
    expect(overview.frameCount).toBe(5660);
    expect(overview.positions!.length).toBe(75 * 3);
    expect(overview.frameRateHz).toBeNull();
    expect(overview.columns).toBe(1000);
    expect(overview.displayNote).toMatch(/as the file holds them/);
  });

  it('Suite2p: 23 ROIs at stat med positions with iscell, ΔF/F computed from F and Fneu', async () => {
    const overview = await view.overview(await add(SUITE2P), 2000);
    expect(overview.cellCount).toBe(23);
    expect(overview.columns).toBe(864);
    expect(overview.positions!.length).toBe(23 * 3);
    expect(overview.isCell!.length).toBe(23);
    expect(overview.displayLabel).toBe('ΔF/F');
    expect(overview.displayNote).toMatch(/0\.7·Fneu/);
    // ΔF/F around a baseline: its median sits near zero, its peaks above.
    const sorted = Array.from(overview.heatmap).filter(Number.isFinite).sort((a, b) => a - b);
    expect(Math.abs(sorted[Math.floor(sorted.length * 0.25)]!)).toBeLessThan(0.5);
    expect(sorted[sorted.length - 1]).toBeGreaterThan(0.2);
    // spks.npy, drawn as it is when asked for.
    expect(overview.hasDeconvolved).toBe(true);
    const spks = await view.overview(overview.recordingId, 864, 'deconvolved');
    expect(spks.displayLabel).toBe('deconvolved');
    expect(spks.displayNote).toMatch(/spks\.npy.*as the file holds it/);
    expect(Math.min(...spks.heatmap)).toBeGreaterThanOrEqual(0);
  });

  it('Flavell HDF5: behaviour per frame (velocity, head angle, reversals), ΔF/F from F/F20, NeuroPAL names', async () => {
    const id = await add(FLAVELL);
    const overview = await view.overview(id, 400);
    expect(overview.cellCount).toBe(146);
    const names = overview.behaviour.map((b) => b.name);
    expect(names).toEqual(expect.arrayContaining(['velocity', 'head_angle', 'reversal_vec', 'angular_velocity']));
    expect(names).not.toContain('body_angle');
    for (const b of overview.behaviour) expect(b.min.length).toBe(400);
    expect(overview.displayNote).toMatch(/F\/F20 − 1/);
    expect(overview.cellNames).toEqual(expect.arrayContaining(['AVAL']));
    expect(overview.positions).toBeNull();
    expect(overview.hasDeconvolved).toBe(false);
    await expect(view.overview(id, 400, 'deconvolved')).rejects.toThrow(/no deconvolved activity/);
    const page = await view.page(id, [0, 1], 100, 300, 50);
    expect(page.behaviour.find((b) => b.name === 'reversal_vec')!.max.length).toBe(50);
  });
});
