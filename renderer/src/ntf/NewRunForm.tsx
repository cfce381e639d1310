/**
 * Starts an NTF run (`runs.start`, pipeline `ntf`) on calcium recordings of the project: one or
 * more animals, the rank range to sweep and the restarts per rank, with live progress; the
 * finished run is opened.
 */
import { useId, useState, type FormEvent } from 'react';
import type { Recording } from '../../../shared/api/index.js';
import { useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { RunProgress } from '../components/RunProgress.js';
import { useRecordings } from '../state/useRecordings.js';
import { useRunStart } from '../state/useRunStart.js';
import { ntfParams } from './params.js';

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function describeRecording(recording: Recording): string {
  const { metadata } = recording;
  const frames = metadata.calcium?.frameCount;
  const rate = metadata.sampleRateHz > 0 ? ` at ${Number(metadata.sampleRateHz.toFixed(2))} Hz` : '';
  const labelled = metadata.calcium ? `, ${metadata.calcium.labelledCells} named` : '';
  return `${metadata.channelCount} cells${labelled}${frames !== undefined ? `, ${frames} frames${rate}` : ''}`;
}

export function NewRunForm(props: { open: boolean; onFinished(runId: number): void }) {
  const api = useApi();
  const { recordings, error: recordingsError } = useRecordings();
  const calcium = recordings.filter((recording) => recording.metadata.modality === 'calcium');
  const [chosen, setChosen] = useState<Set<number> | null>(null);
  const [minRank, setMinRank] = useState('2');
  // The pipeline's own defaults (main/pipelines/ntf): ranks 2–12, 8 restarts each.
  const [maxRank, setMaxRank] = useState('12');
  const [restarts, setRestarts] = useState('8');
  const [rank, setRank] = useState('');
  const ids = { min: useId(), max: useId(), restarts: useId(), rank: useId() };
  const { details, running, failure, setFailure, start } = useRunStart({
    open: props.open,
    onSucceeded: props.onFinished,
    describeFailure: ({ runId, status, error }) => `NTF run ${runId} ${status}${error ? `: ${error}` : ''}`,
  });
  // Every calcium recording until the user picks: most analyses take all animals of a project.
  const selected = chosen ?? new Set(calcium.map((recording) => recording.id));

  const toggle = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const recordingIds = calcium.map((recording) => recording.id).filter((id) => selected.has(id));
    const checked = ntfParams({ recordingIds, minRank, maxRank, restarts, rank });
    if (!checked.ok) {
      setFailure(checked.message);
      return;
    }
    await start(() => api.call('runs.start', { pipeline: 'ntf', recordingId: null, params: checked.params }));
  };

  return (
    <details ref={details} className="ntf-new-run">
      <summary>New NTF run</summary>
      <form onSubmit={(event) => void onSubmit(event)} aria-label="New NTF run">
        <fieldset>
          <legend>Calcium recordings (one per animal)</legend>
          {calcium.length === 0 ? (
            <p className="empty">No calcium recordings in this project yet: import Suite2p, NWB or calcium HDF5/CSV files in the Library.</p>
          ) : (
            calcium.map((recording) => (
              <label key={recording.id} className="ntf-recording" title={recording.sourcePath}>
                <input type="checkbox" checked={selected.has(recording.id)} onChange={(event) => toggle(recording.id, event.target.checked)} />
                <span>{fileName(recording.sourcePath)}</span>
                <span className="ntf-recording-meta">{describeRecording(recording)}</span>
              </label>
            ))
          )}
        </fieldset>
        <div className="ntf-new-run-numbers">
          <label htmlFor={ids.min}>Smallest rank</label>
          <input id={ids.min} type="number" min={1} step={1} value={minRank} onChange={(event) => setMinRank(event.target.value)} />
          <label htmlFor={ids.max}>Largest rank</label>
          <input id={ids.max} type="number" min={1} step={1} value={maxRank} onChange={(event) => setMaxRank(event.target.value)} />
          <label htmlFor={ids.restarts}>Restarts per rank</label>
          <input id={ids.restarts} type="number" min={1} step={1} value={restarts} onChange={(event) => setRestarts(event.target.value)} />
          <label htmlFor={ids.rank}>Rank to show</label>
          <input id={ids.rank} className="ntf-rank-input" type="number" min={1} step={1} value={rank} placeholder="suggested" onChange={(event) => setRank(event.target.value)} />
        </div>
        <div>
          <button type="submit" disabled={running !== null || calcium.length === 0}>
            Start NTF run
          </button>
          <RunProgress running={running} label="Progress of NTF run" />
        </div>
        <ErrorMessage message={failure ?? recordingsError} />
      </form>
    </details>
  );
}
