/**
 * `cajal seizure score REF HYP`: scores a hypothesis annotation file against a reference one the
 * way the SzCORE benchmark scores one recording (event-based with the default 30 s / 60 s
 * tolerances, 90 s merge and 300 s split; sample-based at 1 Hz), and prints both as a table.
 *
 * REF and HYP are SzCORE / HED-SCORE TSVs or BIDS events.tsv files (told apart by their header).
 * The recording duration comes from the reference's first row (recordingDuration), else from the
 * hypothesis's, else from `options.durationS`. Malformed files throw a FormatError naming the file,
 * line and column; the CLI prints it as one line and exits 1.
 */
import { ValidationError } from '../../errors.js';
import { readAnnotationsTsv, recordingDurationS, scoreRecording, seizureEvents, type SeizureAnnotations } from '../../pipelines/seizure/scoring/index.js';
import { table } from '../../console/format.js';
import { report, type Output } from '../../console/output.js';

export interface SeizureScoreOptions {
  /** Recording duration in seconds, when neither file states it (BIDS events.tsv). */
  durationS?: number;
  /** Allowed difference between the two files' durations before the hypothesis counts as empty. */
  durationToleranceS?: number;
}

function metric(x: number, digits: number): string {
  return Number.isNaN(x) ? 'n/a' : x.toFixed(digits);
}

function describeFile(a: SeizureAnnotations, durationS: number | null): string {
  const n = seizureEvents(a).length;
  const kind = a.format === 'szcore' ? 'SzCORE' : 'BIDS events';
  return `${a.file} (${kind}, ${n} seizure${n === 1 ? '' : 's'}${durationS !== null ? `, ${durationS} s` : ''})`;
}

export function seizureScore(refPath: string, hypPath: string, io: Output, options: SeizureScoreOptions = {}): number {
  const ref = readAnnotationsTsv(refPath);
  const hyp = readAnnotationsTsv(hypPath);
  const durationS = recordingDurationS(ref) ?? recordingDurationS(hyp) ?? options.durationS ?? null;
  if (durationS === null) {
    throw new ValidationError('recordingDuration', `neither ${refPath} nor ${hypPath} states the recording duration (recordingDuration column); give it explicitly`);
  }
  const score = scoreRecording(ref, hyp, {
    durationS,
    ...(options.durationToleranceS !== undefined ? { durationToleranceS: options.durationToleranceS } : {}),
  });
  for (const warning of score.warnings) io.err(`cajal: warning: ${warning}`);

  const file = (a: SeizureAnnotations, fileDurationS: number | null) => ({
    file: a.file,
    format: a.format,
    seizures: seizureEvents(a).length,
    durationS: fileDurationS,
  });
  // NaN (a metric with nothing to count) is null in JSON.
  const value = {
    reference: file(ref, recordingDurationS(ref) ?? durationS),
    hypothesis: file(hyp, recordingDurationS(hyp)),
    durationS,
    event: score.event,
    sample: score.sample,
    warnings: score.warnings,
  };
  report(io, value, () => {
    const { event: e, sample: s } = score;
    io.out(`reference   ${describeFile(ref, recordingDurationS(ref) ?? durationS)}`);
    io.out(`hypothesis  ${describeFile(hyp, recordingDurationS(hyp))}`);
    io.out('');
    io.out(
      table(
        ['', 'event-based', 'sample-based (1 Hz)'],
        [
          ['sensitivity', metric(e.sensitivity, 4), metric(s.sensitivity, 4)],
          ['precision', metric(e.precision, 4), metric(s.precision, 4)],
          ['F1', metric(e.f1, 4), metric(s.f1, 4)],
          ['FP per 24 h', metric(e.fpRate, 2), metric(s.fpRate, 2)],
          ['TP / FP / ref', `${e.tp} / ${e.fp} / ${e.refTrue}`, `${s.tp} / ${s.fp} / ${s.refTrue}`],
        ],
      ),
    );
    io.out('');
    io.out(
      `event scoring: tolerance ${e.params.toleranceStart} s before / ${e.params.toleranceEnd} s after, events < ${e.params.minDurationBetweenEvents} s apart merged, > ${e.params.maxEventDuration} s split (SzCORE, timescoring 0.0.7)`,
    );
  });
  return 0;
}
