import { Suspense, useEffect, useState } from 'react';
import { TERMINAL_RUN_STATUSES, type Run, type RunLogLine, type RunResult } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { KeyValueTable, Value } from '../components/ValueTable.js';
import { resultSummaryOf } from '../results.js';
import { DeleteRun } from './DeleteRun.js';
import { recordingName } from './recordingNames.js';
import type { ResultSummaryProps } from './resultSummary.js';
import type { AppContext } from './viewProps.js';

/** Results no domain summarises: each as a key/value table (arrays described by type and shape). */
function GenericResults({ results }: ResultSummaryProps) {
  return (
    <>
      {results.map((result) => (
        <table key={result.key} className="data-table key-value-table" aria-label={`Result ${result.key}`}>
          <caption>Result “{result.key}”</caption>
          <tbody>
            <tr>
              <th scope="row">value</th>
              <td>
                <Value value={result.value} />
              </td>
            </tr>
            {result.array && (
              <tr>
                <th scope="row">array</th>
                <td>
                  {result.array.dtype}, shape {result.array.shape.join(' × ')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      ))}
    </>
  );
}

/** The parameters as the user set them, with the recordings a run read by name rather than id. */
function namedParams(run: Run, app: AppContext): Record<string, unknown> {
  const { recordingIds, ...rest } = run.params;
  if (!Array.isArray(recordingIds)) return run.params;
  return { recordings: recordingIds.map((id) => (typeof id === 'number' ? recordingName(app.recordings.recordings, id) : id)), ...rest };
}

/** A run in full: parameters, its result summary and the view that opens it, deletion, the log. */
export function RunDetails({ run, app }: { run: Run; app: AppContext }) {
  const api = useApi();
  const [logs, setLogs] = useState<RunLogLine[]>([]);
  // Tagged with their run, so a summary never shows another run's results while these load.
  const [results, setResults] = useState<{ runId: number; list: RunResult[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const summary = resultSummaryOf(run.pipeline);
  const Summary = summary?.component ?? GenericResults;
  const Live = summary?.live;

  // Each effect drops the answers of the run shown before (`current`): switching from a run with a
  // large log or results to another must not let the slower, older answer land last and stay.
  useEffect(() => {
    let current = true;
    setLogs([]);
    setError(null);
    api.call('runs.logs', { runId: run.id }).then(
      (lines) => current && setLogs(lines),
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    const unsubscribe = api.on('run.log', ({ runId, line }) => {
      if (runId === run.id) setLogs((lines) => [...lines, line]);
    });
    return () => {
      current = false;
      unsubscribe();
    };
  }, [api, run.id]);

  useEffect(() => {
    if (run.status !== 'succeeded') return setResults(null);
    let current = true;
    api.call('runs.results', { runId: run.id }).then(
      (list) => current && setResults({ runId: run.id, list }),
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, run.id, run.status]);

  const succeeded = run.status === 'succeeded';
  return (
    <section className="run-details" aria-label={`Run ${run.id} details`}>
      <header className="run-details-header">
        <h2>
          Run {run.id}: {run.pipeline}
          {run.recordingId !== null && <span className="run-recording"> on {recordingName(app.recordings.recordings, run.recordingId)}</span>}
        </h2>
        {succeeded && summary?.opens && (
          <button type="button" onClick={() => app.navigate(summary.opens!.viewId, summary.opens!.target(run))}>
            {summary.opens.action}
          </button>
        )}
        {TERMINAL_RUN_STATUSES.includes(run.status) && <DeleteRun key={run.id} run={run} onDeleted={app.runs.refresh} />}
      </header>
      <ErrorMessage message={error ?? run.error} />
      <div className="run-details-body">
        <div className="run-params">
          <KeyValueTable value={namedParams(run, app)} caption="Parameters" label={`Parameters of run ${run.id}`} />
          <p className="eeg-hint">code {run.codeVersion}</p>
        </div>
        <div className="run-results">
          {succeeded && results?.runId === run.id && (
            <Suspense fallback={<p className="empty">Loading the summary…</p>}>
              <Summary run={run} results={results.list} app={app} />
            </Suspense>
          )}
          {!succeeded && Live && (
            <Suspense fallback={<p className="empty">Loading…</p>}>
              <Live run={run} app={app} />
            </Suspense>
          )}
        </div>
      </div>
      <h3>Log</h3>
      <ol className="log" aria-label={`Log of run ${run.id}`}>
        {logs.map((line, index) => (
          <li key={index} className={`log-${line.level}`}>
            <time>{line.time.slice(11, 19)}</time> {line.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
