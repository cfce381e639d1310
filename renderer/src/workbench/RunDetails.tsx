import { useEffect, useState } from 'react';
import type { Run, RunLogLine, RunResult } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { isLossCurve, LossCurve } from './LossCurve.js';

interface ChannelRms {
  label: string;
  unit: string;
  rms: number;
  mean: number;
  samples: number;
}

function isChannelTable(value: unknown): value is { channels: ChannelRms[] } {
  const channels = (value as { channels?: unknown } | null)?.channels;
  return Array.isArray(channels) && channels.every((row) => typeof (row as ChannelRms).rms === 'number');
}

function ResultView({ result }: { result: RunResult }) {
  // A training run's loss curve is drawn beside the parameters (see RunDetails).
  if (result.key === 'loss-curve' && isLossCurve(result.value)) return null;
  if (isChannelTable(result.value)) {
    return (
      <table className="data-table">
        <caption>Result “{result.key}”</caption>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">RMS</th>
            <th scope="col">Mean</th>
            <th scope="col">Unit</th>
            <th scope="col">Samples</th>
          </tr>
        </thead>
        <tbody>
          {result.value.channels.map((channel, index) => (
            <tr key={index}>
              <td>{channel.label}</td>
              <td className="number">{channel.rms.toPrecision(6)}</td>
              <td className="number">{channel.mean.toPrecision(6)}</td>
              <td>{channel.unit}</td>
              <td className="number">{channel.samples}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <figure>
      <figcaption>Result “{result.key}”</figcaption>
      <pre>{JSON.stringify(result.value, null, 2)}</pre>
    </figure>
  );
}

/** Logs (live) and, once the run has finished, its stored results. */
export function RunDetails({ run }: { run: Run }) {
  const api = useApi();
  const [logs, setLogs] = useState<RunLogLine[]>([]);
  const [results, setResults] = useState<RunResult[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setLogs([]);
    api.call('runs.logs', { runId: run.id }).then(setLogs, (failure: unknown) => setError(errorMessage(failure)));
    return api.on('run.log', ({ runId, line }) => {
      if (runId === run.id) setLogs((current) => [...current, line]);
    });
  }, [api, run.id]);

  useEffect(() => {
    if (run.status !== 'succeeded') return setResults([]);
    api.call('runs.results', { runId: run.id }).then(setResults, (failure: unknown) => setError(errorMessage(failure)));
  }, [api, run.id, run.status]);

  return (
    <section className="run-details" aria-label={`Run ${run.id} details`}>
      <h2>
        Run {run.id}: {run.pipeline}
      </h2>
      <p className="params">
        Parameters: <code>{JSON.stringify(run.params)}</code> · code {run.codeVersion}
      </p>
      <ErrorMessage message={error ?? run.error} />
      {results.map((result) =>
        result.key === 'loss-curve' && isLossCurve(result.value) ? <LossCurve key={result.key} value={result.value} title="Loss curve" /> : null,
      )}
      {results.map((result) => (
        <ResultView key={result.key} result={result} />
      ))}
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
