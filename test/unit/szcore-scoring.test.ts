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
  eventsToMask,
  maskToEvents,
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
