import { TERMINAL_RUN_STATUSES, type Run } from '../../../shared/api/index.js';
import { formatElapsed } from '../../../shared/units.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { RunProgressLine } from '../components/RunProgress.js';
import { RunDetails } from './RunDetails.js';
import { recordingName, runRecordingIds } from './recordingNames.js';
import type { ViewProps } from './viewProps.js';

/** A finished run's line: "done" once succeeded (never a stale stage), else where it stopped. */
function FinishedProgress({ run }: { run: Run }) {
  const message = run.status === 'succeeded' ? 'done' : run.progressMessage ? `stopped at: ${run.progressMessage}` : '';
  return (
    <span className="run-progress">
      <ProgressBar fraction={run.progress} label={`Progress of run ${run.id}`} />
      <span className="progress-message">{message}</span>
    </span>
  );
}

/** The project's runs, newest first, with the selected one (or the newest) in detail. */
export function RunsView({ app }: ViewProps) {
  const { runs, error } = app.runs;
  const recordings = app.recordings.recordings;
  const selected = runs.find((run) => run.id === app.selectedRunId) ?? runs[0] ?? null;

  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <ErrorMessage message={error} />
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
            {runs.map((run) => {
              const names = runRecordingIds(run).map((id) => recordingName(recordings, id));
              return (
                <tr key={run.id} aria-selected={run.id === selected?.id} className={run.id === selected?.id ? 'selected' : undefined}>
                  <td>{run.id}</td>
                  <td>{run.pipeline}</td>
                  <td className="run-recordings" title={names.join('\n')}>
                    {names.length === 0 ? '—' : names.length <= 2 ? names.join(', ') : `${names[0]} and ${names.length - 1} more`}
                  </td>
                  <td className={`status status-${run.status}`} title={run.error ?? undefined}>
                    {run.status}
                  </td>
                  <td>
                    {TERMINAL_RUN_STATUSES.includes(run.status) ? (
                      <FinishedProgress run={run} />
                    ) : (
                      <RunProgressLine
                        runId={run.id}
                        fraction={run.progress}
                        message={run.progressMessage || run.status}
                        startedAtMs={run.startedAt ? Date.parse(run.startedAt) : null}
                        label="Progress of run"
                        cancellable
                      />
                    )}
                  </td>
                  <td>{run.durationMs === null ? '—' : formatElapsed(run.durationMs)}</td>
                  <td>
                    <button type="button" onClick={() => app.selectRun(run.id)} aria-label={`Show run ${run.id}`}>
                      Show
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selected && <RunDetails run={selected} app={app} />}
    </section>
  );
}
