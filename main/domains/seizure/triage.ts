/**
 * Seizure triage over detection runs: the detected events with the reviewer's decisions. A decision
 * is an annotation (author, time, never overwritten: a new decision supersedes the previous one),
 * labelled so that it reads well in the annotation list and can be traced to its run and event.
 */
import { userInfo } from 'node:os';
import type { DetectionRunSummary, TriageEvent, TriageReview } from '../../../shared/api/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { checkWriteTarget } from '../../io/write-target.js';
import type { DetectedEvent } from '../../pipelines/seizure/classical.js';
import { writeSzcoreTsv, type SzcoreEvent } from '../../pipelines/seizure/scoring/index.js';
import type { Annotation, Store } from '../../store/index.js';
import { protectedPaths } from '../../store/protected-paths.js';
import { writeBidsEvents } from '../eeg/export.js';

const DETECTION_PIPELINES = new Set(['seizure-classical', 'seizure-neural']);
const DECISION = /^seizure (accepted|rejected) \(run (\d+), event (\d+)\)$/;

interface StoredDetection {
  events: DetectedEvent[];
  electrodes: string[];
}

export class SeizureTriage {
  constructor(
    private readonly store: Store,
    /** Who signs decisions (the machine's user name, see main/config). */
    private readonly reviewer: () => string = () => userInfo().username || 'unknown',
  ) {}

  runs(recordingId: number): DetectionRunSummary[] {
    return this.store.runs
      .list()
      .filter((run) => run.recordingId === recordingId && DETECTION_PIPELINES.has(run.pipeline) && run.status === 'succeeded')
      .map((run) => {
        const { events } = this.detection(run.id);
        const decisions = this.decisions(recordingId, run.id);
        return { runId: run.id, recordingId, pipeline: run.pipeline, createdAt: run.createdAt, eventCount: events.length, reviewedCount: decisions.size };
      })
      .sort((a, b) => b.runId - a.runId);
  }

  review(runId: number): TriageReview {
    const run = this.run(runId);
    const detection = this.detection(runId);
    const decisions = this.decisions(run.recordingId!, runId);
    const stored = this.store.results.array(runId, 'probability');
    const values = stored ? Array.from(stored.data as ArrayLike<number>, (v) => Number(v)) : [];
    const recording = this.store.recordings.get(run.recordingId!)!;
    return {
      runId,
      recordingId: run.recordingId!,
      pipeline: run.pipeline,
      params: run.params,
      electrodes: detection.electrodes,
      probability: values,
      events: detection.events.map((event, index) => this.triageEvent(event, index, decisions.get(index) ?? null)),
      reviewedCount: decisions.size,
      recordingDurationS: recording.metadata.durationS,
    };
  }

  decide(runId: number, eventIndex: number, status: 'accepted' | 'rejected', onsetS?: number, durationS?: number): TriageEvent {
    const run = this.run(runId);
    const { events } = this.detection(runId);
    const event = events[eventIndex];
    if (!event) throw new NotFoundError(`event ${eventIndex} of run ${runId}`, `the run has ${events.length} event(s)`);
    const previous = this.decisions(run.recordingId!, runId).get(eventIndex) ?? null;
    const recording = this.store.recordings.get(run.recordingId!)!;
    const onset = onsetS ?? previous?.onsetS ?? event.onsetS;
    const duration = durationS ?? previous?.durationS ?? event.durationS;
    if (onset + duration > recording.metadata.durationS + 1e-6) {
      throw new ValidationError('durationS', `the event would end at ${onset + duration} s, after the end of the recording (${recording.metadata.durationS} s)`);
    }
    const annotation = this.store.annotations.add({
      recordingId: run.recordingId!,
      onsetS: onset,
      durationS: duration,
      label: `seizure ${status} (run ${runId}, event ${eventIndex})`,
      channels: event.channels,
      author: this.reviewer(),
      supersedesId: previous?.id ?? null,
    });
    return this.triageEvent(event, eventIndex, annotation);
  }

  /**
   * Writes the accepted events to a path the user typed (absolute): never over the project or a
   * source, over an existing file only with `overwrite` (io/write-target).
   */
  export(runId: number, format: 'szcore-tsv' | 'bids-events', path: string, options: { overwrite?: boolean } = {}): { path: string; count: number } {
    const target = { overwrite: options.overwrite ?? false, requireAbsolute: true, protectedPaths: protectedPaths(this.store) };
    checkWriteTarget(path, target); // refuse before assembling the review
    const review = this.review(runId);
    const accepted = review.events.filter((e) => e.decision?.status === 'accepted');
    let written: string;
    if (format === 'szcore-tsv') {
      const rows: SzcoreEvent[] = accepted.length
        ? accepted.map((e) => ({ onsetS: e.decision!.onsetS, durationS: e.decision!.durationS, eventType: 'sz', confidence: Number(e.confidence.toFixed(2)), channels: e.channels, dateTime: null, recordingDurationS: review.recordingDurationS }))
        : [{ onsetS: 0, durationS: review.recordingDurationS, eventType: 'bckg', confidence: null, channels: null, dateTime: null, recordingDurationS: review.recordingDurationS }];
      written = writeSzcoreTsv(path, rows, target);
    } else {
      written = writeBidsEvents(path, accepted.map((e) => ({ onsetS: e.decision!.onsetS, durationS: e.decision!.durationS, text: 'sz' })), target);
    }
    return { path: written, count: accepted.length };
  }

  private triageEvent(event: DetectedEvent, index: number, decision: Annotation | null): TriageEvent {
    const status = decision ? (DECISION.exec(decision.label)?.[1] as 'accepted' | 'rejected') : null;
    return {
      index,
      onsetS: event.onsetS,
      durationS: event.durationS,
      confidence: event.confidence,
      channels: event.channels,
      decision: decision && status
        ? { status, onsetS: decision.onsetS, durationS: decision.durationS, author: decision.author, createdAt: decision.createdAt, annotationId: decision.id }
        : null,
    };
  }

  /** The decision in force for each event of a run (latest, not superseded). */
  private decisions(recordingId: number, runId: number): Map<number, Annotation> {
    const byEvent = new Map<number, Annotation>();
    for (const annotation of this.store.annotations.current(recordingId)) {
      const match = DECISION.exec(annotation.label);
      if (match && Number(match[2]) === runId) byEvent.set(Number(match[3]), annotation);
    }
    return byEvent;
  }

  private run(runId: number) {
    const run = this.store.runs.get(runId);
    if (!run || !DETECTION_PIPELINES.has(run.pipeline)) throw new NotFoundError(`seizure detection run ${runId}`);
    if (run.status !== 'succeeded') throw new ValidationError('runId', `run ${runId} is ${run.status}; only finished detections can be reviewed`);
    return run;
  }

  private detection(runId: number): StoredDetection {
    const events = this.store.results.list(runId).find((r) => r.key === 'events');
    if (!events) throw new NotFoundError(`events of run ${runId}`);
    const value = events.value as Partial<StoredDetection>;
    return { events: value.events ?? [], electrodes: value.electrodes ?? [] };
  }
}
