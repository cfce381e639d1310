/**
 * The simulated retina (main/pipelines/mds/simulate): deterministic in its seed, ≥ 8 planted types,
 * written as a folder the spikes reader imports as one recording (types as cell types, stimulus
 * changes) with stimulus.npy and simulation.json, read back by loadSimulation; new cells respond to
 * clips as their type should.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../main/io/npy.js';
import { readSpikes } from '../../main/io/spikes/index.js';
import { fingerprint } from '../../main/pipelines/mds/simulate/write.js';
import {
  drawNewCells,
  loadSimulation,
  respondToStimulus,
  simulateRetina,
  writeSimulatedRetina,
  type SimulatedRetina,
} from '../../main/pipelines/mds/simulate/index.js';

const SMALL = { seed: 11, cellsPerType: 3, noiseS: 10, testS: 2, testRepeats: 2, trials: 2 } as const;
const root = mkdtempSync(join(tmpdir(), 'cajal-mds-sim-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A full-field flash clip: `before` grey frames then `on` frames at `value` on both channels. */
function flash(sim: SimulatedRetina, value: number, before = 5, on = 10): Float32Array {
  const frameSize = sim.shape.height * sim.shape.width * sim.shape.channels;
  const clip = new Float32Array((before + on) * frameSize);
  clip.fill(value, before * frameSize);
  return clip;
}

describe('simulated retina', () => {
  const sim = simulateRetina(SMALL);

  it('is deterministic in its seed and plants ≥ 8 types', () => {
    const again = simulateRetina(SMALL);
    expect(fingerprint(again.stimulus, again.counts)).toBe(fingerprint(sim.stimulus, sim.counts));
    const other = simulateRetina({ ...SMALL, seed: 12 });
    expect(fingerprint(other.stimulus, other.counts)).not.toBe(fingerprint(sim.stimulus, sim.counts));
    expect(sim.types.length).toBeGreaterThanOrEqual(8);
    expect(new Set(sim.types.map((t) => t.name)).size).toBe(sim.types.length);
    expect(sim.cells.length).toBe(8 * 3);
    expect(simulateRetina({ ...SMALL, types: 16 }).types.map((t) => t.size)).toContain('small');
    expect(sim.shape).toMatchObject({ height: 8, width: 8, channels: 2, frameRateHz: 30, channelNames: ['green', 'uv'] });
    expect(sim.stimulus.length).toBe(sim.shape.frames * 8 * 8 * 2);
  });

  it('has disjoint train / validation / test frames and protocols with whole trials', () => {
    const mark = new Uint8Array(sim.shape.frames);
    const paint = (ranges: readonly (readonly [number, number])[], v: number): void => {
      for (const [a, b] of ranges) for (let f = a; f < b; f++) {
        expect(mark[f]).toBe(0);
        mark[f] = v;
      }
    };
    paint(sim.trainRanges, 1);
    paint(sim.validationRanges, 2);
    paint(sim.test.trialStarts.map((s) => [s, s + sim.test.lengthFrames] as const), 3);
    expect(mark.every((v) => v > 0)).toBe(true);
    expect(sim.protocols.map((p) => p.name)).toEqual(['chirp', 'colour steps', 'moving bars']);
    for (const p of sim.protocols) expect(p.trialStarts.length).toBe(SMALL.trials);
  });

  it('fires at plausible rates (1–40 Hz per cell on average)', () => {
    const n = sim.cells.length;
    for (let i = 0; i < n; i++) {
      let spikes = 0;
      for (let f = 0; f < sim.shape.frames; f++) spikes += sim.counts[f * n + i]!;
      const hz = spikes / (sim.shape.frames / 30);
      expect(hz).toBeGreaterThan(1);
      expect(hz).toBeLessThan(40);
    }
  });

  it('ON cells answer a bright flash, OFF cells a dark one; green cells a green flash more than a UV one', () => {
    const cells = drawNewCells(sim, 2, 99);
    const mean = (counts: Float32Array, frames: number, cell: number, from: number): number => {
      let s = 0;
      for (let f = from; f < frames; f++) s += counts[f * cells.length + cell]!;
      return s / (frames - from);
    };
    const bright = respondToStimulus(sim, cells, flash(sim, 1), { rates: true });
    const dark = respondToStimulus(sim, cells, flash(sim, -1), { rates: true });
    cells.forEach((cell, i) => {
      const type = sim.types[cell.typeIndex]!;
      const onMinusOff = mean(bright, 15, i, 5) - mean(dark, 15, i, 5);
      expect(Math.sign(onMinusOff)).toBe(type.polarity);
    });
    const frameSize = 8 * 8 * 2;
    const green = new Float32Array(15 * frameSize);
    const uv = new Float32Array(15 * frameSize);
    for (let f = 5; f < 15; f++) for (let p = 0; p < 64; p++) {
      green[f * frameSize + p * 2] = 1;
      uv[f * frameSize + p * 2 + 1] = 1;
    }
    const g = respondToStimulus(sim, cells, green, { rates: true });
    const u = respondToStimulus(sim, cells, uv, { rates: true });
    cells.forEach((cell, i) => {
      const type = sim.types[cell.typeIndex]!;
      if (type.polarity < 0) return;
      const greenMinusUv = mean(g, 15, i, 5) - mean(u, 15, i, 5);
      expect(greenMinusUv > 0).toBe(type.colour === 0);
    });
    // Poisson counts: integers, seeded.
    const counts = respondToStimulus(sim, cells, flash(sim, 1), { seed: 5 });
    expect(counts.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    expect(Array.from(respondToStimulus(sim, cells, flash(sim, 1), { seed: 5 }))).toEqual(Array.from(counts));
  });

  it('writes a folder the spikes reader imports as one recording, and loads back', async () => {
    const folder = join(root, 'sim');
    const { spikes } = writeSimulatedRetina(folder, sim);
    const read = await readSpikes(folder);
    expect(read.format).toBe('npy-spike-trains');
    expect(read.times.length).toBe(sim.cells.length);
    expect(read.cellTypes).toEqual(sim.cells.map((c) => sim.types[c.typeIndex]!.name));
    expect(read.times.reduce((s, t) => s + t.length, 0)).toBe(spikes);
    const changes = read.events.find((e) => e.name === 'stimulus changes')!;
    expect(changes.times.length).toBe(sim.changeFrames.length);
    // Spike times fall in the frames whose counts made them.
    const n = sim.cells.length;
    const cell = 4;
    const perFrame = new Float32Array(sim.shape.frames);
    for (const t of read.times[cell]!) perFrame[Math.floor(t * 30)]!++;
    for (let f = 0; f < sim.shape.frames; f++) expect(perFrame[f]).toBe(sim.counts[f * n + cell]);
    const stimulus = await readNpy(join(folder, 'stimulus.npy'));
    expect(stimulus.shape).toEqual([sim.shape.frames, 8, 8, 2]);
    expect(stimulus.dtype).toBe('float32');
    const back = loadSimulation(folder)!;
    expect(fingerprint(back.stimulus, back.counts)).toBe(fingerprint(sim.stimulus, sim.counts));
    expect(loadSimulation(join(folder, 'spikes.npy'))).not.toBeNull();
    expect(() => writeSimulatedRetina(folder, sim)).toThrow(/not empty/);
  });

  it('loadSimulation: null without simulation.json, refuses a changed simulation', () => {
    const empty = join(root, 'none');
    mkdirSync(empty);
    expect(loadSimulation(empty)).toBeNull();
    const folder = join(root, 'sim');
    const file = join(folder, 'simulation.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.fingerprint = '00000000';
    const changed = join(root, 'changed');
    mkdirSync(changed);
    writeFileSync(join(changed, 'simulation.json'), JSON.stringify(json));
    expect(() => loadSimulation(changed)).toThrow(/another version/);
    writeFileSync(join(changed, 'simulation.json'), '{"format":"other"}');
    expect(() => loadSimulation(changed)).toThrow(/not a Cajal simulated-retina/);
  });

  it('refuses bad options with the field named', () => {
    expect(() => simulateRetina({ types: 4 })).toThrow(/types/);
    expect(() => simulateRetina({ noiseS: -1 })).toThrow(/noiseS/);
    expect(() => simulateRetina({ noiseS: 3600, height: 32, width: 32 })).toThrow(/more than/);
  });
});
