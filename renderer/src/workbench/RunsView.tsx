import { useState } from 'react';
import { TERMINAL_RUN_STATUSES } from '../../../shared/api/index.js';
import { formatElapsed } from '../../../shared/units.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { RunDetails } from './RunDetails.js';
import type { ViewProps } from './viewProps.js';

/** The project's runs, newest first, with the selected one (or the newest) in detail. */
export function RunsView({ app }: ViewProps) {
  const api = useApi();
  const { runs, error } = app.runs;
  const [cancelError, setCancelError] = useState<string | null>(null);
  const selected = runs.find((run) => run.id === app.selectedRunId) ?? runs[0] ?? null;

  const cancel = async (runId: number) => {
    setCancelError(null);
    try {
      await api.call('runs.cancel', { runId });
    } catch (error) {
      setCancelError(errorMessage(error));
    }
  };

  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <ErrorMessage message={error ?? cancelError} />
      {runs.length === 0 ? (
        <p className="empty">No runs yet. Start one from the library.</p>
      ) : (
        <table className="data-table runs-table">
          <caption>Runs in this project, newest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Pipeline</th>
              <th scope="col">Recording</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Duration</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} aria-selected={run.id === selected?.id} className={run.id === selected?.id ? 'selected' : undefined}>
                <td>{run.id}</td>
                <td>{run.pipeline}</td>
                <td>{run.recordingId ?? '—'}</td>
                <td className={`status status-${run.status}`} title={run.error ?? undefined}>
                  {run.status}
                </td>
                <td>
                  <ProgressBar fraction={run.progress} label={`Progress of run ${run.id}`} />
                  <span className="progress-message">{run.progressMessage}</span>
                </td>
                <td>{run.durationMs === null ? '—' : formatElapsed(run.durationMs)}</td>
                <td>
                  <button type="button" onClick={() => app.selectRun(run.id)} aria-label={`Show run ${run.id}`}>
                    Show
                  </button>
                  {!TERMINAL_RUN_STATUSES.includes(run.status) && (
                    <button type="button" onClick={() => void cancel(run.id)} aria-label={`Cancel run ${run.id}`}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <RunDetails run={selected} />}
    </section>
  );
}
