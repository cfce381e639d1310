/**
 * Seizure triage over detection runs: the detected events with the reviewer's decisions. A decision
 * is an annotation (author, time, never overwritten: a new decision supersedes the previous one),
 * labelled so that it reads well in the annotation list and can be traced to its run and event.
 */
import { userInfo } from 'node:os';
import type { DetectionRunSummary, Improvement, Run, TriageEvent, TriageReview } from '../../../shared/api/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { JobRunner } from '../../jobs/runner.js';
import { checkWriteTarget } from '../../io/write-target.js';
import type { DetectedEvent } from '../../pipelines/seizure/classical.js';
import { DetectionParams } from '../../pipelines/seizure/params.js';
import { normaliseReviewed, type ReviewedRecording, type Span } from '../../pipelines/seizure/finetune-examples.js';
import { writeSzcoreTsv, type SzcoreEvent } from '../../pipelines/seizure/scoring/index.js';
import type { Annotation, Store } from '../../store/index.js';
import { protectedPaths } from '../../store/protected-paths.js';
import { writeBidsEvents } from '../eeg/export.js';

const DETECTION_PIPELINES = new Set(['seizure-classical', 'seizure-neural']);
const NEURAL_PIPELINE = 'seizure-neural';
export const FINETUNE_PIPELINE = 'seizure-neural-finetune';
/** The detection thresholds a fine-tune compares with (and a re-detection uses), from the reviewed run. */
const DETECTION_PARAM_KEYS = Object.keys(DetectionParams.shape);
const DECISION = /^seizure (accepted|rejected) \(run (\d+), event (\d+)\)$/;

/** What triage reads back from a fine-tune's `finetune` result (finetune-pipeline.ts). */
interface FinetuneSummary {
  verdict?: string;
  totals?: { before?: { falseAlarmsPer24h?: number }; after?: { falseAlarmsPer24h?: number } };
}

interface StoredDetection {
  events: DetectedEvent[];
  electrodes: string[];
}

export class SeizureTriage {
  constructor(
    private readonly store: Store,
    /** Who signs decisions (the machine's user name, see main/config). */
    private readonly reviewer: () => string = () => userInfo().username || 'unknown',
    /** Starts the fine-tune and re-detection runs (absent: those calls refuse). */
    private readonly runner: Pick<JobRunner, 'start'> | null = null,
  ) {}

  /**
   * A recording's reviewed examples (finetune-examples.ts): over every finished detection run of
   * it, the decision in force for each event — accepted (with the bounds the reviewer settled on),
   * rejected — and the events nobody decided on; merged, accepted winning over rejected.
   */
  reviewedExamples(recordingId: number): ReviewedRecording {
    const accepted: Span[] = [];
    const rejected: Span[] = [];
    const unreviewed: Span[] = [];
    for (const run of this.detectionRuns(recordingId)) {
      const { events } = this.detection(run.id);
      const decisions = this.decisions(recordingId, run.id);
      events.forEach((event, index) => {
        const decision = decisions.get(index);
        const status = decision ? DECISION.exec(decision.label)?.[1] : undefined;
        if (decision && status === 'accepted') accepted.push([decision.onsetS, decision.onsetS + decision.durationS]);
        else if (decision && status === 'rejected') rejected.push([decision.onsetS, decision.onsetS + decision.durationS]);
        else unreviewed.push([event.onsetS, event.onsetS + event.durationS]);
      });
    }
    return normaliseReviewed({ accepted, rejected, unreviewed });
  }

  /**
   * Starts "Improve detector from my reviews": a seizure-neural-finetune run from the model the
   * neural detection run `runId` used, on the reviewed events of its recording ('recording'), of
   * the named recordings of one patient ('patient'), or of every reviewed recording ('site').
   */
  improve(runId: number, scope: 'recording' | 'patient' | 'site' = 'recording', patientRecordingIds: readonly number[] = []): Run {
    return this.requireRunner().start(FINETUNE_PIPELINE, null, this.improveParams(runId, scope, patientRecordingIds));
  }

  /** The params of the fine-tune `improve` starts (the CLI runs it through its own session). */
  improveParams(runId: number, scope: 'recording' | 'patient' | 'site' = 'recording', patientRecordingIds: readonly number[] = []): Record<string, unknown> {
    const run = this.run(runId);
    if (run.pipeline !== NEURAL_PIPELINE) throw new ValidationError('runId', `run ${runId} is a ${run.pipeline} detection; improving needs a neural detection run (its model is what is fine-tuned)`);
    const recordingId = run.recordingId!;
    const own = this.reviewedExamples(recordingId);
    if (!own.accepted.length || !own.rejected.length) {
      throw new ValidationError('runId', `recording ${recordingId} has ${own.accepted.length} accepted and ${own.rejected.length} rejected event(s); improving needs at least one of each`);
    }
    let ids: number[];
    if (scope === 'site') {
      ids = this.store.recordings
        .list()
        .filter((r) => this.store.recordings.removedAt(r.id) === null)
        .map((r) => r.id)
        .filter((id) => id === recordingId || this.hasDecisions(id));
    } else if (scope === 'patient') {
      ids = [...new Set([recordingId, ...patientRecordingIds])].filter((id) => id === recordingId || this.hasDecisions(id));
    } else {
      ids = [recordingId];
    }
    const reviewed: Record<string, ReviewedRecording> = {};
    for (const id of ids) reviewed[String(id)] = id === recordingId ? own : this.reviewedExamples(id);
    const detection: Record<string, unknown> = {};
    for (const key of DETECTION_PARAM_KEYS) if (run.params[key] !== undefined) detection[key] = run.params[key];
    return { recordingIds: ids, reviewed, modelId: run.params.modelId, detection, sourceRunId: runId };
  }

  /** The fine-tunes that learnt from this recording's reviews, newest first. */
  improvements(recordingId: number): Improvement[] {
    return this.store.runs
      .list()
      .filter((run) => run.pipeline === FINETUNE_PIPELINE && Array.isArray(run.params.recordingIds) && (run.params.recordingIds as unknown[]).includes(recordingId))
      .sort((a, b) => b.id - a.id)
      .map((run) => {
        const model = run.status === 'succeeded' ? this.store.models.ofRun(run.id).find((m) => m.status === 'complete') : undefined;
        const summary = run.status === 'succeeded' ? (this.store.results.list(run.id).find((r) => r.key === 'finetune')?.value as FinetuneSummary | undefined) : undefined;
        return {
          runId: run.id,
          status: run.status,
          progress: run.progress,
          progressMessage: run.progressMessage,
          error: run.error,
          recordingIds: run.params.recordingIds as number[],
          baseModelId: typeof run.params.modelId === 'number' ? run.params.modelId : null,
          modelId: model?.id ?? null,
          verdict: summary?.verdict ?? null,
          falseAlarmsPer24hBefore: summary?.totals?.before?.falseAlarmsPer24h ?? null,
          falseAlarmsPer24hAfter: summary?.totals?.after?.falseAlarmsPer24h ?? null,
        };
      });
  }

  /** Detects again on `recordingId` with the model fine-tune run `finetuneRunId` produced. */
  redetect(finetuneRunId: number, recordingId: number): Run {
    const run = this.store.runs.get(finetuneRunId);
    if (!run || run.pipeline !== FINETUNE_PIPELINE) throw new NotFoundError(`fine-tune run ${finetuneRunId}`);
    if (run.status !== 'succeeded') throw new ConflictError(`fine-tune run ${finetuneRunId} is ${run.status}; its model is ready once it has succeeded`);
    const model = this.store.models.ofRun(finetuneRunId).find((m) => m.status === 'complete');
    if (!model) throw new NotFoundError(`the model of fine-tune run ${finetuneRunId}`, 'it was deleted');
    const detection = (run.params.detection ?? {}) as Record<string, unknown>;
    return this.requireRunner().start(NEURAL_PIPELINE, recordingId, { ...detection, modelId: model.id });
  }

  runs(recordingId: number): DetectionRunSummary[] {
    return this.detectionRuns(recordingId)
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

  private detectionRuns(recordingId: number) {
    return this.store.runs.list().filter((run) => run.recordingId === recordingId && DETECTION_PIPELINES.has(run.pipeline) && run.status === 'succeeded');
  }

  private hasDecisions(recordingId: number): boolean {
    return this.store.annotations.current(recordingId).some((a) => DECISION.test(a.label));
  }

  private requireRunner(): Pick<JobRunner, 'start'> {
    if (!this.runner) throw new ConflictError('no job runner is open for this project');
    return this.runner;
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
