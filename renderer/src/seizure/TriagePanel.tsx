/**
 * The triage panel beside the traces: the detection run, "N of M reviewed", the detected events
 * (clock time and offset, duration, confidence, channels, decision), the actions on the selected
 * event (also on keys, see keyboard.ts), exports of the accepted events and the printable report.
 */
import { useId } from 'react';
import type { TriageEvent } from '../../../shared/api/index.js';
import { useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ExportToPathForm } from '../components/ExportToPathForm.js';
import { clockTime, formatOffset } from '../eeg/clock.js';
import { boundsOf, sameBounds, stateOf, type Bounds } from './bounds.js';
import { ImproveDetector } from './ImproveDetector.js';
import type { Triage } from './useTriage.js';
import './triage.css';

export type TriageAction =
  | { kind: 'show'; index: number }
  | { kind: 'event'; delta: number }
  | { kind: 'decide'; status: 'accepted' | 'rejected' }
  | { kind: 'adjust'; edge: 'onset' | 'end'; deltaS: number }
  | { kind: 'reset' };

function pipelineTitle(pipeline: string): string {
  return pipeline.replace(/^seizure-/, '');
}

export function formatDurationS(s: number): string {
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export function boundsText(startDateTime: string, bounds: Bounds): string {
  const end = bounds.onsetS + bounds.durationS;
  return `${clockTime(startDateTime, bounds.onsetS)}–${clockTime(startDateTime, end)} (${formatOffset(bounds.onsetS)}–${formatOffset(end)}, ${formatDurationS(bounds.durationS)})`;
}

export function TriagePanel(props: { triage: Triage; startDateTime: string; onAction(action: TriageAction): void; onReport(): void }) {
  const { triage, startDateTime } = props;
  const runPickerId = useId();
  const review = triage.review;
  const events = review?.events ?? [];
  const accepted = events.filter((e) => stateOf(e) === 'accepted').length;
  const rejected = events.filter((e) => stateOf(e) === 'rejected').length;
  const selectedEvent = triage.selected !== null ? events[triage.selected] : undefined;
  const selectedPending = triage.selected !== null ? triage.pending.get(triage.selected) : undefined;

  return (
    <section className="triage" aria-labelledby="triage-title">
      <h2 id="triage-title">Seizure triage</h2>
      <span className="eeg-picker">
        <label htmlFor={runPickerId}>Detection run</label>
        <select id={runPickerId} value={triage.runId ?? ''} onChange={(event) => triage.chooseRun(Number(event.target.value))}>
          {triage.runs.map((run) => (
            <option key={run.runId} value={run.runId}>
              #{run.runId} {pipelineTitle(run.pipeline)}, {run.createdAt.replace('T', ' ').slice(0, 16)} ({run.eventCount} events)
            </option>
          ))}
        </select>
      </span>
      <p className="triage-progress" role="status" aria-live="polite">
        {review ? `${review.reviewedCount} of ${events.length} reviewed (${accepted} accepted, ${rejected} rejected)` : 'Loading detection…'}
      </p>
      <ErrorMessage message={triage.error} />
      {review && events.length === 0 && <p className="empty">The detector found no events in this recording.</p>}
      {events.length > 0 && (
        <ol className="triage-events" aria-label="Detected events">
          {events.map((event) => (
            <EventItem
              key={event.index}
              event={event}
              pending={triage.pending.get(event.index)}
              selected={event.index === triage.selected}
              startDateTime={startDateTime}
              onClick={() => props.onAction({ kind: 'show', index: event.index })}
            />
          ))}
        </ol>
      )}
      {events.length > 0 && (
        <div className="triage-actions" role="toolbar" aria-label="Event actions">
          <p className="triage-selected">
            {selectedEvent
              ? `Event ${selectedEvent.index + 1}: ${boundsText(startDateTime, boundsOf(selectedEvent, selectedPending))}${selectedPending ? ' · adjusted, not saved: Y accepts with these bounds' : ''}`
              : 'No event selected: J selects the first.'}
          </p>
          <div>
            <button type="button" aria-keyshortcuts="K" onClick={() => props.onAction({ kind: 'event', delta: -1 })}>
              Previous event
            </button>
            <button type="button" aria-keyshortcuts="J" onClick={() => props.onAction({ kind: 'event', delta: 1 })}>
              Next event
            </button>
          </div>
          <div>
            <button type="button" className="triage-accept" aria-keyshortcuts="Y" disabled={!selectedEvent || triage.busy} onClick={() => props.onAction({ kind: 'decide', status: 'accepted' })}>
              Accept event
            </button>
            <button type="button" className="triage-reject" aria-keyshortcuts="N" disabled={!selectedEvent || triage.busy} onClick={() => props.onAction({ kind: 'decide', status: 'rejected' })}>
              Reject event
            </button>
          </div>
          <div className="triage-adjust">
            <span>Onset</span>
            <button type="button" aria-label="Move onset 1 s earlier" aria-keyshortcuts="[" disabled={!selectedEvent} onClick={() => props.onAction({ kind: 'adjust', edge: 'onset', deltaS: -1 })}>
              −1 s
            </button>
            <button type="button" aria-label="Move onset 1 s later" aria-keyshortcuts="]" disabled={!selectedEvent} onClick={() => props.onAction({ kind: 'adjust', edge: 'onset', deltaS: 1 })}>
              +1 s
            </button>
            <span>End</span>
            <button type="button" aria-label="Move end 1 s earlier" aria-keyshortcuts="{" disabled={!selectedEvent} onClick={() => props.onAction({ kind: 'adjust', edge: 'end', deltaS: -1 })}>
              −1 s
            </button>
            <button type="button" aria-label="Move end 1 s later" aria-keyshortcuts="}" disabled={!selectedEvent} onClick={() => props.onAction({ kind: 'adjust', edge: 'end', deltaS: 1 })}>
              +1 s
            </button>
            <button type="button" disabled={!selectedPending} onClick={() => props.onAction({ kind: 'reset' })}>
              Reset bounds
            </button>
          </div>
        </div>
      )}
      {review && <ImproveDetector review={review} />}
      {review && <TriageExport runId={review.runId} />}
      {review && (
        <button type="button" className="triage-report-button" onClick={props.onReport}>
          Print review report
        </button>
      )}
    </section>
  );
}

function EventItem(props: { event: TriageEvent; pending: Bounds | undefined; selected: boolean; startDateTime: string; onClick(): void }) {
  const { event, startDateTime } = props;
  const state = stateOf(event);
  const detected = { onsetS: event.onsetS, durationS: event.durationS };
  const bounds = boundsOf(event, props.pending);
  const adjusted = !sameBounds(bounds, detected);
  return (
    <li className={`triage-event triage-${state}`}>
      <button type="button" aria-current={props.selected ? 'true' : undefined} onClick={props.onClick}>
        <span className="triage-event-time">
          <strong>#{event.index + 1}</strong> <time>{clockTime(startDateTime, bounds.onsetS)}</time>{' '}
          <span className="triage-meta">({formatOffset(bounds.onsetS)})</span> · {formatDurationS(bounds.durationS)} · {Math.round(event.confidence * 100)} %
        </span>
        <span className="triage-meta">{event.channels.length ? event.channels.join(' ') : 'all channels'}</span>
        <span className={`triage-state triage-state-${state}`}>
          {state}
          {event.decision && ` by ${event.decision.author}, ${event.decision.createdAt.replace('T', ' ').slice(0, 19)}`}
          {adjusted && ` · ${props.pending ? 'adjusted (unsaved)' : 'adjusted'} from ${formatOffset(event.onsetS)}, ${formatDurationS(event.durationS)}`}
        </span>
      </button>
    </li>
  );
}

function TriageExport({ runId }: { runId: number }) {
  const api = useApi();
  return (
    <ExportToPathForm
      className="eeg-export triage-export"
      label="Export accepted events to path"
      placeholder="/path/to/sub-01_run-01_events.tsv"
      formats={[
        { format: 'szcore-tsv', label: 'Export accepted as SzCORE TSV' },
        { format: 'bids-events', label: 'Export accepted as BIDS events.tsv' },
      ]}
      write={(format, path, overwrite) => api.call('seizure.export', { runId, format, path, overwrite })}
      describe={(result) => `Wrote ${result.count} accepted event(s) to ${result.path}`}
    />
  );
}
