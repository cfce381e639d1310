/**
 * SzCORE scoring against the reference: every case of timescoring's own test suite (plus one with
 * SzCORE's defaults), with the numbers the Python library produced, exported to
 * ../shared/data/eeg/szcore/timescoring_cases.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  annotationFromEvents,
  annotationFromMask,
  evaluateDataset,
  eventsToMask,
  parseSzcoreTsv,
  maskToEvents,
  npNanMean,
  npNanStd,
  npSum,
  pyFormat2f,
  pyInt,
  pyRound,
  scoreEvents,
  scoreSamples,
  type Annotation,
  type TimeEvent,
} from '../../main/pipelines/seizure/scoring/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';

type Num = number | null;
interface ScoringCase {
  kind: 'sample' | 'event';
  name: string;
  input_fs: number;
  input: { ref: number[] | [number, number][]; hyp: number[] | [number, number][]; numSamples: number | null; as: 'mask' | 'events[s]' };
  params: Record<string, number>;
  result: {
    tp: number;
    fp: number;
    refTrue: number;
    numSamples: number;
    fs: number;
    sensitivity: Num;
    precision: Num;
    f1: Num;
    fpRate: Num;
    ref_events_scored: [number, number][];
    hyp_events_scored: [number, number][];
  };
  asserted: Record<string, Num>;
}
interface AnnotationCase {
  fs: number;
  mask: number[];
  events: [number, number][];
  events_from_mask: [number, number][];
  mask_from_events: number[];
}
interface Cases {
  scoring_cases: ScoringCase[];
  annotation_cases: AnnotationCase[];
}

const cases: Cases = hasSharedData()
  ? (JSON.parse(readFileSync(dataFile('eeg', 'szcore', 'timescoring_cases.json'), 'utf8')) as Cases)
  : { scoring_cases: [], annotation_cases: [] };

/** null in the file stands for NaN; other values must match to 1e-12 (counts exactly). */
function expectNumber(actual: number, expected: Num, what: string): void {
  if (expected === null) expect(Number.isNaN(actual), `${what} should be NaN, got ${actual}`).toBe(true);
  else expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12);
}

function expectEvents(actual: readonly TimeEvent[], expected: [number, number][], what: string): void {
  expect(actual.length, `${what} count`).toBe(expected.length);
  expected.forEach(([s, e], i) => {
    expectNumber(actual[i]![0], s, `${what}[${i}].start`);
    expectNumber(actual[i]![1], e, `${what}[${i}].end`);
  });
}

function annotationOf(c: ScoringCase, which: 'ref' | 'hyp'): Annotation {
  const data = c.input[which];
  if (c.input.as === 'mask') return annotationFromMask(data as number[], c.input_fs);
  return annotationFromEvents(data as [number, number][], c.input_fs, c.input.numSamples!);
}

function eventParams(c: ScoringCase) {
  return {
    toleranceStart: c.params.toleranceStart!,
    toleranceEnd: c.params.toleranceEnd!,
    minOverlap: c.params.minOverlap!,
    maxEventDuration: c.params.maxEventDuration!,
    minDurationBetweenEvents: c.params.minDurationBetweenEvents!,
  };
}

describe.skipIf(!hasSharedData())('timescoring 0.0.7 reference cases', () => {
  if (!hasSharedData()) it.skip(SKIP_NO_DATA, () => {});

  it('the case file holds scoring and annotation cases', () => {
    expect(cases.scoring_cases.length).toBeGreaterThanOrEqual(15);
    expect(cases.annotation_cases.length).toBeGreaterThanOrEqual(7);
  });

  describe.each(cases.scoring_cases.map((c) => [`${c.kind}: ${c.name}`, c] as const))('%s', (_, c) => {
    const score = () =>
      c.kind === 'sample'
        ? scoreSamples(annotationOf(c, 'ref'), annotationOf(c, 'hyp'), { fs: c.params.sample_fs! })
        : scoreEvents(annotationOf(c, 'ref'), annotationOf(c, 'hyp'), undefined, eventParams(c));

    it('counts, metrics and scored events match the reference', () => {
      const s = score();
      expect(s.tp).toBe(c.result.tp);
      expect(s.fp).toBe(c.result.fp);
      expect(s.refTrue).toBe(c.result.refTrue);
      expect(s.numSamples).toBe(c.result.numSamples);
      expect(s.fs).toBe(c.result.fs);
      for (const key of ['sensitivity', 'precision', 'f1', 'fpRate'] as const) expectNumber(s[key], c.result[key], key);
      for (const [key, value] of Object.entries(c.asserted)) expectNumber(s[key as 'sensitivity'], value, `asserted ${key}`);
      expectEvents(s.refEvents, c.result.ref_events_scored, 'ref events');
      expectEvents(s.hypEvents, c.result.hyp_events_scored, 'hyp events');
      expect(s.fn).toBe(c.result.refTrue - c.result.tp);
    });

    if (c.input.as === 'events[s]') {
      it('gives the same numbers from plain event lists and a duration', () => {
        const ref = c.input.ref as [number, number][];
        const hyp = c.input.hyp as [number, number][];
        const durationS = c.input.numSamples! / c.input_fs;
        const s =
          c.kind === 'sample'
            ? scoreSamples(ref, hyp, { fs: c.params.sample_fs!, durationS })
            : scoreEvents(ref, hyp, durationS, eventParams(c));
        expect([s.tp, s.fp, s.refTrue, s.numSamples]).toEqual([c.result.tp, c.result.fp, c.result.refTrue, c.result.numSamples]);
        for (const key of ['sensitivity', 'precision', 'f1', 'fpRate'] as const) expectNumber(s[key], c.result[key], key);
      });
    }
  });

  describe.each(cases.annotation_cases.map((c, i) => [`annotation case ${i + 1}: mask ${c.mask.join('')}`, c] as const))('%s', (_, c) => {
    it('events → mask and mask → events match the reference', () => {
      expect(Array.from(eventsToMask(c.events, c.fs, c.mask.length))).toEqual(c.mask_from_events);
      expectEvents(maskToEvents(c.mask, c.fs), c.events_from_mask, 'events');
      const fromMask = annotationFromMask(c.mask, c.fs);
      expect(Array.from(fromMask.mask)).toEqual(c.mask);
    });
  });
});

interface FuzzScores {
  tp: number;
  fp: number;
  refTrue: number;
  numSamples: number;
  sensitivity: Num;
  precision: Num;
  f1: Num;
  fpRate: Num;
}
interface FuzzFile {
  scoring: {
    fs: number;
    numSamples: number;
    as_mask: boolean;
    ref: string | [number, number][];
    hyp: string | [number, number][];
    sample_fs: number;
    params: Record<string, number>;
    sample: FuzzScores | null;
    event: FuzzScores & { ref_events: [number, number][]; hyp_events: [number, number][] };
  }[];
  reductions: { values: Num[]; sum: number; nanmean: Num; nanstd: Num }[];
  python_numbers: { x: number; round: number; f2: string; int: number }[];
}

/** Made with the reference itself by test/fixtures/szcore/generate_fuzz.py (awkward inputs on purpose). */
const fuzz = JSON.parse(readFileSync(new URL('../fixtures/szcore/fuzz_cases.json', import.meta.url), 'utf8')) as FuzzFile;

function expectScores(actual: { tp: number; fp: number; refTrue: number; numSamples: number; sensitivity: number; precision: number; f1: number; fpRate: number }, expected: FuzzScores, what: string): void {
  expect([actual.tp, actual.fp, actual.refTrue, actual.numSamples], what).toEqual([expected.tp, expected.fp, expected.refTrue, expected.numSamples]);
  for (const key of ['sensitivity', 'precision', 'f1', 'fpRate'] as const) expectNumber(actual[key], expected[key], `${what} ${key}`);
}

describe('differential cases generated with timescoring 0.0.7 (unsorted, nested, negative, past-the-end, tie-rounded events)', () => {
  it.each(fuzz.scoring.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const make = (data: string | [number, number][]): Annotation =>
      typeof data === 'string' ? annotationFromMask(Array.from(data, (ch) => (ch === '1' ? 1 : 0)), c.fs) : annotationFromEvents(data, c.fs, c.numSamples);
    const ref = make(c.ref);
    const hyp = make(c.hyp);
    if (c.sample) expectScores(scoreSamples(ref, hyp, { fs: c.sample_fs }), c.sample, 'sample');
    const e = scoreEvents(ref, hyp, undefined, c.params);
    expectScores(e, c.event, 'event');
    expectEvents(e.refEvents, c.event.ref_events, 'ref events');
    expectEvents(e.hypEvents, c.event.hyp_events, 'hyp events');
  });

  it('NumPy pairwise sums, nanmean and nanstd bit for bit', () => {
    for (const r of fuzz.reductions) {
      const values = r.values.map((v) => v ?? Number.NaN);
      expect(npSum(values.map((v) => (Number.isNaN(v) ? 0 : v)))).toBe(r.sum);
      const mean = npNanMean(values);
      const std = npNanStd(values);
      if (r.nanmean === null) expect(mean).toBeNaN();
      else expect(mean).toBe(r.nanmean);
      if (r.nanstd === null) expect(std).toBeNaN();
      else expect(std).toBe(r.nanstd);
    }
  });

  it("Python's round(), int() and '{:.2f}'", () => {
    for (const n of fuzz.python_numbers) {
      expect(pyRound(n.x), `round(${n.x})`).toBe(n.round);
      expect(pyInt(n.x), `int(${n.x})`).toBe(n.int);
      expect(pyFormat2f(n.x), `'{:.2f}'.format(${n.x})`).toBe(n.f2);
    }
  });
});

describe('reference quirks, spelled out', () => {
  it('merging keeps the later event end, even when it is nested in the previous event', () => {
    const s = scoreEvents([[0, 100], [10, 20]], [], 600, { minDurationBetweenEvents: 0 });
    expect(s.refEvents).toEqual([[0, 20]]);
  });

  it('merges before splitting: two 200 s seizures 60 s apart become one 460 s event, split in two', () => {
    const s = scoreEvents([[100, 300], [360, 560]], [[100, 110]], 3600);
    expect(s.refEvents).toEqual([[100, 400], [400, 560]]);
    expect(s.refTrue).toBe(2);
    expect(s.tp).toBe(1);
  });

  it('the tolerance window is clipped at the recording edges', () => {
    // Detection 25 s before a seizure at 20 s: the window [max(0, 20-30), 80) = [0, 80) contains it.
    expect(scoreEvents([[20, 30]], [[0, 1]], 3600).tp).toBe(1);
  });

  it('one long detection covering three seizures counts 3 TP and no FP', () => {
    const s = scoreEvents([[100, 110], [300, 310], [500, 510]], [[90, 520]], 3600, { maxEventDuration: 1000 });
    expect([s.tp, s.fp, s.refTrue]).toEqual([3, 0, 3]);
  });

  it('event bounds are rounded half to even on the 10 Hz grid', () => {
    // In floating point 0.25 * 10 = 2.5 -> 2, 0.35 * 10 = 3.5 -> 4 and 0.45 * 10 = 4.5 -> 4 (Math.round: 3, 4, 5).
    expect(Array.from(eventsToMask([[0.25, 0.35]], 10, 6))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(eventsToMask([[0.35, 0.45]], 10, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('F1 is 0, not NaN, when there are reference events but no detections', () => {
    const s = scoreEvents([[40, 60]], [], 3600);
    expect(s.precision).toBeNaN();
    expect(s.f1).toBe(0);
    expect(scoreEvents([], [], 3600).f1).toBeNaN();
  });
});

interface DatasetFile {
  datasets: {
    files: { path: string; ref: string; hyp: string | null }[];
    results: Record<'per_subject' | 'cumulated', Record<'sample_results' | 'event_results', Record<string, Num>>>;
  }[];
}

/** Made with szcore-evaluation (8edbc79) itself by test/fixtures/szcore/generate_dataset.py. */
const datasets = JSON.parse(readFileSync(new URL('../fixtures/szcore/dataset_cases.json', import.meta.url), 'utf8')) as DatasetFile;

describe('per-subject and dataset aggregation, against szcore-evaluation on synthetic datasets', () => {
  it.each(datasets.datasets.map((d, i) => [i, d] as const))('dataset %i', (_, d) => {
    const recordings = d.files.map((f) => ({
      subject: f.path.split('/')[0]!,
      ref: parseSzcoreTsv(f.ref, `ref/${f.path}`),
      hyp: f.hyp === null ? null : parseSzcoreTsv(f.hyp, `hyp/${f.path}`),
    }));
    for (const [mode, avgPerSubject] of [['per_subject', true], ['cumulated', false]] as const) {
      const result = evaluateDataset(recordings, { avgPerSubject });
      for (const [kind, key] of [['sample', 'sample_results'], ['event', 'event_results']] as const) {
        const expected = d.results[mode][key];
        for (const metric of ['sensitivity', 'precision', 'f1', 'fpRate'] as const) {
          expectNumber(result[kind][metric], expected[metric]!, `${mode} ${kind} ${metric}`);
          if (avgPerSubject) expectNumber(result[kind][`${metric}Std`]!, expected[`${metric}_std`]!, `${mode} ${kind} ${metric}_std`);
        }
      }
    }
  });
});
