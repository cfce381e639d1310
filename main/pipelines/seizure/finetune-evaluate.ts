/**
 * Before/after figures of a fine-tune, against the reviewer's decisions: the accepted spans are the
 * recording's known seizures, so a detected event that overlaps none of them is a false alarm;
 * an accepted span is found when a detected event overlaps it; a rejected span is still alarmed when
 * a detected event overlaps it.
 */
import type { DetectedEvent } from './classical.js';
import type { Span } from './finetune-examples.js';
import type { DetectionFigures } from '../../../shared/api/index.js';

export type { DetectionFigures };

const overlaps = (event: DetectedEvent, [s, e]: Span) => event.onsetS < e && event.onsetS + event.durationS > s;

/** Which of `spans` a detected event overlaps. */
export function spansFound(events: readonly DetectedEvent[], spans: readonly Span[]): boolean[] {
  return spans.map((span) => events.some((event) => overlaps(event, span)));
}

/**
 * Figures of `events` on a recording of `durationS` seconds: false alarms are judged against
 * `knownSeizures` (every accepted span, held out or not); the found and alarmed counts are over
 * `accepted` and `rejected` (the set being scored).
 */
export function detectionFigures(events: readonly DetectedEvent[], durationS: number, knownSeizures: readonly Span[], accepted: readonly Span[], rejected: readonly Span[]): DetectionFigures {
  const falseAlarms = events.filter((event) => !knownSeizures.some((span) => overlaps(event, span))).length;
  return {
    events: events.length,
    falseAlarms,
    falseAlarmsPer24h: durationS > 0 ? (falseAlarms * 86_400) / durationS : 0,
    accepted: accepted.length,
    acceptedFound: spansFound(events, accepted).filter(Boolean).length,
    rejected: rejected.length,
    rejectedAlarmed: spansFound(events, rejected).filter(Boolean).length,
  };
}

export type FinetuneVerdict = 'fewer false alarms' | 'no fewer false alarms' | 'loses an accepted seizure';

/**
 * The acceptance rule: a new model that misses any accepted seizure the base model found fails,
 * whatever it gains in false alarms; otherwise it must raise fewer false alarms than the base.
 */
export function finetuneVerdict(before: Pick<DetectionFigures, 'falseAlarms'>, after: Pick<DetectionFigures, 'falseAlarms'>, lostAccepted: number): FinetuneVerdict {
  if (lostAccepted > 0) return 'loses an accepted seizure';
  return after.falseAlarms < before.falseAlarms ? 'fewer false alarms' : 'no fewer false alarms';
}
