/**
 * The printable review report: recording, detector and its parameters, review statistics and the
 * accepted events. Rendered into <body> beside the app (a non-modal <dialog>, so the viewer's keys
 * pause while it is open); the print CSS hides the app, so only the report is printed. Opening it
 * asks the system to print once it is on screen; Print and Close stay available.
 */
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Recording, Run, TriageReview } from '../../../shared/api/index.js';
import { formatBytes } from '../../../shared/units.js';
import { useApi } from '../api/context.js';
import { clockDate, clockTime, formatOffset } from '../eeg/clock.js';
import { offThresholdOf, stateOf, thresholdOf } from './bounds.js';
import { formatDurationS } from './TriagePanel.js';
import './triage.css';

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function stamp(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z?$|Z$/, '');
}

function paramText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function TriageReport(props: { open: boolean; recording: Recording; review: TriageReview | null; startDateTime: string; durationS: number; onClose(): void }) {
  const api = useApi();
  const closeButton = useRef<HTMLButtonElement>(null);
  const [run, setRun] = useState<Run | null>(null);
  const [ready, setReady] = useState(false);
  const [generatedAt, setGeneratedAt] = useState(() => new Date());
  const runId = props.review?.runId ?? null;

  useEffect(() => {
    if (!props.open || runId === null) return;
    let current = true;
    setGeneratedAt(new Date());
    setReady(false);
    const settle = (result: Run | null) => {
      if (!current) return;
      setRun(result);
      setReady(true);
    };
    // The run's code version and start time; the report prints without them if they fail.
    api.call('runs.get', { runId }).then(settle, () => settle(null));
    return () => {
      current = false;
    };
  }, [api, props.open, runId]);

  // Print once the report is laid out (and its run details are in).
  const printed = useRef(false);
  useEffect(() => {
    if (!props.open) {
      printed.current = false;
      return;
    }
    closeButton.current?.focus();
    if (printed.current || !ready) return;
    printed.current = true;
    const frame = requestAnimationFrame(() => window.print());
    return () => cancelAnimationFrame(frame);
  }, [props.open, ready]);

  const { onClose } = props;
  useEffect(() => {
    if (!props.open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props.open, onClose]);

  if (!props.open || !props.review) return null;
  const { review, recording, startDateTime } = props;
  const events = review.events;
  const accepted = events.filter((e) => stateOf(e) === 'accepted');
  const rejected = events.filter((e) => stateOf(e) === 'rejected').length;
  const decisions = events.flatMap((e) => (e.decision ? [e.decision] : []));
  const reviewers = [...new Set(decisions.map((d) => d.author))];
  const decisionTimes = decisions.map((d) => d.createdAt).sort();
  const threshold = thresholdOf(review.params);
  const offThreshold = offThresholdOf(review.params);

  return createPortal(
    <dialog open className="triage-report-dialog" aria-labelledby="triage-report-title">
      <div className="triage-report-toolbar no-print">
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
        <button type="button" ref={closeButton} onClick={onClose}>
          Close report
        </button>
      </div>
      <article className="triage-report">
        <h1 id="triage-report-title">Seizure detection review report</h1>
        <p className="triage-report-generated">
          Generated {stamp(generatedAt.toISOString())} UTC by Cajal{run ? ` (${run.codeVersion})` : ''}.
        </p>

        <h2>Recording</h2>
        <dl className="triage-report-facts">
          <dt>File</dt>
          <dd>
            {fileName(recording.sourcePath)} <span className="triage-report-path">({recording.sourcePath})</span>
          </dd>
          <dt>Start</dt>
          <dd>
            {clockDate(startDateTime, 0)} {clockTime(startDateTime, 0)}
          </dd>
          <dt>Duration</dt>
          <dd>
            {formatOffset(props.durationS)} ({formatDurationS(props.durationS)})
          </dd>
          <dt>Channels</dt>
          <dd>
            {recording.metadata.channelCount} at {recording.metadata.sampleRateHz} Hz, {recording.format.toUpperCase()}, {formatBytes(recording.sizeBytes)}
          </dd>
          <dt>SHA-256</dt>
          <dd className="triage-report-hash">{recording.sha256}</dd>
        </dl>

        <h2>Detector</h2>
        <dl className="triage-report-facts">
          <dt>Run</dt>
          <dd>
            #{review.runId} {review.pipeline}
            {run ? `, started ${stamp(run.createdAt)} UTC` : ''}
          </dd>
          <dt>Thresholds</dt>
          <dd>
            {threshold !== null ? `on ${threshold}` : 'n/a'}
            {offThreshold !== null ? `, off ${offThreshold}` : ''} (probability)
          </dd>
          <dt>Parameters</dt>
          <dd>
            {Object.entries(review.params)
              .map(([key, value]) => `${key} = ${paramText(value)}`)
              .join(', ') || 'defaults'}
          </dd>
          <dt>Electrodes</dt>
          <dd>{review.electrodes.join(' ') || 'n/a'}</dd>
        </dl>

        <h2>Review</h2>
        <dl className="triage-report-facts" aria-label="Review statistics">
          <dt>Detected events</dt>
          <dd>{events.length}</dd>
          <dt>Accepted</dt>
          <dd>{accepted.length}</dd>
          <dt>Rejected</dt>
          <dd>{rejected}</dd>
          <dt>Unreviewed</dt>
          <dd>{events.length - decisions.length}</dd>
          <dt>Reviewer</dt>
          <dd>{reviewers.join(', ') || '—'}</dd>
          <dt>Reviewed</dt>
          <dd>
            {decisionTimes.length
              ? `${stamp(decisionTimes[0]!)}${decisionTimes.length > 1 ? ` – ${stamp(decisionTimes[decisionTimes.length - 1]!)}` : ''} UTC`
              : '—'}
          </dd>
        </dl>

        <h2>Accepted events</h2>
        {accepted.length === 0 ? (
          <p>No event accepted.</p>
        ) : (
          <table className="data-table triage-report-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Onset</th>
                <th scope="col">Offset from start</th>
                <th scope="col">End</th>
                <th scope="col">Duration</th>
                <th scope="col">Confidence</th>
                <th scope="col">Channels</th>
                <th scope="col">As detected</th>
                <th scope="col">Reviewer</th>
              </tr>
            </thead>
            <tbody>
              {accepted.map((event) => {
                const d = event.decision!;
                const end = d.onsetS + d.durationS;
                const adjusted = Math.abs(d.onsetS - event.onsetS) > 1e-6 || Math.abs(d.durationS - event.durationS) > 1e-6;
                return (
                  <tr key={event.index}>
                    <td>{event.index + 1}</td>
                    <td>{clockTime(startDateTime, d.onsetS)}</td>
                    <td>
                      {formatOffset(d.onsetS)} ({formatDurationS(d.onsetS)})
                    </td>
                    <td>{clockTime(startDateTime, end)}</td>
                    <td>{formatDurationS(d.durationS)}</td>
                    <td>{event.confidence.toFixed(2)}</td>
                    <td>{event.channels.join(' ')}</td>
                    <td>{adjusted ? `adjusted (detected ${formatOffset(event.onsetS)}, ${formatDurationS(event.durationS)})` : 'yes'}</td>
                    <td>
                      {d.author}, {stamp(d.createdAt)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <p className="triage-report-signature">Reviewed by: ____________________ Date: ____________</p>
      </article>
    </dialog>,
    document.body,
  );
}
