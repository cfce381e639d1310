/**
 * Scoring detectors on surrogate recordings the way SzCORE scores a dataset: each surrogate's
 * seizures and the detector's events become SzCORE annotations (as the TSV files would hold them),
 * `scoreRecording` scores them sample-based (1 Hz) and event-based (30 s / 60 s tolerance, 90 s
 * merge, 300 s split), and the counts of all surrogates of a collection are summed before the
 * metrics are computed (one "subject" per collection: they are all made from the same segments).
 */
import { annotationsFromEvents, computeMetrics, scoreRecording, sumCounts, type ScoringCounts, type ScoringMetrics, type SeizureAnnotations, type TimeEvent } from '../scoring/index.js';
import { ValidationError } from '../../../errors.js';
import type { SurrogateRecording } from './types.js';

export interface SurrogateDetector {
  /** Shown in the table, e.g. 'classical, per-channel'. */
  name: string;
  /** Seizure events `[onsetS, endS)` the detector finds in the recording (timed by the caller). */
  detect(recording: SurrogateRecording): Promise<TimeEvent[]> | TimeEvent[];
}

export interface SurrogateScore {
  collection: string;
  detector: string;
  surrogates: number;
  hours: number;
  /** Segments the surrogates were made from: background and ictal. */
  segments: { background: number; seizure: number };
  event: ScoringCounts & ScoringMetrics;
  sample: ScoringCounts & ScoringMetrics;
  /** Seconds spent in `detect`, all surrogates together. */
  detectionS: number;
  /** Recording time per detection time. */
  realTimeFactor: number;
}

function asAnnotations(events: readonly TimeEvent[], durationS: number, file: string): SeizureAnnotations {
  return { file, format: 'szcore', events: annotationsFromEvents(events, durationS) };
}

/** Scores one detector's events against one surrogate's seizures (SzCORE, per recording). */
export function scoreOnSurrogate(recording: SurrogateRecording, hypothesis: readonly TimeEvent[], name = 'surrogate') {
  const ref = asAnnotations(recording.events, recording.durationS, `${name} (reference)`);
  const hyp = asAnnotations(hypothesis, recording.durationS, `${name} (detections)`);
  return scoreRecording(ref, hyp);
}

/** Runs `detector` on every surrogate of a collection and sums the SzCORE counts. */
export async function scoreDetectorOnSurrogates(collection: string, recordings: readonly SurrogateRecording[], detector: SurrogateDetector): Promise<SurrogateScore> {
  if (recordings.length === 0) throw new ValidationError('recordings', `no surrogate of ${collection} to score`);
  const event: ScoringCounts[] = [];
  const sample: ScoringCounts[] = [];
  let detectionS = 0;
  let hours = 0;
  for (const recording of recordings) {
    const started = performance.now();
    const hypothesis = await detector.detect(recording);
    detectionS += (performance.now() - started) / 1000;
    hours += recording.durationS / 3600;
    const scored = scoreOnSurrogate(recording, hypothesis, `${collection} seed ${recording.options.seed}`);
    event.push(scored.event);
    sample.push(scored.sample);
  }
  const eventSum = sumCounts(event);
  const sampleSum = sumCounts(sample);
  return {
    collection,
    detector: detector.name,
    surrogates: recordings.length,
    hours,
    segments: { background: recordings[0]!.source.backgroundSegments, seizure: recordings[0]!.source.seizureSegments },
    event: { ...eventSum, ...computeMetrics(eventSum) },
    sample: { ...sampleSum, ...computeMetrics(sampleSum) },
    detectionS,
    realTimeFactor: (hours * 3600) / detectionS,
  };
}

const percent = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)} %`);

/** A row that could not be run, with the reason (e.g. the standard montage on one channel). */
export interface SurrogateRowNotRun {
  collection: string;
  segments: string;
  detector: string;
  reason: string;
}

/** The Markdown table of the README: one row per collection × detector. */
export function surrogateTable(scores: readonly SurrogateScore[], notRun: readonly SurrogateRowNotRun[] = []): string {
  const header = [
    'Collection',
    'Segments (bg + ictal)',
    'Detector',
    'Surrogates',
    'Seizures',
    'TP',
    'FP',
    'Sensitivity',
    'Precision',
    'F1',
    'False alarms / 24 h',
    'Sample F1',
    '× real time',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 3 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const s of scores) {
    lines.push(
      `| ${[
        s.collection,
        `${s.segments.background} + ${s.segments.seizure}`,
        s.detector,
        `${s.surrogates} × ${(s.hours / s.surrogates).toFixed(0)} h`,
        String(s.event.refTrue),
        String(s.event.tp),
        String(s.event.fp),
        percent(s.event.sensitivity),
        percent(s.event.precision),
        percent(s.event.f1),
        s.event.fpRate.toFixed(1),
        percent(s.sample.f1),
        `${Math.round(s.realTimeFactor).toLocaleString('en-US')}×`,
      ].join(' | ')} |`,
    );
  }
  for (const r of notRun) lines.push(`| ${r.collection} | ${r.segments} | ${r.detector} | ${r.reason} |${' |'.repeat(header.length - 4)}`);
  return lines.join('\n');
}
