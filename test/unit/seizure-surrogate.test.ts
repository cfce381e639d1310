import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EdfReader } from '../../main/io/edf/index.js';
import type { LabelledSegment, SegmentCollection } from '../../main/io/segments/types.js';
import { readSzcoreTsv, seizureEvents } from '../../main/pipelines/seizure/scoring/index.js';
import { buildSurrogate, edfRecordLayout, writeSurrogateEdf, writeSurrogateFiles, type SurrogateOptions, type SurrogateRecording } from '../../main/pipelines/seizure/surrogate.js';
import { seededRandom } from '../../shared/random.js';

const BONN_RATE = 173.61;

/** Synthetic segments: background ±DC offset + 10 Hz, ictal large 5 Hz; each seeded noise so segments differ. */
function collection(rateHz: number, segmentSamples: number, counts = { background: 12, ictal: 6 }, source = '/synthetic'): SegmentCollection {
  const random = seededRandom(7);
  const make = (label: string, group: string, k: number): LabelledSegment => {
    const samples = new Float32Array(segmentSamples);
    const ictal = label === 'ictal';
    const offset = (k % 2 ? 1 : -1) * (20 + 5 * k);
    for (let i = 0; i < segmentSamples; i++) {
      const t = i / rateHz;
      samples[i] = ictal ? 300 * Math.sin(2 * Math.PI * 5 * t + k) + 20 * (random() - 0.5) : offset + 30 * Math.sin(2 * Math.PI * 10 * t + k) + 10 * (random() - 0.5);
    }
    return { id: `${group}/${k}`, file: `${source}/${group}/${k}.txt`, label, group, rateHz, samples };
  };
  const segments = [
    ...Array.from({ length: counts.background }, (_, k) => make('interictal', k % 2 ? 'C' : 'D', k)),
    ...Array.from({ length: counts.ictal }, (_, k) => make('ictal', 'E', k)),
    make('healthy', 'A', 99),
  ];
  return { format: 'bonn', source, labels: ['healthy', 'ictal', 'interictal'], segments, notes: [] };
}

/** 10 s segments at Bonn's rate; one hour with seizures every 2–6 min. */
const SHORT: SurrogateOptions = { durationS: 3600, seed: 1, gapS: [120, 360], seizureDurationS: [20, 60] };
const bonnLike = collection(BONN_RATE, 1736);

function segmentOf(c: SegmentCollection, id: string): LabelledSegment {
  return c.segments.find((s) => s.id === id)!;
}

describe('buildSurrogate', () => {
  const r = buildSurrogate(bonnLike, SHORT);

  it('is reproducible from its seed and changes with it', () => {
    const again = buildSurrogate(bonnLike, SHORT);
    expect(Buffer.from(again.samples.buffer).equals(Buffer.from(r.samples.buffer))).toBe(true);
    expect(again.pieces).toEqual(r.pieces);
    expect(again.seizures).toEqual(r.seizures);
    const other = buildSurrogate(bonnLike, { ...SHORT, seed: 2 });
    expect(other.pieces.map((p) => p.segmentId)).not.toEqual(r.pieces.map((p) => p.segmentId));
  });

  it('has whole EDF records of the rate and at least the duration asked', () => {
    expect(r.rateHz).toBe(BONN_RATE);
    expect(r.samples.length % 17361).toBe(0);
    expect(r.samples.length).toBe(36 * 17361); // 3600 s is 36 records of 100 s
    expect(r.durationS).toBe(3600);
  });

  it('places pieces back to back, overlapping by the fade, and keeps their samples outside the fades', () => {
    const fade = Math.round(0.5 * BONN_RATE);
    expect(r.pieces[0]!.startSample).toBe(0);
    r.pieces.forEach((p, k) => {
      const segment = segmentOf(bonnLike, p.segmentId);
      if (k > 0) {
        const prev = r.pieces[k - 1]!;
        expect(p.startSample).toBe(prev.startSample + prev.lengthSamples - fade);
      }
      const last = k === r.pieces.length - 1;
      expect(p.lengthSamples).toBe(last ? r.samples.length - p.startSample : segment.samples.length);
      // Between the fades the output is the segment itself (sign-inverted where flipped).
      const to = last ? p.lengthSamples : p.lengthSamples - fade;
      let mismatches = 0;
      for (let j = k > 0 ? fade : 0; j < to; j++) if (r.samples[p.startSample + j] !== Math.fround(p.polarity * segment.samples[j]!)) mismatches++;
      expect(mismatches).toBe(0);
      expect(p.role === 'seizure' ? 'ictal' : 'interictal').toBe(p.label);
    });
    expect(r.pieces.some((p) => p.label === 'healthy')).toBe(false);
  });

  it('puts every seizure event exactly at the joins around its run of ictal pieces', () => {
    expect(r.seizures.length).toBeGreaterThanOrEqual(5);
    expect(r.events).toEqual(r.seizures.map((s) => [s.onsetS, s.offsetS]));
    r.seizures.forEach((s, index) => {
      const run = r.pieces.map((p, k) => ({ p, k })).filter(({ p }) => p.seizure === index);
      const first = run[0]!.k;
      const last = run[run.length - 1]!.k;
      expect(run.map(({ k }) => k)).toEqual(Array.from({ length: run.length }, (_, i) => first + i));
      expect(s.segmentIds).toEqual(run.map(({ p }) => p.segmentId));
      expect(r.joins[first - 1]!.kind).toBe('background→seizure');
      expect(r.joins[last]!.kind).toBe('seizure→background');
      expect(s.onsetSample).toBe(r.joins[first - 1]!.centreSample);
      expect(s.offsetSample).toBe(r.joins[last]!.centreSample);
      expect(s.onsetS).toBe(Math.round((s.onsetSample / BONN_RATE) * 100) / 100);
      expect(s.offsetS).toBe(Math.round((s.offsetSample / BONN_RATE) * 100) / 100);
      // The wanted length (20–60 s) in whole 10 s segments: within one segment step of the range.
      const step = (1736 - 87) / BONN_RATE;
      expect(s.offsetS - s.onsetS).toBeGreaterThanOrEqual(step - 0.01);
      expect(s.offsetS - s.onsetS).toBeLessThanOrEqual(60 + step / 2 + 0.01);
    });
    // Background of at least the smallest gap before each seizure, and the tail after the last.
    let previousEnd = 0;
    for (const s of r.seizures) {
      expect(s.onsetS - previousEnd).toBeGreaterThanOrEqual(120 - 1);
      previousEnd = s.offsetS;
    }
    expect(r.durationS - previousEnd).toBeGreaterThanOrEqual(60);
    // Every sample inside an ictal run is ictal material: no background piece overlaps a seizure's middle.
    for (const s of r.seizures) {
      const mid = Math.round((s.onsetSample + s.offsetSample) / 2);
      const covering = r.pieces.filter((p) => p.startSample <= mid && mid < p.startSample + p.lengthSamples);
      expect(covering.every((p) => p.role === 'seizure')).toBe(true);
    }
  });

  it('records every join with its fade, and no join is a step', () => {
    expect(r.joins.length).toBe(r.pieces.length - 1);
    const fade = Math.round(0.5 * BONN_RATE);
    let withinSegments = 0;
    for (const p of r.pieces) {
      const x = segmentOf(bonnLike, p.segmentId).samples;
      for (let j = 1; j < x.length; j++) withinSegments = Math.max(withinSegments, Math.abs(x[j]! - x[j - 1]!));
    }
    let atJoins = 0;
    let buttJoins = 0;
    for (const join of r.joins) {
      const from = segmentOf(bonnLike, join.fromSegment).samples;
      buttJoins = Math.max(buttJoins, Math.abs(segmentOf(bonnLike, join.toSegment).samples[0]! - from[from.length - 1]!));
      expect(join.fadeSamples).toBe(fade);
      expect(join.fadeStartSample).toBe(r.pieces[join.piece + 1]!.startSample);
      for (let i = join.fadeStartSample - 1; i < join.fadeStartSample + fade + 1; i++) atJoins = Math.max(atJoins, Math.abs(r.samples[i + 1]! - r.samples[i]!));
    }
    // Joined end to end, offsets (±20–75 µV) and the 300 µV ictal waves would jump. Through an
    // equal-power fade the slope is at most √2 × the steepest segment's (cos·a′ + sin·b′), plus the
    // small terms of the moving weights.
    expect(buttJoins).toBeGreaterThan(withinSegments * 2);
    expect(atJoins).toBeLessThanOrEqual(withinSegments * 1.5);
  });

  it('cross-fades means linearly (no overshoot) and keeps the variance of unrelated signals', () => {
    const n = 4000;
    const constant = (id: string, label: string, value: number): LabelledSegment => ({ id, file: `/c/${id}`, label, group: label, rateHz: 200, samples: new Float32Array(n).fill(value) });
    const c: SegmentCollection = { format: 'labels-csv', source: '/c', labels: ['ictal', 'interictal'], segments: [constant('a', 'interictal', 100), constant('b', 'interictal', -50), constant('z', 'ictal', 0)], notes: [] };
    const s = buildSurrogate(c, { durationS: 60, seed: 3, gapS: [1000, 2000], flipPolarity: false });
    const join = s.joins[0]!;
    const from = join.fromSegment === 'a' ? 100 : -50;
    const to = join.toSegment === 'a' ? 100 : -50;
    for (let j = 0; j < join.fadeSamples; j++) {
      const t = (j + 0.5) / join.fadeSamples;
      expect(s.samples[join.fadeStartSample + j]).toBeCloseTo(from + t * (to - from), 3);
    }
    // Two independent noises: the power through the fade stays that of the segments (equal power).
    const random = seededRandom(11);
    const noise = (id: string): LabelledSegment => ({ id, file: `/n/${id}`, label: 'interictal', group: 'n', rateHz: 200, samples: Float32Array.from({ length: 400 }, () => random() - 0.5) });
    const nc: SegmentCollection = { format: 'labels-csv', source: '/n', labels: ['ictal', 'interictal'], segments: [...Array.from({ length: 40 }, (_, k) => noise(`n${k}`)), { ...noise('i'), label: 'ictal' }], notes: [] };
    const ns = buildSurrogate(nc, { durationS: 3000, seed: 5, gapS: [9000, 9999], fadeS: 0.5 });
    let inFade = 0;
    let count = 0;
    for (const j of ns.joins) for (let i = j.fadeStartSample; i < j.fadeStartSample + j.fadeSamples; i++, count++) inFade += ns.samples[i]! ** 2;
    expect(inFade / count).toBeGreaterThan((1 / 12) * 0.9); // uniform(−½, ½) has variance 1/12
    expect(inFade / count).toBeLessThan((1 / 12) * 1.1);
  });

  it('repeats segments as a shuffled deck: all used before any is reused, never back to back, first use as recorded', () => {
    const long = buildSurrogate(bonnLike, { ...SHORT, durationS: 7200 });
    const background = long.pieces.filter((p) => p.role === 'background');
    const uses = new Map<string, number>();
    for (const p of background) uses.set(p.segmentId, (uses.get(p.segmentId) ?? 0) + 1);
    expect(uses.size).toBe(12);
    const counts = [...uses.values()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    for (let k = 1; k < long.pieces.length; k++) expect(long.pieces[k]!.segmentId).not.toBe(long.pieces[k - 1]!.segmentId);
    expect(long.pieces.filter((p) => p.use === 0).every((p) => p.polarity === 1)).toBe(true);
    expect(long.pieces.some((p) => p.polarity === -1)).toBe(true);
    const unflipped = buildSurrogate(bonnLike, { ...SHORT, durationS: 7200, flipPolarity: false });
    expect(unflipped.pieces.every((p) => p.polarity === 1)).toBe(true);
  });

  it('refuses what cannot make a surrogate, naming the file or field', () => {
    const mixed: SegmentCollection = { ...bonnLike, segments: [...bonnLike.segments, { ...bonnLike.segments[0]!, id: 'x', file: '/synthetic/x.txt', rateHz: 200 }] };
    expect(() => buildSurrogate(mixed, SHORT)).toThrow(/\/synthetic\/x\.txt: sampled at 200 Hz/);
    const noIctal: SegmentCollection = { ...bonnLike, segments: bonnLike.segments.filter((s) => s.label !== 'ictal') };
    expect(() => buildSurrogate(noIctal, SHORT)).toThrow(/no segment labelled "ictal" in \/synthetic/);
    const short = collection(200, 150);
    expect(() => buildSurrogate(short, SHORT)).toThrow(/150 samples is too short for a 100-sample fade/);
    expect(() => buildSurrogate(bonnLike, { ...SHORT, durationS: 0 })).toThrow(/durationS/);
    expect(() => buildSurrogate(bonnLike, { ...SHORT, gapS: [600, 60] })).toThrow(/gapS/);
    expect(() => buildSurrogate(bonnLike, { ...SHORT, backgroundLabels: ['ictal'] })).toThrow(/cannot also be background/);
  });
});

describe('edfRecordLayout', () => {
  it('finds the shortest whole-second record that gives the rate back exactly', () => {
    expect(edfRecordLayout(173.61)).toEqual({ recordDurationS: 100, samplesPerRecord: 17361 });
    expect(edfRecordLayout(200)).toEqual({ recordDurationS: 1, samplesPerRecord: 200 });
    expect(edfRecordLayout(256)).toEqual({ recordDurationS: 1, samplesPerRecord: 256 });
    expect(edfRecordLayout(512.5)).toEqual({ recordDurationS: 2, samplesPerRecord: 1025 });
    expect(() => edfRecordLayout(Math.PI * 100)).toThrow(/cannot be stored exactly in EDF/);
  });
});

describe('surrogate EDF+ and events TSV', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cajal-surrogate-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  function checkRoundTrip(r: SurrogateRecording, file: string) {
    const reader = EdfReader.open(file);
    try {
      const signals = reader.dataSignals();
      expect(signals).toHaveLength(1);
      expect(signals[0]!.sampleRateHz).toBe(r.rateHz);
      expect(reader.durationS).toBe(r.durationS);
      const annotations = reader.annotations().filter((a) => a.text === 'seizure');
      expect(annotations.map((a) => a.onsetS)).toEqual(r.seizures.map((s) => s.onsetS));
      annotations.forEach((a, i) => expect(Math.abs(a.onsetS + a.durationS - r.seizures[i]!.offsetS)).toBeLessThan(1e-7));
      const data = reader.readWindow(0, r.durationS, [signals[0]!.index]).data[0]!;
      expect(data.length).toBe(r.samples.length);
      const { physicalMax, physicalMin } = signals[0]!.signal;
      const step = (physicalMax - physicalMin) / 65535;
      let worst = 0;
      for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - r.samples[i]!));
      expect(worst).toBeLessThanOrEqual(step / 2 + 1e-6);
    } finally {
      reader.close();
    }
  }

  it('round-trips a 173.61 Hz surrogate through the project EDF reader: rate, length, annotations, samples', () => {
    const r = buildSurrogate(bonnLike, SHORT);
    const file = writeSurrogateEdf(join(folder, 'bonn.edf'), r);
    checkRoundTrip(r, file);
  });

  it('writes the EDF+, the SzCORE events TSV and the layout JSON together, at 200 Hz too', () => {
    const delhiLike = collection(200, 1024, { background: 10, ictal: 10 });
    const r = buildSurrogate(delhiLike, { ...SHORT, durationS: 1800 });
    expect(r.seizures.length).toBeGreaterThan(0);
    const files = writeSurrogateFiles(folder, 'delhi_surrogate_1', r);
    checkRoundTrip(r, files.edf);
    const tsv = readSzcoreTsv(files.events);
    expect(tsv.events.every((e) => e.eventType === 'sz' && e.recordingDurationS === r.durationS && e.dateTime === '2000-01-01 00:00:00')).toBe(true);
    const events = seizureEvents(tsv);
    expect(events.map((e) => e[0])).toEqual(r.seizures.map((s) => s.onsetS));
    events.forEach((e, i) => expect(e[1]).toBeCloseTo(r.seizures[i]!.offsetS, 9));
    const layout = JSON.parse(readFileSync(files.layout, 'utf8'));
    expect(layout.note).toMatch(/not a continuous recording/);
    expect(layout.joins).toHaveLength(r.joins.length);
    expect(() => writeSurrogateFiles(folder, 'delhi_surrogate_1', r)).toThrow(/exists/);
    expect(() => writeSurrogateFiles(folder, 'delhi_surrogate_1', r, { overwrite: true })).not.toThrow();
  });

  it('never writes inside the folder the segments came from', () => {
    const source = join(folder, 'segments');
    mkdirSync(source);
    const r = buildSurrogate(collection(200, 1024, { background: 4, ictal: 4 }, source), { ...SHORT, durationS: 600 });
    expect(() => writeSurrogateFiles(source, 'x', r, { protectedPaths: [{ path: source, kind: 'source' }] })).toThrow(/inside the source recording/);
    expect(() => writeSurrogateFiles(folder, '../x', r)).toThrow(/not a plain file name/);
  });
});
