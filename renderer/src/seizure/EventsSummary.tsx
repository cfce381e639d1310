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
