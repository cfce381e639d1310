/**
 * A seizure detection run (classical or neural) in Runs: its events as a table, each with a link
 * that opens the recording in Review.
 */
import { formatDuration } from '../../../shared/units.js';
import { resultValue, type ResultSummaryProps } from '../workbench/resultSummary.js';

interface DetectedEvent {
  onsetS: number;
  durationS: number;
  confidence: number;
  channels: string[];
}

interface EventsResult {
  detector: string;
  modelId?: number;
  events: DetectedEvent[];
  /** Runs before per-channel input (#22) stored none of these. */
  channelMode?: 'standard' | 'per-channel';
  channelModeReason?: string;
  channels?: { label: string; rateHz: number }[];
  skipped?: { label: string; reason: string }[];
  warnings?: string[];
}

const MODE_NAMES = { standard: 'standard input (10-20 electrodes, average reference)', 'per-channel': 'per-channel input' } as const;

/** Skipped channels by reason, so 11 missing electrodes read as one line. */
function groupByReason(skipped: readonly { label: string; reason: string }[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { label, reason } of skipped) groups.set(reason, [...(groups.get(reason) ?? []), label]);
  return groups;
}

/** Which input the run read, on how many channels, and what it left out and why. */
function InputLine({ result }: { result: EventsResult }) {
  if (!result.channelMode) return null;
  const skipped = result.skipped ?? [];
  return (
    <>
      <p className="result-line">
        {MODE_NAMES[result.channelMode]} on {result.channels?.length ?? 0} channel{result.channels?.length === 1 ? '' : 's'}
        {result.channelModeReason ? ` — ${result.channelModeReason}` : ''}
      </p>
      {[...groupByReason(skipped)].map(([reason, labels]) => (
        <p key={reason} className="result-line">
          Not used ({reason}): {labels.join(', ')}
        </p>
      ))}
      {(result.warnings ?? []).map((warning, i) => (
        <p key={i} className="result-line warning">
          {warning}
        </p>
      ))}
    </>
  );
}

function eventsOf(value: unknown): EventsResult | null {
  const events = (value as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? (value as EventsResult) : null;
}

export function EventsSummary({ run, results, app }: ResultSummaryProps) {
  const result = eventsOf(resultValue(results, 'events'));
  if (!result) return <p className="empty">This run stored no events.</p>;
  const probability = results.find((item) => item.key === 'probability')?.array;
  const recordingId = run.recordingId;
  return (
    <>
      <p className="result-line">
        {result.detector} detector{result.modelId !== undefined ? ` (model #${result.modelId})` : ''}: {result.events.length} event
        {result.events.length === 1 ? '' : 's'}
        {probability ? ` · probability trace of ${probability.shape[0] ?? 0} s at 1 Hz` : ''}
      </p>
      <InputLine result={result} />
      {result.events.length > 0 && (
        <table className="data-table" aria-label="Detected seizure events">
          <caption>Detected events</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Onset</th>
              <th scope="col">Duration</th>
              <th scope="col">Confidence</th>
              <th scope="col">Channels</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {result.events.map((event, index) => (
              <tr key={index}>
                <td className="number">{index + 1}</td>
                <td className="number">{formatDuration(event.onsetS)}</td>
                <td className="number">{Math.round(event.durationS)} s</td>
                <td className="number">{Math.round(event.confidence * 100)} %</td>
                <td>{event.channels.join(', ') || '—'}</td>
                <td>
                  {recordingId !== null && (
                    <button type="button" className="link-button" onClick={() => app.navigate('eeg', { recordingId, runId: run.id, timeS: event.onsetS })}>
                      Review at {formatDuration(event.onsetS)}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
